#!/usr/bin/env bash
# load_test.sh: a mixed-traffic load test of the app as it ships (issue "Ship it").
#
# Usage (from the repo root):
#   scripts/load_test.sh [--data DIR] [--duration 60s] [--connections 32] [--warmup 5s] [--workers N]
#     --data DIR        event store to serve (default: timeline_data). It must be valid (`timeline
#                       serve` refuses an invalid store); while researchers edit the real store use a
#                       valid copy, e.g. --data /tmp/d2.
#     --duration D      wrk run (default 60s); --connections C (default 32); --warmup W (default 5s)
#     --workers N       uvicorn workers (default: nproc)
#
# Needs: .venv (make test), wrk, curl (Debian: apt-get install wrk curl). No other peer: the
# app is measured against its own targets (0 errors, bounded memory growth).
# What it does: starts `timeline serve --workers N` on a free port (own process group), checks
# each URL once (status 200, with and without compression), warms up with wrk for --warmup using
# the same mix, samples the server's memory, runs `wrk -t2 -c<C> -d<D> -s scripts/mixed.lua`,
# samples memory again.
# The mix (scripts/mixed.lua), rotated per wrk thread, each path once plain and once with
# `Accept-Encoding: gzip, br`:
#   API    /events, /events?actor=us-bis, /events?q=H200, /events.csv?side=china,
#          /events/<id>, /facets?side=us
#   pages  /, /?side=china&lang=zh, /event/<id>
#   embed  /embed?category=tariff
#   (<id> = the first event of /events, a real id)
# Printed: requests, req/s, p50/p99 latency, responses per status, non-2xx/3xx responses, socket
# errors (connect/read/write/timeout), server memory = sum of VmRSS over the server's process
# group (uvicorn supervisor + workers + multiprocessing resource tracker, from ps) after
# the warm-up, after the run, and the difference.
# Exit status: 0 only if there was no non-2xx/3xx response and no socket error; 1 otherwise.
# On a 2-core box wrk shares the CPUs with the server, so req/s is a floor, not a capacity.
# Work files: .bench/load-run/ (git-ignored .bench/).
set -euo pipefail

DATA=timeline_data
DURATION=60s
WARMUP=5s
CONNECTIONS=32
WORKERS=$(nproc)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) DATA="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

source "$(dirname "$0")/lib.sh"
bench_init wrk curl
LUA="$ROOT/scripts/mixed.lua"
RUN="$ROOT/.bench/load-run"
rm -rf "$RUN"; mkdir -p "$RUN"

SERVER_PID=""
trap 'stop_group "$SERVER_PID"' EXIT INT TERM

rss_kib() {  # sum of RSS (KiB, = VmRSS in /proc/PID/status) over the server's process group
  ps -e -o pgid=,rss= | awk -v g="$SERVER_PID" '$1 == g { s += $2 } END { print s + 0 }'
}
nprocs() { ps -e -o pgid= | awk -v g="$SERVER_PID" '$1 == g' | wc -l; }

# --- the app, in its own process group (setsid: pid = pgid) --------------------------------------
PORT=$(free_port)
setsid "$TIMELINE" serve --data "$DATA" --host 127.0.0.1 --port "$PORT" --workers "$WORKERS" \
  >"$RUN/server.log" 2>&1 &
SERVER_PID=$!
APP="http://127.0.0.1:$PORT"
wait_up "$APP/healthz" "$RUN/server.log" "$SERVER_PID"

EVENT_ID=$(curl -fsS "$APP/events?limit=1" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["events"][0]["id"])')

# --- sanity: every URL of the mix answers 200, plain and compressed -----------------------------
PATHS=("/events" "/events?actor=us-bis" "/events?q=H200" "/events.csv?side=china" "/events/$EVENT_ID"
       "/facets?side=us" "/" "/?side=china&lang=zh" "/event/$EVENT_ID" "/embed?category=tariff")
for p in "${PATHS[@]}"; do
  for enc in identity "gzip, br"; do
    code=$(curl -sS -o /dev/null -H "Accept-Encoding: $enc" -w '%{http_code}' "$APP$p")
    [[ "$code" == 200 ]] || { echo "HTTP $code for $p (Accept-Encoding: $enc)" >&2; exit 1; }
  done
done

# --- warm-up, memory, run, memory -----------------------------------------------------------------
wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -s "$LUA" "$APP" -- "$EVENT_ID" >"$RUN/wrk-warmup.txt" 2>&1 || true
sleep 1
RSS_BEFORE=$(rss_kib)
PROCS=$(nprocs)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
WRK_RC=0
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$LUA" "$APP" -- "$EVENT_ID" >"$RUN/wrk.txt" 2>&1 || WRK_RC=$?
sleep 1
RSS_AFTER=$(rss_kib)
kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server died during the run:" >&2; tail -20 "$RUN/server.log" >&2; exit 1; }

echo "store: $DATA   id: $EVENT_ID   cores: $(nproc)   workers: $WORKERS ($PROCS processes in the server's group)"
echo "wrk -t2 -c$CONNECTIONS -d$DURATION -s scripts/mixed.lua (warm-up $WARMUP)   $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)   load avg before: $LOAD_BEFORE"
"$PY" - "$RUN/wrk.txt" "$RSS_BEFORE" "$RSS_AFTER" "$WRK_RC" <<'PYEOF' | tee "$RUN/summary.txt"
import re, sys
path, before, after, wrk_rc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
text = open(path).read()
m = re.search(r"^RESULT (.*)$", text, re.M)
if not m:
    print(f"wrk failed (exit {wrk_rc}): {text.strip()[:500]}")
    sys.exit(1)
reqs, dur_us, p50, p99, bad, conn, read, write, timeout = map(int, m.group(1).split())
statuses = ", ".join(f"{c}: {n}" for c, n in re.findall(r"^STATUS (\d+) (\d+)$", text, re.M))
sock = conn + read + write + timeout
print(f"requests:        {reqs} in {dur_us / 1e6:.1f} s")
print(f"req/s:           {reqs / (dur_us / 1e6):.0f}")
print(f"latency:         p50 {p50 / 1000:.2f} ms   p99 {p99 / 1000:.2f} ms")
print(f"statuses:        {statuses or 'none'}")
print(f"non-2xx/3xx:     {bad}")
print(f"socket errors:   {sock} (connect {conn}, read {read}, write {write}, timeout {timeout})")
print(f"server RSS:      before {before / 1024:.1f} MiB   after {after / 1024:.1f} MiB   "
      f"diff {(after - before) / 1024:+.1f} MiB ({after - before:+d} KiB)")
ok = bad == 0 and sock == 0 and reqs > 0
print("result:          " + ("PASS (0 errors)" if ok else "FAIL (errors above)"))
sys.exit(0 if ok else 1)
PYEOF
