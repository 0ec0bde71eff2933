-- The current score: one row per lead and scored model as of `as_of`, from
-- the score state's rows that hold now, with the one computation history
-- and transitions use too.
with

leads as (

    select lead_id
    from {{ ref('stg_marketing__leads') }}
    where cast(created_at as date) <= {{ as_of_date() }}

),

scoring_models as (

    select
        model_id,
        status as model_status
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

-- The score on as_of (macro lead_scores_on): the one computation the
-- history, the backtest and the test period take scores from, here over
-- the state rows that hold now.
state_points as (

    {{ lead_scores_on(
        as_of_date(), state=ref('int_score_state_current')
    ) }}

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
