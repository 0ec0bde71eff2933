-- One row per scored model and lead of its test period (test_period_days
-- from activated_on), with the score the lead had before sales touched it:
-- on the day before its first CRM stage change in the period, or on the
-- period's last day (as_of while the period runs) when sales never did.
-- Leads already in the CRM before the period, and excluded leads, are out.
-- A lead converted when it reached converted_funnel_stage in the period.
{%- set converted_rank = {'sal': 1, 'sql': 2, 'opportunity': 3, 'won': 4}[
    var('converted_funnel_stage')] %}
with

scoring_models as (

    select
        model_id,
        status as model_status,
        decay_method,
        decay_days,
        decay_pct,
        min_score,
        max_score,
        activated_on
    from {{ ref('scoring_models') }}
    where status in ('active', 'draft')

),

leads as (

    select
        lead_id,
        cast(created_at as date) as created_date
    from {{ ref('stg_marketing__leads') }}
    where cast(created_at as date) <= {{ as_of_date() }}

),

excluded_leads as (

    select distinct
        lead_id,
        model_id
    from {{ ref('int_leads_matched_to_fit_rules') }}
    where excludes_lead

),

-- Every lead under every scored model, with whether a fit rule excludes it.
lead_scores as (

    select
        leads.lead_id,
        scoring_models.model_id,
        excluded_leads.lead_id is not null as is_excluded
    from leads
    cross join scoring_models
    left join excluded_leads
        on
            leads.lead_id = excluded_leads.lead_id
            and scoring_models.model_id = excluded_leads.model_id

),

score_state as (

    select
        lead_id,
        model_id,
        cap_points,
        fixed_points,
        decaying_points,
        decaying_from,
        valid_from,
        valid_to,
        last_activity_date
    from {{ ref('int_score_state') }}

),

score_groups as (

    select
        model_id,
        group_name,
        min_score,
        max_score,
        is_sales_ready
    from {{ ref('score_groups') }}

),

funnel_changes as (

    select
        lead_id,
        funnel_rank,
        changed_date
    from {{ ref('int_stage_changes_mapped_to_funnel') }}

),

test_periods as (

    select
        model_id,
        coalesce(
            activated_on,
            {{ dbt.dateadd(
                'day', -var('test_period_days'), as_of_date()
            ) }}
        ) as period_start
    from scoring_models

),

periods as (

    select
        model_id,
        cast(period_start as date) as period_start,
        cast(
            {{ dbt.dateadd('day', var('test_period_days'), 'period_start') }}
            as date
        ) as period_end
    from test_periods

),

observed_periods as (

    select
        model_id,
        period_start,
        period_end,
        case
            when period_end <= {{ as_of_date() }}
                then cast({{ dbt.dateadd('day', -1, 'period_end') }} as date)
            else {{ as_of_date() }}
        end as observed_through
    from periods
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
                crm_outcomes.first_changed_date > leads.created_date
                then cast(
                    {{ dbt.dateadd(
                        'day', -1, 'crm_outcomes.first_changed_date'
                    ) }} as date
                )
            else leads.created_date
        end as observed_date
    from lead_scores
    inner join observed_periods
        on lead_scores.model_id = observed_periods.model_id
    inner join leads
        on lead_scores.lead_id = leads.lead_id
    left join crm_outcomes
        on
            lead_scores.lead_id = crm_outcomes.lead_id
            and lead_scores.model_id = crm_outcomes.model_id
    where
        not lead_scores.is_excluded
        and leads.created_date <= observed_periods.observed_through
        and crm_outcomes.changed_before_period_date is null

),

scored as (

    select
        observed.lead_id,
        observed.model_id,
        observed.period_start,
        observed.period_end,
        observed.is_converted,
        observed.observed_date,
        {{ clamp_score(
            'sum(' ~ component_points_on('observed.observed_date') ~ ')'
        ) }} as lead_score
    from observed
    inner join score_state as state
        on
            observed.lead_id = state.lead_id
            and observed.model_id = state.model_id
            and observed.observed_date >= state.valid_from
            and (
                state.valid_to is null
                or observed.observed_date < state.valid_to
            )
    inner join scoring_models
        on observed.model_id = scoring_models.model_id
    group by
        observed.lead_id,
        observed.model_id,
        observed.period_start,
        observed.period_end,
        observed.is_converted,
        observed.observed_date,
        scoring_models.min_score,
        scoring_models.max_score

),

final as (

    select
        scored.lead_id,
        scored.model_id,
        score_groups.group_name,
        cast(scored.lead_score as double) as lead_score,
        ntile(10) over (
            partition by scored.model_id
            order by round(scored.lead_score, 6), scored.lead_id
        ) as score_decile,
        score_groups.is_sales_ready,
        scored.is_converted,
        scored.period_start,
        scored.period_end,
        scored.observed_date
    from scored
    inner join score_groups
        on
            scored.model_id = score_groups.model_id
            and {{ in_band('scored.lead_score', 'score_groups') }}

)

select * from final
