-- The CRM sync table, with a sync_version cursor (see its YAML and
-- "Syncing the CRM" in docs/routing_and_crm.md). Never rebuilt by
-- --full-refresh; each run replaces its one sync_partition while reading it.
{{ config(
    materialized='incremental',
    unique_key='sync_partition',
    partition_by=['sync_partition'] if target.type == 'spark' else none,
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}
{%- set whole = dbt.type_int() %}
{#- The previous rows, unless the table was built before sync_version. #}
{%- set has_previous = is_incremental() and 'sync_version' in (
    adapter.get_columns_in_relation(this)
    | map(attribute='name') | map('lower') | list
) %}
{#- A removed row's values are empty, with a hash of their own. #}
{%- set values_now = 'coalesce(synced.synced_values_hash, '
    ~ dbt.hash("'removed'") ~ ')' %}
{%- set previous_rows = this if has_previous else
    '(select lead_id, model_id, synced_values_hash, cast(null as '
    ~ whole ~ ') as sync_version, cast(null as ' ~ dbt.type_timestamp()
    ~ ') as changed_at from synced as nothing where false)' %}
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

-- The email to match the CRM record by, while the lead is in the source.
leads as (

    select
        lead_id,
        email
    from {{ ref('stg_marketing__leads') }}

),

-- The day the lead entered its group is the start of its open stretch.
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
        history.valid_from as group_entered_date,
        {{ values_hash([
            'leads.email', 'lead_scores.group_name', 'reasons.top_reason_1',
            'reasons.top_reason_2', 'reasons.top_reason_3',
            'cast(round(lead_scores.lead_score, 0) as ' ~ whole ~ ')',
            'cast(round(lead_scores.fit_points, 0) as ' ~ whole ~ ')',
            'cast(round(lead_scores.engagement_points, 0) as ' ~ whole ~ ')',
            'lead_scores.is_sales_ready', 'lead_scores.is_excluded',
            'history.valid_from',
        ]) }} as synced_values_hash
    from lead_scores
    inner join leads
        on lead_scores.lead_id = leads.lead_id
    left join {{ ref('fct_lead_score_reasons') }} as reasons
        on
            lead_scores.lead_id = reasons.lead_id
            and lead_scores.model_id = reasons.model_id
    left join {{ ref('fct_score_history') }} as history
        on
            lead_scores.lead_id = history.lead_id
            and lead_scores.model_id = history.model_id
            and history.valid_to is null

),

-- Every row synced now, and every row the last run wrote that is no longer
-- synced (removed), numbered by the run that last changed it. A removed
-- row keeps the email only while the lead is in the source.
final as (

    select
        coalesce(synced.lead_id, previous.lead_id) as lead_id,
        coalesce(synced.model_id, previous.model_id) as model_id,
        coalesce(synced.email, removed_leads.email) as email,
        synced.group_name,
        synced.top_reason_1,
        synced.top_reason_2,
        synced.top_reason_3,
        synced.lead_score,
        synced.fit_points,
        synced.engagement_points,
        coalesce(synced.is_sales_ready, false) as is_sales_ready,
        coalesce(synced.is_excluded, false) as is_excluded,
        synced.group_entered_date,
        {{ values_now }} as synced_values_hash,
        case
            when previous.synced_values_hash = {{ values_now }}
                then previous.changed_at
            else {{ run_started_timestamp() }}
        end as changed_at,
        'all' as sync_partition,
        {{ dbt.concat([
            'coalesce(synced.model_id, previous.model_id)', "':'",
            'coalesce(synced.lead_id, previous.lead_id)',
        ]) }} as crm_sync_id,
        case
            when previous.synced_values_hash = {{ values_now }}
                then previous.sync_version
            else coalesce(max(previous.sync_version) over (), 0) + 1
        end as sync_version,
        synced.lead_id is null as is_removed
    from synced
    full outer join {{ previous_rows }} as previous
        on
            synced.lead_id = previous.lead_id
            and synced.model_id = previous.model_id
    left join leads as removed_leads
        on previous.lead_id = removed_leads.lead_id

)

select * from final
