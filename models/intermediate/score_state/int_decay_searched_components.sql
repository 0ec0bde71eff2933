-- Part of int_decay_transitions (ephemeral): the components of the
-- searched segments of the rescored leads (see the YAML).
{{ config(materialized='ephemeral') }}
-- depends_on: {{ ref('int_seed_fingerprints') }}
{%- set window = scoring_window(for_model='int_decay_transitions') %}
with

searched_segments as (

    select
        lead_id,
        model_id,
        valid_from
    from {{ ref('int_score_segments') }}
    where {{ window.rescored_rows }} and is_searched

),

rescored_components as (

    {{ score_components(window.rescored_rows) }}

),

decay_models as (

    select
        model_id,
        decay_method,
        decay_days,
        decay_pct
    from {{ ref('scoring_models') }}

),

state as (

    select rescored_components.*
    from rescored_components
    inner join searched_segments
        on
            rescored_components.lead_id = searched_segments.lead_id
            and rescored_components.model_id = searched_segments.model_id
            and rescored_components.valid_from = searched_segments.valid_from

)

select
    state.*,
    case
        when scoring_models.decay_method = 'half_life'
            then
                state.decaying_points
                * {{ decay_factor_on('state.valid_from') }}
        else state.decaying_points
    end as factor_points,
    {{ decay_factor_on('state.valid_from', 'state.valid_from') }}
        as start_factor,
    case
        when state.valid_to is null then 0.0
        else {{ decay_factor_on(
            'cast(' ~ dbt.dateadd('day', -1, 'state.valid_to')
            ~ ' as date)', 'state.valid_from'
        ) }}
    end as end_factor
from state
inner join decay_models as scoring_models
    on state.model_id = scoring_models.model_id
