"""The guards: stop a run whose marts look broken before anything leaves
the warehouse, and print what needs a person.

    guards.py [--warehouse FILE] [--published FILE] [--allow-mass-change]

daily.py runs them after the build, and publish.py before it replaces the
published copy, which the CRM
sync, the dashboard and the sales alerts read; so a run they stop leaves
all three at the last good run. They compare the run just built with that
published copy:

- quarantined rows (marts.rpt_data_quality): per source table, the share
  of its rows left out of scoring, of all rows and of the rows added since
  the published run, above the vars guard_max_quarantined_share and
  guard_max_new_quarantined_share (duplicates, superseded versions of a
  kept row, do not count);
- the CRM sync (marts.fct_crm_lead_scores): per model, the share of the
  leads the CRM has that the run would remove (guard_max_crm_removed_share)
  or remove or move to another group (guard_max_crm_changed_share); a
  score that moves inside its group, as decay does every day, is routine.

The vars are in dbt_project.yml. An intended mass change (a model going
live or retired, a seed edit that moves most scores) passes with
--allow-mass-change; the stops are then printed as passed. Exits 8 when a
guard stops the run, 0 otherwise. Every warning that needs a person is
printed either way: quarantined rows, CRM stages pipeline_stages does not
map, and activity rules that match nothing (marts.rpt_seed_gaps).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml
from publish import published_path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_WAREHOUSE = "data/lead_scoring.duckdb"
STOPPED = 8
THRESHOLDS = (
    "guard_max_quarantined_share",
    "guard_max_new_quarantined_share",
    "guard_max_crm_removed_share",
    "guard_max_crm_changed_share",
)


def thresholds(project_vars: dict | None = None) -> dict[str, float]:
    """The guards' thresholds, shares from 0 to 1, from dbt_project.yml."""
    if project_vars is None:
        project_vars = yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]
    return {name: float(project_vars[name]) for name in THRESHOLDS}


@dataclass(frozen=True)
class Report:
    stops: list[str]
    warnings: list[str]


# Per source table, of the latest run in a copy of rpt_data_quality: the
# rows counted (usable or quarantined, duplicates left out), the
# quarantined ones, and the reasons with their rows.
QUARANTINE_SQL = """
    select
        source_table,
        sum(row_count) filter (where issue = 'usable_rows' or is_quarantined),
        coalesce(sum(row_count) filter (where is_quarantined), 0),
        coalesce(
            string_agg(
                issue || ' ' || format('{{:,}}', row_count), ', '
                order by row_count desc, issue
            ) filter (where is_quarantined),
            ''
        )
    from {catalog}.marts.rpt_data_quality
    where issue <> 'duplicate_key'
        and run_started_at = (
            select max(run_started_at) from {catalog}.marts.rpt_data_quality
        )
    group by source_table
    order by source_table
"""

# Per active model: the leads the published CRM sync table has, and of
# them those the new one removes, or moves to another group (or in or out
# of sales-ready or excluded). A score that moves inside its group is
# routine (decay moves many every day) and does not count.
CRM_SQL = """
    select
        published.model_id,
        count(*) as synced,
        count(*) filter (where built.crm_sync_id is null or built.is_removed)
            as removed,
        count(*) filter (
            where not built.is_removed and (
                built.group_name is distinct from published.group_name
                or built.is_sales_ready <> published.is_sales_ready
                or built.is_excluded <> published.is_excluded
            )
        ) as regrouped
    from published.marts.fct_crm_lead_scores as published
    left join marts.fct_crm_lead_scores as built
        on published.crm_sync_id = built.crm_sync_id
    where not published.is_removed
    group by published.model_id
    order by published.model_id
"""

GAPS_SQL = """
    select gap_type, model_id, subject, row_count
    from marts.rpt_seed_gaps
    order by gap_type, model_id, subject
"""


def share(part: int, whole: int) -> str:
    return f"{part:,} of {whole:,} ({part / whole:.1%})"


def quarantine_stops(
    con: duckdb.DuckDBPyConnection, has_published: bool, limits: dict[str, float]
) -> tuple[list[str], list[str]]:
    """Stops for tables whose quarantined share is above the thresholds, and
    a warning for each other table with quarantined rows."""
    (catalog,) = con.execute("select current_database()").fetchone()
    now = {
        row[0]: row[1:]
        for row in con.execute(QUARANTINE_SQL.format(catalog=f'"{catalog}"')).fetchall()
    }
    before = (
        {
            row[0]: row[1:]
            for row in con.execute(
                QUARANTINE_SQL.format(catalog="published")
            ).fetchall()
        }
        if has_published
        else {}
    )
    stops, warnings = [], []
    for table, (rows, quarantined, reasons) in now.items():
        if not quarantined:
            continue
        rows_before, quarantined_before, _ = before.get(table, (0, 0, ""))
        added = rows - rows_before
        added_quarantined = quarantined - quarantined_before
        limit_all = limits["guard_max_quarantined_share"]
        limit_new = limits["guard_max_new_quarantined_share"]
        if quarantined / rows > limit_all:
            stops.append(
                f"{table}: {share(quarantined, rows)} rows are quarantined"
                f" ({reasons}), above guard_max_quarantined_share {limit_all:.0%}."
            )
        elif added > 0 < added_quarantined and added_quarantined / added > limit_new:
            stops.append(
                f"{table}: {share(added_quarantined, added)} of the rows added"
                f" since the published run are quarantined ({reasons}), above"
                f" guard_max_new_quarantined_share {limit_new:.0%}."
            )
        else:
            warnings.append(
                f"{table}: {quarantined:,} rows quarantined ({reasons}); they are"
                " left out of scoring (staging base_ tables, rpt_data_quality)."
            )
    return stops, warnings


def crm_stops(con: duckdb.DuckDBPyConnection, limits: dict[str, float]) -> list[str]:
    """Stops for models whose CRM rows the run would mostly remove or move."""
    stops = []
    for model_id, synced, removed, regrouped in con.execute(CRM_SQL).fetchall():
        table = f"marts.fct_crm_lead_scores, model {model_id}"
        limit = limits["guard_max_crm_removed_share"]
        if removed / synced > limit:
            stops.append(
                f"{table}: the run would remove {share(removed, synced)} of the"
                f" leads the CRM has, above guard_max_crm_removed_share {limit:.0%}."
            )
        limit = limits["guard_max_crm_changed_share"]
        if (removed + regrouped) / synced > limit:
            stops.append(
                f"{table}: the run would remove or move to another group"
                f" {share(removed + regrouped, synced)} of the leads the CRM has"
                f" ({removed:,} removed, {regrouped:,} moved), above"
                f" guard_max_crm_changed_share {limit:.0%}."
            )
    return stops


def gap_warnings(con: duckdb.DuckDBPyConnection) -> list[str]:
    """A warning per unmapped CRM stage, and one per model listing its rules
    that match nothing."""
    warnings = []
    unmatched: dict[str, list[str]] = {}
    for gap_type, model_id, subject, row_count in con.execute(GAPS_SQL).fetchall():
        if gap_type == "unmapped_crm_stage":
            warnings.append(
                f"crm.lead_stage_changes: the CRM stage {subject!r} ({row_count:,}"
                " changes) is not in seeds/pipeline_stages.csv; those changes are"
                " left out of the funnel, the handoffs and the SLAs."
            )
        else:
            unmatched.setdefault(model_id, []).append(subject)
    for model_id, rules in unmatched.items():
        warnings.append(
            f"seeds/activity_rules.csv: model {model_id!r}:"
            f" {'rule' if len(rules) == 1 else f'{len(rules)} rules'}"
            f" {', '.join(repr(rule) for rule in rules)}"
            f" {'matches' if len(rules) == 1 else 'match'} no activity;"
            " check activity_type and match_key."
        )
    return warnings


def check(warehouse: Path, published: Path, limits: dict[str, float]) -> Report:
    """The guards' stops and warnings for `warehouse` against `published`
    (the last good run; none yet: only the shares of all rows count)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        baselines = set()
        if published.exists():
            quoted = str(published).replace("'", "''")
            con.execute(f"attach '{quoted}' as published (read_only)")
            # What the published copy has to compare with (a copy published
            # before the guards has no is_quarantined).
            baselines = {
                table
                for (table,) in con.execute(
                    "select table_name from duckdb_columns() where database_name ="
                    " 'published' and schema_name = 'marts' and (table_name,"
                    " column_name) in (('rpt_data_quality', 'is_quarantined'),"
                    " ('fct_crm_lead_scores', 'is_removed'))"
                ).fetchall()
            }
        stops, warnings = quarantine_stops(con, "rpt_data_quality" in baselines, limits)
        if "fct_crm_lead_scores" in baselines:
            stops += crm_stops(con, limits)
        warnings += gap_warnings(con)
    finally:
        con.close()
    return Report(stops, warnings)


def add_allow_mass_change(parser: argparse.ArgumentParser) -> None:
    """The one flag that lets an intended mass change past the guards, for
    this run (also LEAD_SCORING_ALLOW_MASS_CHANGE=1)."""
    parser.add_argument(
        "--allow-mass-change",
        action="store_true",
        default=bool(os.environ.get("LEAD_SCORING_ALLOW_MASS_CHANGE")),
        help="let an intended mass change (a model retired, a seed edit that"
        " regroups most leads) past the guards, for this run"
        " (or set LEAD_SCORING_ALLOW_MASS_CHANGE=1)",
    )


def report(result: Report, allow_mass_change: bool) -> int:
    """Print the stops, then the warnings; the exit code."""
    stopped = bool(result.stops) and not allow_mass_change
    for stop in result.stops:
        prefix = "guard" if stopped else "guard passed by --allow-mass-change"
        print(f"{prefix}: {stop}", file=sys.stderr)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not stopped:
        return 0
    print(
        "The run was stopped before publishing: the published copy, and so the"
        " CRM sync, BI and the alerts, stay at the last good run. Fix the load"
        " and run again; if the change is intended, run again with"
        " --allow-mass-change (make ... ALLOW_MASS_CHANGE=1). See"
        " docs/running.md, 'When a guard stops a run'.",
        file=sys.stderr,
    )
    return STOPPED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("LEAD_SCORING_DUCKDB", DEFAULT_WAREHOUSE)),
    )
    parser.add_argument(
        "--published", type=Path, help="default: <warehouse>_published.duckdb"
    )
    add_allow_mass_change(parser)
    args = parser.parse_args(argv)
    published = args.published or published_path(args.warehouse)
    return report(
        check(args.warehouse, published, thresholds()), args.allow_mass_change
    )


if __name__ == "__main__":
    sys.exit(main())
