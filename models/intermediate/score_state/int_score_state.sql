-- The score state. A row per lead, scored model, rule category and day
-- its points change, valid to the category's next change (its running
-- fixed and decaying points), and a `_fit` row per lead, model and change
-- day, valid to the next change day: a segment. A change day is the lead's
-- first scored day (created_at), a day with new points, and (inactivity
-- decay) a day with any activity: inside a segment nothing but decay moves
-- the score. int_score_components gives each segment its category rows;
-- on a day D the score is clamp(sum over components of min(cap, fixed +
-- decaying * decay(D))) (see the macro lead_scores_on).
--
-- Incremental: a run rescores, from its first day, every lead with an
-- activity, an identification or its creation on or after the last run's
-- as_of minus the lookback, every lead whose fit changed, and every lead
-- of a model whose seeds changed (see the scoring_window macro). The other
-- leads keep their rows. DuckDB replaces a rescored lead's rows by key;
-- Spark overwrites the lead_bucket partitions the rescored leads fall in.
{{ config(
    materialized='incremental',
    unique_key=['lead_id', 'model_id'],
    partition_by=['lead_bucket'] if target.type == 'spark' else none,
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_seed_fingerprints') }}
-- depends_on: {{ ref('stg_marketing__visitor_identities') }}
{%- set window = scoring_window() %}
{%- set rescore_from = window.rescore_from %}
{%- set rescored_models = "'" ~ window.rescored_models | join("', '") ~ "'" %}
{%- set rescored_from = 'cast(null as date)' if rescore_from is none else
    "case when rescored.is_active_only then cast('" ~ rescore_from
    ~ "' as date) end" %}
with

points as (

    select
        lead_id,
        model_id,
        category,
        awarded_points,
        decays,
        activity_date
    from {{ ref('int_activities_matched_to_rules') }}
    where activity_date <= {{ as_of_date() }}

),

activities as (

    select
        lead_id,
        activity_date
    from {{ ref('int_activities_unioned') }}
    where lead_id is not null and activity_date <= {{ as_of_date() }}

),

loaded_activities as (

    select loaded_at
    from {{ ref('int_activities_unioned') }}

),

leads as (

    select
        lead_id,
        cast(created_at as date) as created_date,
        substr({{ dbt.hash('lead_id') }}, 1, 1) as lead_bucket
    from {{ ref('stg_marketing__leads') }}
    where cast(created_at as date) <= {{ as_of_date() }}

),

scoring_models as (

    select
        model_id,
        decay_method,
        decay_days,
        decay_pct
    from {{ ref('scoring_models') }}
    where status in ('active', 'draft')

),
{%- if rescore_from is not none %}

visitor_identities as (

    select
        lead_id,
        cast(identified_at as date) as identified_date
    from {{ ref('stg_marketing__visitor_identities') }}

),

-- From the open fit row of each lead and model: every row of a lead is
-- written by the same run, and its fit is the same on every change day.
-- Grouped all the same, so that a duplicate can never double a lead.
previous_state as (

    select
        lead_id,
        model_id,
        max(fixed_points) as fit_points,
        max(loaded_through) as loaded_through,
        max(activity_count) as activity_count,
        -- Rescored from its first day by a run that did not finish.
        max(
            case
                when
                    scored_at > cast(
                        '{{ window.last_run_started_at }}'
                        as {{ dbt.type_timestamp() }}
                    )
                    and rescored_from is null
                    then 1
                else 0
            end
        ) = 1 as is_unfinished
    from {{ this }}
    where component = '_fit' and valid_to is null
    group by lead_id, model_id

),
{%- endif %}

score_categories as (

    select
        model_id,
        category,
        max_points
    from {{ ref('score_categories') }}

),

fit_matches as (

    select
        lead_id,
        model_id,
        fit_points
    from {{ ref('int_leads_matched_to_fit_rules') }}

),

fit as (

    select
        lead_id,
        model_id,
        sum(fit_points) as fit_points
    from fit_matches
    group by lead_id, model_id

),
{%- if rescore_from is not none %}

recently_active_leads as (

    select distinct lead_id
    from activities
    where activity_date >= cast('{{ rescore_from }}' as date)

),

-- The lead's activities up to the last run's as_of: fewer than the state
-- counted when one was deleted or moved to another lead.
settled_activity_counts as (

    select
        lead_id,
        count(*) as activity_count
    from activities
    where activity_date <= cast('{{ window.previous_as_of }}' as date)
    group by lead_id

),

-- Leads whose state changes before rescore_from: identified or created
-- since (old visits are stitched to them).
changed_leads as (

    select lead_id
    from visitor_identities
    where identified_date >= cast('{{ rescore_from }}' as date)
    union
    select lead_id
    from leads
    where created_date >= cast('{{ rescore_from }}' as date)

),

-- Leads with activities loaded after their last rescoring, dated before
-- rescore_from (late events): rescored from their first day, as a full
-- refresh would score them.
late_leads as (

    select distinct activities.lead_id
    from {{ ref('int_activities_unioned') }} as activities
    inner join previous_state
        on activities.lead_id = previous_state.lead_id
    where
        activities.activity_date < cast('{{ rescore_from }}' as date)
        and activities.loaded_at > previous_state.loaded_through

),

rescore_reasons as (

    select
        leads.lead_id,
        scoring_models.model_id,
        recently_active_leads.lead_id is not null as is_active,
        changed_leads.lead_id is not null
        or late_leads.lead_id is not null
        or coalesce(settled_activity_counts.activity_count, 0)
        <> coalesce(previous_state.activity_count, 0)
        or previous_state.lead_id is null
        or previous_state.is_unfinished
        or coalesce(fit.fit_points, 0) <> coalesce(previous_state.fit_points, 0)
        or scoring_models.model_id in ({{ rescored_models }}) as is_changed
    from leads
    cross join scoring_models
    left join recently_active_leads
        on leads.lead_id = recently_active_leads.lead_id
    left join changed_leads
        on leads.lead_id = changed_leads.lead_id
    left join late_leads
        on leads.lead_id = late_leads.lead_id
    left join settled_activity_counts
        on leads.lead_id = settled_activity_counts.lead_id
    left join fit
        on
            leads.lead_id = fit.lead_id
            and scoring_models.model_id = fit.model_id
    left join previous_state
        on
            leads.lead_id = previous_state.lead_id
            and scoring_models.model_id = previous_state.model_id

),

-- The leads and models this run rescores, from their first day. The state
-- of a lead that was only active since rescore_from is the same as before
-- up to that day, so its transitions before it stand (rescored_from).
rescored as (

    select
        lead_id,
        model_id,
        not is_changed as is_active_only
    from rescore_reasons
    where is_active or is_changed

),
{%- endif %}

-- Each component's points per activity day. Points of a day before the
-- lead existed count from its first day on (change_date).
day_points as (

    select
        points.lead_id,
        points.model_id,
        points.category as component,
        points.activity_date,
        greatest(points.activity_date, leads.created_date) as change_date,
        sum(
            case when points.decays then 0 else points.awarded_points end
        ) as fixed_points,
        sum(
            case when points.decays then points.awarded_points else 0 end
        ) as decaying_points
    from points
    inner join leads
        on points.lead_id = leads.lead_id
    {%- if rescore_from is not none %}
    inner join rescored
        on
            points.lead_id = rescored.lead_id
            and points.model_id = rescored.model_id
    {%- endif %}
    group by
        points.lead_id,
        points.model_id,
        points.category,
        points.activity_date,
        greatest(points.activity_date, leads.created_date)

),

daily_points as (

    select
        lead_id,
        model_id,
        component,
        change_date,
        sum(fixed_points) as fixed_points,
        sum(decaying_points) as decaying_points,
        -- The latest activity day whose decaying points do not cancel out.
        max(case when decaying_points <> 0 then activity_date end)
            as decaying_from
    from day_points
    group by lead_id, model_id, component, change_date

),

activity_days as (

    select
        activities.lead_id,
        greatest(activities.activity_date, leads.created_date) as change_date,
        max(activities.activity_date) as last_activity_date,
        count(*) as activities
    from activities
    inner join leads
        on activities.lead_id = leads.lead_id
    {%- if rescore_from is not none %}
    where activities.lead_id in (select rescored.lead_id from rescored)
    {%- endif %}
    group by
        activities.lead_id,
        greatest(activities.activity_date, leads.created_date)

),

-- How many activities the lead has up to as_of (see
-- settled_activity_counts).
lead_activity_counts as (

    select
        lead_id,
        sum(activities) as activity_count
    from activity_days
    group by lead_id

),

change_days as (

    select
        leads.lead_id,
        scoring_models.model_id,
        leads.created_date as change_date
    from leads
    cross join scoring_models
    union
    select
        lead_id,
        model_id,
        change_date
    from daily_points
    union
    select
        activity_days.lead_id,
        scoring_models.model_id,
        activity_days.change_date
    from activity_days
    cross join scoring_models
    where scoring_models.decay_method = 'inactivity'

),

-- The lead's change days, each with the next one (the end of its state)
-- and the latest activity up to it.
lead_change_days as (

    select
        change_days.lead_id,
        change_days.model_id,
        change_days.change_date,
        leads.lead_bucket,
        coalesce(lead_activity_counts.activity_count, 0) as activity_count,
        -- The day from which this run changed the lead's state; null: from
        -- its first day.
        {{ rescored_from }} as rescored_from,
        max(activity_days.last_activity_date) over (
            partition by change_days.lead_id, change_days.model_id
            order by change_days.change_date
            rows between unbounded preceding and current row
        ) as last_activity_date,
        lead(change_days.change_date) over (
            partition by change_days.lead_id, change_days.model_id
            order by change_days.change_date
        ) as valid_to
    from change_days
    inner join leads
        on change_days.lead_id = leads.lead_id
    left join lead_activity_counts
        on change_days.lead_id = lead_activity_counts.lead_id
    left join activity_days
        on
            change_days.lead_id = activity_days.lead_id
            and change_days.change_date = activity_days.change_date
    {%- if rescore_from is not none %}
    inner join rescored
        on
            change_days.lead_id = rescored.lead_id
            and change_days.model_id = rescored.model_id
    {%- endif %}

),

-- Each component's running sums on the days it gets points, valid to the
-- next such day.
component_sums as (

    select
        lead_id,
        model_id,
        component,
        change_date,
        sum(fixed_points) over (
            partition by lead_id, model_id, component
            order by change_date
            rows between unbounded preceding and current row
        ) as fixed_points,
        sum(decaying_points) over (
            partition by lead_id, model_id, component
            order by change_date
            rows between unbounded preceding and current row
        ) as undecayed_points,
        max(decaying_from) over (
            partition by lead_id, model_id, component
            order by change_date
            rows between unbounded preceding and current row
        ) as decaying_from,
        lead(change_date) over (
            partition by lead_id, model_id, component
            order by change_date
        ) as next_change_date
    from daily_points

),

-- Half-life points at the end of decaying_from, each day's points decayed
-- from their own day: exact where the hand computation is, and finite
-- however old (see the macro decay_factor).
half_life_points as (

    select
        sums.lead_id,
        sums.model_id,
        sums.component,
        sums.decaying_from,
        sum(
            day_points.decaying_points * {{ decay_factor(
                dbt.datediff(
                    'day_points.activity_date', 'sums.decaying_from', 'day'
                ),
                'null',
            ) }}
        ) as decaying_points
    from (
        select distinct
            lead_id,
            model_id,
            component,
            decaying_from
        from component_sums
    ) as sums
    inner join scoring_models
        on sums.model_id = scoring_models.model_id
    inner join day_points
        on
            sums.lead_id = day_points.lead_id
            and sums.model_id = day_points.model_id
            and sums.component = day_points.component
            and sums.decaying_from >= day_points.activity_date
    where scoring_models.decay_method = 'half_life'
    group by
        sums.lead_id,
        sums.model_id,
        sums.component,
        sums.decaying_from

),

-- Each category from each day its points change to the next (sparse: a
-- category row holds through the change days of the others), and the
-- `_fit` row of every change day, which carries the segment: the days to
-- the next change day of any component and the latest activity up to it.
running as (

    select
        component_sums.lead_id,
        component_sums.model_id,
        component_sums.component,
        component_sums.change_date,
        component_sums.fixed_points,
        coalesce(
            half_life_points.decaying_points, component_sums.undecayed_points
        ) as decaying_points,
        coalesce(component_sums.decaying_from, component_sums.change_date)
            as decaying_from,
        cast(null as date) as last_activity_date,
        component_sums.next_change_date as valid_to,
        leads.lead_bucket,
        coalesce(lead_activity_counts.activity_count, 0) as activity_count,
        {{ rescored_from }} as rescored_from
    from component_sums
    inner join leads
        on component_sums.lead_id = leads.lead_id
    left join lead_activity_counts
        on component_sums.lead_id = lead_activity_counts.lead_id
    {%- if rescore_from is not none %}
    inner join rescored
        on
            component_sums.lead_id = rescored.lead_id
            and component_sums.model_id = rescored.model_id
    {%- endif %}
    left join half_life_points
        on
            component_sums.lead_id = half_life_points.lead_id
            and component_sums.model_id = half_life_points.model_id
            and component_sums.component = half_life_points.component
            and component_sums.decaying_from = half_life_points.decaying_from
    union all
    select
        lead_change_days.lead_id,
        lead_change_days.model_id,
        '_fit' as component,
        lead_change_days.change_date,
        coalesce(fit.fit_points, 0) as fixed_points,
        cast(0 as double) as decaying_points,
        lead_change_days.change_date as decaying_from,
        lead_change_days.last_activity_date,
        lead_change_days.valid_to,
        lead_change_days.lead_bucket,
        lead_change_days.activity_count,
        lead_change_days.rescored_from
    from lead_change_days
    left join fit
        on
            lead_change_days.lead_id = fit.lead_id
            and lead_change_days.model_id = fit.model_id

),

final as (

    select
        running.lead_id,
        running.model_id,
        running.component,
        score_categories.max_points as cap_points,
        running.fixed_points,
        -- Decaying points as they stood at the end of decaying_from
        -- (half_life), or before decay (inactivity, none).
        running.decaying_points,
        running.decaying_from,
        running.change_date as valid_from,
        running.valid_to,
        running.last_activity_date,
        running.activity_count,
        {{ run_started_timestamp() }} as scored_at,
        running.rescored_from,
        -- The next run rescores the lead if an activity of it is loaded
        -- after this.
        (select max(loaded.loaded_at) from loaded_activities as loaded)
            as loaded_through,
        running.lead_bucket
    from running
    inner join scoring_models
        on running.model_id = scoring_models.model_id
    left join score_categories
        on
            running.model_id = score_categories.model_id
            and running.component = score_categories.category

)

select * from final
{%- if rescore_from is not none and target.type == 'spark' %}
-- Spark overwrites whole partitions: keep the rows of the leads that were
-- not rescored but share a partition with one that was.
union all
select previous.*
from {{ this }} as previous
left join rescored
    on
        previous.lead_id = rescored.lead_id
        and previous.model_id = rescored.model_id
where
    rescored.lead_id is null
    and previous.lead_bucket in (select final.lead_bucket from final)
{%- endif %}
