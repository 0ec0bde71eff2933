-- One row per scored model: its seed fingerprint against the one of the
-- last finished run (rpt_scoring_runs, as the scoring_window macro finds
-- it), which decides whether a run rescores the model's whole history. The
-- model ids stay in the tables: no seed value is pasted into SQL.
{%- set window = scoring_window(for_model='int_leads_rescored') %}
with

fingerprints as (

    select
        model_id,
        seed_fingerprint
    from {{ ref('int_seed_fingerprints') }}

),

{%- if window.last_run_started_at is not none %}

last_run as (

    select
        model_id,
        seed_fingerprint
    from {{ window.runs }}
    where run_started_at = cast(
        '{{ window.last_run_started_at }}' as {{ dbt.type_timestamp() }}
    )

),
{%- endif %}

final as (

    select
        fingerprints.model_id,
        fingerprints.seed_fingerprint,
        {%- if window.last_run_started_at is none %}
            true as is_rescored,
            false as is_changed
        {%- else %}
        coalesce(
            last_run.seed_fingerprint <> fingerprints.seed_fingerprint, true
        ) as is_rescored,
        coalesce(
            last_run.seed_fingerprint <> fingerprints.seed_fingerprint, false
        ) as is_changed
        {%- endif %}
    from fingerprints
    {%- if window.last_run_started_at is not none %}
    left join last_run
        on fingerprints.model_id = last_run.model_id
    {%- endif %}

)

select * from final
