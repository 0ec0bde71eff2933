-- The current score: one row per lead and scored model as of `as_of`, from
-- the score state, the one computation history and transitions use too.
with

leads as (

    select lead_id
    from {{ ref('stg_marketing__leads') }}
    where cast(created_at as date) <= {{ as_of_date() }}

),

scoring_models as (

    select
        model_id,
        status as model_status,
        decay_method,
        decay_days,
        decay_pct,
        min_score,
        max_score
    from {{ ref('scoring_models') }}
    where status in ('active', 'draft')

),

score_groups as (

    select
        model_id,
        group_name,
        min_score,
        max_score,
        is_sales_ready
    from {{ ref('score_groups') }}

),

-- Open rows; the `_fit` one is the last segment, with the latest activity.
state as (

    select
        lead_id,
        model_id,
        component,
        cap_points,
        fixed_points,
        decaying_points,
        decaying_from,
        valid_from,
        last_activity_date
    from {{ ref('int_score_state') }}
    where valid_to is null

),

excluded_leads as (

    select distinct
        lead_id,
        model_id
    from {{ ref('int_leads_matched_to_fit_rules') }}
    where excludes_lead

),

last_activity as (

    select
        lead_id,
        max(occurred_at) as last_activity_at
    from {{ ref('int_activities_unioned') }}
    where lead_id is not null and activity_date <= {{ as_of_date() }}
    group by lead_id

),

-- The total as the history takes it (macros lead_scores_on, clamp_score).
state_points as (

    select
        state.lead_id,
        state.model_id,
        sum(case when state.component = '_fit' then state.fixed_points end)
            as fit_points,
        sum(
            case
                when state.component <> '_fit'
                    then {{ component_points_on(as_of_date(), 'segment') }}
                else 0
            end
        ) as engagement_points,
        {{ clamp_score(
            'sum(' ~ component_points_on(as_of_date(), 'segment') ~ ')'
        ) }} as lead_score
    from state
    inner join state as segment
        on
            state.lead_id = segment.lead_id
            and state.model_id = segment.model_id
            and segment.component = '_fit'
    inner join scoring_models
        on state.model_id = scoring_models.model_id
    group by
        state.lead_id,
        state.model_id,
        scoring_models.min_score,
        scoring_models.max_score

),

final as (

    select
        leads.lead_id,
        scoring_models.model_id,
        scoring_models.model_status,
        score_groups.group_name,
        cast(coalesce(state_points.fit_points, 0) as double) as fit_points,
        cast(coalesce(state_points.engagement_points, 0) as double)
            as engagement_points,
        cast(coalesce(state_points.lead_score, 0) as double) as lead_score,
        coalesce(score_groups.is_sales_ready, false)
        and excluded_leads.lead_id is null as is_sales_ready,
        excluded_leads.lead_id is not null as is_excluded,
        {{ as_of_date() }} as scored_as_of,
        last_activity.last_activity_at
    from leads
    cross join scoring_models
    left join state_points
        on
            leads.lead_id = state_points.lead_id
            and scoring_models.model_id = state_points.model_id
    left join excluded_leads
        on
            leads.lead_id = excluded_leads.lead_id
            and scoring_models.model_id = excluded_leads.model_id
    left join last_activity
        on leads.lead_id = last_activity.lead_id
    left join score_groups
        on
            scoring_models.model_id = score_groups.model_id
            and {{ in_band(
                'coalesce(state_points.lead_score, 0)', 'score_groups'
            ) }}

)

select * from final
