-- Every raw form answer, cleaned, with why it is quarantined (null: it is
-- good). An answer takes its lead and time from its submission, so one of
-- a submission that is not there (or quarantined) is quarantined too.
with

source as (

    select * from {{ source('marketing', 'form_answers') }}

),

submissions as (

    select submission_id
    from {{ ref('stg_marketing__form_submissions') }}

),

renamed as (

    select
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(question_id as {{ dbt.type_string() }}) as question_id,
        trim(answer) as answer,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from source

),

checked as (

    select
        renamed.*,
        submissions.submission_id is not null as is_submission_known,
        row_number() over (
            partition by renamed.submission_id, renamed.question_id
            order by renamed._loaded_at desc
        ) as version_rank
    from renamed
    left join submissions
        on renamed.submission_id = submissions.submission_id

),

final as (

    select
        submission_id,
        question_id,
        answer,
        {{ quarantine_reason(
            ['submission_id', 'question_id', 'answer'],
            checks=[('not is_submission_known', 'unknown_submission')],
        ) }} as quarantine_reason,
        _loaded_at
    from checked

)

select * from final
