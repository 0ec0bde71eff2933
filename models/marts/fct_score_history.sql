-- Score history: one row per lead, scored model and stretch of days in one
-- group, valid from valid_from up to (not including) valid_to; valid_to is
-- null for the stretch that lasts to as_of. The group on day D is
-- `where valid_from <= D and (valid_to is null or D < valid_to)`; the exact
-- score on day D comes from the lead_scores_on macro.
with

transitions as (

    select
        lead_id,
        model_id,
        to_group as group_name,
        cause,
        lead_score,
        transition_date
    from {{ ref('fct_group_transitions') }}

),

score_groups as (

    select
        model_id,
        group_name,
        is_sales_ready
    from {{ ref('score_groups') }}

),

fit_matches as (

    select
        lead_id,
        model_id,
        excludes_lead
    from {{ ref('int_leads_matched_to_fit_rules') }}

),

excluded_leads as (

    select distinct
        lead_id,
        model_id
    from fit_matches
    where excludes_lead

),

final as (

    select
        transitions.lead_id,
        transitions.model_id,
        transitions.group_name,
        transitions.cause,
        transitions.lead_score as entry_score,
        score_groups.is_sales_ready
        and excluded_leads.lead_id is null as is_sales_ready,
        transitions.transition_date as valid_from,
        lead(transitions.transition_date) over (
            partition by transitions.lead_id, transitions.model_id
            order by transitions.transition_date
        ) as valid_to
    from transitions
    inner join score_groups
        on
            transitions.model_id = score_groups.model_id
            and transitions.group_name = score_groups.group_name
    left join excluded_leads
        on
            transitions.lead_id = excluded_leads.lead_id
            and transitions.model_id = excluded_leads.model_id

)

select * from final
