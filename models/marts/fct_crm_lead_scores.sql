-- The CRM sync table: one row per lead and active model, with what sales
-- sees in the CRM, rounded to whole points as the CRM shows them, and the
-- three largest contributions to the score in words. Draft models are
-- never synced. A reverse-ETL job keeps the largest sync_version it has
-- read and next reads `where sync_version > <it>`: every run that changes
-- a row gives it the next version, so a job that read the table while a
-- build was writing still gets that build's rows. A lead that leaves the
-- table (its model no longer active, the lead deleted) stays as a row with
-- is_removed and its values empty, so the job can clear its CRM fields.
--
-- Incremental, and not rebuilt by --full-refresh (the versions and the
-- removed rows must outlive it): each run compares every row with the one
-- it wrote before and keeps changed_at and sync_version where nothing
-- changed. All rows share one value of sync_partition, so each run
-- replaces the whole table while it reads the previous rows.
{{ config(
    materialized='incremental',
    unique_key='sync_partition',
    partition_by=['sync_partition'] if target.type == 'spark' else none,
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}
{%- set whole = dbt.type_int() %}
{%- set text = dbt.type_string() %}
{#- The previous rows, unless the table was built before sync_version. #}
{%- set has_previous = is_incremental() and 'sync_version' in (
    adapter.get_columns_in_relation(this)
    | map(attribute='name') | map('lower') | list
) %}
{%- set previous_rows = this if has_previous else
    '(select lead_id, model_id, email, synced_values_hash, cast(null as '
    ~ whole ~ ') as sync_version, cast(null as ' ~ dbt.type_timestamp()
    ~ ') as changed_at from fingerprinted where false)' %}
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

-- What the last run wrote (nothing on the first run).
previous as (

    select
        lead_id,
        model_id,
        email,
        synced_values_hash,
        sync_version,
        changed_at
    from {{ previous_rows }} as previous_rows

),

last_version as (

    select coalesce(max(sync_version), 0) as sync_version
    from previous

),

-- Rows of the last run whose lead or model is no longer synced.
removed as (

    select
        previous.lead_id,
        previous.model_id,
        previous.email,
        cast(null as {{ text }}) as group_name,
        cast(null as {{ text }}) as top_reason_1,
        cast(null as {{ text }}) as top_reason_2,
        cast(null as {{ text }}) as top_reason_3,
        cast(null as {{ whole }}) as lead_score,
        cast(null as {{ whole }}) as fit_points,
        cast(null as {{ whole }}) as engagement_points,
        false as is_sales_ready,
        false as is_excluded,
        cast(null as date) as group_entered_date,
        {{ dbt.hash("'removed'") }} as synced_values_hash,
        true as is_removed
    from previous
    left join fingerprinted
        on
            previous.lead_id = fingerprinted.lead_id
            and previous.model_id = fingerprinted.model_id
    where fingerprinted.lead_id is null

),

synced_rows as (

    select
        *,
        false as is_removed
    from fingerprinted
    union all
    select * from removed

),

final as (

    select
        {{ dbt.concat(['synced_rows.model_id', "':'", 'synced_rows.lead_id']) }}
            as crm_sync_id,
        synced_rows.lead_id,
        synced_rows.model_id,
        synced_rows.email,
        synced_rows.group_name,
        synced_rows.top_reason_1,
        synced_rows.top_reason_2,
        synced_rows.top_reason_3,
        synced_rows.synced_values_hash,
        synced_rows.lead_score,
        synced_rows.fit_points,
        synced_rows.engagement_points,
        case
            when previous.synced_values_hash = synced_rows.synced_values_hash
                then previous.sync_version
            else last_version.sync_version + 1
        end as sync_version,
        synced_rows.is_sales_ready,
        synced_rows.is_excluded,
        synced_rows.is_removed,
        synced_rows.group_entered_date,
        case
            when previous.synced_values_hash = synced_rows.synced_values_hash
                then previous.changed_at
            else {{ run_started_timestamp() }}
        end as changed_at,
        'all' as sync_partition
    from synced_rows
    cross join last_version
    left join previous
        on
            synced_rows.lead_id = previous.lead_id
            and synced_rows.model_id = previous.model_id

)

select * from final
