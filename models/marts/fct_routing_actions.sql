-- Routing actions: one row per group transition of an active model's
-- non-excluded lead and routing rule it matches (the rule's group entered
-- or left). A transition is known at the end of its day (triggered_at);
-- an action with sla_hours is due that many hours later. Sales answers it
-- with the lead's first CRM stage change from the transition's day on:
-- met when that is before due_at, breached when it is later or missing
-- after due_at, open while due_at is still ahead of the end of as_of.
with

transitions as (

    select
        lead_id,
        model_id,
        from_group,
        to_group,
        cause,
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

routing_rules as (

    select
        model_id,
        group_name,
        on_event,
        action,
        target,
        sla_hours
    from {{ ref('routing_rules') }}

),

funnel_changes as (

    select
        lead_id,
        funnel_stage,
        changed_at
    from {{ ref('int_stage_changes_mapped_to_funnel') }}

),

matched as (

    select
        transitions.lead_id,
        transitions.model_id,
        routing_rules.group_name,
        routing_rules.on_event,
        routing_rules.action,
        routing_rules.target,
        transitions.cause,
        transitions.lead_score,
        routing_rules.sla_hours,
        transitions.transition_date,
        cast(
            {{ dbt.dateadd('day', 1, 'transitions.transition_date') }}
            as {{ dbt.type_timestamp() }}
        ) as triggered_at
    from transitions
    inner join lead_scores
        on
            transitions.lead_id = lead_scores.lead_id
            and transitions.model_id = lead_scores.model_id
    inner join routing_rules
        on
            transitions.model_id = routing_rules.model_id
            and (
                (
                    routing_rules.on_event = 'enter'
                    and transitions.to_group = routing_rules.group_name
                )
                or (
                    routing_rules.on_event = 'exit'
                    and transitions.from_group = routing_rules.group_name
                )
            )
    where lead_scores.model_status = 'active' and not lead_scores.is_excluded

),

due as (

    select
        *,
        cast(
            {{ dbt.dateadd('hour', 'sla_hours', 'triggered_at') }}
            as {{ dbt.type_timestamp() }}
        ) as due_at
    from matched

),

-- The lead's first CRM stage change from the transition's day on.
responses as (

    select
        due.lead_id,
        due.model_id,
        due.transition_date,
        due.action,
        due.target,
        funnel_changes.funnel_stage,
        funnel_changes.changed_at,
        row_number() over (
            partition by
                due.lead_id,
                due.model_id,
                due.transition_date,
                due.action,
                due.target
            order by funnel_changes.changed_at, funnel_changes.funnel_stage
        ) as response_number
    from due
    inner join funnel_changes
        on
            due.lead_id = funnel_changes.lead_id
            and due.transition_date <= funnel_changes.changed_at
    where due.sla_hours is not null

),

first_responses as (

    select *
    from responses
    where response_number = 1

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'due.model_id', "'|'", 'due.lead_id', "'|'",
            'cast(due.transition_date as ' ~ dbt.type_string() ~ ')', "'|'",
            'due.on_event', "'|'", 'due.group_name', "'|'", 'due.action',
            "'|'", "coalesce(due.target, '')",
        ])) }} as routing_action_id,
        due.lead_id,
        due.model_id,
        due.group_name,
        due.on_event,
        due.action,
        due.target,
        due.cause,
        responses.funnel_stage as responded_funnel_stage,
        case
            when due.sla_hours is null then 'not_applicable'
            when responses.changed_at <= due.due_at then 'met'
            when responses.changed_at is not null then 'breached'
            when due.due_at < {{ end_of_as_of() }} then 'breached'
            else 'open'
        end as sla_status,
        due.lead_score,
        due.sla_hours,
        due.transition_date,
        due.triggered_at,
        due.due_at,
        responses.changed_at as responded_at
    from due
    left join first_responses as responses
        on
            due.lead_id = responses.lead_id
            and due.model_id = responses.model_id
            and due.transition_date = responses.transition_date
            and due.action = responses.action
            and coalesce(due.target, '') = coalesce(responses.target, '')

)

select * from final
