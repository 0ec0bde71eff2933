-- The form part of the activity stream (docs/scoring.md): form.submit per
-- submission, and form.answer per answer, which takes its lead and its time
-- from its submission.
{{ config(materialized='view') }}
with

form_submissions as (

    select
        submission_id,
        lead_id,
        form_id,
        page_url,
        submitted_at,
        loaded_at
    from {{ ref('int_form_submissions_stitched') }}

),

form_answers as (

    select
        submission_id,
        question_id,
        answer,
        _loaded_at as loaded_at
    from {{ ref('stg_marketing__form_answers') }}

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
    from form_submissions

),

form_answer_activities as (

    select
        {{ dbt.concat([
            "'answer:'",
            'form_answers.submission_id',
            "':'",
            'form_answers.question_id',
        ]) }} as activity_id,
        form_submissions.lead_id,
        'form.answer' as activity_type,
        form_answers.question_id as activity_key,
        form_answers.answer as activity_value,
        cast(null as {{ dbt.type_int() }}) as duration_seconds,
        form_submissions.submitted_at as occurred_at,
        greatest(form_answers.loaded_at, form_submissions.loaded_at)
            as loaded_at
    from form_answers
    inner join form_submissions
        on form_answers.submission_id = form_submissions.submission_id

)

select * from form_submit_activities
union all
select * from form_answer_activities
