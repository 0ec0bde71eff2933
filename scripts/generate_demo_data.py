"""Generate a realistic demo warehouse for the source contract (docs/loading_data.md).

Every lead has a hidden interest and fit. Fit drives its demographics;
interest drives how often it visits, opens, clicks, fills forms and how
far it gets in the CRM. CRM outcomes come from interest and fit only, never
from a score, so the feedback loop measures something real.

Numbers are drawn with NumPy (deterministic for a given --seed and
--end-date); DuckDB turns the codes into ids, URLs and timestamps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
from tqdm import tqdm

DAY = 86_400
DEFAULT_WAREHOUSE = "data/lead_scoring.duckdb"

TITLE_LEVELS = ["Student", "Analyst", "Specialist", "Manager", "Director", "VP"]
DEPARTMENTS = ["marketing", "sales", "operations", "it", "finance", "hr", "engineering"]
CHIEF_TITLES = {
    "marketing": "Chief Marketing Officer",
    "sales": "Chief Revenue Officer",
    "operations": "Chief Operating Officer",
    "it": "Chief Information Officer (CIO)",
    "finance": "Chief Financial Officer",
    "hr": "Chief People Officer",
    "engineering": "Chief Technology Officer",
}
INDUSTRIES = [
    "software",
    "financial services",
    "retail",
    "healthcare",
    "government",
    "manufacturing",
    "education",
    "media",
]
COUNTRIES = ["US", "CA", "GB", "DE", "FR", "NL", "BR", "IN", "JP", "ES"]
CITIES = [
    "New York",
    "Toronto",
    "London",
    "Berlin",
    "Paris",
    "Amsterdam",
    "Sao Paulo",
    "Bengaluru",
    "Tokyo",
    "Madrid",
]
FREE_DOMAINS = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"]
GENERAL_PAGES = ["/", "/product", "/blog/scoring-guide", "/blog/roi", "/customers"]
INTENT_PAGES = ["/pricing", "/demo", "/security", "/integrations"]
ASSETS = ["ebook-lead-scoring", "roi-calculator", "architecture-whitepaper"]
VIDEOS = ["video-product-tour", "video-customer-story"]
FORMS = [
    "newsletter",
    "whitepaper",
    "webinar-registration",
    "contact-sales",
    "demo-request",
]
SOCIAL_TYPES = ["follow", "share", "mention", "negative_mention", "unfollow"]
NETWORKS = ["linkedin", "twitter", "facebook"]
CRM_OWNERS = 40


def sql_list(values: list[str]) -> str:
    """A DuckDB list literal of strings, indexed from 1 in SQL."""
    return (
        "[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"
    )


def repeat_by(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Owner index of each of counts.sum() rows, and the row's rank (0, 1, ...)
    within its owner."""
    owner = np.repeat(np.arange(counts.size), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.arange(owner.size) - starts


def pick(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One category per row from a row-wise matrix of (unnormalized) weights."""
    cumulative = np.cumsum(weights, axis=1)
    draws = rng.random(weights.shape[0]) * cumulative[:, -1]
    return (cumulative < draws[:, None]).sum(axis=1)


class DemoData:
    def __init__(self, leads: int, days: int, seed: int, end_date: dt.date) -> None:
        self.rng = np.random.default_rng(seed)
        self.n = leads
        end_of_day = int(
            dt.datetime.combine(end_date, dt.time(), dt.UTC).timestamp() + DAY - 1
        )
        self.start = end_of_day + 1 - days * DAY
        # Every draw covers the days up to the end of end_date, so a seed and
        # an end date always give the same demo, whatever the hour. Nothing
        # happens after now: a demo ending today leaves out the rows of the
        # hours still to come (self.end cuts, it never draws).
        self.last = end_of_day
        self.end = min(end_of_day, int(time.time()))
        rng = self.rng
        self.interest = rng.beta(1.1, 3.5, leads)
        self.fit = rng.beta(2.0, 2.0, leads)
        self.created = rng.integers(self.start, self.last, leads)
        # Each lead is most active around a moment after its creation.
        self.peak = self.created + rng.exponential(20 * DAY, leads).astype(np.int64)
        self.spread = rng.uniform(5, 30, leads) * DAY

    def times_around_peak(
        self, owner: np.ndarray, earliest_before_created: int
    ) -> np.ndarray:
        offsets = self.rng.normal(0, 1, owner.size) * self.spread[owner]
        times = self.peak[owner] + offsets.astype(np.int64)
        return np.maximum(times, self.created[owner] - earliest_before_created)

    def until_end(
        self, frame: dict[str, np.ndarray], time_column: str
    ) -> dict[str, np.ndarray]:
        """The rows of a frame up to now: later ones have not happened yet.
        Each keeps its position in the whole frame, which numbers its id,
        so a row's id does not depend on the rows cut before it."""
        frame = {**frame, "position": np.arange(frame[time_column].size)}
        keep = frame[time_column] <= self.end
        return {name: values[keep] for name, values in frame.items()}

    def leads(self) -> dict[str, np.ndarray]:
        rng, n, fit = self.rng, self.n, self.fit
        level_weights = np.stack(
            [
                (1 - fit) ** 3,
                (1 - fit) * 2,
                np.ones(n),
                fit * 2,
                fit**2 * 2,
                fit**3 * 1.5,
                fit**4,
            ],
            axis=1,
        )
        department_weights = np.stack(
            [fit * 3, fit * 2, fit * 1.5, fit * 2, 1 - fit, 1 - fit, np.ones(n)], axis=1
        )
        industry_weights = np.stack(
            [fit * 3, fit * 2, fit, fit, np.full(n, 0.5), 1 - fit, 1 - fit, 1 - fit],
            axis=1,
        )
        country_weights = np.stack(
            [fit * 4, fit, fit * 2, fit, fit, fit]
            + [np.full(n, 0.4)] * (len(COUNTRIES) - 6),
            axis=1,
        )
        free_email = rng.random(n) < 0.55 * (1 - fit)
        frame = {
            "lead_number": np.arange(n),
            "level": pick(rng, level_weights),
            "department": pick(rng, department_weights),
            "industry": pick(rng, industry_weights),
            "country": pick(rng, country_weights),
            "company_size": np.clip(
                np.exp(rng.normal(2.5 + 5 * fit, 1.3)), 1, 250_000
            ).astype(np.int64),
            "company_number": rng.integers(0, max(n // 8, 1), n),
            "free_domain": np.where(
                free_email, rng.integers(0, len(FREE_DOMAINS), n), -1
            ),
            "is_competitor": rng.random(n) < 0.004,
            "has_no_title": rng.random(n) < 0.06,
            "has_no_company": rng.random(n) < 0.04,
            "has_no_email": rng.random(n) < 0.01,
            "created_at": self.created,
            "updated_at": np.minimum(
                self.created + rng.integers(0, 30 * DAY, n), self.end
            ),
        }
        return self.until_end(frame, "created_at")  # not created yet

    def identities(self) -> dict[str, np.ndarray]:
        """Each lead browses with one cookie, some with a second device. Most
        cookies are identified a little after the lead is created; some never."""
        rng, n = self.rng, self.n
        has_second = rng.random(n) < 0.2
        lead = np.concatenate([np.arange(n), np.flatnonzero(has_second)])
        device = np.concatenate(
            [np.zeros(n, np.int64), np.ones(has_second.sum(), np.int64)]
        )
        identified = rng.random(lead.size) < 0.85
        identified_at = self.created[lead] + rng.exponential(3 * DAY, lead.size).astype(
            np.int64
        )
        return {
            "lead_number": lead,
            "device": device,
            "is_identified": identified & (identified_at <= self.end),
            "identified_at": identified_at,
        }

    def web_events(self, identities: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rng = self.rng
        cookie_lead = identities["lead_number"]
        rate = 4 + 48 * self.interest[cookie_lead] ** 1.5
        counts = rng.poisson(rate * np.where(identities["device"] == 1, 0.3, 1.0))
        cookie, _ = repeat_by(counts)
        lead = cookie_lead[cookie]
        size = lead.size
        occurred = self.times_around_peak(lead, 21 * DAY)
        is_intent = rng.random(size) < 0.05 + 0.5 * self.interest[lead]
        is_job_seeker = (self.fit[lead] < 0.25) & (rng.random(size) < 0.15)
        page = np.where(
            is_intent,
            rng.integers(0, len(INTENT_PAGES), size) + len(GENERAL_PAGES),
            rng.integers(0, len(GENERAL_PAGES), size),
        )
        page = np.where(is_job_seeker, len(GENERAL_PAGES) + len(INTENT_PAGES), page)
        kind = pick(
            rng,
            np.tile([0.86, 0.07, 0.07], (size, 1))
            + np.outer(self.interest[lead], [0.0, 0.08, 0.05]),
        )
        asset = np.where(
            kind == 1,
            rng.integers(0, len(ASSETS), size),
            np.where(kind == 2, rng.integers(0, len(VIDEOS), size) + len(ASSETS), -1),
        )
        duration = rng.exponential(45 + 120 * self.interest[lead]).astype(np.int64)
        knows_lead = identities["is_identified"][cookie] & (
            occurred >= identities["identified_at"][cookie]
        )
        anonymous = rng.integers(0, max(self.n // 3, 1), size // 10)
        frame = {
            "cookie_lead": np.concatenate([lead, anonymous]),
            "cookie_device": np.concatenate(
                [identities["device"][cookie], np.full(anonymous.size, 9)]
            ),
            "knows_lead": np.concatenate([knows_lead, np.zeros(anonymous.size, bool)]),
            "kind": np.concatenate([kind, np.zeros(anonymous.size, np.int64)]),
            "page": np.concatenate(
                [page, rng.integers(0, len(GENERAL_PAGES), anonymous.size)]
            ),
            "asset": np.concatenate([asset, np.full(anonymous.size, -1)]),
            "duration": np.concatenate(
                [duration, rng.exponential(30, anonymous.size).astype(np.int64)]
            ),
            "has_no_duration": rng.random(size + anonymous.size) < 0.03,
            "occurred_at": np.concatenate(
                [occurred, rng.integers(self.start, self.last, anonymous.size)]
            ),
        }
        return self.until_end(frame, "occurred_at")

    def email_events(self) -> dict[str, np.ndarray]:
        """A campaign email about every four weeks from creation on; opens and
        clicks follow interest; a bad address bounces and ends the emails; an
        unsubscribe ends them too."""
        rng, interest = self.rng, self.interest
        sends = (self.last - self.created) // (28 * DAY) + 1
        bad_address = rng.random(self.n) < 0.02 + 0.04 * (1 - self.fit)
        until_unsubscribe = rng.geometric(0.02 + 0.08 * (1 - interest))
        sends = np.where(bad_address, 1, np.minimum(sends, until_unsubscribe))
        unsubscribes = ~bad_address & (until_unsubscribe <= sends)
        lead, rank = repeat_by(sends)
        sent = (
            self.created[lead] + (rank * 28 + rng.uniform(0, 3, lead.size)) * DAY
        ).astype(np.int64)
        opened = ~bad_address[lead] & (
            rng.random(lead.size) < 0.1 + 0.6 * interest[lead]
        )
        clicked = opened & (rng.random(lead.size) < 0.1 + 0.6 * interest[lead])
        last_send = np.cumsum(sends) - 1
        parts = [
            (lead, np.where(bad_address[lead], 3, 0), sent, -1),
            (lead[opened], 1, sent[opened] + 3600, -1),
            (
                lead[clicked],
                2,
                sent[clicked] + 7200,
                (rng.random(clicked.sum()) < interest[lead[clicked]]).astype(np.int64),
            ),
            (
                lead[last_send[unsubscribes]],
                4,
                sent[last_send[unsubscribes]] + 9000,
                -1,
            ),
        ]
        spam = unsubscribes & (rng.random(self.n) < 0.05)
        parts.append((lead[last_send[spam]], 5, sent[last_send[spam]] + 9100, -1))
        columns: dict[str, list[np.ndarray]] = {
            "lead_number": [],
            "kind": [],
            "occurred_at": [],
            "link": [],
        }
        for part_lead, kind, occurred, link in parts:
            columns["lead_number"].append(part_lead)
            columns["kind"].append(np.broadcast_to(kind, part_lead.shape))
            columns["occurred_at"].append(occurred)
            columns["link"].append(np.broadcast_to(link, part_lead.shape))
        frame = {name: np.concatenate(values) for name, values in columns.items()}
        return self.until_end(frame, "occurred_at")

    def form_submissions(
        self, identities: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        rng, interest = self.rng, self.interest
        counts = rng.poisson(0.15 + 2.5 * interest**2)
        lead, _ = repeat_by(counts)
        size = lead.size
        weights = np.stack(
            [
                np.full(size, 0.6),
                np.full(size, 0.8),
                0.2 + interest[lead],
                interest[lead] ** 2,
                interest[lead] ** 2 * (0.5 + self.fit[lead]),
            ],
            axis=1,
        )
        # Some forms only know the browser's cookie (the lead's first device).
        only_cookie = rng.random(size) < 0.2
        frame = {
            "lead_number": lead,
            "form": pick(rng, weights),
            "only_cookie": only_cookie,
            "submitted_at": self.times_around_peak(lead, 0),
        }
        return frame  # cut by generate(), after form_answers drew on all

    def form_answers(self, submissions: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rng = self.rng
        asks = submissions["form"] >= 3  # contact-sales and demo-request
        submission = np.flatnonzero(asks)
        lead = submissions["lead_number"][submission]
        size = submission.size
        budget = pick(
            rng,
            np.stack(
                [1 - self.fit[lead], np.full(size, 0.8), self.fit[lead] ** 2 * 2],
                axis=1,
            ),
        )
        timeline = pick(
            rng,
            np.stack(
                [
                    self.interest[lead] * 2,
                    np.full(size, 0.6),
                    (1 - self.interest[lead]),
                ],
                axis=1,
            ),
        )
        submitted_at = submissions["submitted_at"][submission]
        frame = {
            "submission_number": np.concatenate([submission, submission]),
            "submitted_at": np.concatenate([submitted_at, submitted_at]),
            "question": np.concatenate(
                [np.zeros(size, np.int64), np.ones(size, np.int64)]
            ),
            "answer": np.concatenate([budget, timeline + 3]),
        }
        return self.until_end(frame, "submitted_at")

    def social_events(self) -> dict[str, np.ndarray]:
        rng, interest = self.rng, self.interest
        counts = rng.poisson(0.05 + 0.8 * interest)
        lead, _ = repeat_by(counts)
        size = lead.size
        weights = np.stack(
            [
                np.full(size, 0.4),
                0.1 + interest[lead] * 0.4,
                np.full(size, 0.2),
                (1 - interest[lead]) * 0.08,
                (1 - interest[lead]) * 0.15,
            ],
            axis=1,
        )
        frame = {
            "lead_number": lead,
            "kind": pick(rng, weights),
            "network": rng.integers(0, len(NETWORKS), size),
            "occurred_at": self.times_around_peak(lead, 0),
        }
        return self.until_end(frame, "occurred_at")

    def stage_changes(self) -> dict[str, np.ndarray]:
        """Sales reaches a lead hours or days after its peak of activity; whether
        it accepts, qualifies and wins depends on hidden interest and fit."""
        rng, n, interest, fit = self.rng, self.n, self.interest, self.fit
        reached = rng.random(n) < 0.03 + 0.9 * interest**1.5 * (0.3 + fit)
        quality = 0.6 * interest + 0.4 * fit
        accepted = reached & (rng.random(n) < 0.15 + 0.8 * quality)
        rejected_as = np.where(rng.random(n) < fit, 6, 5)  # recycled or disqualified
        qualified = accepted & (rng.random(n) < 0.2 + 0.7 * quality)
        opportunity = qualified & (rng.random(n) < 0.3 + 0.6 * interest)
        won = opportunity & (rng.random(n) < 0.2 + 0.6 * fit)
        lost = opportunity & ~won
        step = rng.exponential(10 * DAY, (5, n)).astype(np.int64) + DAY
        # Sales picks a lead up some hours to days after its peak.
        first = self.peak + rng.exponential(2 * DAY, n).astype(np.int64) + 3600
        at = np.cumsum(np.vstack([first, step[:4]]), axis=0)
        parts = [
            (reached & ~accepted, rejected_as, at[0]),
            (accepted, 0, at[0]),
            (qualified, 1, at[1]),
            (opportunity, 2, at[2]),
            (won, 3, at[3]),
            (lost, 4, at[3]),
        ]
        leads, stages, times = [], [], []
        for mask, stage, when in parts:
            leads.append(np.flatnonzero(mask))
            stages.append(np.broadcast_to(stage, mask.shape)[mask])
            times.append(when[mask])
        lead = np.concatenate(leads)
        frame = {
            "lead_number": lead,
            "stage": np.concatenate(stages),
            "changed_at": np.concatenate(times),
            "owner": rng.integers(0, CRM_OWNERS, lead.size),
            "amount": np.round(
                np.exp(rng.normal(9 + 0.3 * np.log(self.fit[lead] * 1000 + 1), 0.5)), 2
            ),
        }
        return self.until_end(frame, "changed_at")


LEAD_ID = "'L' || lpad(cast(lead_number as varchar), 8, '0')"
TS = "make_timestamp(cast({0} as bigint) * 1000000)"


def table_sql() -> dict[str, tuple[str, str]]:
    """Schema, and the select that turns each frame of codes into a table of
    the source contract."""
    titles = sql_list(TITLE_LEVELS)
    chief = sql_list([CHIEF_TITLES[d] for d in DEPARTMENTS])
    departments = sql_list(DEPARTMENTS)
    department_titles = sql_list(
        [d.upper() if len(d) == 2 else d.capitalize() for d in DEPARTMENTS]
    )
    return {
        "leads": (
            "marketing",
            f"""
            select
                {LEAD_ID} as lead_id,
                case
                    when has_no_email then null
                    when is_competitor then 'lead' || lead_number || '@rivalsoft.com'
                    when free_domain >= 0
                        then 'lead' || lead_number || '@' || {sql_list(FREE_DOMAINS)}[free_domain + 1]
                    else 'lead' || lead_number || '@company' || company_number || '.com'
                end as email,
                case
                    when has_no_title then null
                    when level = 6 then {chief}[department + 1]
                    when level = 0 then 'Student'
                    else {titles}[level + 1] || ' ' || {department_titles}[department + 1]
                end as job_title,
                {departments}[department + 1] as department,
                case when has_no_company then null
                    else 'Company ' || company_number end as company_name,
                company_size,
                {sql_list(INDUSTRIES)}[industry + 1] as industry,
                {sql_list(COUNTRIES)}[country + 1] as country,
                {sql_list(CITIES)}[country + 1] as city,
                {TS.format("created_at")} as created_at,
                {TS.format("updated_at")} as updated_at,
                {TS.format("updated_at")} as _loaded_at
            from frame
            """,
        ),
        "visitor_identities": (
            "marketing",
            f"""
            select
                'V' || lead_number || '-' || device as visitor_id,
                {LEAD_ID} as lead_id,
                {TS.format("identified_at")} as identified_at,
                {TS.format("identified_at")} as _loaded_at
            from frame
            where is_identified
            """,
        ),
        "web_events": (
            "marketing",
            f"""
            select
                'W' || lpad(cast(position + 1 as varchar), 9, '0') as event_id,
                case when cookie_device = 9 then 'A' || cookie_lead
                    else 'V' || cookie_lead || '-' || cookie_device end as visitor_id,
                case when knows_lead
                    then 'L' || lpad(cast(cookie_lead as varchar), 8, '0') end as lead_id,
                ['page_view', 'asset_download', 'video_play'][kind + 1] as event_type,
                'https://www.example.com'
                || {sql_list(GENERAL_PAGES + INTENT_PAGES + ["/careers"])}[page + 1]
                    as page_url,
                case when asset >= 0 then {sql_list(ASSETS + VIDEOS)}[asset + 1] end
                    as asset_id,
                case when not has_no_duration then duration end as duration_seconds,
                {TS.format("occurred_at")} as occurred_at,
                {TS.format("occurred_at")} + interval 5 minute as _loaded_at
            from frame
            """,
        ),
        "email_events": (
            "marketing",
            f"""
            select
                'E' || lpad(cast(position + 1 as varchar), 9, '0') as event_id,
                {LEAD_ID} as lead_id,
                'cmp-' || strftime({TS.format("occurred_at")}, '%Y-%m') as campaign_id,
                'em-' || strftime({TS.format("occurred_at")}, '%Y-%m') || '-a' as email_id,
                ['delivered', 'open', 'click', 'bounce', 'unsubscribe', 'spam_report'][kind + 1]
                    as event_type,
                case link
                    when 1 then 'https://www.example.com/pricing?utm_source=email'
                    when 0 then 'https://www.example.com/blog/roi?utm_source=email'
                end as link_url,
                {TS.format("occurred_at")} as occurred_at,
                {TS.format("occurred_at")} + interval 10 minute as _loaded_at
            from frame
            """,
        ),
        "form_submissions": (
            "marketing",
            f"""
            select
                'S' || lpad(cast(position as varchar), 8, '0') as submission_id,
                case when not only_cookie then {LEAD_ID} end as lead_id,
                'V' || lead_number || '-0' as visitor_id,
                {sql_list(FORMS)}[form + 1] as form_id,
                'https://www.example.com/' || {sql_list(FORMS)}[form + 1] as page_url,
                {TS.format("submitted_at")} as submitted_at,
                {TS.format("submitted_at")} + interval 2 minute as _loaded_at
            from frame
            """,
        ),
        "form_answers": (
            "marketing",
            f"""
            select
                'S' || lpad(cast(submission_number as varchar), 8, '0') as submission_id,
                ['budget', 'timeline'][question + 1] as question_id,
                ['under_10k', '10k_100k', 'over_100k',
                 'this_quarter', 'this_year', 'no_plans'][answer + 1] as answer,
                {TS.format("submitted_at")} + interval 2 minute as _loaded_at
            from frame
            """,
        ),
        "social_events": (
            "marketing",
            f"""
            select
                'X' || lpad(cast(position + 1 as varchar), 9, '0') as event_id,
                {LEAD_ID} as lead_id,
                {sql_list(NETWORKS)}[network + 1] as network,
                {sql_list(SOCIAL_TYPES)}[kind + 1] as event_type,
                {TS.format("occurred_at")} as occurred_at,
                {TS.format("occurred_at")} + interval 1 hour as _loaded_at
            from frame
            """,
        ),
        "lead_stage_changes": (
            "crm",
            f"""
            select
                {LEAD_ID} as lead_id,
                ['Sales Accepted', 'Sales Qualified', 'Opportunity', 'Closed Won',
                 'Closed Lost', 'Disqualified', 'Recycled'][stage + 1] as stage,
                'rep-' || owner as owner_id,
                case when stage in (2, 3, 4) then amount end as amount,
                {TS.format("changed_at")} as changed_at,
                {TS.format("changed_at")} + interval 1 hour as _loaded_at
            from frame
            """,
        ),
    }


def source_tables(warehouse: str) -> list[str]:
    """The tables and views in the source schemas of a warehouse file, as
    schema.table (none for a new or empty file)."""
    if not Path(warehouse).exists():
        return []
    con = duckdb.connect(warehouse, read_only=True)
    try:
        return [
            f"{schema}.{table}"
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.tables"
                " where table_schema in ('marketing', 'crm') order by all"
            ).fetchall()
        ]
    finally:
        con.close()


def refuse_to_overwrite(warehouse: str) -> int | None:
    """--if-missing: None when the warehouse is new or has no table in the
    source schemas (write the demo); otherwise never write over a table:
    0 when every table of the demo is there already, 1, saying which are
    missing, when only some are (a user's load under way, say)."""
    found = source_tables(warehouse)
    if not found:
        return None
    missing = sorted(
        f"{schema}.{name}"
        for name, (schema, _) in table_sql().items()
        if f"{schema}.{name}" not in found
    )
    if not missing:
        print(f"{warehouse} already has source data; not generating.")
        return 0
    print(
        f"{warehouse} has source tables ({', '.join(found)}) but not"
        f" {', '.join(missing)}. Demo data is written only into a new or empty"
        " warehouse, never over your tables: load the missing ones"
        " (docs/loading_data.md), or set WAREHOUSE (or LEAD_SCORING_DUCKDB) to"
        " a new file for the demo.",
        file=sys.stderr,
    )
    return 1


def generate(
    warehouse: str,
    leads: int,
    days: int,
    seed: int,
    end_date: dt.date,
    quiet: bool = False,
) -> dict[str, int]:
    """Write every table of the source contract; return row counts."""
    Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    demo = DemoData(leads, days, seed, end_date)
    identities = demo.identities()
    submissions = demo.form_submissions(identities)
    frames: dict[str, Callable[[], dict[str, np.ndarray]]] = {
        "leads": demo.leads,
        "visitor_identities": lambda: identities,
        "web_events": lambda: demo.web_events(identities),
        "email_events": demo.email_events,
        "form_submissions": lambda: demo.until_end(submissions, "submitted_at"),
        "form_answers": lambda: demo.form_answers(submissions),
        "social_events": demo.social_events,
        "lead_stage_changes": demo.stage_changes,
    }
    counts = {}
    con = duckdb.connect(warehouse)
    try:
        con.execute("create schema if not exists marketing")
        con.execute("create schema if not exists crm")
        for name, (schema, select) in tqdm(
            table_sql().items(), desc="demo data", unit="table", disable=quiet
        ):
            frame = frames[name]()  # noqa: F841 - read by DuckDB's replacement scan
            con.execute(f"create or replace table {schema}.{name} as {select}")
            counts[name] = con.execute(
                f"select count(*) from {schema}.{name}"
            ).fetchone()[0]
    finally:
        con.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse",
        default=os.environ.get("LEAD_SCORING_DUCKDB", DEFAULT_WAREHOUSE),
        help="DuckDB file to write (default: $LEAD_SCORING_DUCKDB or %(default)s)",
    )
    parser.add_argument("--leads", type=int, default=3000, help="number of leads")
    parser.add_argument("--days", type=int, default=180, help="days of activity")
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument(
        "--end-date",
        type=dt.date.fromisoformat,
        default=dt.datetime.now(dt.UTC).date(),
        help="last day of activity, YYYY-MM-DD (default: today, UTC)",
    )
    parser.add_argument(
        "--if-missing",
        action="store_true",
        help="write only into a new or empty warehouse: do nothing when it has"
        " every source table, stop (exit 1) when it has some",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    if args.if_missing:
        refused = refuse_to_overwrite(args.warehouse)
        if refused is not None:
            return refused
    counts = generate(
        args.warehouse, args.leads, args.days, args.seed, args.end_date, args.quiet
    )
    summary = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    print(f"Wrote {args.warehouse}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
