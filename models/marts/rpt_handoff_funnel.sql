-- The feedback loop: how far each month's handoffs went down the funnel,
-- against the leads never handed off (the baseline; see the YAML).
{%- set stages = ['sal', 'sql', 'opportunity', 'won'] %}
with

handoffs as (

    select * from {{ ref('fct_handoffs') }}

),

lead_scores as (

    select
        lead_id,
        model_id,
        is_excluded
    from {{ ref('fct_lead_scores') }}

),

leads as (

    select
        lead_id,
        created_date
    from {{ ref('dim_leads') }}

),

funnel_changes as (

    select
        lead_id,
        funnel_rank,
        is_rejection
    from {{ ref('int_stage_changes_mapped_to_funnel') }}

),

lead_outcomes as (

    select
        lead_id,
        max(funnel_rank) as funnel_rank,
        max(case when is_rejection then 1 else 0 end) = 1 as is_rejected
    from funnel_changes
    group by lead_id

),

never_handed_off as (

    select
        lead_scores.model_id,
        cast(
            {{ dbt.date_trunc('month', 'leads.created_date') }} as date
        ) as cohort_month,
        coalesce(lead_outcomes.funnel_rank, 0) as funnel_rank,
        coalesce(lead_outcomes.is_rejected, false) as is_rejected
    from lead_scores
    inner join leads
        on lead_scores.lead_id = leads.lead_id
    left join lead_outcomes
        on lead_scores.lead_id = lead_outcomes.lead_id
    where
        not lead_scores.is_excluded
        and not exists (
            select 1
            from handoffs
            where
                handoffs.lead_id = lead_scores.lead_id
                and handoffs.model_id = lead_scores.model_id
        )

),

baseline as (

    select
        model_id,
        cohort_month,
        count(*) as baseline_leads,
        {%- for stage in stages %}
            avg(case when funnel_rank >= {{ loop.index }} then 1 else 0 end)
                as baseline_{{ stage }}_share,
        {%- endfor %}
        avg(case when is_rejected then 1 else 0 end)
            as baseline_rejected_share
    from never_handed_off
    group by model_id, cohort_month

),

cohorts as (

    select
        model_id,
        model_status,
        group_name,
        handoff_month as cohort_month,
        count(*) as handoffs,
        {%- for stage in stages %}
            avg(case when has_reached_{{ stage }} then 1 else 0 end)
                as {{ stage }}_share,
        {%- endfor %}
        {%- for stage in stages %}
            cast(median(days_to_{{ stage }}) as double)
                as median_days_to_{{ stage }},
        {%- endfor %}
        avg(case when is_rejected then 1 else 0 end) as rejected_share
    from handoffs
    group by model_id, model_status, group_name, handoff_month

),

final as (

    select
        cohorts.model_id,
        cohorts.model_status,
        cohorts.group_name,
        cohorts.handoffs,
        {%- for stage in stages %}
            cohorts.{{ stage }}_share,
        {%- endfor %}
        cohorts.rejected_share,
        {%- for stage in stages %}
            cohorts.median_days_to_{{ stage }},
        {%- endfor %}
        coalesce(baseline.baseline_leads, 0) as baseline_leads,
        {%- for stage in stages %}
            baseline.baseline_{{ stage }}_share,
        {%- endfor %}
        baseline.baseline_rejected_share,
        {%- for stage in stages %}
            cohorts.{{ stage }}_share
            / nullif(baseline.baseline_{{ stage }}_share, 0)
                as {{ stage }}_lift,
        {%- endfor %}
        cohorts.cohort_month
    from cohorts
    left join baseline
        on
            cohorts.model_id = baseline.model_id
            and cohorts.cohort_month = baseline.cohort_month

)

select * from final
