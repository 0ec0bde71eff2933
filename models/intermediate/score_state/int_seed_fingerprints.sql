-- One row per scored model: a fingerprint of every seed value that moves
-- its scores (decay, floor and cap, activity rules, category caps, fit
-- rules, bands). Names, descriptions, owners, status and routing do not
-- count. When a fingerprint changes, the next run rescores the model's
-- whole history (see int_score_state and the scoring_window macro).
-- It waits for the tests of every seed, and the first models of each
-- branch wait for it: a seed that fails a test rebuilds nothing.
-- depends_on: {{ ref('routing_rules') }}
-- depends_on: {{ ref('pipeline_stages') }}
with

scoring_models as (

    select
        model_id,
        decay_method,
        decay_days,
        decay_pct,
        min_score,
        max_score
    from {{ ref('scoring_models') }}
    where status in ('active', 'draft')

),

activity_rules as (

    select
        model_id,
        rule_id,
        activity_type,
        match_key,
        match_value,
        min_duration_seconds,
        points,
        category,
        max_per_day,
        max_points,
        decays
    from {{ ref('activity_rules') }}

),

score_categories as (

    select
        model_id,
        category,
        max_points
    from {{ ref('score_categories') }}

),

fit_rules as (

    select
        model_id,
        rule_id,
        attribute,
        operator,
        value,
        points,
        excludes_lead
    from {{ ref('fit_rules') }}

),

score_groups as (

    select
        model_id,
        group_name,
        min_score,
        max_score,
        is_sales_ready,
        sort_order
    from {{ ref('score_groups') }}

),

-- Each seed row as one line of text: the file's name, then its values.
seed_lines as (

    select
        model_id,
        {{ seed_line('scoring_models', [
            'decay_method', 'decay_days', 'decay_pct', 'min_score', 'max_score',
        ]) }} as seed_line
    from scoring_models
    union all
    select
        model_id,
        {{ seed_line('activity_rules', [
            'rule_id', 'activity_type', 'match_key', 'match_value',
            'min_duration_seconds', 'points', 'category', 'max_per_day',
            'max_points', 'decays',
        ]) }} as seed_line
    from activity_rules
    union all
    select
        model_id,
        {{ seed_line('score_categories', ['category', 'max_points']) }}
            as seed_line
    from score_categories
    union all
    select
        model_id,
        {{ seed_line('fit_rules', [
            'rule_id', 'attribute', 'operator', 'value', 'points',
            'excludes_lead',
        ]) }} as seed_line
    from fit_rules
    union all
    select
        model_id,
        {{ seed_line('score_groups', [
            'group_name', 'min_score', 'max_score', 'is_sales_ready',
            'sort_order',
        ]) }} as seed_line
    from score_groups

),

final as (

    select
        scoring_models.model_id,
        {{ dbt.hash(sorted_string_agg('seed_lines.seed_line')) }}
            as seed_fingerprint
    from scoring_models
    inner join seed_lines
        on scoring_models.model_id = seed_lines.model_id
    group by scoring_models.model_id

)

select * from final
