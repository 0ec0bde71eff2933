"""Bad raw rows are quarantined and counted, never fatal; a run killed in the
middle is repaired by the next one; two runs never write at once; a broken
seed rebuilds nothing; marts hold no email address but the CRM sync.

Data: the hand-made dataset of test_hand_scored.py, plus lead M, whose
email is malformed in the bad batch and missing in the clean one."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from conftest import (
    CONTRACT,
    REPO,
    Project,
    SharedBuilds,
    assert_same_marts,
    failures,
    write_seed,
)
from test_hand_scored import email, hand_built, load_hand_data, web, write_hand_model

AS_OF = "{as_of: '2026-03-20'}"


def lead_m(address: str | None) -> dict:
    return {
        "lead_id": "M",
        "email": address,
        "job_title": "Director",
        "country": "US",
        "created_at": "2026-03-02 09:00:00",
        "updated_at": "2026-03-02 09:00:00",
    }


# One bad row of each kind, per source table: (table, row, issue).
BAD_ROWS = [
    (
        "leads",
        {**lead_m("m@acme.com"), "lead_id": "A", "updated_at": "2026-02-01"},
        "duplicate_key",
    ),
    (
        "leads",
        {**lead_m(None), "lead_id": "X1", "created_at": None},
        "missing_required_field",
    ),
    (
        "leads",
        {**lead_m(None), "lead_id": "X2", "created_at": "2030-01-01"},
        "future_timestamp",
    ),
    (
        "web_events",
        {
            **web("w1", "vA", None, "/pricing", 300, "2026-02-28 10:00:00"),
            "_loaded_at": "2025-12-01",
        },
        "duplicate_key",
    ),
    (
        "web_events",
        web("b1", None, "A", "/pricing", 10, "2026-03-05 10:00:00"),
        "missing_required_field",
    ),
    (
        "web_events",
        web("b2", "vA", "A", "/pricing", 10, "2031-03-05 10:00:00"),
        "future_timestamp",
    ),
    (
        "web_events",
        web("b3", "vA", "A", "/pricing", 10, "1970-01-01 00:00:00"),
        "too_old_timestamp",
    ),
    (
        "web_events",
        web("b4", "vQ", "NOPE", "/pricing", 10, "2026-03-05 10:00:00"),
        "unknown_lead",
    ),
    (
        "visitor_identities",
        {"visitor_id": "vQ", "lead_id": "NOPE", "identified_at": "2026-03-01"},
        "unknown_lead",
    ),
    (
        "visitor_identities",
        {"visitor_id": "vA", "lead_id": None, "identified_at": "2026-01-01"},
        "missing_required_field",
    ),
    (
        "email_events",
        email("b5", "A", "opened", "2026-03-05 10:00:00"),
        "unknown_event_type",
    ),
    (
        "email_events",
        {**email("b6", "A", "open", "2026-03-05 10:00:00"), "campaign_id": None},
        "missing_required_field",
    ),
    (
        "email_events",
        email("b7", "NOPE", "open", "2026-03-05 10:00:00"),
        "unknown_lead",
    ),
    (
        "form_submissions",
        {
            "submission_id": "b8",
            "lead_id": "NOPE",
            "form_id": "demo-request",
            "submitted_at": "2026-03-05",
        },
        "unknown_lead",
    ),
    (
        "form_submissions",
        {
            "submission_id": "b9",
            "lead_id": "A",
            "form_id": None,
            "submitted_at": "2026-03-05",
        },
        "missing_required_field",
    ),
    (
        "form_answers",
        {"submission_id": "b8", "question_id": "budget", "answer": "over_100k"},
        "unknown_submission",
    ),
    (
        "form_answers",
        {
            "submission_id": "s1",
            "question_id": "budget",
            "answer": "none",
            "_loaded_at": "2025-12-01",
        },
        "duplicate_key",
    ),
    (
        "social_events",
        {
            "event_id": "b10",
            "lead_id": "A",
            "network": None,
            "event_type": "share",
            "occurred_at": "2026-03-05",
        },
        "missing_required_field",
    ),
    (
        "social_events",
        {
            "event_id": "b11",
            "lead_id": "A",
            "network": "linkedin",
            "event_type": "share",
            "occurred_at": "2032-03-05",
        },
        "future_timestamp",
    ),
    (
        "lead_stage_changes",
        {"lead_id": "NOPE", "stage": "Sales Accepted", "changed_at": "2026-03-05"},
        "unknown_lead",
    ),
    (
        "lead_stage_changes",
        {"lead_id": "A", "stage": None, "changed_at": "2026-03-05"},
        "missing_required_field",
    ),
]
SCHEMA = {"lead_stage_changes": "crm"}


def test_bad_rows_are_counted_and_the_good_rows_score_as_without_them(
    project: Project,
) -> None:
    write_hand_model(project)
    load_hand_data(project)
    project.append("leads", [lead_m(None)])
    project.build("--vars", AS_OF)
    clean = project.marts()

    for table, row, _ in BAD_ROWS:
        project.append(table, [row])
    project.query("update marketing.leads set email = 'm at acme' where lead_id = 'M'")
    project.build("--vars", AS_OF)

    assert_same_marts(project.marts(), clean)
    expected: dict[tuple[str, str], int] = {("marketing.leads", "malformed_email"): 1}
    for table, _, issue in BAD_ROWS:
        key = (f"{SCHEMA.get(table, 'marketing')}.{table}", issue)
        expected[key] = expected.get(key, 0) + 1
    counted = project.query(
        "select source_table, issue, row_count from marts.rpt_data_quality"
        " where run_started_at = (select max(run_started_at) from marts.rpt_data_quality)"
        " and issue <> 'usable_rows'"
    )
    assert {(table, issue): count for table, issue, count in counted} == expected
    # The first (clean) run counted only usable rows: the 5 leads A-D and M.
    assert project.query(
        "select issue, row_count from marts.rpt_data_quality"
        " where run_started_at = (select min(run_started_at) from marts.rpt_data_quality)"
        " and source_table = 'marketing.leads'"
    ) == [("usable_rows", 5)]


def test_values_that_do_not_cast_are_quarantined_and_the_rest_builds(
    project: Project,
) -> None:
    """A loader that writes every column as text. A timestamp that does not
    cast quarantines its row (uncastable_<column>); an optional number that
    does not cast is dropped and the row kept: lead A with company_size
    'abc' keeps its title and its score, C's /blog view of 'ten' seconds
    still counts (time on site 20 s either way), and B's stage change keeps
    its stage without the amount 'lots'."""
    write_hand_model(project)
    load_hand_data(project)
    project.append(
        "lead_stage_changes",
        [{"lead_id": "B", "stage": "Sales Accepted", "changed_at": "2026-03-05"}],
    )
    con_sql = [
        f"alter table {schema}.{table} alter column {column} type varchar"
        for (schema, table), columns in CONTRACT.items()
        for column, kind in {**columns, "_loaded_at": "timestamp"}.items()
        if kind != "varchar"
    ]
    for statement in con_sql:
        project.query(statement)
    project.build("--vars", AS_OF)
    clean = project.marts()

    project.query("update marketing.leads set company_size = 'abc' where lead_id = 'A'")
    project.query(
        "update marketing.web_events set duration_seconds = 'ten' where event_id = 'w6'"
    )
    project.query("update crm.lead_stage_changes set amount = 'lots'")
    project.append(
        "web_events",
        [web("b12", "vA", "A", "/pricing", "10", "yesterday")],
    )
    project.append("leads", [{**lead_m(None), "lead_id": "X4", "created_at": "soon"}])
    project.build("--vars", AS_OF)

    assert_same_marts(project.marts(), clean)
    counted = project.query(
        "select source_table, issue, row_count from marts.rpt_data_quality"
        " where run_started_at = (select max(run_started_at) from marts.rpt_data_quality)"
        " and issue like 'uncastable%' order by all"
    )
    assert counted == [
        ("crm.lead_stage_changes", "uncastable_amount", 1),
        ("marketing.leads", "uncastable_company_size", 1),
        ("marketing.leads", "uncastable_created_at", 1),
        ("marketing.web_events", "uncastable_duration_seconds", 1),
        ("marketing.web_events", "uncastable_occurred_at", 1),
    ]
    assert project.query(
        "select job_title, company_size from staging.stg_marketing__leads"
        " where lead_id = 'A'"
    ) == [("Marketing Director", None)]


def test_only_the_crm_sync_holds_email_addresses(
    project: Project, shared_builds: SharedBuilds
) -> None:
    hand_built(shared_builds, project.root, "2026-03-20")
    columns = project.query(
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'marts' and column_name like '%email%'"
        " order by all"
    )
    assert columns == [
        ("dim_leads", "email_domain"),
        ("fct_crm_lead_scores", "email"),
    ]


def test_publish_copies_every_mart_the_ledger_view_too(
    project: Project, shared_builds: SharedBuilds
) -> None:
    """The published copy holds every mart as a table, the points ledger (a
    view in the warehouse) with the same rows."""
    hand_built(shared_builds, project.root, "2026-03-20")
    published = project.publish(project.root / "published.duckdb")
    con = duckdb.connect(str(published), read_only=True)
    try:
        tables = con.execute(
            "select table_name, table_type from information_schema.tables"
            " where table_schema = 'marts' order by all"
        ).fetchall()
        ledger = con.execute(
            "select * from marts.fct_points_ledger order by all"
        ).fetchall()
    finally:
        con.close()
    marts = project.query(
        "select table_name from information_schema.tables"
        " where table_schema = 'marts' order by all"
    )
    assert tables == [(name, "BASE TABLE") for (name,) in marts]
    assert ledger == project.query("select * from marts.fct_points_ledger order by all")
    assert len(ledger) > 0


def dbt_process(project: Project, as_of: str, log_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--vars",
            f"{{as_of: '{as_of}'}}",
            "--project-dir",
            str(project.root),
            "--profiles-dir",
            str(project.root),
            "--log-path",
            str(log_path),
        ],
        env={**os.environ, "LEAD_SCORING_DUCKDB": str(project.warehouse)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_run_killed_mid_build_is_repaired_by_the_next(
    project: Project, tmp_path: Path, shared_builds: SharedBuilds
) -> None:
    """Score 03-10, add activity, then kill the 03-20 build (SIGKILL) right
    after it wrote the incremental score state. Running 03-20 again gives
    the marts of a project that ran it without interruption."""
    later_visits = [web("w10", "vA", "A", "/pricing", 700, "2026-03-15 10:00:00")]

    # Both start from the hand data built as of 03-10 (one shared build).
    hand_built(shared_builds, project.root, "2026-03-10")
    clean = hand_built(shared_builds, tmp_path / "clean", "2026-03-10")
    for each in (project, clean):
        each.append("web_events", later_visits)
    clean.build("--vars", AS_OF)

    logs = tmp_path / "killed-logs"
    process = dbt_process(project, "2026-03-20", logs)
    deadline = time.monotonic() + 300
    log = logs / "dbt.log"
    written = re.compile(
        r"OK created sql incremental model intermediate\.int_score_state"
    )
    while time.monotonic() < deadline:
        if log.exists() and written.search(log.read_text()):
            break
        assert process.poll() is None, "the build ended before it could be killed"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(30) == -signal.SIGKILL

    project.build("--vars", AS_OF)
    assert_same_marts(project.marts(), clean.marts())


def test_a_second_writer_stops_with_a_clear_message(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    locker = REPO / "scripts" / "with_lock.py"
    holder = subprocess.Popen(
        [sys.executable, str(locker), str(warehouse), "--", "sleep", "30"]
    )
    try:
        lock = Path(f"{warehouse}.lock")
        deadline = time.monotonic() + 30
        while "sleep 30" not in (lock.read_text() if lock.exists() else ""):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        second = subprocess.run(
            [sys.executable, str(locker), str(warehouse), "--", "true"],
            capture_output=True,
            text=True,
        )
        assert second.returncode == 75
        assert (
            f"{warehouse} is being written by pid {holder.pid} (sleep 30"
            in second.stderr
        )
    finally:
        holder.kill()
        holder.wait()
    # Once the first is gone (even killed), the lock is free.
    third = subprocess.run(
        [sys.executable, str(locker), str(warehouse), "--", "true"],
        capture_output=True,
        text=True,
    )
    assert third.returncode == 0


def test_a_broken_seed_rebuilds_nothing(
    project: Project, shared_builds: SharedBuilds
) -> None:
    """Bands with a gap fail the seed test: dbt build stops before the models,
    and the marts of the last good run stay as they were."""
    hand_built(shared_builds, project.root, "2026-03-20")
    before = project.marts()
    write_seed(
        project.root,
        "score_groups",
        "model_id,group_name,min_score,max_score,is_sales_ready,sort_order",
        [
            "hand,cold,,20,false,1",
            "hand,warm,25,50,false,2",
            "hand,hot,50,,true,3",
            "quiet,cold,,20,false,1",
            "quiet,warm,20,50,false,2",
            "quiet,hot,50,,true,3",
        ],
    )
    result = project.dbt("build", "--vars", "{as_of: '2026-03-21'}")
    assert not result.success
    assert "assert_score_bands_cover_all_scores" in failures(result)
    assert project.marts() == before


def test_make_run_holds_one_lock_from_the_data_to_the_summary(tmp_path: Path) -> None:
    """Every step of `make run` after the seed check sees the warehouse
    locked by the same holder, so no other writer can slip in between the
    build and the publish. The steps are stand-ins (BIN points at a folder
    whose `python` and `dbt` only record the lock's holder), so nothing is
    built."""
    warehouse = tmp_path / "warehouse.duckdb"
    record = tmp_path / "steps.log"
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    probe = (
        "#!/bin/sh\n"
        f'if [ "$1" = scripts/with_lock.py ]; then exec {sys.executable} "$@"; fi\n'
        f"{sys.executable} scripts/with_lock.py {warehouse} -- true > /dev/null 2>&1\n"
        f'echo "$(basename $0) $1 $? $(cat {warehouse}.lock 2>/dev/null)" >> {record}\n'
    )
    for name in ("python", "dbt"):
        (fake_bin / name).write_text(probe)
        (fake_bin / name).chmod(0o755)
    subprocess.run(
        [
            "make",
            "--no-print-directory",
            "run",
            f"BIN={fake_bin}",
            f"WAREHOUSE={warehouse}",
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    steps = [line.split(" ", 3) for line in record.read_text().splitlines()]
    assert [step[:2] for step in steps] == [
        ["python", "scripts/validate_seeds.py"],
        ["python", "scripts/generate_demo_data.py"],
        ["dbt", "run-operation"],
        ["dbt", "source"],
        ["dbt", "build"],
        ["python", "scripts/publish.py"],
        ["python", "scripts/summarize.py"],
    ]
    # The seed check runs before the lock; every later step finds it taken
    # (exit 75) by the one make run.
    assert steps[0][2] == "0"
    assert {step[2] for step in steps[1:]} == {"75"}
    holders = {step[3] for step in steps[1:]}
    assert len(holders) == 1
    assert "run-locked" in holders.pop()
