-- Form submissions with the lead they belong to: their own lead_id, else
-- the lead their cookie was identified as, like a web event. loaded_at is
-- when the submission reached the warehouse as the lead's: the later of
-- the submission's and the identification's _loaded_at.
{{ config(materialized='view') }}
with

form_submissions as (

    select
        submission_id,
        lead_id,
        visitor_id,
        form_id,
        page_url,
        submitted_at,
        _loaded_at
    from {{ ref('stg_marketing__form_submissions') }}

),

visitor_identities as (

    select
        visitor_id,
        lead_id,
        _loaded_at
    from {{ ref('stg_marketing__visitor_identities') }}

),

final as (

    select
        form_submissions.submission_id,
        form_submissions.form_id,
        form_submissions.page_url,
        form_submissions.submitted_at,
        {{ stitched_lead('form_submissions') }}
    from form_submissions
    left join visitor_identities
        on form_submissions.visitor_id = visitor_identities.visitor_id

)

select * from final
