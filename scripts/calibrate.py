"""Learn a scoring model's point values from outcomes: a calibrated draft.

Reads the warehouse LEAD_SCORING_DUCKDB names (built by dbt) and the seed
CSVs, learns from the leads whose outcome is known by --train-until (no
row dated after it is read), and writes the draft model
<MODEL_ID>_calibrated into the seeds: its model row, activity rules,
categories, fit rules, groups and routing rules. Every other row is left
as it was, byte for byte. See docs/tuning.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parents[1]
DEFAULT_WAREHOUSE = "data/lead_scoring.duckdb"
# The support a proposed rule needs (docs/tuning.md), so that its points
# rest on more than a handful of leads: MIN_SUPPORT training leads with it
# and as many without it, MIN_CONVERTED converted leads with it and, for an
# activity, MIN_CONVERTED leads with it in the last RECENT_DAYS.
MIN_SUPPORT = 30
MIN_CONVERTED = 5
RECENT_DAYS = 30
# Points to double the odds of converting at least, and when the original
# model's scores do not vary (otherwise the scale follows their spread):
# whole points fine enough for the rounding to keep the ranking.
DEFAULT_POINTS_TO_DOUBLE_ODDS = 20
# The standard deviation of the calibrated scores of the training leads
# when the original model's do not vary (it has no rule that matched): the
# spread of a 0-100 score.
DEFAULT_SCORE_SPREAD = 15
# A proposed activity rule counts one activity a day and three in a lifetime.
NEW_RULE_MAX_PER_DAY = 1
NEW_RULE_MAX_COUNT = 3
# The regularization strengths tried (inverse, as scikit-learn's C), chosen
# by the AUC of a 5-fold cross-validation on the training leads.
C_GRID = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
# The decay_days tried for a half_life or inactivity model (its method and
# decay_pct are kept).
DECAY_DAYS_GRID = [3, 5, 7, 10, 14, 21, 30, 45, 60]
FIT_ATTRIBUTES = [
    "job_title",
    "department",
    "industry",
    "country",
    "city",
    "email_domain",
]
MISSING = "\x01missing\x01"
# Free text, proposed word by word too (`like %word%`).
WORD_ATTRIBUTES = ["job_title", "department"]
# A word: three letters or more, of any alphabet ("geschäftsführer", not
# "gesch" and "ftsf"); no digit, underscore or LIKE wildcard.
WORD = re.compile(r"[^\W\d_]{3,}")
# The fit rules' penalty relative to the activity rules' (as a weight on
# their standardized columns: the penalty is 1 / weight^2 as strong), chosen
# by cross-validation: each group of rules has its own shrinkage.
FIT_WEIGHTS = [1.0, 2.0, 4.0]
# The hyper-parameters are chosen on at most this many training leads (a
# stratified sample of them); the final fit is on all.
SEARCH_LEADS = 10_000
# The folds of the cross-validation that chooses them.
FOLDS = 3
# Deterministic; on 10,000 leads and 200 features three times as fast as
# newton-cholesky, and warm-started along a path of C.
SOLVER = "lbfgs"
# Calibration needs this many converted training leads (and MIN_SUPPORT
# not converted): a holdout of the later ones must hold some too.
MIN_CONVERTED_TO_LEARN = 10
# The chronological holdout: the training leads created after the day by
# which this share of the converted ones were created.
HOLDOUT_FROM = 0.7
# A rule whose sign flips on fewer training leads than this, or fewer
# converted ones, is warned about.
FLIP_SUPPORT = 100
FLIP_CONVERTED = 10
COMPANY_SIZES = [(1, 9), (10, 49), (50, 199), (200, 999), (1000, 4999), (5000, None)]
CONVERTED_RANK = {"sal": 1, "sql": 2, "opportunity": 3, "won": 4}
SEED_FILES = [
    "scoring_models",
    "activity_rules",
    "score_categories",
    "fit_rules",
    "score_groups",
    "routing_rules",
]
LEARNED_CATEGORY = "learned"


@dataclass
class Feature:
    """One column of the regression: an existing or a proposed rule."""

    kind: str  # activity or fit
    rule: dict[str, str]  # the seed row (for a proposed rule, its new row)
    is_new: bool
    original_points: int | None = None
    points: int = 0
    support: int = 0
    lift: float = float("nan")
    # A proposed rule may be proposed on every training lead (drafted: a
    # rule of the draft), on the leads before the holdout (held: a rule of
    # the draft measured on the holdout), or both; an existing rule is both.
    drafted: bool = True
    held: bool = True


# --- seeds -----------------------------------------------------------------


@dataclass
class SeedFile:
    """A seed CSV as the text of its records, so the rows calibration does
    not own stay as they were, byte for byte."""

    path: Path
    header_text: str  # the header line, with its line ending
    records: list[str]  # each record after the header, with its line ending
    newline: str

    @classmethod
    def read(cls, path: Path) -> SeedFile:
        """The records of the file as the csv module reads them (a quoted
        field may hold line breaks, a quote inside an unquoted field is a
        quote), each with its lines as they were."""
        text = path.read_bytes().decode("utf-8")
        lines = io.StringIO(text, newline="").readlines()
        newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
        reader = csv.reader(lines)
        records, read = [], 0
        for _ in reader:
            records.append("".join(lines[read : reader.line_num]))
            read = reader.line_num
        return cls(path, records[0], records[1:], newline)

    @property
    def header(self) -> list[str]:
        return next(csv.reader([self.header_text]))

    def values(self, record: str) -> dict[str, str]:
        fields = next(csv.reader(io.StringIO(record)), [])
        return dict(zip(self.header, fields, strict=False))

    def rows(self) -> list[dict[str, str]]:
        return [
            values
            for values in map(self.values, self.records)
            if any(value.strip() for value in values.values())
        ]

    def replace_model(self, model_id: str, rows: list[dict[str, str]]) -> None:
        """Drop the records of model_id and append rows, in the file's format."""
        kept = [
            record
            for record in self.records
            if self.values(record).get("model_id", "").strip() != model_id
        ]
        if kept and not kept[-1].endswith(("\n", "\r")):
            kept[-1] += self.newline
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=self.newline)
        for row in rows:
            writer.writerow([row.get(column, "") for column in self.header])
        self.records = kept + [buffer.getvalue()] if rows else kept

    def write(self) -> None:
        header = self.header_text
        if self.records and not header.endswith(("\n", "\r")):
            header += self.newline
        self.path.write_bytes((header + "".join(self.records)).encode("utf-8"))


# --- the training leads, as the warehouse has them -------------------------


def project_vars() -> dict:
    return yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]


def connect(warehouse: str) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only; the tables calibration makes are temporary.
    A process that already has it open (dbt in the test suite) shares its
    instance instead."""
    if not Path(warehouse).is_file():
        raise SystemExit(
            f"No warehouse at {warehouse}: build it first (make run, or dbt build"
            " with LEAD_SCORING_DUCKDB naming it)."
        )
    try:
        con = duckdb.connect(warehouse, read_only=True)
    except duckdb.ConnectionException:
        con = duckdb.connect(warehouse)
    con.execute("set TimeZone = 'UTC'")
    return con


def warehouse_as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    (as_of,) = con.execute(
        "select max(scored_as_of) from marts.fct_lead_scores"
    ).fetchone()
    if as_of is None:
        (leads,) = con.execute("select count(*) from marts.dim_leads").fetchone()
        if leads == 0:
            raise SystemExit(
                "The warehouse has no lead (marketing.leads was empty when it was"
                " built): nothing to learn from. Nothing written."
            )
        raise SystemExit("The warehouse has no scores: run dbt build first.")
    return as_of


# The columns of the seeds that decide which activities and leads a rule
# matches and the points the ledger awards: the warehouse's hits and
# exclusions hold only if it was built from these values.
BUILT_FROM = {
    "scoring_models": ("model_id", ["status"]),
    "activity_rules": (
        "rule_id",
        [
            "activity_type",
            "match_key",
            "match_value",
            "min_duration_seconds",
            "points",
            "category",
            "max_per_day",
            "max_points",
            "decays",
        ],
    ),
    "fit_rules": (
        "rule_id",
        ["attribute", "operator", "value", "points", "excludes_lead"],
    ),
}


def seed_value(value: object) -> str | None:
    """A warehouse value as the seed CSV spells it (null: empty)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
        return show(float(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def csv_value(text: str, like: object) -> str | None:
    """A CSV field as seed_value spells the warehouse's `like`."""
    if text.strip() == "":
        return None
    if isinstance(like, bool):
        return text.strip().lower()
    if isinstance(like, (int, float)) or type(like).__name__ == "Decimal":
        try:
            return show(float(text))
        except ValueError:
            return text
    if isinstance(like, (dt.date, dt.datetime)):
        return text.strip()
    return text


def check_built_from(
    con: duckdb.DuckDBPyConnection,
    model_id: str,
    seeds: Path,
    rows: dict[str, list[dict[str, str]]],
) -> None:
    """Refuse unless the warehouse's seed tables (scoring_model.*, as dbt
    loaded them) hold the model's rows of the CSVs on the columns of
    BUILT_FROM: otherwise its ledger and exclusions are another model's."""

    def refuse(name: str, key: str, why: str) -> None:
        kind = "model" if name == "scoring_models" else "rule"
        raise SystemExit(
            f"{seeds / f'{name}.csv'}, {kind} {key}: {why}: run dbt build,"
            " then calibrate."
        )

    for name, (key, columns) in BUILT_FROM.items():
        result = con.execute(
            f"select * from scoring_model.{name} where model_id = ?", [model_id]
        )
        names = [column[0] for column in result.description]
        built = {
            str(row[names.index(key)]): dict(zip(names, row, strict=True))
            for row in result.fetchall()
        }
        wanted = {row[key]: row for row in rows[name] if row["model_id"] == model_id}
        for rule_id, row in wanted.items():
            if rule_id not in built:
                refuse(
                    name,
                    rule_id,
                    "not in the warehouse, which was built from other seeds",
                )
            for column in columns:
                if column not in names and not row.get(column, "").strip():
                    continue  # an optional column, empty in both
                stored = built[rule_id].get(column)
                if csv_value(row.get(column, ""), stored) != seed_value(stored):
                    shown = seed_value(stored)
                    says = row.get(column, "")
                    refuse(
                        name,
                        rule_id,
                        "the warehouse was built from other values"
                        f" ({column} {'empty' if shown is None else shown},"
                        f" seeds say {says if says.strip() else 'empty'})",
                    )
        for rule_id in sorted(set(built) - set(wanted)):
            refuse(name, rule_id, "in the warehouse, not in the seeds")


def load_training_leads(
    con: duckdb.DuckDBPyConnection,
    model_id: str,
    until: dt.date,
    stage: str,
    created_after: dt.date | None = None,
) -> None:
    """Table training: one row per lead created by `until` and not excluded,
    with its outcome and the day it is described (observed_date): the day
    before its first CRM stage change, or `until` when sales never touched
    it (rpt_model_performance's point, over the whole history to `until`).
    With created_after, only the leads created after that day: the leads
    after training, measured once their outcome is known."""
    con.execute(
        f"""
        create or replace temp table training as
        with leads as (
            select lead_id, created_date
            from marts.dim_leads
            where created_date <= $until
                and created_date > $after
                and lead_id not in (
                    select lead_id
                    from intermediate.int_leads_matched_to_fit_rules
                    where model_id = $model and excludes_lead
                )
        ),
        changes as (
            select
                lead_id,
                min(changed_date) as first_changed_date,
                max(funnel_rank) as funnel_rank
            from intermediate.int_stage_changes_mapped_to_funnel
            where changed_date <= $until
            group by lead_id
        )
        select
            leads.lead_id,
            leads.created_date,
            coalesce(changes.funnel_rank, 0) >= {CONVERTED_RANK[stage]}
                as is_converted,
            case
                when changes.first_changed_date is null then $until
                when changes.first_changed_date > leads.created_date
                    then cast(changes.first_changed_date - 1 as date)
                else leads.created_date
            end as observed_date
        from leads
        left join changes on leads.lead_id = changes.lead_id
        order by leads.lead_id
        """,
        {
            "until": until,
            "model": model_id,
            "after": created_after or dt.date(1, 1, 1),
        },
    )


# When each stitched activity became the lead's: a web event or form
# submission without its own lead_id is the lead's from the cookie's
# identification on (docs/tuning.md, "Knowledge time"); a day's
# web.time_on_site when its last event was; a form answer with its
# submission. Every other activity is known from its own time.
KNOWN_AT = """
create or replace temp table known_at as
with identities as (
    select visitor_id, identified_at
    from staging.stg_marketing__visitor_identities
),
web as (
    select
        'web:' || events.event_id as activity_id,
        events.lead_id,
        cast(events.occurred_at as date) as activity_date,
        case
            when events.is_stitched
                then greatest(events.occurred_at, identities.identified_at)
            else events.occurred_at
        end as known_at
    from intermediate.int_web_events_stitched as events
    left join identities on events.visitor_id = identities.visitor_id
    where events.lead_id is not null
),
forms as (
    select
        submissions.submission_id,
        case
            when submissions.lead_id is null and identities.identified_at is not null
                then greatest(submissions.submitted_at, identities.identified_at)
            else submissions.submitted_at
        end as known_at
    from staging.stg_marketing__form_submissions as submissions
    left join identities on submissions.visitor_id = identities.visitor_id
)
select activity_id, known_at from web
union all
select
    'time_on_site:' || lead_id || ':' || cast(activity_date as varchar),
    max(known_at)
from web
group by lead_id, activity_date
union all
select 'form:' || submission_id, known_at from forms
union all
select
    'answer:' || answers.submission_id || ':' || answers.question_id,
    forms.known_at
from staging.stg_marketing__form_answers as answers
inner join forms on answers.submission_id = forms.submission_id
"""


def read_stream(con: duckdb.DuckDBPyConnection, model_id: str) -> None:
    """Tables stream (every activity of a lead, with the time it was known)
    and ledger (the model's hits of them, as the number the rule's points
    are multiplied by: awarded points / rule points after the caps), read
    once: load_activities() takes from them what each set of leads knew
    by a day."""
    con.execute(KNOWN_AT)
    con.execute(
        """
        create or replace temp table stream as
        select
            stream.activity_id,
            stream.lead_id,
            stream.activity_type,
            lower(stream.activity_key) as activity_key,
            lower(stream.activity_value) as activity_value,
            stream.activity_date,
            coalesce(known_at.known_at, stream.occurred_at) as known_at
        from intermediate.int_activities_unioned as stream
        left join known_at on stream.activity_id = known_at.activity_id
        where stream.lead_id is not null
        """
    )
    con.execute(
        """
        create or replace temp table ledger as
        select
            ledger.lead_id,
            ledger.rule_id,
            ledger.activity_id,
            case
                when ledger.rule_points = 0
                    then case when ledger.is_within_daily_cap then 1.0 else 0 end
                else ledger.awarded_points / ledger.rule_points
            end as weight,
            ledger.activity_date
        from marts.fct_points_ledger as ledger
        where ledger.model_id = $model
        """,
        {"model": model_id},
    )


def load_activities(
    con: duckdb.DuckDBPyConnection,
    model_id: str,
    until: dt.date,
    reread: bool = True,
) -> None:
    """Table activities: every activity of a lead of table training known
    by the end of `until`, with its own day (activity_date, which its age
    and the lead's inactivity count from, as in the warehouse), the day its
    points count from (its own day, or the lead's first day for an earlier
    one) and is_observed, true up to the lead's observed_date (what the
    regression learns from; the later ones only replay the scores sales
    would have seen, for the bands); table rule_hits: the same for the
    points the model's rules awarded after their caps (the ledger). Without
    reread, from the tables read_stream() read before.

    Knowledge time: an activity was known at `until` when its own time was
    by then and, for a web visit or form stitched to the lead through its
    cookie, the identification's identified_at too (a visit before `until`
    whose cookie was identified after it was not the lead's then).
    _loaded_at is not read: loaded as one backfill, every row's is the
    day of the load, and a history loaded incrementally or at once must
    give the same draft (docs/tuning.md)."""
    if reread:
        read_stream(con, model_id)
    con.execute(
        """
        create or replace temp table activities as
        select
            stream.activity_id,
            stream.lead_id,
            stream.activity_type,
            stream.activity_key,
            stream.activity_value,
            stream.activity_date,
            greatest(stream.activity_date, training.created_date) as counts_from,
            stream.activity_date <= training.observed_date as is_observed
        from stream
        inner join training on stream.lead_id = training.lead_id
        where stream.activity_date <= $until and stream.known_at < $end
        """,
        {
            "until": until,
            "end": dt.datetime.combine(until + dt.timedelta(days=1), dt.time()),
        },
    )
    con.execute(
        """
        create or replace temp table rule_hits as
        select
            ledger.lead_id,
            ledger.rule_id,
            ledger.activity_id,
            ledger.weight,
            ledger.activity_date,
            greatest(ledger.activity_date, training.created_date) as counts_from,
            ledger.activity_date <= training.observed_date as is_observed
        from ledger
        inner join training on ledger.lead_id = training.lead_id
        where ledger.activity_id in (select activity_id from activities)
        """
    )


def decay_sql(model: dict[str, str], age: str, inactive: str) -> str:
    """The decay factor of docs/scoring.md (macro decay_factor), in SQL."""
    method = model["decay_method"]
    if method == "half_life":
        return f"power(0.5, ({age}) / {float(model['decay_days'])})"
    if method == "inactivity":
        keep = 1 - float(model["decay_pct"]) / 100
        return f"power({keep}, floor(({inactive}) / {float(model['decay_days'])}))"
    return "1.0"


def evaluate(
    con: duckdb.DuckDBPyConnection,
    model: dict[str, str],
    hits: str,
    decays: dict[str, bool],
    names: list[str],
    at: str,
    points: np.ndarray | None = None,
) -> np.ndarray:
    """Per feature, its decayed count for every row of table `at` (lead_id,
    score_date, row_number): `hits` is a table of (lead_id, name, weight,
    activity_date, counts_from). A hit counts from counts_from on; its age
    and the lead's inactivity are from the activity's own day, as the
    warehouse's decay (an activity before the lead was created is already
    that old on its first day). With points (one per name), what the
    features are worth on each row instead, summed in SQL: a vector, for
    tables of days too long for a matrix."""
    # The names are values, never SQL: a rule_id may hold any character.
    con.execute(
        "create or replace temp table feature_names"
        " (name varchar, decays boolean, points double)"
    )
    rows = [
        [name, decays[name], 1.0 if points is None else float(points[column])]
        for column, name in enumerate(names)
    ]
    if rows:
        con.executemany("insert into feature_names values (?, ?, ?)", rows)
    factor = decay_sql(
        model,
        "point.score_date - hits.activity_date",
        "point.score_date - latest.latest_day",
    )
    per_feature = points is None
    result = con.execute(
        f"""
        with latest as (
            select point.row_number, max(activities.activity_date) as latest_day
            from {at} as point
            inner join activities
                on point.lead_id = activities.lead_id
                and activities.counts_from <= point.score_date
            group by point.row_number
        )
        select
            point.row_number,
            {"hits.name," if per_feature else ""}
            sum(
                hits.weight * feature_names.points * case
                    when feature_names.decays then {factor}
                    else 1.0
                end
            ) as value
        from {at} as point
        inner join {hits} as hits
            on point.lead_id = hits.lead_id and hits.counts_from <= point.score_date
        inner join feature_names on hits.name = feature_names.name
        left join latest on point.row_number = latest.row_number
        group by all
        """
    )
    values = result.fetchall() if per_feature else result.fetchnumpy()
    (count,) = con.execute(f"select count(*) from {at}").fetchone()
    if not per_feature:
        vector = np.zeros(count)
        # Rounded: a parallel sum may differ in its last bit between runs.
        vector[values["row_number"].astype(int)] = np.round(values["value"], 10)
        return vector
    index = {name: column for column, name in enumerate(names)}
    matrix = np.zeros((count, len(names)))
    for row_number, name, value in values:
        # Rounded: a parallel sum may differ in its last bit between runs.
        matrix[row_number, index[name]] = round(value, 10)
    return matrix


class Replay:
    """The features' hits at every row of a table of days (lead_id,
    score_date, row_number), fetched once, so that the matrix under any
    decay_days is computed without SQL (the grid replays it ten times).
    The same numbers as evaluate(): a hit counts from counts_from on; its
    age and the lead's inactivity are from the activity's own day."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        hits: str,
        decays: dict[str, bool],
        names: list[str],
        at: str,
    ) -> None:
        con.execute(
            "create or replace temp table feature_columns"
            " (name varchar, position integer, decays boolean)"
        )
        if names:
            con.executemany(
                "insert into feature_columns values (?, ?, ?)",
                [[name, column, decays[name]] for column, name in enumerate(names)],
            )
        fetched = con.execute(
            f"""
            with latest as (
                select point.row_number, max(activities.activity_date) as latest_day
                from {at} as point
                inner join activities
                    on point.lead_id = activities.lead_id
                    and activities.counts_from <= point.score_date
                group by point.row_number
            )
            select
                point.row_number,
                columns.position,
                hits.weight,
                columns.decays,
                point.score_date - hits.activity_date as age,
                coalesce(point.score_date - latest.latest_day, 0) as inactive
            from {at} as point
            inner join {hits} as hits
                on point.lead_id = hits.lead_id
                and hits.counts_from <= point.score_date
            inner join feature_columns as columns on hits.name = columns.name
            left join latest on point.row_number = latest.row_number
            order by all
            """
        ).fetchnumpy()
        (self.count,) = con.execute(f"select count(*) from {at}").fetchone()
        self.width = len(names)
        self.cell = fetched["row_number"].astype(np.int64) * self.width + fetched[
            "position"
        ].astype(np.int64)
        self.weight = np.asarray(fetched["weight"], dtype=float)
        self.decays = np.asarray(fetched["decays"], dtype=bool)
        self.age = np.asarray(fetched["age"], dtype=float)
        self.inactive = np.asarray(fetched["inactive"], dtype=float)

    def factor(self, model: dict[str, str]) -> np.ndarray:
        """decay_sql's factor for every hit."""
        method = model["decay_method"]
        if method == "half_life":
            factor = np.power(0.5, self.age / float(model["decay_days"]))
        elif method == "inactivity":
            keep = 1 - float(model["decay_pct"]) / 100
            factor = np.power(
                keep, np.floor(self.inactive / float(model["decay_days"]))
            )
        else:
            factor = np.ones_like(self.age)
        return np.where(self.decays, factor, 1.0)

    def matrix(self, model: dict[str, str]) -> np.ndarray:
        values = np.bincount(
            self.cell,
            weights=self.weight * self.factor(model),
            minlength=self.count * self.width,
        )
        # Rounded as evaluate() rounds its sums.
        return np.round(values, 10).reshape(self.count, self.width)


# --- candidate rules --------------------------------------------------------


ActivityKey = tuple[str, str | None, str | None]  # activity_type, key, value


def activity_candidates(
    con: duckdb.DuckDBPyConnection, until: dt.date, created_by: dt.date | None = None
) -> tuple[list[ActivityKey], list[ActivityKey]]:
    """(activity_type, key, value) with enough support (docs/tuning.md):
    MIN_SUPPORT training leads with it and without it, MIN_CONVERTED
    converted leads with it, MIN_CONVERTED leads with it in the last
    RECENT_DAYS before `until` (a campaign that ended is no rule for the
    future), not matching the same activities as an existing rule. Not
    proposed: email.delivered (what marketing sent, not what the lead did)
    and an email's campaign (its key: a rule on it ends with the campaign);
    an email's link (its value) is. Two lists, from one pass: the
    candidates with that support among every training lead, and among the
    training leads created by `created_by` only (the leads before the
    chronological holdout, so that the holdout's outcomes choose none of
    the rules it measures; every lead without it)."""
    rows = con.execute(
        """
        with pool as (
            select
                lead_id,
                is_converted,
                created_date <= $created_by as in_pool
            from training
        ),
        proposable as (
            select
                activity_type,
                case
                    when activity_type not like 'email.%' then activity_key
                end as activity_key,
                activity_value,
                lead_id,
                activity_id,
                counts_from
            from activities
            where is_observed and activity_type <> 'email.delivered'
        ),
        grains as (
            select activity_type, null as activity_key, null as activity_value,
                lead_id, activity_id, counts_from
            from proposable
            union all
            select activity_type, activity_key, null, lead_id, activity_id,
                counts_from
            from proposable where activity_key is not null
            union all
            select activity_type, activity_key, activity_value, lead_id,
                activity_id, counts_from
            from proposable where activity_value is not null
        ),
        counted as materialized (
            select activity_type, activity_key, activity_value,
                hash(count(*), sum(hash(activity_id)::hugeint)) as matched,
                hash(
                    count(*) filter (where in_pool),
                    sum(hash(activity_id)::hugeint) filter (where in_pool)
                ) as pool_matched,
                count(distinct lead_id) as leads,
                count(distinct case when is_converted then lead_id end)
                    as converted,
                count(distinct case
                    when counts_from > $until - $recent then lead_id
                end) as recent,
                count(distinct case when in_pool then lead_id end) as pool_leads,
                count(distinct case when in_pool and is_converted then lead_id end)
                    as pool_converted,
                count(distinct case
                    when in_pool and counts_from > $until - $recent then lead_id
                end) as pool_recent
            from grains
            inner join pool using (lead_id)
            group by all
        ),
        existing as (
            select hash(count(*), sum(hash(activity_id)::hugeint)) as matched
            from rule_hits
            where is_observed
            group by rule_id
        ),
        pool_existing as (
            select hash(count(*), sum(hash(activity_id)::hugeint)) as matched
            from rule_hits
            inner join pool using (lead_id)
            where is_observed and in_pool
            group by rule_id
        ),
        every_lead as (
            select 'every' as among, activity_type, activity_key, activity_value
            from counted
            where leads >= $support
                and (select count(*) from pool) - leads >= $support
                and converted >= $converted
                and recent >= $converted
                and matched not in (select matched from existing)
            qualify row_number() over (
                partition by matched
                order by activity_value nulls first, activity_key nulls first
            ) = 1
        ),
        pool_leads as (
            select 'pool' as among, activity_type, activity_key, activity_value
            from counted
            where pool_leads >= $support
                and (select count(*) from pool where in_pool) - pool_leads
                    >= $support
                and pool_converted >= $converted
                and pool_recent >= $converted
                and pool_matched not in (select matched from pool_existing)
            qualify row_number() over (
                partition by pool_matched
                order by activity_value nulls first, activity_key nulls first
            ) = 1
        )
        select * from every_lead
        union all
        select * from pool_leads
        order by among, activity_type, activity_key nulls first,
            activity_value nulls first
        """,
        {
            "support": MIN_SUPPORT,
            "converted": MIN_CONVERTED,
            "until": until,
            "recent": RECENT_DAYS,
            "created_by": created_by or until,
        },
    ).fetchall()
    every = [(row[1], row[2], row[3]) for row in rows if row[0] == "every"]
    pool = [(row[1], row[2], row[3]) for row in rows if row[0] == "pool"]
    return every, pool


def lead_attributes(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """The attributes proposed fit rules read, of every lead of table
    training in its order: text lowercased and trimmed (as the warehouse
    compares it), empty as missing; company_size as a number."""
    rows = con.execute(
        f"""
        select {", ".join(f"lower(trim(dim.{a}))" for a in FIT_ATTRIBUTES)},
            dim.company_size
        from training
        inner join marts.dim_leads as dim on training.lead_id = dim.lead_id
        order by training.lead_id
        """
    ).fetchall()
    columns = [*FIT_ATTRIBUTES, "company_size"]
    return {
        name: [
            (row[index] or None) if name != "company_size" else row[index]
            for row in rows
        ]
        for index, name in enumerate(columns)
    }


def fit_matches(
    attributes: dict[str, list], attribute: str, operator: str, value: str
) -> np.ndarray:
    """The leads a proposed fit rule matches, as the warehouse matches it
    (only the operators proposed: is_missing, equals, like %word%,
    between)."""
    values = attributes[attribute]
    if operator == "between":
        low, high = (float(bound) for bound in value.split(".."))
        sizes = np.array(
            [np.nan if item is None else float(item) for item in values], dtype=float
        )
        return (sizes >= low) & (sizes <= high)
    # A missing value as a text no trimmed, lowercased value is (numpy
    # drops trailing NULs, so not "\0").
    text = np.array([MISSING if item is None else item for item in values], dtype=str)
    if operator == "is_missing":
        return text == MISSING
    if operator == "equals":
        return text == value
    if operator == "like":  # %word%, a word of letters only
        return np.char.find(text, value.strip("%")) >= 0
    raise ValueError(f"no proposed fit rule uses {operator}")


def fit_candidates(
    con: duckdb.DuckDBPyConnection,
    outcome: np.ndarray,
    among: np.ndarray | None = None,
    attributes: dict[str, list] | None = None,
) -> list[tuple[str, str, str, np.ndarray]]:
    """(attribute, operator, value, matched) for lead attribute values with
    MIN_SUPPORT training leads on each side and MIN_CONVERTED converted
    leads: each value, missing, each word of a job title or department
    (`like %word%`, titles are free text: "VP Sales", "Sales Director"),
    company size bands. With `among` (a mask of the training leads), the
    support is counted among those leads only (the leads before the
    chronological holdout); `matched` is always over every training lead."""
    if attributes is None:
        attributes = lead_attributes(con)
    if among is None:
        among = np.ones(len(outcome), dtype=bool)
    count = int(among.sum())
    candidates = []

    def supported(matched: np.ndarray) -> bool:
        return (
            MIN_SUPPORT <= matched[among].sum() <= count - MIN_SUPPORT
            and outcome[matched & among].sum() >= MIN_CONVERTED
        )

    def propose(attribute: str, operator: str, value: str) -> None:
        matched = fit_matches(attributes, attribute, operator, value)
        if supported(matched):
            candidates.append((attribute, operator, value, matched))

    def counted(keys: list[set[str]]) -> list[str]:
        """The keys (values or words) with the support, counted once per
        lead: matching each against every lead was quadratic (an
        email_domain has thousands of values)."""
        leads, converted = Counter(), Counter()
        for lead_keys, is_converted, is_among in zip(keys, outcome, among, strict=True):
            if not is_among:
                continue
            leads.update(lead_keys)
            if is_converted:
                converted.update(lead_keys)
        return sorted(
            key
            for key, number in leads.items()
            if MIN_SUPPORT <= number <= count - MIN_SUPPORT
            and converted[key] >= MIN_CONVERTED
        )

    for attribute in FIT_ATTRIBUTES:
        values = attributes[attribute]
        propose(attribute, "is_missing", "")
        for value in counted(
            [{value} if value is not None else set() for value in values]
        ):
            propose(attribute, "equals", value)
        if attribute in WORD_ATTRIBUTES:
            words = [
                set(WORD.findall(value)) if value is not None else set()
                for value in values
            ]
            for word in counted(words):
                propose(attribute, "like", f"%{word}%")
    for low, high in COMPANY_SIZES:
        propose(
            "company_size",
            "between",
            f"{low}..{high if high is not None else 10_000_000}",
        )
    return candidates


# --- learning ----------------------------------------------------------------


def design(
    matrix: np.ndarray, prior: np.ndarray | None, is_fit: np.ndarray, fit_weight: float
) -> tuple[np.ndarray, np.ndarray]:
    """The regression's inputs and, per column, what a coefficient is
    multiplied by to be per unit of the feature. The features scaled to unit
    standard deviation (not centred: the intercept is the score of a lead
    with none), the fit rules' columns then multiplied by fit_weight (an L2
    penalty on them 1 / fit_weight^2 as strong: its own shrinkage); with a
    prior (the original points), one more column: the original model's
    points added up, so that a rule is shrunk towards its original points
    times one learnt factor, not towards zero."""
    columns = matrix if prior is None else np.column_stack([matrix, matrix @ prior])
    scale = columns.std(axis=0)
    scale[scale == 0] = 1.0
    weight = np.ones(columns.shape[1])
    weight[: len(is_fit)][is_fit] = fit_weight
    multiplier = weight / scale
    return columns * multiplier, multiplier


def folds_of(outcome: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    return list(splitter.split(np.zeros(len(outcome)), outcome))


def cv_path(
    inputs: np.ndarray, outcome: np.ndarray, folds: list, strengths: list[float]
) -> tuple[float, float]:
    """The best mean AUC of the folds over the strengths (C), and its C
    (the smaller C of a tie: the stronger shrinkage). Each fold's path is
    warm-started from the strongest penalty, as LogisticRegressionCV does."""
    aucs = np.zeros((len(folds), len(strengths)))
    for fold, (train, test) in enumerate(folds):
        regression = LogisticRegression(solver=SOLVER, max_iter=1_000, warm_start=True)
        for column, strength in enumerate(strengths):
            regression.set_params(C=strength)
            regression.fit(inputs[train], outcome[train])
            aucs[fold, column] = auc(inputs[test] @ regression.coef_[0], outcome[test])
    if np.isnan(aucs).all():
        return 0.5, strengths[0]
    mean = np.nanmean(aucs, axis=0)
    best = int(np.argmax(mean))
    return float(mean[best]), strengths[best]


def search_rows(outcome: np.ndarray) -> np.ndarray:
    """The leads the hyper-parameters are chosen on: all of them up to
    SEARCH_LEADS, else a stratified sample of that many (the same share
    converted; seeded)."""
    rows = np.arange(len(outcome))
    if len(rows) <= SEARCH_LEADS:
        return rows
    rng = np.random.default_rng(0)
    share = SEARCH_LEADS / len(rows)
    # Each class keeps its share, and at least 2 x FOLDS leads (all of them
    # when it has fewer): the folds need some of each.
    picked = [
        np.sort(
            rng.choice(
                part,
                size=min(len(part), max(2 * FOLDS, round(len(part) * share))),
                replace=False,
            )
        )
        for part in (rows[outcome], rows[~outcome])
    ]
    return np.sort(np.concatenate(picked))


@dataclass
class Chosen:
    """The hyper-parameters chosen by cross-validation, and their AUC."""

    decay_days: str
    penalty: float  # C, per lead as on `leads` leads
    fit_weight: float  # the fit rules' penalty is the activity rules' / this^2
    cv_auc: float
    leads: int
    tried: dict[str, float]  # decay_days: best cross-validated AUC


def search(
    matrix_at: Callable[[str], np.ndarray],
    days_grid: list[str],
    outcome: np.ndarray,
    prior: np.ndarray | None,
    is_fit: np.ndarray,
    progress: Callable[[str], None] = lambda _: None,
) -> Chosen:
    """Fit rules and activity rules learnt together, each group with its
    own shrinkage: the penalty C, the fit rules' weight (FIT_WEIGHTS) and
    the decay_days (days_grid, the model's own first) chosen by the AUC of
    a FOLDS-fold stratified cross-validation (on SEARCH_LEADS leads at
    most). At the model's own decay: C over C_GRID at equal penalties, then
    the other weights at the C next to the best; each other decay at the
    best weight and C; at a new decay, C next to the best and the weights
    again. Of equal AUCs the first tried wins (the model's own decay, equal
    penalties, the smaller C)."""
    rows = search_rows(outcome)
    folds = folds_of(outcome[rows])
    tried: dict[tuple[str, float], tuple[float, float]] = {}

    def trial(days: str, fit_weight: float, strengths: list[float]) -> None:
        inputs, _ = design(matrix_at(days)[rows], prior, is_fit, fit_weight)
        result = cv_path(inputs, outcome[rows], folds, strengths)
        if (days, fit_weight) not in tried or result[0] > tried[(days, fit_weight)][0]:
            tried[(days, fit_weight)] = result

    def best() -> tuple[str, float]:
        top = max(value[0] for value in tried.values())
        return next(key for key, value in tried.items() if value[0] >= top - 1e-9)

    def near(days: str, fit_weight: float) -> list[float]:
        index = C_GRID.index(tried[(days, fit_weight)][1])
        return C_GRID[max(0, index - 1) : index + 2]

    own = days_grid[0]
    trial(own, FIT_WEIGHTS[0], C_GRID)
    for fit_weight in FIT_WEIGHTS[1:]:
        trial(own, fit_weight, near(own, FIT_WEIGHTS[0]))
    _, fit_weight = best()
    strength = [tried[(own, fit_weight)][1]]
    for number, days in enumerate(days_grid[1:], start=1):
        progress(f"decay_days {days} ({number} of {len(days_grid) - 1})")
        trial(days, fit_weight, strength)
    days, _ = best()
    if days != own:
        trial(days, fit_weight, near(days, fit_weight))
        for weight in FIT_WEIGHTS:
            trial(days, weight, near(days, fit_weight))
    days, fit_weight = best()
    cv_auc, strength = tried[(days, fit_weight)]
    by_days: dict[str, float] = {}
    for (trial_days, _), (trial_auc, _) in tried.items():
        by_days[trial_days] = max(by_days.get(trial_days, -1.0), trial_auc)
    return Chosen(days, strength, fit_weight, cv_auc, len(rows), by_days)


def fit(
    matrix: np.ndarray,
    outcome: np.ndarray,
    prior: np.ndarray | None,
    is_fit: np.ndarray,
    chosen: Chosen,
) -> tuple[np.ndarray, float]:
    """The regression with the chosen hyper-parameters on every row: the
    log-odds per unit of each feature, and the intercept. C multiplies the
    sum of the losses: the same penalty per lead as chosen is C x the
    leads it was chosen on / these."""
    inputs, multiplier = design(matrix, prior, is_fit, chosen.fit_weight)
    regression = LogisticRegression(
        C=chosen.penalty * chosen.leads / len(outcome), solver=SOLVER, max_iter=1_000
    )
    regression.fit(inputs, outcome)
    coefficients = regression.coef_[0] * multiplier
    log_odds = coefficients[: matrix.shape[1]]
    if prior is not None:
        log_odds = log_odds + coefficients[-1] * prior
    return log_odds, float(regression.intercept_[0])


def points_to_double_odds(log_odds: np.ndarray, original: np.ndarray) -> int:
    """The whole number of points that doubles the odds of converting: the
    one that spreads the calibrated scores of the training leads as widely
    as the original model's (the same standard deviation), or, when the
    original's scores do not vary (a model without rules that match, or a
    spread that is nothing but rounding noise), DEFAULT_SCORE_SPREAD points.
    The points stay on the scale the analyst knows, and fine enough that
    rounding each rule to whole points keeps the ranking (at a fixed 20
    points, a weak or strongly shrunk signal gave rules of 0 to 2 points and
    rounding undid the regression). At least DEFAULT_POINTS_TO_DOUBLE_ODDS,
    and that when the calibrated scores do not vary."""
    spread, learnt = original.std(), log_odds.std()
    if learnt <= 1e-9:
        return DEFAULT_POINTS_TO_DOUBLE_ODDS
    if spread <= 1e-9:
        spread = DEFAULT_SCORE_SPREAD
    per_doubling = round(spread / learnt * math.log(2))
    return max(DEFAULT_POINTS_TO_DOUBLE_ODDS, per_doubling)


def to_points(log_odds: np.ndarray, per_doubling: int) -> np.ndarray:
    """Log-odds per unit as whole points, per_doubling points a doubling."""
    return np.round(log_odds * per_doubling / math.log(2)).astype(int)


def auc(scores: np.ndarray, outcome: np.ndarray) -> float:
    if outcome.all() or not outcome.any():
        return float("nan")
    return float(roc_auc_score(outcome, np.round(scores, 6)))


def lift_of(values: np.ndarray, outcome: np.ndarray) -> tuple[int, float]:
    has = values > 0
    rate_with = outcome[has].mean() if has.any() else 0.0
    rate_without = outcome[~has].mean() if (~has).any() else 0.0
    lift = rate_with / rate_without if rate_without > 0 else float("inf")
    return int(has.sum()), lift


def describe(feature: Feature) -> str:
    if math.isinf(feature.lift):
        shown = "converted while none without it did"
    else:
        shown = f"converted {feature.lift:.1f}x as often as the leads without it"
    was = (
        "proposed rule"
        if feature.is_new
        else f"was {feature.original_points} points; {feature.rule['description']}"
    )
    return f"{shown}; n={feature.support} ({was})"


# --- bands --------------------------------------------------------------------


@dataclass
class Rises:
    """The scores of the training leads on each day a score may rise, up to
    --train-until and with every activity read, and on the day before
    (-inf before a lead's first day): a lead entered a band from `bound`
    on the days its score reached the bound from below it, as fct_handoffs
    counts an entry. A score may rise on a lead's first day, on a day with
    an activity (points, or under inactivity decay the end of a quiet
    spell) and, once it has negative points that decay, on any day (they
    fade)."""

    after: np.ndarray
    before: np.ndarray

    def entries(self, bounds: np.ndarray) -> np.ndarray:
        """For each bound, the days a score rose from below it to it or
        above: those with after >= bound minus those with after and before
        both >= bound."""
        after = np.sort(self.after)
        both = np.sort(np.minimum(self.after, self.before))
        return (len(after) - np.searchsorted(after, bounds, side="left")) - (
            len(both) - np.searchsorted(both, bounds, side="left")
        )


def score_rises(
    con: duckdb.DuckDBPyConnection,
    scores_at: Callable[[str], np.ndarray],
    fading: list[str],
    until: dt.date,
) -> Rises:
    """Rises of the training leads; scores_at(table) scores every row of a
    score_table; fading: the features with negative points that decay,
    after whose first hit every day of a lead is scored."""
    con.execute("create or replace temp table fading (name varchar)")
    if fading:
        con.executemany("insert into fading values (?)", [[name] for name in fading])
    score_table(
        con,
        "at_rises",
        """
        select lead_id, created_date as score_date from training
        union
        select lead_id, counts_from from activities
        union
        select lead_id, cast(unnest(generate_series(
            first_day, cast($until as date), interval 1 day
        )) as date)
        from (
            select lead_id, min(counts_from) as first_day
            from hits
            where name in (select name from fading)
            group by lead_id
        )
        """,
        {"until": until},
    )
    score_table(
        con,
        "at_eves",
        "select lead_id, cast(score_date - 1 as date) as score_date from at_rises",
    )
    first = con.execute(
        "select at_rises.score_date = training.created_date as is_first"
        " from at_rises inner join training using (lead_id)"
        " order by at_rises.row_number"
    ).fetchnumpy()["is_first"]
    before = scores_at("at_eves")
    before[np.asarray(first, dtype=bool)] = -np.inf
    return Rises(scores_at("at_rises"), before)


def fading(
    features: list[Feature], decays: dict[str, bool], points: np.ndarray
) -> list[str]:
    """The activity features whose points are negative and decay: once a
    lead has them, its score may rise on any day, as they fade."""
    return [
        feature.rule["rule_id"]
        for feature, feature_points in zip(features, points, strict=True)
        if feature.kind == "activity"
        and feature_points < 0
        and decays[feature.rule["rule_id"]]
    ]


def capacity_bound(rises: Rises, weeks: float, per_week: float) -> float:
    """The whole-number lower bound whose entries a week (Rises.entries over
    `weeks`) is closest to per_week; of two equally close, the higher bound.
    A rise from b to a counts for the whole numbers from floor(b) + 1 to
    floor(a), so the count is the same over runs of whole numbers that end
    at a floor(a) or a floor(b): those are the bounds tried, and the
    lowest bound above every score, where no lead enters (that run has no
    highest bound)."""
    finite = rises.before[np.isfinite(rises.before)]
    above = np.floor(rises.after.max(initial=-1.0)) + 1
    candidates = np.unique(
        np.concatenate([np.floor(rises.after), np.floor(finite), [above]])
    )
    if candidates.size == 0:
        return 0.0
    gaps = np.abs(rises.entries(candidates) / weeks - per_week)
    closest = gaps <= gaps.min() + 1e-12
    return float(candidates[closest].max())


def share_bound(scores: np.ndarray, share_below: float) -> float:
    """The whole-number bound that leaves about share_below of the scores
    under it."""
    if share_below <= 0:
        return float(np.floor(scores.min()))
    return float(np.ceil(np.quantile(scores, min(share_below, 1.0))))


def calibrated_groups(
    groups: list[dict[str, str]],
    original_scores: np.ndarray,
    scores: np.ndarray,
    rises: Rises,
    weeks: float,
    capacity: float | None,
) -> list[dict[str, str]]:
    """The model's groups with bounds for the calibrated scores: the first
    sales-ready group's lower bound from sales capacity, the others at the
    shares of training leads the original groups held; without a capacity
    the original bounds."""
    ordered = sorted(groups, key=lambda group: float(group["min_score"] or "-inf"))
    ready = [
        index
        for index, group in enumerate(ordered)
        if group["is_sales_ready"].strip().lower() == "true"
    ]
    if capacity is None or not ready or ready[0] == 0:
        return [dict(group) for group in ordered]  # no bound to set
    first_ready = ready[0]
    ready_bound = capacity_bound(rises, weeks, capacity)
    bounds: list[float] = []  # the lower bound of ordered[1:]
    for index, group in enumerate(ordered[1:], start=1):
        if index == first_ready:
            bounds.append(ready_bound)
            continue
        low = float(group["min_score"])
        bound = share_bound(scores, float((original_scores < low).mean()))
        bounds.append(bound)
    for index in range(len(bounds)):  # strictly increasing around the capacity
        position = index + 1
        if position < first_ready:
            limit = ready_bound - (first_ready - position)
            bounds[index] = min(bounds[index], limit)
        elif position > first_ready:
            bounds[index] = max(bounds[index], bounds[index - 1] + 1)
    for index in range(len(bounds) - 2, -1, -1):
        if index + 1 < first_ready:
            bounds[index] = min(bounds[index], bounds[index + 1] - 1)
    result = []
    for index, group in enumerate(ordered):
        row = dict(group)
        row["min_score"] = show(bounds[index - 1]) if index > 0 else ""
        row["max_score"] = show(bounds[index]) if index < len(bounds) else ""
        result.append(row)
    return result


def show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def decay_grid(model: dict[str, str]) -> list[str]:
    """The decay_days tried: the model's own first, then DECAY_DAYS_GRID."""
    if model["decay_method"] not in ("half_life", "inactivity"):
        return [model["decay_days"].strip()]
    own = model["decay_days"].strip()
    return [own] + [str(days) for days in DECAY_DAYS_GRID if str(days) != own]


# --- the whole calibration ---------------------------------------------------------


def original_scores(
    model: dict[str, str],
    features: list[Feature],
    matrix: np.ndarray,
    categories: dict[str, str],
) -> np.ndarray:
    """The original model's scores from the same features: its points,
    category caps and total clamp (docs/scoring.md, steps 1 to 3)."""
    total = np.zeros(matrix.shape[0])
    by_category: dict[str, np.ndarray] = {}
    for column, feature in enumerate(features):
        if feature.is_new:
            continue
        points = feature.original_points * matrix[:, column]
        if feature.kind == "fit":
            total += points
        else:
            category = feature.rule["category"]
            by_category[category] = by_category.get(category, 0) + points
    for category, points in by_category.items():
        cap = categories.get(category, "")
        total += np.minimum(points, float(cap)) if cap.strip() else points
    low, high = model["min_score"].strip(), model["max_score"].strip()
    if low:
        total = np.maximum(total, float(low))
    if high:
        total = np.minimum(total, float(high))
    return total


class RuleIds:
    """The rule ids written: each one unique among every id in the rule
    files (of any model, but the draft's own rows, which are replaced) and
    those already written, with a numeric suffix when taken (slug folds
    punctuation and non-ASCII, so two values can give one id)."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = set(taken)

    def claim(self, wanted: str) -> str:
        rule_id, number = wanted, 2
        while rule_id in self.taken:
            rule_id, number = f"{wanted}_{number}", number + 1
        self.taken.add(rule_id)
        return rule_id


def slug(*parts: str | None) -> str:
    text = "_".join(part for part in parts if part)
    text = re.sub(r"https?://[^/]+", "", text)  # a URL's host says little
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:48]


def excluded_leads(
    con: duckdb.DuckDBPyConnection, model_id: str, rule_id: str, until: dt.date
) -> int:
    (count,) = con.execute(
        """
        select count(distinct fit.lead_id)
        from intermediate.int_leads_matched_to_fit_rules as fit
        inner join marts.dim_leads as dim on fit.lead_id = dim.lead_id
        where fit.model_id = $model and fit.rule_id = $rule
            and dim.created_date <= $until
        """,
        {"model": model_id, "rule": rule_id, "until": until},
    ).fetchone()
    return int(count)


def score_table(
    con: duckdb.DuckDBPyConnection, name: str, select: str, params: dict | None = None
) -> None:
    """A table of (lead_id, score_date, row_number) to evaluate features at."""
    con.execute(
        f"create or replace temp table {name} as select lead_id, score_date,"
        " cast(row_number() over (order by lead_id, score_date) - 1 as integer)"
        f" as row_number from ({select})",
        params or {},
    )


def make_hits(con: duckdb.DuckDBPyConnection) -> None:
    """Table hits (lead_id, name, weight, activity_date, counts_from): the
    existing rules' hits (rule_hits) and the proposed rules' (table
    candidate_keys) in the activities; a proposed rule counts one activity
    a day, its first NEW_RULE_MAX_COUNT days (the caps its seed row gets)."""
    con.execute(
        f"""
        create or replace temp table hits as
        select lead_id, rule_id as name, weight, activity_date, counts_from
        from rule_hits
        union all
        select lead_id, name, 1.0, activity_date, counts_from from (
            select
                lead_id,
                name,
                activity_date,
                counts_from,
                row_number() over (
                    partition by lead_id, name order by activity_date
                ) as day_number
            from (
                select distinct
                    activities.lead_id,
                    candidate_keys.name,
                    activities.activity_date,
                    activities.counts_from
                from activities
                inner join candidate_keys
                    on activities.activity_type = candidate_keys.activity_type
                    and (candidate_keys.activity_key is null
                        or activities.activity_key like candidate_keys.activity_key)
                    and (candidate_keys.activity_value is null
                        or activities.activity_value
                        like candidate_keys.activity_value)
            )
        )
        where day_number <= {NEW_RULE_MAX_COUNT}
        """
    )


def existing_fit_columns(
    con: duckdb.DuckDBPyConnection, model_id: str, rules: list[dict[str, str]]
) -> list[np.ndarray]:
    """For each of the model's fit rules, 1 for the leads of table training
    it matches (int_leads_matched_to_fit_rules), in their order."""
    lead_ids = [
        row[0]
        for row in con.execute(
            "select lead_id from training order by lead_id"
        ).fetchall()
    ]
    position = {lead: index for index, lead in enumerate(lead_ids)}
    matched = con.execute(
        """
        select fit.rule_id, fit.lead_id
        from intermediate.int_leads_matched_to_fit_rules as fit
        inner join training on fit.lead_id = training.lead_id
        where fit.model_id = $model
        order by all
        """,
        {"model": model_id},
    ).fetchall()
    columns = {rule["rule_id"]: np.zeros(len(lead_ids)) for rule in rules}
    for rule_id, lead in matched:
        if rule_id in columns:
            columns[rule_id][position[lead]] = 1.0
    return [columns[rule["rule_id"]] for rule in rules]


def fit_columns_of(
    con: duckdb.DuckDBPyConnection, model_id: str, features: list[Feature]
) -> list[np.ndarray]:
    """The fit features' columns for the leads of table training (the
    leads after training, when it holds them)."""
    existing = existing_fit_columns(
        con, model_id, [f.rule for f in features if f.kind == "fit" and not f.is_new]
    )
    attributes = lead_attributes(con)
    columns = []
    for feature in features:
        if feature.kind != "fit":
            continue
        if feature.is_new:
            rule = feature.rule
            matched = fit_matches(
                attributes, rule["attribute"], rule["operator"], rule["value"]
            )
            columns.append(matched.astype(float))
        else:
            columns.append(existing.pop(0))
    return columns


def build_features(
    con: duckdb.DuckDBPyConnection,
    model_id: str,
    new_id: str,
    activity_rules: list[dict[str, str]],
    fit_rules: list[dict[str, str]],
    until: dt.date,
    outcome: np.ndarray,
    ids: RuleIds,
    held_until: dt.date | None = None,
    held_leads: np.ndarray | None = None,
) -> tuple[list[Feature], dict[str, bool], list[np.ndarray]]:
    """The existing rules and the proposed ones, with their hits in table
    hits (lead_id, name, weight, activity_date, counts_from) and the fit
    columns. A proposed rule is drafted when it has the support among every
    training lead, held when it has it among the leads before the holdout
    (created by held_until, held_leads of table training): the draft
    measured on the holdout has only the held ones. The drafted rules claim
    their ids first, so the ids written do not depend on the held ones."""
    features = [
        Feature("activity", rule, False, int(rule["points"])) for rule in activity_rules
    ]
    decays = {
        rule["rule_id"]: rule.get("decays", "").strip().lower() != "false"
        for rule in activity_rules
    }
    every, pool = activity_candidates(con, until, held_until)
    activity_keys = every + [key for key in pool if key not in set(every)]
    existing = [
        rule for rule in fit_rules if rule["excludes_lead"].strip().lower() != "true"
    ]
    existing_columns = existing_fit_columns(con, model_id, existing)
    # A proposed rule matching the same leads as another, or exactly the
    # others, says nothing new (among the drafted rules, and the held ones).
    seen = {column.astype(bool).tobytes() for column in existing_columns}
    seen |= {(~column.astype(bool)).tobytes() for column in existing_columns}
    seen_drafted, seen_held = set(seen), set(seen)
    attributes = lead_attributes(con)
    drafted = fit_candidates(con, outcome, attributes=attributes)
    held = (
        drafted
        if held_leads is None
        else fit_candidates(con, outcome, held_leads, attributes)
    )
    held_keys = {candidate[:3] for candidate in held}
    drafted_keys = {candidate[:3] for candidate in drafted}
    fit_proposed = []  # (rule key, column, drafted, held)
    for attribute, operator, value, column in drafted + [
        candidate for candidate in held if candidate[:3] not in drafted_keys
    ]:
        key = (attribute, operator, value)
        pattern = {column.tobytes(), (~column).tobytes()}
        is_drafted = key in drafted_keys and column.tobytes() not in seen_drafted
        is_held = key in held_keys and column.tobytes() not in seen_held
        if is_drafted:
            seen_drafted |= pattern
        if is_held:
            seen_held |= pattern
        if is_drafted or is_held:
            fit_proposed.append((key, column, is_drafted, is_held))

    def activity_id(key: ActivityKey) -> str:
        return ids.claim(f"{new_id}_{slug(*key)}")

    def fit_id(key: tuple[str, str, str]) -> str:
        return ids.claim(f"{new_id}_{slug(key[0], key[2] or 'missing')}")

    claimed = {}
    for is_drafted in (True, False):
        for key in activity_keys:
            if (key in set(every)) == is_drafted:
                claimed[("activity", key)] = activity_id(key)
        for key, _, drafted_rule, _ in fit_proposed:
            if drafted_rule == is_drafted:
                claimed[("fit", key)] = fit_id(key)

    con.execute(
        "create or replace temp table candidate_keys (name varchar,"
        " activity_type varchar, activity_key varchar, activity_value varchar)"
    )
    for key in activity_keys:
        kind, match_key, value = key
        rule_id = claimed[("activity", key)]
        con.execute(
            "insert into candidate_keys values (?, ?, ?, ?)",
            [rule_id, kind, match_key, value],
        )
        decays[rule_id] = True
        rule = {
            "rule_id": rule_id,
            "activity_type": kind,
            "match_key": match_key or "",
            "match_value": value or "",
            "category": LEARNED_CATEGORY,
            "max_per_day": str(NEW_RULE_MAX_PER_DAY),
            "decays": "true",
        }
        features.append(
            Feature(
                "activity",
                rule,
                True,
                drafted=key in set(every),
                held=key in set(pool),
            )
        )
    make_hits(con)
    fit_columns = []
    for rule, column in zip(existing, existing_columns, strict=True):
        features.append(Feature("fit", rule, False, int(rule["points"])))
        fit_columns.append(column)
    for key, column, is_drafted, is_held in fit_proposed:
        attribute, operator, value = key
        rule = {
            "rule_id": claimed[("fit", key)],
            "attribute": attribute,
            "operator": operator,
            "value": value,
            "excludes_lead": "false",
        }
        features.append(Feature("fit", rule, True, drafted=is_drafted, held=is_held))
        fit_columns.append(column.astype(float))
    return features, decays, fit_columns


def feature_matrix(
    con: duckdb.DuckDBPyConnection,
    model: dict[str, str],
    features: list[Feature],
    decays: dict[str, bool],
    fit_columns: list[np.ndarray],
    at: str,
) -> np.ndarray:
    """Every feature for every row of table `at`, in the order of features."""
    return FeatureReplay(con, features, decays, fit_columns, at).matrix(model)


class FeatureReplay:
    """feature_matrix() under any decay, the hits fetched once."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        features: list[Feature],
        decays: dict[str, bool],
        fit_columns: list[np.ndarray],
        at: str,
    ) -> None:
        names = [f.rule["rule_id"] for f in features if f.kind == "activity"]
        self.activity = Replay(con, "hits", decays, names, at)
        self.fit = (
            np.column_stack(fit_columns)[training_rows(con, at)]
            if fit_columns
            else None
        )

    def matrix(self, model: dict[str, str]) -> np.ndarray:
        activity = self.activity.matrix(model)
        return activity if self.fit is None else np.column_stack([activity, self.fit])


def running_scores(
    con: duckdb.DuckDBPyConnection,
    model: dict[str, str],
    decays: dict[str, bool],
    names: list[str],
    points: np.ndarray,
    at: str,
) -> np.ndarray:
    """The activity points on every row of table `at`, from running sums
    per lead: the same numbers as evaluate() with points, without joining
    every row to every earlier hit of its lead (quadratic on a long
    history). The decay is one factor per row: under a half-life each hit
    is weighted 2 ^ ((activity day - the lead's first) / decay_days) and
    the running sum multiplied by 2 ^ -((day - the lead's first) /
    decay_days); under inactivity the lead's latest activity by the row's
    day sets it."""
    con.execute(
        "create or replace temp table feature_names"
        " (name varchar, decays boolean, points double)"
    )
    rows = [
        [name, decays[name], float(points[column])]
        for column, name in enumerate(names)
        if points[column] != 0
    ]
    if rows:
        con.executemany("insert into feature_names values (?, ?, ?)", rows)
    method = model["decay_method"]
    days = float(model["decay_days"]) if method != "none" else 1.0
    if method == "half_life":
        weight = f"power(2.0, (hits.activity_date - first.day) / {days})"
        factor = f"power(0.5, (point.score_date - sums.first_day) / {days})"
    elif method == "inactivity":
        keep = 1 - float(model["decay_pct"]) / 100
        weight = "1.0"
        factor = (
            f"power({keep}, floor((point.score_date - latest.latest_day) / {days}))"
        )
    else:
        weight, factor = "1.0", "1.0"
    result = con.execute(
        f"""
        with first as (
            select lead_id, min(activity_date) as day from hits group by lead_id
        ),
        per_day as (
            select
                hits.lead_id,
                hits.counts_from,
                min(first.day) as first_day,
                sum(case when names.decays
                    then hits.weight * names.points * {weight} else 0 end)
                    as decaying,
                sum(case when names.decays then 0
                    else hits.weight * names.points end) as steady
            from hits
            inner join feature_names as names on hits.name = names.name
            inner join first on hits.lead_id = first.lead_id
            group by hits.lead_id, hits.counts_from
        ),
        sums as (
            select
                lead_id,
                counts_from,
                first_day,
                sum(decaying) over running as decaying,
                sum(steady) over running as steady
            from per_day
            window running as (
                partition by lead_id order by counts_from
                rows between unbounded preceding and current row
            )
        ),
        days as (
            select lead_id, counts_from, max(activity_date) as latest_day
            from activities
            group by lead_id, counts_from
        ),
        latest as (
            select
                lead_id,
                counts_from,
                max(latest_day) over (
                    partition by lead_id order by counts_from
                    rows between unbounded preceding and current row
                ) as latest_day
            from days
        )
        select
            point.row_number,
            coalesce(sums.decaying * {factor} + sums.steady, 0) as value
        from {at} as point
        asof left join sums
            on point.lead_id = sums.lead_id and point.score_date >= sums.counts_from
        asof left join latest
            on point.lead_id = latest.lead_id
            and point.score_date >= latest.counts_from
        """
    ).fetchnumpy()
    (count,) = con.execute(f"select count(*) from {at}").fetchone()
    vector = np.zeros(count)
    # Rounded: a parallel sum may differ in its last bit between runs.
    vector[result["row_number"].astype(int)] = np.round(result["value"], 10)
    return vector


def scores(
    con: duckdb.DuckDBPyConnection,
    model: dict[str, str],
    features: list[Feature],
    decays: dict[str, bool],
    fit_columns: list[np.ndarray],
    points: np.ndarray,
    at: str,
) -> np.ndarray:
    """The scores the points give every row of table `at` (the features
    times the points, without the matrix)."""
    kinds = np.array([feature.kind for feature in features])
    names = [f.rule["rule_id"] for f in features if f.kind == "activity"]
    total = running_scores(con, model, decays, names, points[kinds == "activity"], at)
    if fit_columns:
        fit = np.column_stack(fit_columns) @ points[kinds == "fit"]
        total += fit[training_rows(con, at)]
    return total


def training_rows(con: duckdb.DuckDBPyConnection, at: str) -> np.ndarray:
    """For every row of table `at`, its lead's row in table training."""
    lead_of_row = con.execute(
        "select training_row from (select point.row_number, training_row from"
        f" {at} as point inner join (select lead_id, cast(row_number() over"
        " (order by lead_id) - 1 as integer) as training_row from training)"
        " using (lead_id)) order by row_number"
    ).fetchnumpy()
    return np.asarray(lead_of_row["training_row"], dtype=int)


def new_rule_rows(
    new_id: str,
    features: list[Feature],
    excluding: list[tuple[dict[str, str], int]],
    copied: dict[tuple[str, str], str],
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The calibrated activity and fit rule rows; copied: the id each of
    the model's rules (kind, rule_id) has in the draft."""
    activity, fit = [], []
    for rule, count in excluding:  # not learnt: their leads are not scored
        fit.append(
            {
                **rule,
                "rule_id": copied[("fit", rule["rule_id"])],
                "model_id": new_id,
                "description": f"excludes the lead, not learnt; n={count}"
                f" ({rule['description']})",
            }
        )
    for feature in features:
        if feature.is_new and feature.points == 0:
            continue
        row = dict(feature.rule)
        row["model_id"] = new_id
        row["points"] = str(feature.points)
        row["description"] = describe(feature)
        if not feature.is_new:
            row["rule_id"] = copied[(feature.kind, feature.rule["rule_id"])]
        if feature.kind == "activity":
            if feature.is_new:
                count = NEW_RULE_MAX_COUNT
            elif feature.rule["max_points"].strip() and feature.original_points:
                count = float(feature.rule["max_points"]) / abs(feature.original_points)
            else:
                count = None
            # The same number of activities as before, at the new points.
            row["max_points"] = (
                str(max(1, round(count * abs(feature.points))))
                if count is not None and feature.points != 0
                else ""
            )
            activity.append(row)
        else:
            fit.append(row)
    return activity, fit


def change_lines(features: list[Feature]) -> list[str]:
    lines = []
    for feature in features:
        rule = feature.rule
        if feature.kind == "activity":
            what = " ".join(
                part
                for part in (
                    rule["activity_type"],
                    rule["match_key"],
                    rule["match_value"],
                )
                if part
            )
        else:
            what = f"{rule['attribute']} {rule['operator']} {rule['value']}".strip()
        if feature.is_new:
            if feature.points:
                lines.append(
                    f"  new  {what}: {feature.points:+d} (n={feature.support})"
                )
        elif feature.points != feature.original_points:
            lines.append(
                f"  {rule['rule_id']}: {feature.original_points:+d} ->"
                f" {feature.points:+d} (n={feature.support})"
            )
    return lines


# --- the report -----------------------------------------------------------------


@dataclass
class Measured:
    """Leads the models are compared on, with each model's scores."""

    label: str
    outcome: np.ndarray
    parent: np.ndarray
    draft: np.ndarray
    regression: np.ndarray

    def aucs(self) -> tuple[float, float, float]:
        return (
            auc(self.parent, self.outcome),
            auc(self.draft, self.outcome),
            auc(self.regression, self.outcome),
        )


def holdout_split(
    con: duckdb.DuckDBPyConnection, outcome: np.ndarray
) -> tuple[dt.date, np.ndarray]:
    """The chronological holdout inside the training leads: those created
    after the day by which HOLDOUT_FROM of the converted training leads
    were created (so that it holds about the rest of the conversions, not
    only the leads too young to have converted). Returns that day and, per
    training lead, whether it is in the holdout."""
    created = np.array(
        [
            row[0]
            for row in con.execute(
                "select created_date from training order by lead_id"
            ).fetchall()
        ]
    )
    converted = np.sort(created[outcome])
    split = converted[max(0, math.ceil(len(converted) * HOLDOUT_FROM) - 1)]
    return split, created > split


def plain_search(
    matrix: np.ndarray, outcome: np.ndarray, is_fit: np.ndarray, days: str
) -> Chosen:
    """A plain logistic regression on the same features (standardized, one
    penalty for all, no prior): C by the same cross-validation. What the
    draft is measured against."""
    rows = search_rows(outcome)
    inputs, _ = design(matrix[rows], None, is_fit, 1.0)
    cv_auc, strength = cv_path(inputs, outcome[rows], folds_of(outcome[rows]), C_GRID)
    return Chosen(days, strength, 1.0, cv_auc, len(rows), {days: cv_auc})


def big_changes(
    model: dict[str, str],
    learnt: Chosen,
    features: list[Feature],
    categories: dict[str, str],
    matrix: np.ndarray,
    outcome: np.ndarray,
) -> list[str]:
    """The changes a reviewer must not miss, one warning each: a new decay,
    the category caps and score limits the draft drops, and a rule whose
    sign flips on little support (fewer than FLIP_SUPPORT training leads
    with it, or fewer than FLIP_CONVERTED of them converted)."""
    warnings_ = []
    own = model["decay_days"].strip()
    if learnt.decay_days != own:
        warnings_.append(
            f"decay_days {own} -> {learnt.decay_days} ({model['decay_method']}):"
            f" every decaying rule's points now fade on another clock"
            f" (cross-validated AUC {learnt.tried[own]:.3f} at {own} days,"
            f" {learnt.tried[learnt.decay_days]:.3f} at {learnt.decay_days})."
        )
    capped = [
        f"{category} (max_points {cap})"
        for category, cap in sorted(categories.items())
        if cap.strip()
    ]
    if capped:
        warnings_.append(
            "category caps removed: " + ", ".join(capped) + " (the draft has none:"
            " a cap would change what a point means)."
        )
    limits = [
        f"{name} {model[name].strip()}"
        for name in ("min_score", "max_score")
        if model[name].strip()
    ]
    if limits:
        warnings_.append(
            "score limits removed: " + ", ".join(limits) + " (a clamp would tie"
            " the leads it cuts)."
        )
    for column, feature in enumerate(features):
        if feature.is_new or not feature.original_points or not feature.points:
            continue
        if (feature.original_points > 0) == (feature.points > 0):
            continue
        has = matrix[:, column] > 0
        converted = int(outcome[has].sum())
        if feature.support < FLIP_SUPPORT or converted < FLIP_CONVERTED:
            warnings_.append(
                f"{feature.rule['rule_id']} flips from"
                f" {feature.original_points:+d} to {feature.points:+d} on little"
                f" support: {feature.support} training leads, {converted}"
                " converted."
            )
    return warnings_


def worse_after_training(since: Measured, new_id: str, model_id: str) -> list[str]:
    """A warning when the draft ranks the leads after training no better
    than its model (not a refusal: they are measured, never learnt from)."""
    parent, draft, _ = since.aucs()
    if draft > parent:
        return []
    return [
        f"{new_id} is no better than {model_id} on {since.label}"
        f" (AUC {draft:.3f} against {parent:.3f}): do not activate it on this"
        " evidence."
    ]


def deciles(predicted: np.ndarray, outcome: np.ndarray) -> tuple[list, list]:
    """Mean predicted and observed conversion in each tenth of the leads by
    predicted conversion (ties in lead order)."""
    order = np.argsort(predicted, kind="stable")
    parts = [part for part in np.array_split(order, 10) if len(part)]
    return (
        [float(predicted[part].mean()) for part in parts],
        [float(outcome[part].mean()) for part in parts],
    )


def plot_calibration(
    path: Path,
    measured: Measured,
    parent_probability: Callable[[np.ndarray], np.ndarray],
    draft_probability: Callable[[np.ndarray], np.ndarray],
    names: tuple[str, str],
) -> None:
    """Predicted against observed conversion by decile, the parent beside
    the draft, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(1, 2, figsize=(10, 4.6), sharey=True)
    aucs = measured.aucs()
    for axis, name, scores, probability, value in zip(
        axes,
        names,
        (measured.parent, measured.draft),
        (parent_probability, draft_probability),
        aucs[:2],
        strict=True,
    ):
        predicted, observed = deciles(probability(scores), measured.outcome)
        top = max(max(predicted), max(observed), 0.01) * 1.1
        axis.plot([0, top], [0, top], color="#999999", linewidth=1, linestyle="--")
        axis.plot(predicted, observed, marker="o", color="#1f77b4")
        axis.set_xlim(0, top)
        axis.set_ylim(0, top)
        axis.set_title(f"{name}: AUC {value:.3f}")
        axis.set_xlabel("predicted conversion (decile mean)")
        axis.grid(alpha=0.3)
    axes[0].set_ylabel("observed conversion")
    converted = int(measured.outcome.sum())
    figure.suptitle(
        f"Calibration by decile on {measured.label} ({converted} converted)",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=100, metadata={"Software": None})
    pyplot.close(figure)


def table(
    rows: list[tuple[str, tuple[float, float, float]]], names: list[str]
) -> list[str]:
    width = max(len(label) for label, _ in rows)
    lines = ["  " + " " * width + "".join(f"  {name:>{len(name)}}" for name in names)]
    for label, values in rows:
        cells = "".join(
            f"  {'-' if math.isnan(value) else f'{value:.3f}':>{len(name)}}"
            for name, value in zip(names, values, strict=True)
        )
        lines.append(f"  {label:<{width}}{cells}")
    return lines


def refuse(message: str) -> None:
    raise SystemExit(f"{message} Nothing written.")


def calibrate(
    warehouse: str,
    model_id: str,
    seeds: Path,
    train_until: dt.date | None,
    dry_run: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> str:
    """Write the calibrated draft into the seeds (not with dry_run), and its
    calibration plot beside them; return the report. Refuses (SystemExit,
    nothing written) when there is no usable feature or the draft is no
    better than the model on the chronological holdout."""
    config = project_vars()
    files = {name: SeedFile.read(seeds / f"{name}.csv") for name in SEED_FILES}
    rows = {name: file.rows() for name, file in files.items()}
    models = {row["model_id"]: row for row in rows["scoring_models"]}
    if model_id not in models:
        raise SystemExit(f"{model_id} is not a model of {seeds}/scoring_models.csv.")
    model, new_id = models[model_id], f"{model_id}_calibrated"
    if model["status"].strip() not in ("active", "draft"):
        raise SystemExit(
            f"{model_id} is {model['status']}: only a scored model has history."
        )
    con = connect(warehouse)
    check_built_from(con, model_id, seeds, rows)
    as_of = warehouse_as_of(con)
    until = train_until or as_of - dt.timedelta(days=config["test_period_days"])
    stage = config["converted_funnel_stage"]
    progress(f"reading the training leads up to {until}")
    load_training_leads(con, model_id, until, stage)
    load_activities(con, model_id, until)
    outcome = np.array(
        [
            row[0]
            for row in con.execute(
                "select is_converted from training order by lead_id"
            ).fetchall()
        ],
        dtype=bool,
    )
    if outcome.sum() < MIN_CONVERTED_TO_LEARN or (~outcome).sum() < MIN_SUPPORT:
        refuse(
            f"Too few leads to learn from up to {until}: {int(outcome.sum())}"
            f" converted to {stage} of {len(outcome)} training leads (calibration"
            f" needs {MIN_CONVERTED_TO_LEARN} converted and {MIN_SUPPORT} not)."
        )
    activity_rules = [r for r in rows["activity_rules"] if r["model_id"] == model_id]
    fit_rules = [r for r in rows["fit_rules"] if r["model_id"] == model_id]
    # Every id written is claimed once: the copies of the model's rules
    # first, then the proposed ones.
    ids = RuleIds(
        {
            row["rule_id"]
            for name in ("activity_rules", "fit_rules")
            for row in rows[name]
            if row["model_id"] != new_id
        }
    )
    copied = {
        (kind, rule["rule_id"]): ids.claim(f"{new_id}_{rule['rule_id']}")
        for kind, rules in (("activity", activity_rules), ("fit", fit_rules))
        for rule in rules
    }
    # The chronological holdout: the draft measured on it is learnt, its
    # rules proposed and its decay and penalties chosen, on the earlier
    # training leads only.
    split, later = holdout_split(con, outcome)
    earlier = ~later
    if min(outcome[earlier].sum(), (~outcome[earlier]).sum()) < FOLDS:
        refuse(
            f"Too few leads before the chronological holdout to learn from: the"
            f" {int(earlier.sum())} training leads created by {split} hold"
            f" {int(outcome[earlier].sum())} converted (calibration needs"
            f" {FOLDS} converted and {FOLDS} not)."
        )
    progress("proposing rules")
    every_feature, decays, every_fit_column = build_features(
        con,
        model_id,
        new_id,
        activity_rules,
        fit_rules,
        until,
        outcome,
        ids,
        held_until=split,
        held_leads=earlier,
    )
    score_table(
        con, "at_observed", "select lead_id, observed_date as score_date from training"
    )
    progress(f"replaying {len(every_feature)} features on {len(outcome)} leads")
    replay = FeatureReplay(con, every_feature, decays, every_fit_column, "at_observed")
    matrices = {model["decay_days"]: replay.matrix(model)}

    def matrix_at(days: str) -> np.ndarray:
        """The features under decay_days `days`: the model's own and the
        last other one kept (each is leads x features; all ten took 1.2 GB
        at M)."""
        if days not in matrices:
            for kept in [d for d in matrices if d != model["decay_days"]]:
                del matrices[kept]
            matrices[days] = replay.matrix({**model, "decay_days": days})
        return matrices[days]

    # The draft's features (proposed on every training lead) and the held
    # draft's (proposed on the leads before the holdout), as columns.
    drafted = np.array([f.drafted for f in every_feature], dtype=bool)
    held_columns = np.flatnonzero([f.held for f in every_feature])
    features = [f for f in every_feature if f.drafted]
    fit_columns = [
        column
        for column, feature in zip(
            every_fit_column,
            [f for f in every_feature if f.kind == "fit"],
            strict=True,
        )
        if feature.drafted
    ]
    original = matrix_at(model["decay_days"])
    grid = decay_grid(model)
    varies = [
        column
        for column in np.flatnonzero(drafted)
        if any(np.ptp(matrix_at(days)[:, column]) > 0 for days in grid[:1])
    ]
    if not varies:
        refuse(
            f"No usable feature for {model_id} up to {until}: none of its rules"
            f" matched an activity or lead of the {len(outcome)} training leads"
            " known by then, and no activity or lead attribute has the support a"
            f" proposed rule needs ({MIN_SUPPORT} training leads with it and"
            f" without it, {MIN_CONVERTED} converted)."
        )
    every_prior = np.array([f.original_points or 0 for f in every_feature], dtype=float)
    every_is_fit = np.array([f.kind == "fit" for f in every_feature], dtype=bool)
    prior, is_fit = every_prior[drafted], every_is_fit[drafted]
    categories = {
        r["category"]: r["max_points"]
        for r in rows["score_categories"]
        if r["model_id"] == model_id
    }
    before = original_scores(model, every_feature, original, categories)

    earlier_rows = np.flatnonzero(earlier)

    def held_matrix(days: str) -> np.ndarray:
        """The held draft's features of the leads before the holdout."""
        return matrix_at(days)[np.ix_(earlier_rows, held_columns)]

    held_prior, held_is_fit = every_prior[held_columns], every_is_fit[held_columns]
    progress(f"choosing the decay and penalties on the leads created by {split}")
    chosen = search(
        held_matrix,
        grid,
        outcome[earlier],
        held_prior,
        held_is_fit,
        lambda text: progress(f"cross-validating {text}"),
    )
    held_earlier = held_matrix(chosen.decay_days)
    held_later = matrix_at(chosen.decay_days)[
        np.ix_(np.flatnonzero(later), held_columns)
    ]
    held, held_intercept = fit(
        held_earlier, outcome[earlier], held_prior, held_is_fit, chosen
    )
    held_per_doubling = points_to_double_odds(held_earlier @ held, before[earlier])
    held_points = to_points(held, held_per_doubling)
    plain_chosen = plain_search(
        held_earlier, outcome[earlier], held_is_fit, chosen.decay_days
    )
    plain_held, _ = fit(held_earlier, outcome[earlier], None, held_is_fit, plain_chosen)
    holdout = Measured(
        f"the {int(later.sum())} training leads created after {split}",
        outcome[later],
        before[later],
        held_later @ held_points,
        held_later @ plain_held,
    )
    del held_earlier, held_later
    holdout_parent, holdout_draft, _ = holdout.aucs()
    if math.isnan(holdout_draft) or math.isnan(holdout_parent):
        refuse(
            f"The chronological holdout cannot be measured: {holdout.label}"
            f" hold {int(holdout.outcome.sum())} converted of"
            f" {len(holdout.outcome)}."
        )
    if holdout_draft <= holdout_parent:
        refuse(
            f"{new_id} is no better than {model_id} on the chronological holdout:"
            f" on {holdout.label} ({int(holdout.outcome.sum())} converted), a draft"
            f" learnt on the earlier leads ranks at AUC {holdout_draft:.3f},"
            f" {model_id} at {holdout_parent:.3f}."
        )

    progress("learning on every training lead")
    matrix = matrix_at(chosen.decay_days)[:, drafted]
    log_odds, intercept = fit(matrix, outcome, prior, is_fit, chosen)
    model_learnt = {**model, "decay_days": chosen.decay_days}
    per_doubling = points_to_double_odds(matrix @ log_odds, before)
    points = to_points(log_odds, per_doubling)
    for column, feature in enumerate(features):
        feature.points = int(points[column])
        feature.support, feature.lift = lift_of(matrix[:, column], outcome)
    after = matrix @ points
    plain, _ = fit(matrix, outcome, None, is_fit, plain_chosen)
    if not points.any():
        refuse(
            f"Every point of {new_id} rounds to 0 ({per_doubling} points double the"
            " odds): the training leads show no signal worth a point."
        )
    auc_before, auc_after = auc(before, outcome), auc(after, outcome)
    if not auc_after > auc_before:
        refuse(
            f"{new_id} is no better than {model_id} on the training leads: on the"
            f" {len(outcome)} leads created by {until} ({int(outcome.sum())}"
            f" converted) it ranks at AUC {auc_after:.3f}, {model_id} at"
            f" {auc_before:.3f}."
        )
    progress("replaying the scores for the bands")
    rises = score_rises(
        con,
        lambda at: scores(con, model_learnt, features, decays, fit_columns, points, at),
        fading(features, decays, points),
        until,
    )
    (first_day,) = con.execute("select min(created_date) from training").fetchone()
    weeks = ((until - first_day).days + 1) / 7
    capacity_text = model.get("sales_capacity_per_week", "").strip()
    capacity = float(capacity_text) if capacity_text else None
    groups = calibrated_groups(
        [g for g in rows["score_groups"] if g["model_id"] == model_id],
        before,
        after,
        rises,
        weeks,
        capacity,
    )
    # The excluding rules, with the leads created by `until` each matched.
    excluding = [
        (rule, excluded_leads(con, model_id, rule["rule_id"], until))
        for rule in fit_rules
        if rule["excludes_lead"].strip().lower() == "true"
    ]
    warned = big_changes(model, chosen, features, categories, matrix, outcome)

    # The leads after training, once their outcome is known (as_of).
    since: Measured | None = None
    if until < as_of:
        progress(f"measuring on the leads created after {until}")
        load_training_leads(con, model_id, as_of, stage, created_after=until)
        later_outcome = np.array(
            [
                row[0]
                for row in con.execute(
                    "select is_converted from training order by lead_id"
                ).fetchall()
            ],
            dtype=bool,
        )
        if later_outcome.any() and not later_outcome.all():
            load_activities(con, model_id, as_of, reread=False)
            make_hits(con)
            score_table(
                con,
                "at_after",
                "select lead_id, observed_date as score_date from training",
            )
            later_replay = FeatureReplay(
                con,
                features,
                decays,
                fit_columns_of(con, model_id, features),
                "at_after",
            )
            later_learnt = later_replay.matrix(model_learnt)
            since = Measured(
                f"the {len(later_outcome)} leads created after {until}",
                later_outcome,
                original_scores(
                    model, features, later_replay.matrix(model), categories
                ),
                later_learnt @ points,
                later_learnt @ plain,
            )

    if since is not None:
        warned += worse_after_training(since, new_id, model_id)
    activity_rows, fit_rows = new_rule_rows(new_id, features, excluding, copied)
    used = sorted({row["category"] for row in activity_rows})
    category_rows = [
        {"model_id": new_id, "category": category, "max_points": ""}
        for category in used
    ]
    model_row = {
        **model_learnt,
        "model_id": new_id,
        "model_name": f"{model['model_name']} (calibrated)",
        "description": (
            f"{model_id} calibrated on {len(outcome)} leads up to {until}"
            f" ({int(outcome.sum())} converted): AUC {auc_after:.3f}, was"
            f" {auc_before:.3f}; on the chronological holdout {holdout_draft:.3f},"
            f" was {holdout_parent:.3f}; {per_doubling} points double the odds"
        ),
        "status": "draft",
        "min_score": "",
        "max_score": "",
        "activated_on": "",
    }
    written = {
        "scoring_models": [model_row],
        "activity_rules": activity_rows,
        "score_categories": category_rows,
        "fit_rules": fit_rows,
        "score_groups": [{**g, "model_id": new_id} for g in groups],
        "routing_rules": [
            {**r, "model_id": new_id}
            for r in rows["routing_rules"]
            if r["model_id"] == model_id
        ],
    }
    ready = [g for g in groups if g["is_sales_ready"].strip().lower() == "true"]
    decay_line = (
        f"{model['decay_method']} {model['decay_days']} -> {chosen.decay_days} days"
        if chosen.decay_days != model["decay_days"]
        else f"{model['decay_method']} {model['decay_days'] or '-'} days (unchanged)"
    )
    names = [model_id, new_id, "regression"]
    measured_rows = [
        (
            "training leads, in-sample",
            (auc_before, auc_after, auc(matrix @ plain, outcome)),
        ),
        (
            f"cross-validated: created by {split}",
            (math.nan, chosen.cv_auc, plain_chosen.cv_auc),
        ),
        (f"holdout: created after {split}", holdout.aucs()),
    ]
    if since is not None:
        measured_rows.append((f"after training: created after {until}", since.aucs()))
    report = [
        f"Calibrated {model_id} on {len(outcome)} leads up to {until}"
        f" ({int(outcome.sum())} converted to {stage}; warehouse as of {as_of}).",
        f"Learnt together: {int((~is_fit).sum())} activity and {int(is_fit.sum())}"
        f" fit features; decay {decay_line}; C {chosen.penalty:g}, fit rules'"
        f" penalty {1 / chosen.fit_weight**2:g} x the activity rules';"
        f" {per_doubling} points double the odds.",
        "AUC (regression: a plain logistic regression on the same features,"
        " unrounded):",
        *table(measured_rows, names),
        f"Holdout: {holdout.label} ({int(holdout.outcome.sum())} converted),"
        " scored by a draft learnt on the earlier ones.",
    ]
    if since is not None:
        report.append(
            f"After training: {since.label} ({int(since.outcome.sum())} converted"
            f" by {as_of}), each as it stood before sales touched it."
        )
    report += [
        "Points that changed (n = training leads with the rule):",
        *change_lines(features),
        "Groups: "
        + ", ".join(
            f"{g['group_name']} [{g['min_score'] or '-inf'}, {g['max_score'] or 'inf'})"
            for g in groups
        ),
    ]
    if capacity is not None and ready:
        bound = float(ready[0]["min_score"])
        per_week = rises.entries(np.array([bound]))[0] / weeks
        report.append(
            f"{ready[0]['group_name']} from {ready[0]['min_score']}: {per_week:.1f}"
            f" entries (handoffs) a week over {weeks:.1f} weeks"
            f" (sales_capacity_per_week {capacity_text})."
        )
    else:
        report.append("No sales_capacity_per_week: the original bands are kept.")
    report += [f"Warning: {line}" for line in warned]
    if dry_run:
        report.append("Dry run: nothing written. The draft's rows:")
        for name in SEED_FILES:
            header = files[name].header
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(header)
            for row in written[name]:
                writer.writerow([row.get(column, "") for column in header])
            report.append(f"{name}.csv:")
            report.append(buffer.getvalue().rstrip("\n"))
        return "\n".join(report)
    for name, file in files.items():
        file.replace_model(new_id, written[name])
        file.write()
    plot = seeds / f"{new_id}.png"
    # Each model's probabilities as learnt on the leads before the ones
    # shown: on the leads after training, the draft's regression and the
    # model's scores fitted on every training lead; on the holdout, the held
    # draft's (its own intercept and scale) and the model's fitted on the
    # earlier leads.
    if since is not None:
        shown, fitted_on = since, np.ones(len(outcome), dtype=bool)
        shift, scale = intercept, per_doubling
    else:
        shown, fitted_on = holdout, earlier
        shift, scale = held_intercept, held_per_doubling
    parent_scale = LogisticRegression(C=1e6, solver=SOLVER, max_iter=1_000).fit(
        before[fitted_on][:, None], outcome[fitted_on]
    )
    plot_calibration(
        plot,
        shown,
        lambda values: parent_scale.predict_proba(values[:, None])[:, 1],
        lambda values: 1 / (1 + np.exp(-(shift + values * math.log(2) / scale))),
        (model_id, new_id),
    )
    report.append(f"Wrote draft {new_id} into {seeds}, its calibration plot to {plot}.")
    return "\n".join(report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="the model_id to calibrate")
    parser.add_argument(
        "--train-until",
        type=dt.date.fromisoformat,
        help="last day whose data is read (default: as_of - test_period_days)",
    )
    # Installed as a dbt package, its own seeds/ is replaced by dbt deps:
    # the host's seed folder must be named.
    in_package = "dbt_packages" in REPO.parts
    parser.add_argument(
        "--seeds",
        type=Path,
        required=in_package,
        default=None if in_package else REPO / "seeds",
        help="the seed folder (required when run from dbt_packages/)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the report and the draft's rows; write nothing",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress lines on stderr"
    )
    args = parser.parse_args(argv)
    warehouse = os.environ.get("LEAD_SCORING_DUCKDB", DEFAULT_WAREHOUSE)
    started = time.monotonic()

    def progress(text: str) -> None:
        if not args.quiet:
            print(
                f"calibrate: {text} ({time.monotonic() - started:.1f} s)",
                file=sys.stderr,
                flush=True,
            )

    # One BLAS thread: the regressions are small, and on a shared machine
    # more threads fought each other (five times slower on two busy cores).
    with threadpool_limits(limits=1):
        report = calibrate(
            warehouse, args.model, args.seeds, args.train_until, args.dry_run, progress
        )
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
