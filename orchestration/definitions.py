"""The daily job on Dagster (dagster-dbt): the same steps as scripts/daily.py
under the warehouse's one lock, every dbt model, seed and test an asset.

    dagster dev -f orchestration/definitions.py      # the UI, the schedule
    dagster job execute -f orchestration/definitions.py -j lead_scoring_daily

One run of the job checks the seeds, the source tables against the
contract and the sources' freshness, runs one `dbt build` (the run log
rpt_scoring_runs decides what the next run rescores, so the models are
never built in pieces), publishes the marts for BI and posts the sales
alerts when $LEAD_SCORING_ALERT_WEBHOOK is set. The steps run in one
process that holds <warehouse>.lock from the first to the last, as make
daily does; a step that fails stops the run and names its cause.
LEAD_SCORING_DUCKDB names the warehouse, as everywhere.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets, get_asset_key_for_model

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from daily import DEFAULT_WAREHOUSE, step_command  # noqa: E402
from with_lock import hold  # noqa: E402

BIN = Path(sys.executable).parent
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

project = DbtProject(project_dir=REPO, profiles_dir=REPO, target_path="target/dagster")


def manifest_is_stale() -> bool:
    """No manifest, or a project file changed since it was parsed."""
    if not project.manifest_path.exists():
        return True
    parsed = project.manifest_path.stat().st_mtime
    sources = [REPO / "dbt_project.yml"] + [
        path
        for folder in ("models", "macros", "seeds", "tests/dbt")
        for path in (REPO / folder).rglob("*")
    ]
    return any(path.stat().st_mtime > parsed for path in sources)


if manifest_is_stale():
    # Deployments parse at image build; a checkout parses when it changed.
    subprocess.run(
        [BIN / "dbt", "parse", "--quiet", "--target-path", project.target_path],
        cwd=REPO,
        env={**os.environ, "DBT_PROFILES_DIR": str(REPO)},
        check=True,
    )


def warehouse() -> Path:
    return Path(os.environ.get("LEAD_SCORING_DUCKDB", REPO / DEFAULT_WAREHOUSE))


class WarehouseLock(dg.ConfigurableResource):
    """<warehouse>.lock, held from the run's first step to its last (the job
    runs in one process)."""

    wait_seconds: float = 0

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator:
        with hold(warehouse(), self.wait_seconds, "dagster lead_scoring_daily") as held:
            if not held:
                raise dg.Failure(
                    f"{warehouse()} is being written by another run; nothing ran."
                )
            yield self


def run_step(context: dg.AssetExecutionContext, name: str) -> None:
    """One step of scripts/daily.py other than the build, as it runs there."""
    tools = {"python": sys.executable, "dbt": str(BIN / "dbt")}
    failure, command = step_command(name, tools)
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    output = (done.stdout + done.stderr).strip()
    context.log.info(f"{name}: {output}")
    if done.returncode != 0:
        raise dg.Failure(
            f"{name} failed (exit {done.returncode}, make daily's {failure});"
            " nothing after it ran.",
            metadata={"output": dg.MetadataValue.text(output[-4000:])},
        )


@dbt_assets(manifest=project.manifest_path, project=project)
def lead_scoring_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, lock: WarehouseLock
):
    """The seed, source contract and freshness checks, then every model,
    seed and test in one dbt build."""
    if not warehouse().exists():
        raise dg.Failure(f"No warehouse at {warehouse()}: load the sources first.")
    run_step(context, "validate")
    run_step(context, "sources")
    run_step(context, "freshness")
    yield from dbt.cli(["build"], context=context).stream()


MARTS = [
    get_asset_key_for_model([lead_scoring_models], mart)
    for mart in ("fct_lead_scores", "fct_crm_lead_scores", "fct_routing_actions")
]


@dg.asset(deps=MARTS)
def published_marts(context: dg.AssetExecutionContext, lock: WarehouseLock) -> None:
    """The read-only copy of the marts BI reads (scripts/publish.py)."""
    run_step(context, "publish")


@dg.asset(deps=[published_marts])
def sales_alerts(context: dg.AssetExecutionContext, lock: WarehouseLock) -> None:
    """The new route_to_sales actions posted to the sales webhook
    (scripts/send_alerts.py); skipped without $LEAD_SCORING_ALERT_WEBHOOK."""
    if not os.environ.get("LEAD_SCORING_ALERT_WEBHOOK"):
        context.log.info("alerts skipped (no $LEAD_SCORING_ALERT_WEBHOOK)")
        return
    run_step(context, "alerts")


daily_job = dg.define_asset_job(
    "lead_scoring_daily",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(
    assets=[lead_scoring_models, published_marts, sales_alerts],
    jobs=[daily_job],
    schedules=[
        dg.ScheduleDefinition(
            job=daily_job, cron_schedule="15 6 * * *", execution_timezone="UTC"
        )
    ],
    resources={
        "dbt": DbtCliResource(project_dir=project, dbt_executable=str(BIN / "dbt")),
        "lock": WarehouseLock(),
    },
)
