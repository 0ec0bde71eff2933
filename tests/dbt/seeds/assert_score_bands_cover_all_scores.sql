-- Every scoring model's bands cover every score exactly once: ordered by
-- min_score, the first band is open below, the last open above, and each
-- band starts where the one before it ends. Returns the offending bands.
with

groups as (

    select
        model_id,
        group_name,
        min_score,
        max_score
    from {{ ref('score_groups') }}

),

models as (

    select model_id
    from {{ ref('scoring_models') }}
    where status <> 'retired'

),

ordered as (

    select
        model_id,
        group_name,
        min_score,
        max_score,
        lag(max_score) over (
            partition by model_id order by min_score asc nulls first
        ) as previous_max_score,
        row_number() over (
            partition by model_id order by min_score asc nulls first
        ) as band_position,
        count(*) over (partition by model_id) as band_count
    from groups

),

band_problems as (

    select
        model_id,
        group_name,
        case
            when band_position = 1 and min_score is not null
                then 'lowest band must have an empty min_score'
            when band_position > 1 and min_score is null
                then 'only the lowest band may have an empty min_score'
            when band_position > 1 and min_score > previous_max_score
                then 'gap: scores between the previous band and this one'
            when band_position > 1 and min_score < previous_max_score
                then 'overlap with the previous band'
            when band_position = band_count and max_score is not null
                then 'highest band must have an empty max_score'
            when band_position < band_count and max_score is null
                then 'only the highest band may have an empty max_score'
            when min_score >= max_score
                then 'min_score must be below max_score'
        end as problem
    from ordered

),

models_without_bands as (

    select
        models.model_id,
        cast(null as {{ dbt.type_string() }}) as group_name,
        'model has no score groups' as problem
    from models
    left join groups
        on models.model_id = groups.model_id
    where groups.model_id is null

)

select * from band_problems
where problem is not null
union all
select * from models_without_bands
