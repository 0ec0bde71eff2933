-- Why each lead scores what it does: one row per lead and scored model that
-- has a contribution, with the three largest in words, as the CRM and
-- the sales alerts show them, for example "Viewed pricing (2 times): +8".
-- A contribution is a rule's points as of now, after decay (at the
-- score's precision) and before category caps, with the number of its
-- activities awarded points; a fit rule counts once. The rules' points
-- come from the score state's rows that hold now (int_score_state_current),
-- with the one computation the score takes them from (macro
-- component_value_on).
{%- set whole = dbt.type_int() %}
with

leads as (

    select lead_id
    from {{ ref('stg_marketing__leads') }}
    where cast(created_at as date) <= {{ as_of_date() }}

),

-- Each rule of a scored model with its description and its model's decay
-- (named scoring_models for the macro component_value_on).
scoring_models as (

    select
        rule_id,
        model_id,
        rule_description,
        decay_method,
        decay_days,
        decay_pct
    from {{ ref('int_activity_rules_with_models') }}

),

-- Each lead's rule rows that hold on as_of.
rule_rows as (

    select
        lead_id,
        model_id,
        component as rule_id,
        fixed_points,
        decaying_points,
        decaying_from,
        awarded_activities
    from {{ ref('int_score_state_current') }}
    where component <> '_fit'

),

-- The segment each lead is in on as_of, whose latest activity inactivity
-- decay counts from.
segments as (

    select
        lead_id,
        model_id,
        valid_from,
        last_activity_date
    from {{ ref('int_score_state_current') }}
    where component = '_fit'

),

rule_points as (

    select
        state.lead_id,
        state.model_id,
        scoring_models.rule_description as description,
        state.awarded_activities as activities,
        {{ component_value_on(as_of_date(), 'segment') }} as points
    from rule_rows as state
    inner join segments as segment
        on
            state.lead_id = segment.lead_id
            and state.model_id = segment.model_id
    inner join scoring_models
        on
            state.model_id = scoring_models.model_id
            and state.rule_id = scoring_models.rule_id
    inner join leads
        on state.lead_id = leads.lead_id

),

fit_matches as (

    select
        lead_id,
        model_id,
        rule_id,
        fit_points
    from {{ ref('int_leads_matched_to_fit_rules') }}

),

fit_rules as (

    select
        rule_id,
        description
    from {{ ref('fit_rules') }}

),

contributions as (

    select
        lead_id,
        model_id,
        description,
        activities,
        cast(round(points, 0) as {{ whole }}) as points
    from rule_points
    union all
    select
        fit_matches.lead_id,
        fit_matches.model_id,
        fit_rules.description,
        1 as activities,
        cast(fit_matches.fit_points as {{ whole }}) as points
    from fit_matches
    inner join fit_rules
        on fit_matches.rule_id = fit_rules.rule_id

),

ranked_reasons as (

    select
        lead_id,
        model_id,
        {{ dbt.concat([
            'description',
            "case when activities > 1 then "
            ~ dbt.concat(["' ('", 'cast(activities as ' ~ dbt.type_string()
                ~ ')', "' times)'"])
            ~ " else '' end",
            "': '",
            "case when points > 0 then '+' else '' end",
            'cast(points as ' ~ dbt.type_string() ~ ')',
        ]) }} as reason,
        row_number() over (
            partition by lead_id, model_id
            order by abs(points) desc, description
        ) as reason_rank
    from contributions
    where points <> 0

),

reasons as (

    select
        lead_id,
        model_id,
        max(case when reason_rank = 1 then reason end) as top_reason_1,
        max(case when reason_rank = 2 then reason end) as top_reason_2,
        max(case when reason_rank = 3 then reason end) as top_reason_3
    from ranked_reasons
    where reason_rank <= 3
    group by lead_id, model_id

)

select * from reasons
