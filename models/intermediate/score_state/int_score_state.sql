-- The score state. A row per lead, scored model, activity rule and day
-- its points change, valid to the rule's next change (its running fixed
-- and decaying points, its count of activities awarded points, and its
-- category), and a `_fit` row per lead, model
-- and change day, valid to the next change day: a segment, inside which
-- only decay moves the score. int_score_components gives each segment its
-- rule rows; on a day D the score is clamp(sum over categories of min(cap,
-- sum over rules of round(fixed + decaying * decay(D), 6))), rounded (see
-- the macro lead_scores_on).
--
-- Incremental: a run rescores the leads int_leads_rescored marks; the
-- others keep their rows. A lead whose past is unchanged is rescored from
-- rescored_from: its rows that ended before that day stay as they are
-- (the carry_forward strategy), and the points from that day on
-- (int_score_rule_changes, int_score_change_days) are added to its rows
-- that held on the day before, which the run writes again up to their new
-- end. Any other lead is rescored from its first day. Spark overwrites the
-- lead_bucket partitions the rescored leads fall in.
{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite' if target.type == 'spark'
    else 'carry_forward',
    unique_key=['lead_id', 'model_id'],
    partition_by=['lead_bucket'] if target.type == 'spark' else none,
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_seed_fingerprints') }}
{%- set window = scoring_window() %}
{#- Only a run that rescores some leads from a day has rows to carry. #}
{%- set carries_forward = is_incremental()
    and window.rescore_from is not none %}
-- with_base's if/else keeps its columns at the select's indent:
-- sqlfluff:indentation:template_blocks_indent:False
with

rescored_leads as (

    select
        lead_id,
        model_id,
        fit_points,
        -- Empty when the state is rebuilt (a full refresh, or no table or
        -- run log yet): every lead from its first day.
        {{ 'rescored_from' if window.rescore_from is not none
            else 'cast(null as date)' }} as rescored_from,
        lead_bucket
    from {{ ref('int_leads_rescored') }}
    where {{ window.rescored_rows }}

),

score_categories as (

    select
        model_id,
        category,
        max_points
    from {{ ref('score_categories') }}

),

scoring_models as (

    select
        model_id,
        decay_method,
        decay_days,
        decay_pct
    from {{ ref('scoring_models') }}

),

{%- if carries_forward %}

-- The rows of the leads rescored from a day (rescored_from) that held on
-- the day before: the points from that day on add to them.
base_rows as (

    select
        previous.lead_id,
        previous.model_id,
        previous.component,
        previous.category,
        previous.fixed_points,
        previous.decaying_points,
        previous.decaying_from,
        previous.awarded_activities,
        previous.valid_from,
        previous.last_activity_date
    from {{ this }} as previous
    inner join rescored_leads
        on
            previous.lead_id = rescored_leads.lead_id
            and previous.model_id = rescored_leads.model_id
    where
        previous.valid_from < rescored_leads.rescored_from
        and (
            previous.valid_to is null
            or previous.valid_to >= rescored_leads.rescored_from
        )

),
{%- endif %}

-- The rows from each rescored lead's rescored_from (or first day) on,
-- each valid to the next change of its rule or segment. decaying_from is
-- empty on a new rule row without decaying points so far.
changes as (

    select
        lead_id,
        model_id,
        component,
        category,
        fixed_points,
        decaying_points,
        decaying_from,
        awarded_activities,
        change_date as valid_from,
        valid_to,
        cast(null as date) as last_activity_date,
        false as is_base
    from {{ ref('int_score_rule_changes') }}
    union all
    select
        lead_id,
        model_id,
        '_fit' as component,
        '_fit' as category,
        0 as fixed_points,
        cast(0 as double) as decaying_points,
        change_date as decaying_from,
        0 as awarded_activities,
        change_date as valid_from,
        valid_to,
        last_activity_date,
        false as is_base
    from {{ ref('int_score_change_days') }}
    {%- if carries_forward %}
    union all
    select
        lead_id,
        model_id,
        component,
        category,
        fixed_points,
        decaying_points,
        decaying_from,
        awarded_activities,
        valid_from,
        cast(null as date) as valid_to,
        last_activity_date,
        true as is_base
    from base_rows
    {%- endif %}

),

-- Each row with the next change of its rule or segment, the latest
-- activity so far, and the base row's points (the base sorts first). A run
-- that carries no lead has no base row, and its rows already know their
-- end and latest activity: no window.
with_base as (

    select
        lead_id,
        model_id,
        component,
        category,
        fixed_points,
        decaying_points,
        decaying_from,
        awarded_activities,
        valid_from,
        is_base,
        {%- if carries_forward %}
        lead(valid_from) over (
            partition by lead_id, model_id, component
            order by valid_from
        ) as valid_to,
        max(last_activity_date) over (
            partition by lead_id, model_id, component
            order by valid_from
            rows between unbounded preceding and current row
        ) as latest_activity_date,
        max(case when is_base then fixed_points end) over (
            partition by lead_id, model_id, component
            order by valid_from
            rows between unbounded preceding and current row
        ) as base_fixed_points,
        max(case when is_base then decaying_points end) over (
            partition by lead_id, model_id, component
            order by valid_from
            rows between unbounded preceding and current row
        ) as base_decaying_points,
        max(case when is_base then decaying_from end) over (
            partition by lead_id, model_id, component
            order by valid_from
            rows between unbounded preceding and current row
        ) as base_decaying_from,
        max(case when is_base then awarded_activities end) over (
            partition by lead_id, model_id, component
            order by valid_from
            rows between unbounded preceding and current row
        ) as base_awarded_activities
        {%- else %}
        valid_to,
        last_activity_date as latest_activity_date,
        cast(null as {{ dbt.type_bigint() }}) as base_fixed_points,
        cast(null as double) as base_decaying_points,
        cast(null as date) as base_decaying_from,
        cast(null as {{ dbt.type_bigint() }}) as base_awarded_activities
        {%- endif %}
    from changes

),

-- New points added to the base: fixed and inactivity points add up;
-- half-life points, each as of its decaying_from, add up once the base's
-- are decayed to the new decaying_from (the design's "anchored sum").
carried as (

    select
        with_base.lead_id,
        with_base.model_id,
        with_base.component,
        with_base.category,
        with_base.valid_from,
        with_base.valid_to,
        with_base.latest_activity_date as last_activity_date,
        case
            when with_base.is_base then with_base.fixed_points
            else
                coalesce(with_base.base_fixed_points, 0)
                + with_base.fixed_points
        end as fixed_points,
        case
            when with_base.is_base then with_base.awarded_activities
            else
                coalesce(with_base.base_awarded_activities, 0)
                + with_base.awarded_activities
        end as awarded_activities,
        case
            when with_base.is_base then with_base.decaying_points
            when
                scoring_models.decay_method = 'half_life'
                and with_base.decaying_from is not null
                and with_base.base_decaying_points <> 0
                then with_base.base_decaying_points * {{ decay_factor(
                    dbt.datediff(
                        'with_base.base_decaying_from',
                        'with_base.decaying_from',
                        'day',
                    ),
                    'null',
                ) }} + with_base.decaying_points
            else
                coalesce(with_base.base_decaying_points, 0)
                + with_base.decaying_points
        end as decaying_points,
        coalesce(
            with_base.decaying_from,
            case
                when with_base.base_decaying_points <> 0
                    then with_base.base_decaying_from
            end
        ) as decaying_from
    from with_base
    inner join scoring_models
        on with_base.model_id = scoring_models.model_id

),

-- Points that decay to nothing are dated from their row's first day, on
-- every path.
components as (

    select
        lead_id,
        model_id,
        component,
        category,
        fixed_points,
        decaying_points,
        case
            when decaying_points = 0 then valid_from else decaying_from
        end as decaying_from,
        awarded_activities,
        valid_from,
        valid_to,
        last_activity_date
    from carried

),

final as (

    select
        components.lead_id,
        components.model_id,
        components.component,
        components.category,
        score_categories.max_points as cap_points,
        case
            when components.component = '_fit'
                then rescored_leads.fit_points
            else components.fixed_points
        end as fixed_points,
        -- Decaying points as they stood at the end of decaying_from
        -- (half_life), or before decay (inactivity, none).
        components.decaying_points,
        components.decaying_from,
        cast(components.awarded_activities as {{ dbt.type_bigint() }})
            as awarded_activities,
        components.valid_from,
        components.valid_to,
        components.last_activity_date,
        {{ run_started_timestamp() }} as scored_at,
        rescored_leads.rescored_from,
        rescored_leads.lead_bucket
    from components
    inner join rescored_leads
        on
            components.lead_id = rescored_leads.lead_id
            and components.model_id = rescored_leads.model_id
    left join score_categories
        on
            components.model_id = score_categories.model_id
            and components.category = score_categories.category

)

select * from final
{{ spark_kept_rows('rescored_leads', carried_from='rescored_from') }}
