-- The CRM sync table: one row per lead and active model, with what sales
-- sees in the CRM, rounded to whole points as the CRM shows them, and the
-- three largest contributions to the score in words. changed_at is the
-- run that last changed any synced value, so a reverse-ETL tool reads
-- `where changed_at > <its last sync>`. Draft models are never synced.
--
-- Incremental: each run compares every row with the one it wrote before
-- and keeps changed_at where nothing changed. All rows share one value of
-- sync_partition, so each run replaces the whole table (and a model that
-- is no longer active leaves it) while it reads the previous rows.
{{ config(
    materialized='incremental',
    unique_key='sync_partition',
    partition_by=['sync_partition'] if target.type == 'spark' else none,
) }}
{%- set whole = dbt.type_int() %}
{#- A row keeps changed_at while its synced values stay the same. #}
{%- set changed_at = run_started_timestamp() if not is_incremental() else
    'case when previous.synced_values_hash = fingerprinted.synced_values_hash'
    ~ ' then previous.changed_at else ' ~ run_started_timestamp() ~ ' end' %}
with

lead_scores as (

    select
        lead_id,
        model_id,
        group_name,
        fit_points,
        engagement_points,
        lead_score,
        is_sales_ready,
        is_excluded
    from {{ ref('fct_lead_scores') }}
    where model_status = 'active'

),

leads as (

    select
        lead_id,
        email
    from {{ ref('stg_marketing__leads') }}

),

transitions as (

    select
        lead_id,
        model_id,
        transition_date
    from {{ ref('fct_group_transitions') }}

),

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

group_entered as (

    select
        lead_id,
        model_id,
        max(transition_date) as group_entered_date
    from transitions
    group by lead_id, model_id

),

-- Each rule's contribution: its activities (those awarded points) and its
-- points as of now, before category caps; fit rules count once.
contributions as (

    select
        lead_id,
        model_id,
        rule_description as description,
        sum(case when awarded_points <> 0 then 1 else 0 end) as activities,
        cast(round(sum(decayed_points), 0) as {{ whole }}) as points
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

),

synced as (

    select
        lead_scores.lead_id,
        lead_scores.model_id,
        leads.email,
        lead_scores.group_name,
        reasons.top_reason_1,
        reasons.top_reason_2,
        reasons.top_reason_3,
        cast(round(lead_scores.lead_score, 0) as {{ whole }}) as lead_score,
        cast(round(lead_scores.fit_points, 0) as {{ whole }}) as fit_points,
        cast(round(lead_scores.engagement_points, 0) as {{ whole }})
            as engagement_points,
        lead_scores.is_sales_ready,
        lead_scores.is_excluded,
        group_entered.group_entered_date
    from lead_scores
    inner join leads
        on lead_scores.lead_id = leads.lead_id
    left join reasons
        on
            lead_scores.lead_id = reasons.lead_id
            and lead_scores.model_id = reasons.model_id
    left join group_entered
        on
            lead_scores.lead_id = group_entered.lead_id
            and lead_scores.model_id = group_entered.model_id

),

fingerprinted as (

    select
        *,
        {{ dbt.hash(dbt.concat([
            "coalesce(email, '')", "'|'", "coalesce(group_name, '')", "'|'",
            "coalesce(top_reason_1, '')", "'|'",
            "coalesce(top_reason_2, '')", "'|'",
            "coalesce(top_reason_3, '')", "'|'",
            'cast(lead_score as ' ~ dbt.type_string() ~ ')', "'|'",
            'cast(fit_points as ' ~ dbt.type_string() ~ ')', "'|'",
            'cast(engagement_points as ' ~ dbt.type_string() ~ ')', "'|'",
            "case when is_sales_ready then 'y' else 'n' end",
            "case when is_excluded then 'y' else 'n' end",
            "coalesce(cast(group_entered_date as "
            ~ dbt.type_string() ~ "), '')",
        ])) }} as synced_values_hash
    from synced

),

{%- if is_incremental() %}

-- What the last run wrote.
previous as (

    select
        lead_id,
        model_id,
        synced_values_hash,
        changed_at
    from {{ this }}

),
{%- endif %}

final as (

    select
        fingerprinted.*,
        {{ changed_at }} as changed_at,
        'all' as sync_partition
    from fingerprinted
    {%- if is_incremental() %}
    left join previous
        on
            fingerprinted.lead_id = previous.lead_id
            and fingerprinted.model_id = previous.model_id
    {%- endif %}

)

select * from final
