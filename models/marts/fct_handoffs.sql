-- Handoffs: each time a lead entered a sales-ready group, and the funnel
-- stages its CRM record reached until its next handoff (see the YAML).
{#- Each stage and the CRM changes that reach it. #}
{%- set stages = [('sal', 'funnel_rank >= 1'), ('sql', 'funnel_rank >= 2'),
    ('opportunity', 'funnel_rank >= 3'), ('won', 'funnel_rank >= 4'),
    ('rejected', 'is_rejection')] %}
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
        transitions.transition_date as handoff_date,
        -- Over the handoffs only: the where clause comes first.
        lead(transitions.transition_date) over (
            partition by transitions.lead_id, transitions.model_id
            order by transitions.transition_date
        ) as next_handoff_date
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

-- The first day on or past each funnel stage within the handoff's window.
reached as (

    select
        handoffs.lead_id,
        handoffs.model_id,
        {%- for stage, reaches in stages %}
            min(
                case
                    when funnel_changes.{{ reaches }}
                        then funnel_changes.changed_date
                end
            ) as {{ stage }}_date,
        {%- endfor %}
        handoffs.handoff_date
    from handoffs
    inner join funnel_changes
        on
            handoffs.lead_id = funnel_changes.lead_id
            and handoffs.handoff_date <= funnel_changes.changed_date
            and (
                handoffs.next_handoff_date is null
                or handoffs.next_handoff_date > funnel_changes.changed_date
            )
    group by
        handoffs.lead_id,
        handoffs.model_id,
        handoffs.handoff_date

),

final as (

    select
        handoffs.lead_id,
        handoffs.model_id,
        handoffs.model_status,
        handoffs.group_name,
        handoffs.handoff_score,
        {%- for stage, _ in stages %}
            cast({{ dbt.datediff(
                'handoffs.handoff_date', 'reached.' ~ stage ~ '_date', 'day'
            ) }} as {{ dbt.type_bigint() }}) as days_to_{{ stage }},
        {%- endfor %}
        {%- for stage, _ in stages[:-1] %}
            reached.{{ stage }}_date is not null as has_reached_{{ stage }},
        {%- endfor %}
        reached.rejected_date is not null as is_rejected,
        cast({{ dbt.date_trunc('month', 'handoffs.handoff_date') }} as date)
            as handoff_month,
        handoffs.handoff_date,
        handoffs.next_handoff_date
    from handoffs
    left join reached
        on
            handoffs.lead_id = reached.lead_id
            and handoffs.model_id = reached.model_id
            and handoffs.handoff_date = reached.handoff_date

)

select * from final
