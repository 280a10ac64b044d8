# The two commands a newcomer needs: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PLOTLY_JS := static/vendor/plotly-core.min.js
TIMELINEJS := bench/timelinejs/node_modules/@knight-lab/timelinejs/dist/js/timeline.js

.PHONY: run test validate schema vendor bench clean

$(BIN)/timeline: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# The partial plotly.js bundle and Swagger UI (for /docs) from npm, pinned in package-lock.json.
# The bundle is plotly.js's own src/core.js (the scatter trace, cartesian/date axes) with only the
# components the chart uses (range slider, shapes, annotations, hover, modebar), minified by
# esbuild: `npm run build-plotly` runs scripts/build-plotly.js, which writes $(PLOTLY_JS); the
# Dockerfile's assets stage runs the same.
# npm ci downloads about 50 MB (231 packages, mostly plotly.js and its dependencies; 185 MB in
# node_modules, about 11 s with an empty npm cache; the basic bundle and Swagger UI were 4 MB).
# --ignore-scripts: nothing needs an install script (esbuild finds its platform binary through
# its optional dependency), and swagger-ui-dist's analytics dependency would otherwise run one.
# Without npm the app serves the full plotly.js bundle shipped inside the Python plotly package,
# and /docs links the OpenAPI document instead of Swagger UI.
$(PLOTLY_JS): package.json package-lock.json scripts/build-plotly.js $(BIN)/timeline
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --silent --no-audit --no-fund && mkdir -p static/vendor/swagger-ui && \
	  cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css static/vendor/swagger-ui/ && \
	  npm run --silent build-plotly && test -s $@ && \
	  $(BIN)/python -c "import json, plotly.offline as p; v = json.load(open('node_modules/plotly.js/package.json'))['version']; v == p.get_plotlyjs_version() or print('warning: npm plotly.js', v, 'but the Python plotly package targets', p.get_plotlyjs_version())" && \
	  $(BIN)/python -m app.assets $@ static/vendor/swagger-ui/swagger-ui-bundle.js; \
	else echo "npm not found: serving the full plotly.js bundle from the Python package; /docs without Swagger UI"; fi

vendor: $(PLOTLY_JS)

# TimelineJS (pinned in bench/timelinejs), the peer of the page benchmark and the real client
# that tests/browser/test_timelinejs.py loads our TimelineJS export into.
$(TIMELINEJS): bench/timelinejs/package.json bench/timelinejs/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix bench/timelinejs --ignore-scripts --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the TimelineJS browser test is skipped (and fails under CI=true)"; fi

run: $(BIN)/timeline vendor
	$(BIN)/timeline serve --host $(HOST) --port $(PORT)

test: $(BIN)/timeline vendor $(TIMELINEJS)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

validate: $(BIN)/timeline
	$(BIN)/timeline validate

schema: $(BIN)/timeline
	$(BIN)/timeline schema > timeline_data/schema.json
	$(BIN)/timeline schema --story > timeline_data/story.schema.json

# Benchmarks (need wrk, nginx and Chromium; see README "Tests and benchmarks"). Not part of `make test`.
bench: $(BIN)/timeline vendor $(TIMELINEJS)
	scripts/bench_api.sh
	$(BIN)/python scripts/bench_scale.py
	$(BIN)/python scripts/bench_page.py

clean:
	rm -rf $(VENV) node_modules static/vendor bench/timelinejs/node_modules
