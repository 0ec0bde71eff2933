-- Why each lead scores what it does: one row per lead and scored model that
-- has a contribution, with the three largest in words, as the CRM and
-- the sales alerts show them, for example "Viewed pricing (2 times): +8".
-- A contribution is a rule's points as of now, after decay (at the
-- score's precision) and before category caps, with the number of its
-- activities awarded points; a fit rule counts once.
{%- set whole = dbt.type_int() %}
with

points_ledger as (

    select
        lead_id,
        model_id,
        rule_id,
        rule_description,
        awarded_points,
        decayed_points
    from {{ ref('fct_points_ledger') }}

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
        rule_description as description,
        sum(case when awarded_points <> 0 then 1 else 0 end) as activities,
        cast(round(
            {{ score_precision('sum(decayed_points)') }}, 0
        ) as {{ whole }}) as points
    from points_ledger
    group by lead_id, model_id, rule_id, rule_description
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
