-- The CRM sync table, with a sync_version cursor (see its YAML and
-- "Syncing the CRM" in the README). Never rebuilt by --full-refresh; each
-- run replaces its one sync_partition while reading it.
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
    '(select lead_id, model_id, email, synced_values_hash, cast(null as '
    ~ whole ~ ') as sync_version, cast(null as ' ~ dbt.type_timestamp()
    ~ ') as changed_at from synced as nothing where false)' %}
with

lead_scores as (

    select
        scores.lead_id,
        scores.model_id,
        leads.email,
        scores.group_name,
        scores.fit_points,
        scores.engagement_points,
        scores.lead_score,
        scores.is_sales_ready,
        scores.is_excluded
    from {{ ref('fct_lead_scores') }} as scores
    inner join {{ ref('stg_marketing__leads') }} as leads
        on scores.lead_id = leads.lead_id
    where scores.model_status = 'active'

),

-- The day the lead entered its group: the start of its open stretch.
history as (

    select
        lead_id,
        model_id,
        valid_from
    from {{ ref('fct_score_history') }}
    where valid_to is null

),

reasons as (

    select
        lead_id,
        model_id,
        top_reason_1,
        top_reason_2,
        top_reason_3
    from {{ ref('fct_lead_score_reasons') }}

),

synced as (

    select
        lead_scores.lead_id,
        lead_scores.model_id,
        lead_scores.email,
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
            'lead_scores.email', 'lead_scores.group_name', 'reasons.top_reason_1',
            'reasons.top_reason_2', 'reasons.top_reason_3',
            'cast(round(lead_scores.lead_score, 0) as ' ~ whole ~ ')',
            'cast(round(lead_scores.fit_points, 0) as ' ~ whole ~ ')',
            'cast(round(lead_scores.engagement_points, 0) as ' ~ whole ~ ')',
            'lead_scores.is_sales_ready', 'lead_scores.is_excluded',
            'history.valid_from',
        ]) }} as synced_values_hash
    from lead_scores
    left join reasons
        on
            lead_scores.lead_id = reasons.lead_id
            and lead_scores.model_id = reasons.model_id
    left join history
        on
            lead_scores.lead_id = history.lead_id
            and lead_scores.model_id = history.model_id

),

-- Every row synced now, and every row the last run wrote that is no longer
-- synced (removed), numbered by the run that last changed it.
final as (

    select
        {{ dbt.concat([
            'coalesce(synced.model_id, previous.model_id)', "':'",
            'coalesce(synced.lead_id, previous.lead_id)',
        ]) }} as crm_sync_id,
        coalesce(synced.lead_id, previous.lead_id) as lead_id,
        coalesce(synced.model_id, previous.model_id) as model_id,
        coalesce(synced.email, previous.email) as email,
        synced.group_name,
        synced.top_reason_1,
        synced.top_reason_2,
        synced.top_reason_3,
        {{ values_now }} as synced_values_hash,
        synced.lead_score,
        synced.fit_points,
        synced.engagement_points,
        case
            when previous.synced_values_hash = {{ values_now }}
                then previous.sync_version
            else coalesce(max(previous.sync_version) over (), 0) + 1
        end as sync_version,
        coalesce(synced.is_sales_ready, false) as is_sales_ready,
        coalesce(synced.is_excluded, false) as is_excluded,
        synced.lead_id is null as is_removed,
        synced.group_entered_date,
        case
            when previous.synced_values_hash = {{ values_now }}
                then previous.changed_at
            else {{ run_started_timestamp() }}
        end as changed_at,
        'all' as sync_partition
    from synced
    full outer join {{ previous_rows }} as previous
        on
            synced.lead_id = previous.lead_id
            and synced.model_id = previous.model_id

)

select * from final
