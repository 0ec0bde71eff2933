-- Data quality of the activity stream: one row per scored model and
-- activity type, counting activities no rule matched and anonymous ones, so
-- nothing leaves the scoring unnoticed.
with

activities as (

    select
        activity_id,
        lead_id,
        activity_type
    from {{ ref('int_activities_unioned') }}
    where activity_date <= {{ as_of_date() }}

),

matched as (

    select
        model_id,
        activity_id,
        activity_type
    from {{ ref('int_activities_matched_to_rules') }}
    where activity_date <= {{ as_of_date() }}

),

scoring_models as (

    select model_id
    from {{ ref('scoring_models') }}
    where status in ('active', 'draft')

),

activities_by_type as (

    select
        activity_type,
        count(*) as activities,
        cast(
            sum(case when lead_id is null then 1 else 0 end)
            as {{ dbt.type_bigint() }}
        ) as anonymous_activities
    from activities
    group by activity_type

),

matched_by_type as (

    select
        model_id,
        activity_type,
        count(distinct activity_id) as matched_activities
    from matched
    group by model_id, activity_type

),

final as (

    select
        scoring_models.model_id,
        activities_by_type.activity_type,
        activities_by_type.activities,
        activities_by_type.anonymous_activities,
        coalesce(matched_by_type.matched_activities, 0) as matched_activities,
        activities_by_type.activities
        - activities_by_type.anonymous_activities
        - coalesce(matched_by_type.matched_activities, 0)
            as unmatched_activities
    from scoring_models
    cross join activities_by_type
    left join matched_by_type
        on
            scoring_models.model_id = matched_by_type.model_id
            and activities_by_type.activity_type = matched_by_type.activity_type

)

select * from final
