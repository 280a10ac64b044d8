# syntax=docker/dockerfile:1
# Chip Controls Timeline: the web app with the curated data baked in.
#
#   docker build -t chip-controls-timeline .
#   docker run --rm -p 8000:8000 chip-controls-timeline
#   docker run --rm -p 8000:8000 -v "$PWD/timeline_data:/srv/timeline/data:ro" chip-controls-timeline
#
# Stages: assets (npm: the partial plotly.js bundle, built with esbuild; Swagger UI) -> builder
# (venv with the pinned runtime dependencies and the app) -> runtime (slim Python, non-root, no
# compilers, no npm).
# tests/test_dockerfile.py checks this file's structure and replays its build and start steps.

# ---- 1. partial plotly.js bundle and Swagger UI, pinned in package-lock.json ----------------
# `npm run build-plotly` (package.json, as `make vendor`) bundles plotly.js's src/core.js with only
# the components the chart uses (scripts/build-plotly.js) into static/vendor/plotly-core.min.js.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
COPY scripts/build-plotly.js scripts/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm run build-plotly

# ---- 2. virtualenv with the runtime dependencies and the app ---------------------------------
FROM python:3.11-slim-bookworm AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first, in their own layer: editing app/ does not re-download them.
# They are read from pyproject.toml (the single place they are pinned); no test extras.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
 && pip install --no-cache-dir -r requirements.txt
# Then the app itself. README.m[d] copies README.md when it exists (pyproject's readme) and
# does not fail when it does not.
COPY pyproject.toml README.m[d] ./
COPY app/ app/
RUN pip install --no-cache-dir --no-deps .

# ---- 3. runtime ------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime
# The app is installed in the venv (site-packages/app); templates, static files and data live
# under /srv/timeline and are found through the TIMELINE_* settings (app/settings.py).
# TIMELINE_WORKERS is read by `timeline serve` when --workers is not given.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TIMELINE_DATA=/srv/timeline/data \
    TIMELINE_STATIC_DIR=/srv/timeline/static \
    TIMELINE_TEMPLATES_DIR=/srv/timeline/templates \
    TIMELINE_WORKERS=2 \
    TIMELINE_CACHE_DIR=/tmp/timeline-cache \
    TIMELINE_LOG_LEVEL=info
RUN groupadd --system --gid 10001 timeline \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /srv/timeline --shell /usr/sbin/nologin timeline
COPY --from=builder /opt/venv /opt/venv
WORKDIR /srv/timeline
COPY templates/ templates/
COPY static/ static/
COPY --from=assets /build/static/vendor/plotly-core.min.js static/vendor/plotly-core.min.js
COPY --from=assets /build/node_modules/swagger-ui-dist/swagger-ui-bundle.js /build/node_modules/swagger-ui-dist/swagger-ui.css static/vendor/swagger-ui/
COPY timeline_data/ data/
# Mount a data folder here (read-only is fine) to serve it instead of the baked-in copy.
VOLUME ["/srv/timeline/data"]
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
# Exec form: `timeline` is PID 1 and receives SIGTERM; uvicorn then stops its workers gracefully.
CMD ["timeline", "serve", "--host", "0.0.0.0", "--port", "8000"]
