#!/usr/bin/env bash
# bench_api.sh: throughput/latency of GET /events against two peers (issue "The /events API").
#
# Usage (from the repo root):
#   scripts/bench_api.sh [--data DIR] [--duration 10s]
#     --data DIR       event store to serve (default: timeline_data). It must be valid: `timeline
#                      serve` refuses an invalid store and this script then stops. While the real
#                      store is being edited use a valid copy, e.g. --data /tmp/d2, or a synthetic
#                      one: .venv/bin/python scripts/make_synthetic_store.py 500 && --data .bench/synthetic-500
#     --duration D     wrk duration per peer (default 10s)
#
# Needs: .venv (make test), wrk, nginx, curl (Debian: apt-get install wrk nginx-light curl).
# Installs Datasette (pinned, DATASETTE_VERSION below) into .bench/venv on first run.
# Work files go to .bench/api-run/ (git-ignored .bench/).
#
# The peers, all started in this one run on free ports, all fed from the app's own output:
#   app        `timeline serve --workers $(nproc)` (uvicorn), GET /events?actor=A&limit=500
#              where A = the most common actor (top of /facets), i.e. the cached/prepared path.
#   nginx      the ceiling: the body of that same app response saved to a file, served static
#              (worker_processes = nproc, sendfile, keepalive_requests raised, access log off).
#   datasette  Datasette DATASETTE_VERSION (one process, as Datasette runs), immutable SQLite db
#              built from the app's paginated /events JSON: one row per event, `actor` = primary
#              actor (indexed), other fields as JSON text; suggest_facets off (its best case).
#              Two URLs: /db/events.json?actor=A&_shape=array&_size=500 (the brief's; primary
#              actor only, so it can return fewer rows than the app) and
#              ?actors__arraycontains=A (exactly the app's rows, same order).
# Measured: `wrk -t2 -c32 -d<duration>` per URL, one after the other: req/s, p50, p99 (from
# wrk's Lua `done` latency percentiles), non-2xx responses and socket errors. wrk sends no
# Accept-Encoding, so every peer answers uncompressed (fair). Printed ratios: app/datasette
# (target >= 15x) and app/nginx (target >= 0.15x). On a 2-core box wrk shares the CPUs with the
# server under test, so absolute numbers are low; the ratios are the point. Also printed: server
# CPU per request (utime+stime of the peer's process group / requests), steadier than req/s when
# the box is shared, and the ratios by that measure.
set -euo pipefail

DATASETTE_VERSION=0.65.5
DATA=timeline_data
DURATION=10s
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) DATA="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

source "$(dirname "$0")/lib.sh"
bench_init wrk nginx curl
NPROC=$(nproc)
RUN="$ROOT/.bench/api-run"
rm -rf "$RUN"; mkdir -p "$RUN/www" "$RUN/nginx"

# --- Datasette, pinned, in its own venv -------------------------------------------------------
DS_VENV="$ROOT/.bench/venv"
if ! "$DS_VENV/bin/datasette" --version 2>/dev/null | grep -q "version $DATASETTE_VERSION\$"; then
  echo "installing datasette==$DATASETTE_VERSION into $DS_VENV" >&2
  python3 -m venv "$DS_VENV"
  "$DS_VENV/bin/pip" install -q "datasette==$DATASETTE_VERSION"
fi

# --- process handling ---------------------------------------------------------------------------
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
start() {  # start "$@" in its own process group (setsid: pid = pgid); log to $RUN/<name>.log
  local name=$1; shift
  setsid "$@" >"$RUN/$name.log" 2>&1 &
  PIDS+=($!)
}
cpu_ticks() {  # utime+stime (clock ticks) of every process in process group $1
  local t=0 p
  for p in $(pgrep -g "$1"); do
    local f; read -r -a f <"/proc/$p/stat" 2>/dev/null || continue
    t=$((t + f[13] + f[14]))
  done
  echo "$t"
}
wait_http() { wait_up "$1" "$RUN/$2.log"; }  # wait_http URL NAME

# --- (a) the app ----------------------------------------------------------------------------------
APP_PORT=$(free_port)
start app "$TIMELINE" serve --data "$DATA" --host 127.0.0.1 --port "$APP_PORT" --workers "$NPROC"
APP="http://127.0.0.1:$APP_PORT"
wait_http "$APP/healthz" app

# --- data for the peers, from the app's own output ----------------------------------------------
"$PY" - "$APP" "$RUN" <<'PYEOF'
import json, sqlite3, sys, urllib.request
from urllib.parse import quote
app, run = sys.argv[1], sys.argv[2]
get = lambda url: urllib.request.urlopen(url, timeout=60).read()
facets = json.loads(get(f"{app}/facets"))["facets"]["actor"]
actor = next(iter(facets))                       # sorted by count, descending
open(f"{run}/actor", "w").write(actor)
body = get(f"{app}/events?actor={quote(actor)}&limit=500")
open(f"{run}/www/events.json", "wb").write(body)  # nginx serves exactly the app's body
rows, url = [], f"{app}/events?limit=500"
while url:
    page = json.loads(get(url))
    rows += page["events"]
    url = page["next"]
db = sqlite3.connect(f"{run}/db.db")
columns = ["id", "date", "actor"] + [k for k in rows[0] if k not in ("id", "date")]
for r in rows:
    columns += [k for k in r if k not in columns]
db.execute(f"create table events ({', '.join(c + (' text primary key' if c == 'id' else '') for c in columns)})")
def cell(r, c):
    if c == "actor":
        return r["actors"][0]
    v = r.get(c)
    return json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
db.executemany(f"insert into events values ({', '.join('?' * len(columns))})",
               [[cell(r, c) for c in columns] for r in rows])  # in the app's (date, id) order
db.execute("create index events_actor on events(actor)")
db.commit()
print(f"peers' data: actor={actor}, {len(rows)} events in db.db, app/nginx body {len(body)} bytes")
PYEOF
ACTOR=$(cat "$RUN/actor")
ACTOR_Q=$("$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$ACTOR")

# --- (b) nginx --------------------------------------------------------------------------------------
NGX_PORT=$(free_port)
cat >"$RUN/nginx/nginx.conf" <<EOF
worker_processes $NPROC;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $RUN/nginx/tmp; proxy_temp_path $RUN/nginx/tmp; fastcgi_temp_path $RUN/nginx/tmp;
  uwsgi_temp_path $RUN/nginx/tmp; scgi_temp_path $RUN/nginx/tmp;
  sendfile on; tcp_nopush on; keepalive_requests 1000000; keepalive_timeout 75s;
  server {
    listen 127.0.0.1:$NGX_PORT;
    root $RUN/www;
    location = /events.json { default_type application/json; }
  }
}
EOF
mkdir -p "$RUN/nginx/tmp"
start nginx nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -g 'daemon off; user nobody nogroup;'
NGX="http://127.0.0.1:$NGX_PORT"
wait_http "$NGX/events.json" nginx

# --- (c) datasette ------------------------------------------------------------------------------
DS_PORT=$(free_port)
start datasette "$DS_VENV/bin/datasette" serve -i "$RUN/db.db" --host 127.0.0.1 --port "$DS_PORT" \
  --setting suggest_facets off
DS="http://127.0.0.1:$DS_PORT"
wait_http "$DS/db/events.json?_shape=array&_size=1" datasette

# --- the runs -------------------------------------------------------------------------------------
cat >"$RUN/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect, e.read, e.write, e.timeout))
end
EOF
NAMES=(app nginx datasette datasette-same-rows)
GROUPS_=("${PIDS[0]}" "${PIDS[1]}" "${PIDS[2]}" "${PIDS[2]}")  # process group serving each URL
URLS=(
  "$APP/events?actor=$ACTOR_Q&limit=500"
  "$NGX/events.json"
  "$DS/db/events.json?actor=$ACTOR_Q&_shape=array&_size=500"
  "$DS/db/events.json?actors__arraycontains=$ACTOR_Q&_shape=array&_size=500"
)
echo "store: $DATA   actor: $ACTOR   cores: $NPROC   wrk -t2 -c32 -d$DURATION   $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)   datasette $DATASETTE_VERSION   $(nginx -v 2>&1 | cut -d' ' -f3)   load avg $(cut -d' ' -f1-3 /proc/loadavg)"
for i in "${!NAMES[@]}"; do
  # sanity: status, size and number of events of one response (no Accept-Encoding, like wrk)
  curl -sS -o "$RUN/body-$i" -w '%{http_code}' "${URLS[$i]}" >"$RUN/status-$i"
  [[ $(cat "$RUN/status-$i") == 200 ]] || { echo "${NAMES[$i]}: HTTP $(cat "$RUN/status-$i") for ${URLS[$i]}" >&2; exit 1; }
  curl -sS -o /dev/null "${URLS[$i]}"   # warm: the app prepares each response once
  c0=$(cpu_ticks "${GROUPS_[$i]}")
  wrk -t2 -c32 -d"$DURATION" -s "$RUN/report.lua" "${URLS[$i]}" >"$RUN/wrk-$i.txt" 2>&1 || true
  echo $(( $(cpu_ticks "${GROUPS_[$i]}") - c0 )) >"$RUN/cpu-$i"
  sleep 1
done

"$PY" - "$RUN" "$(getconf CLK_TCK)" "${NAMES[@]}" <<'PYEOF' | tee "$RUN/summary.txt"
import json, os, re, sys
run, tck, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
res, cpu = {}, {}
print(f"{'peer':<20}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>8}{'sockerr':>8}{'events':>7}{'bytes':>9}{'srv CPU us/req':>15}")
for i, name in enumerate(names):
    text = open(f"{run}/wrk-{i}.txt").read()
    m = re.search(r"^RESULT (.*)$", text, re.M)
    if not m:
        print(f"{name:<20} wrk failed: {text.strip()[:200]}"); continue
    reqs, dur_us, p50, p99, st, c, r, w, t = map(int, m.group(1).split())
    n3 = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    non2xx = int(n3.group(1)) if n3 else 0
    rps = reqs / (dur_us / 1e6)
    res[name] = rps
    d = json.load(open(f"{run}/body-{i}"))
    n = len(d["events"] if isinstance(d, dict) else d)
    cpu[name] = int(open(f"{run}/cpu-{i}").read()) / tck / max(reqs, 1) * 1e6
    print(f"{name:<20}{rps:>8.0f}{p50/1000:>9.2f}{p99/1000:>9.2f}{non2xx:>8}{c + r + w + t:>8}{n:>7}"
          f"{os.path.getsize(f'{run}/body-{i}'):>9}{cpu[name]:>15.0f}")
def ratio(a, b, target):
    if a in res and b in res and res[b]:
        x = res[a] / res[b]
        y = cpu[b] / cpu[a] if cpu.get(a) else 0
        print(f"{a}/{b}: {x:.2f}x req/s  (target >= {target}x: {'met' if x >= target else 'MISSED'});"
              f"  by server CPU per request: {y:.2f}x")
ratio("app", "datasette", 15)
ratio("app", "datasette-same-rows", 15)
ratio("app", "nginx", 0.15)
PYEOF
echo "load avg at end: $(cut -d' ' -f1-3 /proc/loadavg)   (raw wrk output and logs: $RUN)"
