-- The activity stream: every raw marketing event as one activity row, in
-- the shape rules match on (design §3). Anonymous web events stay here
-- with a null lead_id so nothing is dropped silently; they are not scored.
-- loaded_at is when the activity reached the warehouse (through a cookie
-- identification or a form submission, the later of the two _loaded_at).
with

web_events as (

    select
        event_id,
        lead_id,
        event_type,
        page_url,
        asset_id,
        duration_seconds,
        occurred_at,
        loaded_at
    from {{ ref('int_web_events_stitched') }}

),

email_events as (

    select
        event_id,
        lead_id,
        campaign_id,
        event_type,
        link_url,
        occurred_at,
        _loaded_at as loaded_at
    from {{ ref('stg_marketing__email_events') }}

),

form_submissions as (

    select
        submission_id,
        lead_id,
        visitor_id,
        form_id,
        page_url,
        submitted_at,
        _loaded_at as loaded_at
    from {{ ref('stg_marketing__form_submissions') }}

),

form_answers as (

    select
        submission_id,
        question_id,
        answer,
        _loaded_at as loaded_at
    from {{ ref('stg_marketing__form_answers') }}

),

social_events as (

    select
        event_id,
        lead_id,
        network,
        event_type,
        occurred_at,
        _loaded_at as loaded_at
    from {{ ref('stg_marketing__social_events') }}

),

visitor_identities as (

    select
        visitor_id,
        lead_id,
        _loaded_at as loaded_at
    from {{ ref('stg_marketing__visitor_identities') }}

),

-- A form without a known lead belongs to the lead its cookie was
-- identified as, like a web event.
submissions_stitched as (

    select
        form_submissions.submission_id,
        coalesce(
            form_submissions.lead_id, visitor_identities.lead_id
        ) as lead_id,
        form_submissions.form_id,
        form_submissions.page_url,
        form_submissions.submitted_at,
        case
            when form_submissions.lead_id is null
                then greatest(
                    form_submissions.loaded_at, visitor_identities.loaded_at
                )
            else form_submissions.loaded_at
        end as loaded_at
    from form_submissions
    left join visitor_identities
        on form_submissions.visitor_id = visitor_identities.visitor_id

),

web_activities as (

    select
        {{ dbt.concat(["'web:'", 'event_id']) }} as activity_id,
        lead_id,
        {{ dbt.concat(["'web.'", 'event_type']) }} as activity_type,
        page_url as activity_key,
        asset_id as activity_value,
        duration_seconds,
        occurred_at,
        loaded_at
    from web_events

),

time_on_site_activities as (

    select
        {{ dbt.concat([
            "'time_on_site:'",
            'lead_id',
            "':'",
            'cast(cast(occurred_at as date) as ' ~ dbt.type_string() ~ ')',
        ]) }} as activity_id,
        lead_id,
        'web.time_on_site' as activity_type,
        cast(null as {{ dbt.type_string() }}) as activity_key,
        cast(null as {{ dbt.type_string() }}) as activity_value,
        cast(sum(coalesce(duration_seconds, 0)) as {{ dbt.type_int() }})
            as duration_seconds,
        min(occurred_at) as occurred_at,
        max(loaded_at) as loaded_at
    from web_events
    where lead_id is not null
    group by lead_id, cast(occurred_at as date)

),

email_activities as (

    select
        {{ dbt.concat(["'email:'", 'event_id']) }} as activity_id,
        lead_id,
        {{ dbt.concat(["'email.'", 'event_type']) }} as activity_type,
        campaign_id as activity_key,
        link_url as activity_value,
        cast(null as {{ dbt.type_int() }}) as duration_seconds,
        occurred_at,
        loaded_at
    from email_events

),

form_submit_activities as (

    select
        {{ dbt.concat(["'form:'", 'submission_id']) }} as activity_id,
        lead_id,
        'form.submit' as activity_type,
        form_id as activity_key,
        page_url as activity_value,
        cast(null as {{ dbt.type_int() }}) as duration_seconds,
        submitted_at as occurred_at,
        loaded_at
    from submissions_stitched

),

form_answer_activities as (

    select
        {{ dbt.concat([
            "'answer:'",
            'form_answers.submission_id',
            "':'",
            'form_answers.question_id',
        ]) }} as activity_id,
        submissions_stitched.lead_id,
        'form.answer' as activity_type,
        form_answers.question_id as activity_key,
        form_answers.answer as activity_value,
        cast(null as {{ dbt.type_int() }}) as duration_seconds,
        submissions_stitched.submitted_at as occurred_at,
        greatest(form_answers.loaded_at, submissions_stitched.loaded_at)
            as loaded_at
    from form_answers
    inner join submissions_stitched
        on form_answers.submission_id = submissions_stitched.submission_id

),

social_activities as (

    select
        {{ dbt.concat(["'social:'", 'event_id']) }} as activity_id,
        lead_id,
        {{ dbt.concat(["'social.'", 'event_type']) }} as activity_type,
        network as activity_key,
        cast(null as {{ dbt.type_string() }}) as activity_value,
        cast(null as {{ dbt.type_int() }}) as duration_seconds,
        occurred_at,
        loaded_at
    from social_events

),

unioned as (

    select * from web_activities
    union all
    select * from time_on_site_activities
    union all
    select * from email_activities
    union all
    select * from form_submit_activities
    union all
    select * from form_answer_activities
    union all
    select * from social_activities

),

final as (

    select
        activity_id,
        lead_id,
        activity_type,
        activity_key,
        activity_value,
        duration_seconds,
        cast(occurred_at as date) as activity_date,
        occurred_at,
        loaded_at
    from unioned

)

select * from final
