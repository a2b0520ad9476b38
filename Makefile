# Set-up is two commands: `make run` and `make test`. Both create the environment when missing.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
DB      ?= $(or $(VANGUARD_DB),data/vanguard.duckdb)
DEMO_DB := data/demo.duckdb
HOST    ?= 127.0.0.1
PORT    ?= 8501

LOCK    := requirements.lock
# Extra pip-compile options for `make lock`, e.g. LOCK_ARGS=--upgrade or LOCK_ARGS='--upgrade-package duckdb'.
LOCK_ARGS ?=

.PHONY: install lock lint browser run test demo bench clean

# The exact versions come from the lock (pip itself included); the project is then added on top, editable.
$(STAMP): pyproject.toml $(LOCK)
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -r $(LOCK)
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

define LOCK_HEADER
# Exact versions of every package, transitive ones included, for the runtime dependencies and the dev extra
# in pyproject.toml (Python 3.11, Linux x86_64). Generated: do not edit by hand.
#
#   make lock                                   regenerate after changing pyproject.toml; keeps the pins
#                                               below wherever they still fit
#   make lock LOCK_ARGS=--upgrade               move everything to the newest versions the ranges allow
#   make lock LOCK_ARGS='--upgrade-package X'   move one package
#
# pip-compile resolves it through pip's own configuration (the index, find-links, extra indexes and the
# constraint file of this machine), the same sources `make install` installs it from:
#   pip install -r requirements.lock && pip install --no-deps -e .
#
endef
export LOCK_HEADER

# pip-compile reads the pins already in its output file and keeps them; the lock is only replaced when its
# content changes, so an unchanged lock does not make the next `make` reinstall.
lock: install
	cp $(LOCK) $(LOCK).new
	$(VENV)/bin/pip-compile --quiet --no-header --extra dev \
		--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file $(LOCK).new $(LOCK_ARGS) pyproject.toml
	printf '%s\n' "$$LOCK_HEADER" | cat - $(LOCK).new > $(LOCK).tmp && rm $(LOCK).new
	@if cmp -s $(LOCK).tmp $(LOCK); then rm $(LOCK).tmp; echo '$(LOCK) unchanged'; \
	else mv $(LOCK).tmp $(LOCK); echo '$(LOCK) updated'; fi

# Both checks run, so one report shows everything; fails when either finds something.
lint: install
	@status=0; \
	echo '$(VENV)/bin/ruff format --check .'; $(VENV)/bin/ruff format --check . || status=1; \
	echo '$(VENV)/bin/ruff check .'; $(VENV)/bin/ruff check . || status=1; \
	exit $$status

# Debian's Chromium and CJK fonts for the browser tests (Playwright never downloads a browser here).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

# The demo's database, and one account per role with a random password, printed this once.
$(DEMO_DB): | $(STAMP)
	$(PY) -m etl demo --db $(DEMO_DB) --scale branch
	$(PY) -m etl user demo --db $(DEMO_DB)

demo: $(DEMO_DB)

# Both cores (pytest-xdist): a test file runs whole on one worker, so a browser test module keeps its one server.
test: install browser
	$(PY) -m pytest -n 2 --dist loadfile

run: install
	@if [ -f "$(DB)" ]; then \
		VANGUARD_DB="$(DB)" $(PY) -m streamlit run dashboard/server.py --server.address $(HOST) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false; \
	else \
		$(MAKE) --no-print-directory $(DEMO_DB) && \
		VANGUARD_DB="$(DEMO_DB)" VANGUARD_DEMO=1 $(PY) -m streamlit run dashboard/server.py --server.address $(HOST) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false; \
	fi

# Benchmarks, not tests (about 20 minutes): each writes its section of bench/results.md, every ratio against a
# baseline measured in the same run. The district's databases and files stay in $(BENCH_WORK) for a look.
BENCH_WORK ?= bench/out
bench: install browser
	$(PY) bench/bench_load.py
	$(PY) bench/bench_district.py --work $(BENCH_WORK)
	$(PY) bench/bench_pages.py --label "demo branch"
	VANGUARD_E2E_TIMEOUT=120 $(PY) bench/bench_pages.py --db $(BENCH_WORK)/district300.duckdb --label "district, 300 branches"
	if [ -d $(BENCH_WORK)/snapshots300 ]; then REUSE=--reuse; fi; \
	$(PY) bench/bench_snapshots.py --work $(BENCH_WORK)/snapshots300 --browser $$REUSE

clean:
	rm -rf $(VENV) .pytest_cache test-output
