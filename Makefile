# Set-up is two commands: `make run` and `make test`. Both create the environment when missing.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
DB      ?= $(or $(VANGUARD_DB),data/vanguard.duckdb)
DEMO_DB := data/demo.duckdb
HOST    ?= 127.0.0.1
PORT    ?= 8501

.PHONY: install browser run test demo bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium and CJK fonts for the browser tests (Playwright never downloads a browser here).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

$(DEMO_DB): | $(STAMP)
	$(PY) -m etl demo --db $(DEMO_DB) --scale branch

demo: $(DEMO_DB)

test: install browser
	$(PY) -m pytest

run: install
	@if [ -f "$(DB)" ]; then \
		VANGUARD_DB="$(DB)" $(PY) -m streamlit run dashboard/app.py --server.address $(HOST) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false; \
	else \
		$(MAKE) --no-print-directory $(DEMO_DB) && \
		VANGUARD_DB="$(DEMO_DB)" VANGUARD_DEMO=1 $(PY) -m streamlit run dashboard/app.py --server.address $(HOST) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false; \
	fi

bench: install
	$(PY) bench/bench_load.py
	$(PY) bench/bench_pages.py

clean:
	rm -rf $(VENV) .pytest_cache test-output
