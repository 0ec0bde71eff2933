-- One row per scored model and lead of its test period (test_period_days
-- from activated_on), with the day its score counts (observed_date): the
-- day before its first CRM stage change in the period, or the period's
-- last day (as_of while the period runs) when sales never did.
-- Leads already in the CRM before the period, and excluded leads, are out.
-- A lead converted when it reached converted_funnel_stage in the period.
{%- set converted_rank = {'sal': 1, 'sql': 2, 'opportunity': 3, 'won': 4}[
    var('converted_funnel_stage')] %}
{{ config(materialized='view') }}
with

scoring_models as (

    select model_id
    from {{ ref('scoring_models') }}
    where status in ('active', 'draft')

),

-- Every lead under every scored model but those a fit rule excludes.
lead_scores as (

    select
        leads.lead_id,
        scoring_models.model_id,
        cast(leads.created_at as date) as created_date
    from {{ ref('stg_marketing__leads') }} as leads
    cross join scoring_models
    where
        cast(leads.created_at as date) <= {{ as_of_date() }}
        and not exists (
            select 1
            from {{ ref('int_leads_matched_to_fit_rules') }} as fit_matches
            where
                fit_matches.excludes_lead
                and fit_matches.lead_id = leads.lead_id
                and fit_matches.model_id = scoring_models.model_id
        )

),

funnel_changes as (

    select
        lead_id,
        funnel_rank,
        changed_date
    from {{ ref('int_stage_changes_mapped_to_funnel') }}

),

observed_periods as (

    select
        model_id,
        period_start,
        period_end,
        observed_through
    from {{ ref('int_test_periods') }}
    where period_start <= {{ as_of_date() }}

),

crm_outcomes as (

    select
        lead_scores.lead_id,
        lead_scores.model_id,
        min(
            case
                when funnel_changes.changed_date < observed_periods.period_start
                    then funnel_changes.changed_date
            end
        ) as changed_before_period_date,
        min(funnel_changes.changed_date) as first_changed_date,
        max(
            case
                when
                    funnel_changes.changed_date
                    >= observed_periods.period_start
                    then funnel_changes.funnel_rank
                else 0
            end
        ) as funnel_rank
    from lead_scores
    inner join observed_periods
        on lead_scores.model_id = observed_periods.model_id
    inner join funnel_changes
        on
            lead_scores.lead_id = funnel_changes.lead_id
            and observed_periods.observed_through >= funnel_changes.changed_date
    group by lead_scores.lead_id, lead_scores.model_id

),

observed as (

    select
        lead_scores.lead_id,
        lead_scores.model_id,
        observed_periods.period_start,
        observed_periods.period_end,
        coalesce(crm_outcomes.funnel_rank, 0) >= {{ converted_rank }}
            as is_converted,
        case
            when crm_outcomes.first_changed_date is null
                then observed_periods.observed_through
            when
                crm_outcomes.first_changed_date > lead_scores.created_date
                then cast(
                    {{ dbt.dateadd(
                        'day', -1, 'crm_outcomes.first_changed_date'
                    ) }} as date
                )
            else lead_scores.created_date
        end as observed_date
    from lead_scores
    inner join observed_periods
        on lead_scores.model_id = observed_periods.model_id
    left join crm_outcomes
        on
            lead_scores.lead_id = crm_outcomes.lead_id
            and lead_scores.model_id = crm_outcomes.model_id
    where
        lead_scores.created_date <= observed_periods.observed_through
        and crm_outcomes.changed_before_period_date is null

)

select * from observed
