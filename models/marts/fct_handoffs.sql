-- Handoffs: one row per time a non-excluded lead entered a sales-ready
-- group of a scored model (active or draft: a draft model's handoffs are
-- the ones it would have made), with the score it had then and the funnel
-- stages its CRM record reached from that day until its next handoff.
with

transitions as (

    select
        lead_id,
        model_id,
        from_group,
        to_group,
        lead_score,
        transition_date
    from {{ ref('fct_group_transitions') }}

),

lead_scores as (

    select
        lead_id,
        model_id,
        model_status,
        is_excluded
    from {{ ref('fct_lead_scores') }}

),

score_groups as (

    select
        model_id,
        group_name,
        is_sales_ready
    from {{ ref('score_groups') }}

),

funnel_changes as (

    select
        lead_id,
        funnel_rank,
        is_rejection,
        changed_date
    from {{ ref('int_stage_changes_mapped_to_funnel') }}

),

-- Entering a sales-ready group from one that is not (or from none).
handoffs as (

    select
        transitions.lead_id,
        transitions.model_id,
        lead_scores.model_status,
        transitions.to_group as group_name,
        transitions.lead_score as handoff_score,
        transitions.transition_date as handoff_date
    from transitions
    inner join lead_scores
        on
            transitions.lead_id = lead_scores.lead_id
            and transitions.model_id = lead_scores.model_id
    inner join score_groups as to_groups
        on
            transitions.model_id = to_groups.model_id
            and transitions.to_group = to_groups.group_name
    left join score_groups as from_groups
        on
            transitions.model_id = from_groups.model_id
            and transitions.from_group = from_groups.group_name
    where
        to_groups.is_sales_ready
        and not coalesce(from_groups.is_sales_ready, false)
        and not lead_scores.is_excluded

),

handoff_windows as (

    select
        *,
        lead(handoff_date) over (
            partition by lead_id, model_id order by handoff_date
        ) as next_handoff_date
    from handoffs

),

-- The first day on or past each funnel stage within the handoff's window.
reached as (

    select
        handoff_windows.lead_id,
        handoff_windows.model_id,
        handoff_windows.handoff_date,
        min(
            case
                when funnel_changes.funnel_rank >= 1
                    then funnel_changes.changed_date
            end
        ) as sal_date,
        min(
            case
                when funnel_changes.funnel_rank >= 2
                    then funnel_changes.changed_date
            end
        ) as sql_date,
        min(
            case
                when funnel_changes.funnel_rank >= 3
                    then funnel_changes.changed_date
            end
        ) as opportunity_date,
        min(
            case
                when funnel_changes.funnel_rank >= 4
                    then funnel_changes.changed_date
            end
        ) as won_date,
        min(
            case
                when funnel_changes.is_rejection
                    then funnel_changes.changed_date
            end
        ) as rejected_date
    from handoff_windows
    inner join funnel_changes
        on
            handoff_windows.lead_id = funnel_changes.lead_id
            and handoff_windows.handoff_date <= funnel_changes.changed_date
            and (
                handoff_windows.next_handoff_date is null
                or handoff_windows.next_handoff_date
                > funnel_changes.changed_date
            )
    group by
        handoff_windows.lead_id,
        handoff_windows.model_id,
        handoff_windows.handoff_date

),

final as (

    select
        handoff_windows.lead_id,
        handoff_windows.model_id,
        handoff_windows.model_status,
        handoff_windows.group_name,
        handoff_windows.handoff_score,
        {{ dbt.datediff(
            'handoff_windows.handoff_date', 'reached.sal_date', 'day'
        ) }} as days_to_sal,
        {{ dbt.datediff(
            'handoff_windows.handoff_date', 'reached.sql_date', 'day'
        ) }} as days_to_sql,
        {{ dbt.datediff(
            'handoff_windows.handoff_date', 'reached.opportunity_date', 'day'
        ) }} as days_to_opportunity,
        {{ dbt.datediff(
            'handoff_windows.handoff_date', 'reached.won_date', 'day'
        ) }} as days_to_won,
        {{ dbt.datediff(
            'handoff_windows.handoff_date', 'reached.rejected_date', 'day'
        ) }} as days_to_rejected,
        reached.sal_date is not null as has_reached_sal,
        reached.sql_date is not null as has_reached_sql,
        reached.opportunity_date is not null as has_reached_opportunity,
        reached.won_date is not null as has_reached_won,
        reached.rejected_date is not null as is_rejected,
        cast(
            {{ dbt.date_trunc('month', 'handoff_windows.handoff_date') }}
            as date
        ) as handoff_month,
        handoff_windows.handoff_date,
        handoff_windows.next_handoff_date
    from handoff_windows
    left join reached
        on
            handoff_windows.lead_id = reached.lead_id
            and handoff_windows.model_id = reached.model_id
            and handoff_windows.handoff_date = reached.handoff_date

)

select * from final
