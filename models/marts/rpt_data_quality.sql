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
{#- Each source table, its base_ model and the flags of a value dropped
    from a row that is kept. #}
{%- set bases = [
    (
        'marketing.leads', 'base_marketing__leads',
        ['has_malformed_email', 'has_uncastable_company_size'],
    ),
    (
        'marketing.web_events', 'base_marketing__web_events',
        ['has_uncastable_duration_seconds', 'has_negative_duration_seconds'],
    ),
    ('marketing.visitor_identities', 'base_marketing__visitor_identities', []),
    ('marketing.email_events', 'base_marketing__email_events', []),
    ('marketing.form_submissions', 'base_marketing__form_submissions', []),
    ('marketing.form_answers', 'base_marketing__form_answers', []),
    ('marketing.social_events', 'base_marketing__social_events', []),
    ('crm.lead_stage_changes', 'base_crm__lead_stage_changes', ['has_uncastable_amount']),
] %}
with
{#- One pass over each base_ model (every raw row, cleaned): its
    rows by quarantine_reason, and how many of them have each value
    dropped. #}
{% for source_table, base, flags in bases %}
    {{ base }}_counts as (

        select
            quarantine_reason,
            {%- for flag in flags %}
                count(case when {{ flag }} then 1 end) as {{ flag }},
            {%- endfor %}
            count(*) as row_count
        from {{ ref(base) }}
        group by quarantine_reason

    ),
{% endfor %}
issue_counts as (
    {%- for source_table, base, flags in bases %}

        select
            '{{ source_table }}' as source_table,
            coalesce(quarantine_reason, 'usable_rows') as issue,
            quarantine_reason is not null as is_quarantined,
            row_count
        from {{ base }}_counts
        {%- for flag in flags %}
            union all
            select
                '{{ source_table }}' as source_table,
                '{{ flag | replace("has_", "") }}' as issue,
                false as is_quarantined,
                sum({{ flag }}) as row_count
            from {{ base }}_counts
            having sum({{ flag }}) > 0
        {%- endfor %}
        union all
    {%- endfor %}
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
