"""Load every page of the dashboard in a real browser (Debian's chromium,
headless): start the app on a published file, check that each page's text
holds the figures SQL reads from the same file, and save a screenshot of
each page. Prints how long each page took to show its figures."""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
TITLES = {
    "overview": "Overview",
    "feedback": "Feedback loop",
    "performance": "Model performance",
    "lead": "Lead",
}


def expected_texts(published: Path) -> dict[str, tuple[str, list[str], str | None]]:
    """Per page: its address, the texts it must show, read by SQL from the
    published marts (formatted as the pages format them), and the lead id a
    reader types on it."""
    con = duckdb.connect(str(published), read_only=True)
    try:

        def rows(sql: str) -> list[tuple]:
            return con.execute(sql).fetchall()

        groups = rows(
            "select model_id, count(*), count(*) filter (where is_sales_ready),"
            " max(scored_as_of) from marts.fct_lead_scores group by all order by all"
        )
        handoffs = rows(
            "select model_id, model_status, sum(handoffs)"
            " from marts.rpt_handoff_funnel group by all order by all"
        )
        sla = rows(
            "select model_id, action, target,"
            " count(*) filter (where sla_status = 'met'),"
            " count(*) filter (where sla_status = 'breached'),"
            " count(*) filter (where sla_status = 'open')"
            " from marts.fct_routing_actions where sla_hours is not null"
            " group by all order by all"
        )
        performance = rows(
            "select model_id, model_status, auc from marts.rpt_model_performance"
            " order by all"
        )
        lead_id, model_id, score, group = rows(
            "select lead_id, model_id, lead_score, group_name"
            " from marts.fct_lead_scores where is_sales_ready"
            " order by lead_score desc, lead_id, model_id limit 1"
        )[0]
    finally:
        con.close()
    return {
        "overview": (
            "",
            [f"Scores as of\n{groups[0][3]}"]
            + [f"{m}: leads\n{n:,}" for m, n, _, _ in groups]
            + [f"{m}: sales-ready\n{n:,}" for m, _, n, _ in groups],
            None,
        ),
        "feedback": (
            "feedback",
            [f"{m} ({s}): handoffs\n{n:,}" for m, s, n in handoffs]
            + ["\n".join(str(value) for value in row) for row in sla],
            None,
        ),
        "performance": (
            "performance",
            [f"AUC {m} ({s})\n{auc:.3f}" for m, s, auc in performance],
            None,
        ),
        "lead": (
            f"lead?lead={lead_id}",
            [
                f"Lead {lead_id}",
                f"Score {model_id}\n{score:.1f}",
                f"Group {model_id}\n{group}",
            ],
            lead_id,
        ),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(published: Path, port: int) -> subprocess.Popen:
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "dashboard" / "app.py"),
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--client.toolbarMode",
            "viewer",
        ],
        env={**os.environ, "LEAD_SCORING_PUBLISHED": str(published)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/_stcore/health", timeout=2
            ) as answer:
                if answer.read() == b"ok":
                    return app
        except OSError:
            time.sleep(0.25)
    app.terminate()
    raise SystemExit(f"The dashboard did not start on port {port} within 60 s.")


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1600",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


# The page's text (webdriver's element text is too slow to poll), its
# charts and those drawn, and whether the script still runs.
PAGE_STATE = """
const charts = document.querySelectorAll('[data-testid="stVegaLiteChart"]');
return [
    document.body.innerText,
    charts.length,
    [...charts].filter((chart) => chart.querySelector('svg, canvas')).length,
    document.querySelector('[data-testid="stStatusWidget"]') !== null,
];
"""


def wait_for(
    driver: webdriver.Chrome, texts: list[str], started: float, timeout: float
) -> tuple[float, list[str]]:
    """The seconds from started until the page is drawn: every text shows
    (whitespace counts as one space), every chart is drawn and the script
    has finished; and the texts still missing when the timeout passed."""
    missing = texts
    while time.monotonic() - started < timeout:
        body, charts, drawn, running = driver.execute_script(PAGE_STATE)
        body = " ".join(body.split())
        missing = [text for text in texts if " ".join(text.split()) not in body]
        if not missing and charts == drawn and not running and "Traceback" not in body:
            return time.monotonic() - started, []
        time.sleep(0.05)
    return time.monotonic() - started, missing


def open_in_app(driver: webdriver.Chrome, title: str, lead_id: str | None) -> float:
    """Go to a page as a reader does, by its link in the sidebar (and, for
    the lead page, by typing the lead's id); the time it started."""
    link = driver.find_element(
        By.XPATH, f'//a[@data-testid="stSidebarNavLink"][.//span[@label="{title}"]]'
    )
    started = time.monotonic()
    link.click()
    if lead_id is not None:
        box = 'input[aria-label="Lead id or email domain"]'
        while not (found := driver.find_elements(By.CSS_SELECTOR, box)):
            if time.monotonic() - started > 30:
                raise WebDriverException(f"No {box} on the lead page.")
            time.sleep(0.05)
        found[0].send_keys(lead_id + Keys.ENTER)
    return started


def settle(driver: webdriver.Chrome) -> None:
    """Wait for the script run and the charts to finish before a screenshot."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'):
            break
        time.sleep(0.2)
    time.sleep(1.5)


def check_page(
    driver: webdriver.Chrome,
    base: str,
    name: str,
    page: tuple[str, list[str], str | None],
    screenshots: Path,
    timeout: float,
    repeat: int,
) -> str:
    """Open a page at its address in a fresh session (the app's frontend
    starts again) and save its screenshot; then come to it from another page
    through the sidebar, as a reader does; `repeat` times each. A line on
    the seconds until it was drawn: the first load (the server's caches
    empty), and the medians."""
    path, texts, lead_id = page
    other, other_text = (
        ("lead", "Lead id or email domain")
        if name == "overview"
        else ("", "Scores as of")
    )
    fresh, in_app = [], []
    for _ in range(repeat):
        started = time.monotonic()
        driver.get(f"{base}/{path}")
        seconds, missing = wait_for(driver, texts, started, timeout)
        fresh.append(seconds)
        settle(driver)
        screenshot = screenshots / f"{name}.png"
        driver.save_screenshot(str(screenshot))
        if missing:
            raise AssertionError(f"{name}: missing {missing} (see {screenshot})")
        driver.get(f"{base}/{other}")
        wait_for(driver, [other_text], time.monotonic(), timeout)
        settle(driver)
        started = open_in_app(driver, TITLES[name], lead_id)
        seconds, missing = wait_for(driver, texts, started, timeout)
        in_app.append(seconds)
        if missing:
            raise AssertionError(f"{name}, from the sidebar: missing {missing}")
    return (
        f"{name}: drawn with its figures in {fresh[0]:.2f} s on the first load,"
        f" then {statistics.median(fresh):.2f} s on a fresh load and"
        f" {statistics.median(in_app):.2f} s from the sidebar"
        f" (medians of {repeat}); {screenshot}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=Path, required=True)
    parser.add_argument(
        "--screenshots", type=Path, default=REPO / "target" / "dashboard"
    )
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--repeat", type=int, default=1, help="loads of each page")
    args = parser.parse_args(argv)
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not binary.exists():
            print(
                f"{binary} is missing: the browser test drives Debian's chromium."
                " Install it as root: apt-get install -y chromium chromium-driver"
                " (.ci/run does).",
                file=sys.stderr,
            )
            return 2
    if not args.published.exists():
        print(f"No published warehouse at {args.published}.", file=sys.stderr)
        return 2
    pages = expected_texts(args.published)
    args.screenshots.mkdir(parents=True, exist_ok=True)
    port = free_port()
    app = start_app(args.published, port)
    try:
        driver = browser()
        try:
            # The server's first run imports the app's modules: not timed.
            driver.get(f"http://127.0.0.1:{port}/lead")
            wait_for(
                driver, ["Lead id or email domain"], time.monotonic(), args.timeout
            )
            for name, page in pages.items():
                print(
                    check_page(
                        driver,
                        f"http://127.0.0.1:{port}",
                        name,
                        page,
                        args.screenshots,
                        args.timeout,
                        args.repeat,
                    ),
                    flush=True,
                )
        finally:
            driver.quit()
    except (AssertionError, WebDriverException) as error:
        print(f"Browser test failed: {error}", file=sys.stderr)
        return 1
    finally:
        app.terminate()
        app.wait(timeout=30)
    print(f"Every page showed its figures in chromium ({len(pages)} pages).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
