{#- What an incremental run of the score state rescores, decided when the
    calling model runs, from the last finished run in rpt_scoring_runs (the
    latest one of an earlier dbt invocation):
    - rescore_from: the last run's as_of minus the `lookback_days` var. A
      lead with an activity on or after that day that the last run did not
      score, and nothing changed before it, is rescored from that day
      (int_leads_rescored). None: rescore every lead.
    - loaded_through: the latest _loaded_at the last run had seen;
      last_run_started_at: when the last run started (state rows scored
      after it were rescored by this run, or by one that failed);
      rescored_rows: that as a SQL condition on scored_at (true when
      everything is rescored).
    - runs: the run log's relation; int_seed_fingerprints_compared joins
      its last run's fingerprints to decide which models are rescored in
      full (no model id is pasted into SQL).
    A full refresh, a first run or a missing run log rescores everything,
    and so does a missing table of `for_model` (default: the calling model),
    the incremental model whose point of view is taken. -#}
{% macro scoring_window(for_model=none) %}
    {%- set window = {
        'rescore_from': none,
        'previous_as_of': none,
        'loaded_through': none,
        'last_run_started_at': none,
        'rescored_rows': 'true',
        'runs': none,
    } -%}
    {%- if not execute -%}
        {{ return(window) }}
    {%- endif -%}

    {%- set runs_node = graph.nodes['model.lead_scoring.rpt_scoring_runs'] -%}
    {%- set runs = adapter.get_relation(
        database=runs_node.database,
        schema=runs_node.schema,
        identifier=runs_node.alias,
    ) -%}
    {%- if for_model is none -%}
        {%- set incremental = is_incremental() -%}
    {%- else -%}
        {%- set node = graph.nodes['model.lead_scoring.' ~ for_model] -%}
        {%- set incremental = not flags.FULL_REFRESH and adapter.get_relation(
            database=node.database, schema=node.schema, identifier=node.alias
        ) is not none -%}
    {%- endif -%}
    {%- set last_run = [] -%}
    {%- if incremental and runs is not none -%}
        {%- set last_run = run_query(
            "select cast(as_of as " ~ dbt.type_string() ~ "),"
            ~ " cast(loaded_through as " ~ dbt.type_string() ~ "),"
            ~ " cast(run_started_at as " ~ dbt.type_string() ~ ")"
            ~ " from " ~ runs
            ~ " where run_started_at = (select max(run_started_at) from " ~ runs
            ~ " where invocation_id <> '" ~ invocation_id ~ "')"
        ).rows -%}
    {%- endif -%}
    {%- if last_run | length == 0 -%}
        {{ return(window) }}
    {%- endif -%}

    {%- set previous_as_of = last_run[0][0] -%}
    {%- if as_of_text() < previous_as_of -%}
        {{ exceptions.raise_compiler_error(
            "as_of " ~ as_of_text() ~ " is before the last run's as_of "
            ~ previous_as_of ~ ". Scores are carried forward from run to run;"
            ~ " to score an earlier date, run dbt build --full-refresh."
        ) }}
    {%- endif -%}
    {%- set rescore_from = (
        modules.datetime.date.fromisoformat(previous_as_of)
        - modules.datetime.timedelta(days=var('lookback_days') | int)
    ).isoformat() -%}
    {%- do window.update({
        'rescore_from': rescore_from,
        'previous_as_of': previous_as_of,
        'loaded_through': last_run[0][1],
        'last_run_started_at': last_run[0][2],
        'rescored_rows': "scored_at > cast('" ~ last_run[0][2] ~ "' as "
            ~ dbt.type_timestamp() ~ ")",
        'runs': runs,
    }) -%}
    {{ return(window) }}
{% endmacro %}
