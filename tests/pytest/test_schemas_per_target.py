"""Dev and prod kept apart (macros/generate_schema_name.sql): the production
target writes the plain schema names the scripts and BI read; the dev target,
into the same warehouse, writes its own prefixed schemas and leaves
production's tables as they were."""

from __future__ import annotations

from conftest import Project, SharedBuilds
from test_hand_scored import hand_built

AS_OF = "{as_of: '2026-03-10'}"
LAYERS = ["intermediate", "marts", "scoring_model", "staging"]


def schemas(project: Project) -> list[str]:
    return [
        name
        for (name,) in project.query(
            "select distinct table_schema from information_schema.tables"
            " where table_schema not in ('marketing', 'crm') order by 1"
        )
    ]


def lead_scores(project: Project, schema: str) -> list[tuple]:
    return project.query(
        "select lead_id, lead_score, group_name"
        f" from {schema}.fct_lead_scores where model_id = 'hand' order by lead_id"
    )


def test_dev_builds_beside_production_without_touching_it(
    project: Project, shared_builds: SharedBuilds
) -> None:
    hand_built(shared_builds, project.root, "2026-03-10")  # AS_OF
    assert schemas(project) == LAYERS
    production_runs = project.query("select * from marts.rpt_scoring_runs")

    project.build("--target", "dev", "--vars", AS_OF)

    assert schemas(project) == sorted(LAYERS + [f"dev_{name}" for name in LAYERS])
    # The hand-computed scores (test_hand_scored), in both.
    expected = [("A", 59.5, "hot"), ("B", 0.0, "cold"), ("C", 56.0, "hot")]
    assert lead_scores(project, "marts") == expected
    assert lead_scores(project, "dev_marts") == expected
    # Production's run log has only its own run.
    assert project.query("select * from marts.rpt_scoring_runs") == production_runs
    assert len(project.query("select * from dev_marts.rpt_scoring_runs")) == len(
        production_runs
    )
