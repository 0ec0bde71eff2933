"""Print where the scores are and how many leads each model puts in each group."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import duckdb

DEFAULT_WAREHOUSE = "data/lead_scoring.duckdb"


def summary_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        """
        select
            scores.model_id,
            scores.model_status,
            scores.group_name,
            count(*) as leads,
            sum(case when scores.is_sales_ready then 1 else 0 end) as sales_ready,
            round(avg(scores.lead_score), 1) as average_score
        from marts.fct_lead_scores as scores
        left join scoring_model.score_groups as groups
            on scores.model_id = groups.model_id
            and scores.group_name = groups.group_name
        group by all
        order by scores.model_id, min(groups.sort_order)
        """
    ).fetchall()


def last_run(con: duckdb.DuckDBPyConnection) -> str:
    """One line on what the last run rescored, from the run log."""
    rescore_from, rescored = con.execute(
        """
        select any_value(rescore_from), max(rescored_leads)
        from marts.rpt_scoring_runs
        where run_started_at = (select max(run_started_at) from marts.rpt_scoring_runs)
        """
    ).fetchone()
    if rescore_from is None:
        line = f"This run scored every lead ({rescored:,}) from its first day."
    else:
        line = (
            f"This run rescored {rescored:,} leads with changes since {rescore_from}."
        )
    return line


def performance_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Per scored model over its test period: conversion of the sales-ready
    leads against the others, and the AUC (rpt_model_performance)."""
    return con.execute(
        """
        select
            model_id,
            model_status,
            test_period_start,
            leads,
            sales_ready_precision,
            (converted_leads - sales_ready_converted_leads)
                / nullif(leads - sales_ready_leads, 0),
            auc
        from marts.rpt_model_performance
        order by model_status, model_id
        """
    ).fetchall()


def routing_line(con: duckdb.DuckDBPyConnection) -> str:
    """SLA of the route_to_sales actions (fct_routing_actions)."""
    counts = dict(
        con.execute(
            "select sla_status, count(*) from marts.fct_routing_actions"
            " where sla_hours is not null group by sla_status"
        ).fetchall()
    )
    return (
        f"Routing actions with an SLA: {counts.get('open', 0):,} open,"
        f" {counts.get('met', 0):,} met, {counts.get('breached', 0):,} breached."
    )


def quarantine_line(con: duckdb.DuckDBPyConnection) -> str | None:
    """One line on the raw rows the last run quarantined (rpt_data_quality)."""
    rows = con.execute(
        """
        select source_table, issue, row_count
        from marts.rpt_data_quality
        where run_started_at = (select max(run_started_at) from marts.rpt_data_quality)
            and issue <> 'usable_rows'
        order by source_table, issue
        """
    ).fetchall()
    if not rows:
        return None
    parts = ", ".join(f"{table} {issue} {count:,}" for table, issue, count in rows)
    return f"Quarantined raw rows (see rpt_data_quality): {parts}."


def freshness_line(sources_json: Path) -> str | None:
    """One line on stale sources, from `dbt source freshness`."""
    if not sources_json.exists():
        return None
    results = json.loads(sources_json.read_text())["results"]
    stale = [
        f"{result['unique_id'].split('.', 2)[2]} loaded"
        f" {result['max_loaded_at_time_ago_in_s'] / 3600:.0f} h ago ({result['status']})"
        for result in results
        if result["status"] != "pass" and "max_loaded_at_time_ago_in_s" in result
    ]
    if not stale:
        return f"Source freshness: all {len(results)} source tables are fresh."
    return "Source freshness: " + "; ".join(stale) + "."


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--warehouse",
        default=os.environ.get("LEAD_SCORING_DUCKDB", DEFAULT_WAREHOUSE),
        help="DuckDB file (default: $LEAD_SCORING_DUCKDB or %(default)s)",
    )
    parser.add_argument(
        "--sources-json",
        default="target/sources.json",
        help="results of dbt source freshness (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    con = duckdb.connect(args.warehouse, read_only=True)
    try:
        as_of = con.execute(
            "select max(scored_as_of) from marts.fct_lead_scores"
        ).fetchone()[0]
        rows = summary_rows(con)
        run = last_run(con)
        performance = performance_rows(con)
        routing = routing_line(con)
        quarantined = quarantine_line(con)
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
    finally:
        con.close()
    print(f"Scores as of {as_of} are in {args.warehouse}, schema marts")
    print(f"({', '.join(marts)}).")
    print(run)
    for line in (quarantined, freshness_line(Path(args.sources_json))):
        if line:
            print(line)
    print()
    # As wide as the longest model id (a calibrated draft's is long).
    width = max([16, *(len(row[0]) + 2 for row in [*rows, *performance])])
    header = ("model", "status", "group", "leads", "sales-ready", "avg score")
    print(f"{header[0]:<{width}}" + "{:<8}{:<10}{:>8}{:>13}{:>11}".format(*header[1:]))
    for model_id, status, group, leads, ready, average in rows:
        print(
            f"{model_id:<{width}}{status:<8}{group or '-':<10}{leads:>8}{ready:>13}"
            f"{average:>11}"
        )
    print()
    print(routing)
    print("Test period (rpt_model_performance): conversion of the sales-ready leads")
    print("against the rest, on the score before sales touched them:")
    header = ("model", "status", "from", "leads", "sales-ready", "rest", "AUC")
    print(
        f"{header[0]:<{width}}" + "{:<8}{:<12}{:>7}{:>13}{:>8}{:>7}".format(*header[1:])
    )
    for model_id, status, start, leads, ready, rest, auc in performance:
        print(
            f"{model_id:<{width}}{status:<8}{start!s:<12}{leads:>7}{percent(ready):>13}"
            f"{percent(rest):>8}{'-' if auc is None else f'{auc:.2f}':>7}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
