-- One row per distinct activity type, key and value (lowercased) of the
-- leads' activities and activity rule of a scored model whose patterns it
-- matches (LIKE, case-insensitive). Matching once per distinct value, not
-- once per activity: a site has far fewer pages than page views.
{{ config(materialized='view') }}
with

activities as (

    select
        activity_type,
        activity_key,
        activity_value
    from {{ ref('int_activities_unioned') }}
    where lead_id is not null

),

scoring_models as (

    select model_id
    from {{ ref('scoring_models') }}
    where status in ('active', 'draft')

),

activity_rules as (

    select
        activity_rules.rule_id,
        activity_rules.model_id,
        lower(trim(activity_rules.activity_type)) as activity_type,
        lower(activity_rules.match_key) as match_key,
        lower(activity_rules.match_value) as match_value
    from {{ ref('activity_rules') }} as activity_rules
    inner join scoring_models
        on activity_rules.model_id = scoring_models.model_id

),

activity_values as (

    select distinct
        activity_type,
        lower(activity_key) as activity_key,
        lower(activity_value) as activity_value
    from activities

),

value_matches as (

    select
        activity_values.activity_type,
        activity_values.activity_key,
        activity_values.activity_value,
        activity_rules.rule_id
    from activity_values
    inner join activity_rules
        on activity_values.activity_type = activity_rules.activity_type
    where
        (
            activity_rules.match_key is null
            or activity_values.activity_key like activity_rules.match_key
        )
        and (
            activity_rules.match_value is null
            or activity_values.activity_value like activity_rules.match_value
        )

)

select * from value_matches
