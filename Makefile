# Two entry points: `make run` scores the demo data, `make test` checks
# everything. Both create .venv with the pinned dependencies when missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The warehouse every target works on: WAREHOUSE=path, else
# $LEAD_SCORING_DUCKDB (as for dbt and the scripts), else the demo's file.
WAREHOUSE ?= $(or $(LEAD_SCORING_DUCKDB),data/lead_scoring.duckdb)

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)
export LEAD_SCORING_DUCKDB := $(WAREHOUSE)

SPARK_READY := $(VENV)/.spark-installed
DASHBOARD_READY := $(VENV)/.dashboard-installed
BROWSER_READY := $(VENV)/.browser-installed
CALIBRATE_READY := $(VENV)/.calibrate-installed
# pytest also tests the optional parts: the Dagster example, the dashboard
# and the calibration.
TEST_READY := $(VENV)/.test-extras-installed

.PHONY: test-deps run run-locked daily dagster dashboard validate calibrate test test-spark test-dashboard bench dag lint build-test integration-test pytest demo-data clean

$(BIN)/dbt: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(TEST_READY): pyproject.toml $(BIN)/dbt
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,orchestration,dashboard,calibrate]'
	touch $@

$(SPARK_READY): pyproject.toml $(BIN)/dbt
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,spark]'
	touch $@

$(DASHBOARD_READY): pyproject.toml $(BIN)/dbt
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,dashboard]'
	touch $@

$(BROWSER_READY): pyproject.toml $(DASHBOARD_READY)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,dashboard,browser]'
	touch $@

# Everything the checks of .ci/run need, installed before they start side
# by side (two pip runs must not write one .venv at once).
test-deps: $(TEST_READY) $(SPARK_READY) $(BROWSER_READY)

$(CALIBRATE_READY): pyproject.toml $(BIN)/dbt
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,calibrate]'
	touch $@

# One writer at a time: a second run stops with a message (WAIT=seconds
# queues it instead). Freshness is reported, never fatal; BI reads the copy
# that scripts/publish.py swaps in after a good build.
LOCKED = $(BIN)/python scripts/with_lock.py $(WAREHOUSE) --wait $(or $(WAIT),0) --

run: $(BIN)/dbt validate
	$(LOCKED) $(MAKE) --no-print-directory run-locked

# The steps of make run, all under its one lock (run make run, not this).
# Demo data only into a new or empty warehouse, never over a table; then
# the source tables checked against the contract before the build.
run-locked:
	$(BIN)/python scripts/generate_demo_data.py --if-missing
	$(BIN)/dbt run-operation check_source_contract --quiet
	$(BIN)/dbt source freshness --quiet > /dev/null || true
	$(BIN)/dbt build --quiet
	$(BIN)/python scripts/publish.py $(if $(ALLOW_MASS_CHANGE),--allow-mass-change)
	$(BIN)/python scripts/summarize.py

# The scheduled job (scripts/daily.py): validate, sources, freshness, build,
# guards, publish and alerts under one lock, stopping at the first failure
# with an exit code per cause; one summary line a run in logs/daily.log. No
# demo data: it runs on the warehouse WAREHOUSE names. ALLOW_MASS_CHANGE=1
# lets an intended mass change past the guards (docs/running.md).
daily: $(BIN)/dbt
	$(BIN)/python scripts/daily.py --warehouse $(WAREHOUSE) --wait $(or $(WAIT),0) \
		$(if $(ALLOW_MASS_CHANGE),--allow-mass-change)

# The same job on Dagster (orchestration/definitions.py): its UI and schedule
# on 127.0.0.1, port PORT (default 3000).
dagster: $(TEST_READY)
	$(BIN)/dagster dev -f orchestration/definitions.py -h 127.0.0.1 -p $(or $(PORT),3000)

# The seed CSVs, checked before anything is built (scripts/validate_seeds.py).
validate: $(BIN)/dbt
	$(BIN)/python scripts/validate_seeds.py

# A calibrated draft of MODEL (scripts/calibrate.py, docs/tuning.md) written
# into the seeds, learnt from the warehouse WAREHOUSE names; TRAIN_UNTIL
# (YYYY-MM-DD) defaults to its as_of minus test_period_days; DRY_RUN=1
# prints the draft and writes nothing.
calibrate: $(CALIBRATE_READY)
	@test -n "$(MODEL)" || { echo "usage: make calibrate MODEL=<model_id>"; exit 2; }
	$(BIN)/python scripts/calibrate.py --model $(MODEL) \
		$(if $(TRAIN_UNTIL),--train-until $(TRAIN_UNTIL)) $(if $(DRY_RUN),--dry-run)

test: lint build-test dag integration-test pytest

lint: $(BIN)/dbt
	$(BIN)/ruff check scripts tests integration_tests orchestration dashboard
	$(BIN)/ruff format --check scripts tests integration_tests orchestration dashboard
	mkdir -p target/lint
	LEAD_SCORING_DUCKDB=target/lint/lint.duckdb $(BIN)/sqlfluff lint models tests/dbt
	LEAD_SCORING_DUCKDB=target/lint/lint.duckdb $(BIN)/dbt parse --quiet
	$(BIN)/dbt-score lint --manifest target/manifest.json --show failing-items

# dbt build (seeds, models, unit and data tests) on a fresh demo warehouse.
build-test: $(BIN)/dbt
	rm -rf target/test && mkdir -p target/test
	$(BIN)/python scripts/generate_demo_data.py --quiet --end-date 2026-10-31 \
		--warehouse target/test/demo.duckdb
	LEAD_SCORING_DUCKDB=target/test/demo.duckdb \
		$(BIN)/dbt build --quiet --vars '{as_of: "2026-10-31"}'

# integration_tests/: another dbt project that installs this one as a
# package (packages.yml, local: ../), its sources in another database and
# schemas, built and tested on the demo data, first with the package's seeds,
# then with its own (docs/package.md).
IT_DBT = DBT_PROFILES_DIR=. ../$(BIN)/dbt
integration-test: $(BIN)/dbt
	rm -rf integration_tests/target integration_tests/dbt_packages
	mkdir -p integration_tests/target
	$(BIN)/python integration_tests/load_demo_data.py integration_tests/target/raw.duckdb
	cd integration_tests && $(IT_DBT) deps --quiet
	cd integration_tests && $(IT_DBT) build --quiet
	cd integration_tests && INTEGRATION_DUCKDB=target/own_seeds.duckdb \
		$(IT_DBT) build --quiet --vars '{own_seeds: true}'

# One pytest worker per core (PYTEST_WORKERS=0: no workers), each test
# file on one worker, the slowest files first (conftest.SLOWEST_FILES): a
# file's module-scoped builds are made once; builds
# that tests of several files start from are shared by the workers
# (tests/pytest/conftest.py, docs/testing.md).
PYTEST_WORKERS ?= logical
pytest: $(TEST_READY)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder \
		--durations=25

# The dashboard (dashboard/app.py, docs/dashboard.md) on the published copy
# of the marts that make run writes; PORT=8502 for another port.
dashboard: $(DASHBOARD_READY)
	$(BIN)/streamlit run dashboard/app.py --server.address 127.0.0.1 \
		--server.port $${PORT:-8501} --server.headless true \
		--browser.gatherUsageStats false --client.toolbarMode viewer

# The dashboard in a real browser (Debian's chromium, headless) on the demo
# warehouse of build-test, published: each page's figures against SQL on
# the same file, screenshots in target/dashboard/.
test-dashboard: $(BROWSER_READY)
	test -f target/test/demo.duckdb || $(MAKE) --no-print-directory build-test
	mkdir -p target/dashboard
	$(BIN)/python scripts/publish.py --warehouse target/test/demo.duckdb \
		--to target/dashboard/published.duckdb
	$(BIN)/python scripts/dashboard_browser.py \
		--published target/dashboard/published.duckdb --screenshots target/dashboard

# The same project on local Apache Spark (needs Java 17), every mart compared
# with the DuckDB build of the same demo data.
test-spark: $(SPARK_READY)
	SPARK_LOCAL_IP=127.0.0.1 $(BIN)/python scripts/spark_parity.py

# Timings at a scale (SCALE=S, M or L) against a one-query floor
# (scripts/benchmark.py).
bench: $(BIN)/dbt
	$(BIN)/python scripts/benchmark.py --scale $(or $(SCALE),S)

# The rules of the DAG and its models (scripts/check_dag.py, with the
# exceptions of dag_exceptions.yml), on the queries of a full refresh (an
# empty warehouse) and of an incremental run (the warehouse of build-test,
# built first when it is missing). Part of make test.
dag: $(BIN)/dbt
	test -f target/test/demo.duckdb || $(MAKE) --no-print-directory build-test
	mkdir -p target/lint
	rm -f target/lint/dag.duckdb
	LEAD_SCORING_DUCKDB=target/lint/dag.duckdb $(BIN)/dbt compile --quiet \
		--target-path target/dag/full --vars '{as_of: "2026-10-31"}'
	LEAD_SCORING_DUCKDB=target/test/demo.duckdb $(BIN)/dbt compile --quiet \
		--target-path target/dag/incremental --vars '{as_of: "2026-10-31"}'
	$(BIN)/python scripts/check_dag.py --manifest target/dag/full/manifest.json \
		--compiled target/dag/full/compiled --compiled target/dag/incremental/compiled

demo-data: $(BIN)/dbt
	$(BIN)/python scripts/generate_demo_data.py

clean:
	rm -rf target logs data
