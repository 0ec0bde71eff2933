-- Every raw form answer, cleaned, with why it is quarantined (null: it is
-- good). An answer takes its lead and time from its submission, so one of
-- a submission that is not there (or quarantined) is quarantined too.
{%- set raw_table = source('marketing', 'form_answers') %}
with

source as (

    select * from {{ raw_table }}

),

submissions as (

    select submission_id
    from {{ ref('stg_marketing__form_submissions') }}

),

renamed as (

    select
        {{ clean_id('submission_id') }} as submission_id,
        {{ clean_id('question_id') }} as question_id,
        {{ text_value('answer') }} as answer,
        {{ cast_or_flag(
            '_loaded_at', dbt.type_timestamp(),
            source_column=loaded_at_column('marketing'), relation=raw_table
        ) }}
    from source

),

checked as (

    select
        renamed.*,
        submissions.submission_id is not null as is_submission_known
    from renamed
    left join submissions
        on renamed.submission_id = submissions.submission_id

),

problems as (

    select
        *,
        {{ row_problem(
            ['submission_id', 'question_id', 'answer'],
            checks=[('not is_submission_known', 'unknown_submission')],
            uncastable=['_loaded_at'],
        ) }} as row_problem
    from checked

),

-- Of the rows with one key, the latest usable one is kept.
ranked as (

    select
        *,
        row_number() over (
            partition by submission_id, question_id
            order by
                case when row_problem is null then 0 else 1 end,
                _loaded_at desc
        ) as version_rank
    from problems

),

final as (

    select
        submission_id,
        question_id,
        answer,
        coalesce(
            row_problem,
            case when version_rank > 1 then 'duplicate_key' end
        ) as quarantine_reason,
        _loaded_at
    from ranked

)

select * from final
