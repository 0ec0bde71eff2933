-- The current score: one row per lead and scored model (active and draft)
-- as of the `as_of` date. Score = clamp(fit + sum of capped category
-- engagement, min_score, max_score); the score falls in one group. Taken
-- from the score state, the one computation of the score that the history
-- and transitions use too, so every mart puts a lead in the same group.
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

-- The score state on as_of: its open row of every component.
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

fit_matches as (

    select
        lead_id,
        model_id,
        fit_points,
        excludes_lead
    from {{ ref('int_leads_matched_to_fit_rules') }}

),

activities as (

    select
        lead_id,
        occurred_at
    from {{ ref('int_activities_unioned') }}
    where lead_id is not null and activity_date <= {{ as_of_date() }}

),

-- The total as the history takes it (see the macro lead_scores_on).
state_points as (

    select
        state.lead_id,
        state.model_id,
        sum(
            case
                when state.component <> '_fit'
                    then {{ component_points_on(as_of_date()) }}
                else 0
            end
        ) as engagement_points,
        sum({{ component_points_on(as_of_date()) }}) as total_points
    from state
    inner join scoring_models
        on state.model_id = scoring_models.model_id
    group by state.lead_id, state.model_id

),

fit as (

    select
        lead_id,
        model_id,
        sum(fit_points) as fit_points,
        max(case when excludes_lead then 1 else 0 end) = 1 as is_excluded
    from fit_matches
    group by lead_id, model_id

),

last_activity as (

    select
        lead_id,
        max(occurred_at) as last_activity_at
    from activities
    group by lead_id

),

scored as (

    select
        leads.lead_id,
        scoring_models.model_id,
        scoring_models.model_status,
        coalesce(fit.fit_points, 0) as fit_points,
        coalesce(state_points.engagement_points, 0) as engagement_points,
        coalesce(state_points.total_points, 0) as unclamped_score,
        scoring_models.min_score,
        scoring_models.max_score,
        coalesce(fit.is_excluded, false) as is_excluded,
        last_activity.last_activity_at
    from leads
    cross join scoring_models
    left join fit
        on
            leads.lead_id = fit.lead_id
            and scoring_models.model_id = fit.model_id
    left join state_points
        on
            leads.lead_id = state_points.lead_id
            and scoring_models.model_id = state_points.model_id
    left join last_activity
        on leads.lead_id = last_activity.lead_id

),

clamped as (

    select
        *,
        case
            when unclamped_score < min_score then min_score
            when unclamped_score > max_score then max_score
            else unclamped_score
        end as lead_score
    from scored

),

final as (

    select
        clamped.lead_id,
        clamped.model_id,
        clamped.model_status,
        score_groups.group_name,
        cast(clamped.fit_points as double) as fit_points,
        cast(clamped.engagement_points as double)
            as engagement_points,
        cast(clamped.lead_score as double) as lead_score,
        coalesce(score_groups.is_sales_ready, false)
        and not clamped.is_excluded as is_sales_ready,
        clamped.is_excluded,
        {{ as_of_date() }} as scored_as_of,
        clamped.last_activity_at
    from clamped
    left join score_groups
        on
            clamped.model_id = score_groups.model_id
            and {{ in_band('clamped.lead_score', 'score_groups') }}

)

select * from final
