-- Routing actions: the routing rules each group transition of an active
-- model's lead matches, with their SLA (see the YAML).
{%- set triggered_at = 'cast(' ~ dbt.dateadd('day', 1,
    'transitions.transition_date') ~ ' as ' ~ dbt.type_timestamp() ~ ')' %}
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

due as (

    select
        {{ values_hash([
            'transitions.model_id', 'transitions.lead_id',
            'transitions.transition_date', 'routing_rules.on_event',
            'routing_rules.group_name', 'routing_rules.action',
            'routing_rules.target',
        ]) }} as routing_action_id,
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
        {{ triggered_at }} as triggered_at,
        cast(
            {{ dbt.dateadd('hour', 'routing_rules.sla_hours', triggered_at) }}
            as {{ dbt.type_timestamp() }}
        ) as due_at
    from transitions
    inner join lead_scores
        on
            transitions.lead_id = lead_scores.lead_id
            and transitions.model_id = lead_scores.model_id
    inner join routing_rules
        on
            transitions.model_id = routing_rules.model_id
            and routing_rules.group_name = case routing_rules.on_event
                when 'enter' then transitions.to_group
                when 'exit' then transitions.from_group
            end
    where lead_scores.model_status = 'active' and not lead_scores.is_excluded

),

-- Sales answers with the lead's first CRM stage change from that day on.
responses as (

    select
        due.routing_action_id,
        funnel_changes.funnel_stage,
        funnel_changes.changed_at,
        row_number() over (
            partition by due.routing_action_id
            order by funnel_changes.changed_at, funnel_changes.funnel_stage
        ) as response_number
    from due
    inner join funnel_changes
        on
            due.lead_id = funnel_changes.lead_id
            and due.transition_date <= funnel_changes.changed_at
    where due.sla_hours is not null

),

final as (

    select
        due.routing_action_id,
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
    left join responses
        on
            due.routing_action_id = responses.routing_action_id
            and responses.response_number = 1

)

select * from final
