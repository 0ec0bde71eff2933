-- One row per activity rule of a scored model, with its description and
-- its model's decay, as the last build that passed every seed test had
-- them: the points ledger (a view) reads this table, never a seed, so a
-- seed that fails to load or fails a test leaves the ledger as it was.
-- depends_on: {{ ref('int_seed_fingerprints') }}  (waits for every seed test)
with

scoring_models as (

    select
        model_id,
        decay_method,
        decay_days,
        decay_pct
    from {{ ref('scoring_models') }}
    where status in ('active', 'draft')

),

activity_rules as (

    select
        rule_id,
        model_id,
        description as rule_description
    from {{ ref('activity_rules') }}

),

final as (

    select
        activity_rules.rule_id,
        activity_rules.model_id,
        activity_rules.rule_description,
        scoring_models.decay_method,
        scoring_models.decay_days,
        scoring_models.decay_pct
    from activity_rules
    inner join scoring_models
        on activity_rules.model_id = scoring_models.model_id

)

select * from final
