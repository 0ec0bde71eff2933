-- Data quality of the raw tables: one row per run, source table and kind
-- of problem, with the number of rows it concerns, and the usable rows
-- (issue usable_rows), so that a clean run shows too. Quarantined rows are
-- left out of scoring (the base_ models in staging hold them, with their
-- quarantine_reason); a malformed email, or an optional value that does
-- not cast (company_size, duration_seconds, amount), only drops that value
-- and is counted as its own issue; so is a CRM stage pipeline_stages does
-- not map (unmapped_crm_stage, named in rpt_seed_gaps). Appended
-- by every run, so a dashboard shows the trend.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
) }}
-- depends_on: {{ ref('int_seed_fingerprints') }}  (a broken seed stops it)
{%- set bases = [
    ('marketing.leads', 'base_marketing__leads'),
    ('marketing.web_events', 'base_marketing__web_events'),
    ('marketing.visitor_identities', 'base_marketing__visitor_identities'),
    ('marketing.email_events', 'base_marketing__email_events'),
    ('marketing.form_submissions', 'base_marketing__form_submissions'),
    ('marketing.form_answers', 'base_marketing__form_answers'),
    ('marketing.social_events', 'base_marketing__social_events'),
    ('crm.lead_stage_changes', 'base_crm__lead_stage_changes'),
] %}
{#- Values dropped from rows that are kept. #}
{%- set dropped_values = [
    ('marketing.leads', 'base_marketing__leads', 'has_malformed_email'),
    ('marketing.leads', 'base_marketing__leads', 'has_uncastable_company_size'),
    (
        'marketing.web_events', 'base_marketing__web_events',
        'has_uncastable_duration_seconds',
    ),
    (
        'marketing.web_events', 'base_marketing__web_events',
        'has_negative_duration_seconds',
    ),
    (
        'crm.lead_stage_changes', 'base_crm__lead_stage_changes',
        'has_uncastable_amount',
    ),
] %}
with

checked_rows as (
    {%- for source_table, base in bases %}

        select
            '{{ source_table }}' as source_table,
            quarantine_reason as issue,
            quarantine_reason is not null as is_quarantined
        from {{ ref(base) }}
        union all
    {%- endfor %}

    {%- for source_table, base, flag in dropped_values %}

        select
            '{{ source_table }}' as source_table,
            '{{ flag | replace("has_", "") }}' as issue,
            false as is_quarantined
        from {{ ref(base) }}
        where {{ flag }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

issue_counts as (

    select
        source_table,
        coalesce(issue, 'usable_rows') as issue,
        is_quarantined,
        count(*) as row_count
    from checked_rows
    group by source_table, issue, is_quarantined
    union all
    select
        'crm.lead_stage_changes' as source_table,
        gap_type as issue,
        false as is_quarantined,
        sum(row_count) as row_count
    from {{ ref('rpt_seed_gaps') }}
    where gap_type = 'unmapped_crm_stage'
    group by gap_type

),

final as (

    select
        source_table,
        issue,
        row_count,
        is_quarantined,
        {{ as_of_date() }} as as_of,
        {{ run_started_timestamp() }} as run_started_at
    from issue_counts

)

select * from final
