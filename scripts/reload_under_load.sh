#!/usr/bin/env bash
# reload_under_load.sh: the file watcher reloads the store under load, keeps the last good
# snapshot on a broken edit, and recovers (issue "Ship it").
#
# Usage (from the repo root):
#   scripts/reload_under_load.sh [--data DIR] [--duration 30s] [--connections 16] [--workers "1 N"]
#     --data DIR       store to copy (default: timeline_data; must be valid, e.g. --data /tmp/d2
#                      while researchers edit the real one). Only a temporary copy is edited.
#     --duration D     wrk run per server (default 30s); --connections C (default 16)
#     --workers LIST   worker counts to try, one fresh server each (default: "1 $(nproc)")
#
# Needs: .venv (make test), wrk, curl. Work files (store copies, logs): .bench/reload-run/.
# For each worker count: copy the store, start `TIMELINE_WATCH=true timeline serve --workers N`
# on a free port (own process group), run `wrk -t2 -c<C> -d<D>` rotating GET /events?limit=5 and
# GET /healthz in the background, and meanwhile, on the first event's file (E):
#   (a) at 5 s, a VALID edit: title.en gets marker M1. Poll (fresh connection each time) until
#       /events/E shows M1 and /healthz shows a new hash; then require 20 consecutive polls to
#       agree and, from the server log, one "reloaded: ... hash H1" line per worker (each worker
#       has its own watcher and snapshot, so all of them must switch).
#   (b) a BROKEN edit (invalid YAML appended). Poll /healthz until last_reload_error names
#       E's file and the broken line ("<file>:<line>:<col>: -: invalid YAML: ..."); require 20 consecutive polls of /healthz and /readyz to
#       report it and /events/E to still serve M1 with hash H1 (the last good snapshot), and
#       >= one "reload failed" log line per worker.
#   (c) the fix: valid content with marker M2. Poll until the error clears and /events/E shows
#       M2 with a new hash; 20 consecutive polls agree; one "reloaded" log line per worker.
# Edits are written in place (truncate + write), not atomically, as many editors do.
# Printed: each step with its timings (seconds from the write), then wrk's totals (requests,
# req/s, p50/p99, statuses, non-2xx/3xx, socket errors).
# Exit status: 1 if any step failed (each has a 20 s limit) or wrk saw a non-2xx/3xx response or
# a socket error; 0 otherwise.
set -euo pipefail

DATA=timeline_data
DURATION=30s
CONNECTIONS=16
WORKER_COUNTS="1 $(nproc)"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) DATA="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --workers) WORKER_COUNTS="$2"; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

source "$(dirname "$0")/lib.sh"
bench_init wrk curl
RUN="$ROOT/.bench/reload-run"
rm -rf "$RUN"; mkdir -p "$RUN"

SERVER_PID=""
WRK_PID=""
stop_server() { stop_group "$SERVER_PID"; SERVER_PID=""; }
cleanup() {
  [[ -n "$WRK_PID" ]] && kill "$WRK_PID" 2>/dev/null || true
  stop_server
}
trap cleanup EXIT INT TERM

# --- wrk script: rotate the two URLs, count statuses ---------------------------------------------
cat >"$RUN/reload.lua" <<'EOF'
local paths = {"/events?limit=5", "/healthz"}
local counter = 0
statuses = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[counter % #paths + 1])
end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total, bad = {}, 0
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do total[code] = (total[code] or 0) + n end
  end
  for code, n in pairs(total) do
    io.write(string.format("STATUS %d %d\n", code, n))
    if code < 200 or code > 399 then bad = bad + n end
  end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), bad, e.connect, e.read, e.write, e.timeout))
end
EOF

# --- the step driver ---------------------------------------------------------------------------------
cat >"$RUN/driver.py" <<'EOF'
"""Edits one event file of the served store copy and checks what the server answers."""
import json, os, re, sys, time, urllib.request

import yaml

app, folder, log_path, workers, wrk_pid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
T0 = time.monotonic()
LIMIT, AGREE = 20.0, 20
failed = []


def get(path):
    with urllib.request.urlopen(app + path, timeout=10) as r:   # a fresh connection each time
        return json.loads(r.read())


def say(msg):
    print(f"[{time.monotonic() - T0:5.1f}s] {msg}", flush=True)


def wrk_running():
    try:
        os.kill(wrk_pid, 0)
        return True
    except OSError:
        return False


def log_count(text, since):
    with open(log_path, encoding="utf-8", errors="replace") as f:
        f.seek(since)
        return sum(text in line for line in f)


def poll(desc, cond, start):
    """Poll cond() until true (returns seconds since start) or LIMIT s pass (returns None)."""
    while time.monotonic() - start < LIMIT:
        try:
            if cond():
                return time.monotonic() - start
        except Exception as exc:  # noqa: BLE001  (report, keep polling)
            say(f"    poll error ({desc}): {exc!r}")
        time.sleep(0.05)
    return None


def agree(cond, n=AGREE):
    bad = sum(not cond() for _ in range(n))
    return bad


def check(step, ok, msg):
    say(f"{step} {'ok  ' if ok else 'FAIL'} {msg}")
    if not ok:
        failed.append(f"{step}: {msg}")


first = get("/events?limit=1")["events"][0]
eid = first["id"]
path = next(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(folder, "events")) for f in fs
            if f in (f"{eid}.yaml", f"{eid}.yml"))
original = open(path, encoding="utf-8").read()
h0 = get("/healthz")["hash"]
say(f"event {eid} ({os.path.relpath(path, folder)}), hash {h0}, {workers} worker(s)")


def with_title(marker):
    data = yaml.safe_load(original)
    data["title"]["en"] = f"{marker} {data['title']['en']}"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def title():
    return get(f"/events/{eid}")["title"]["en"]


def step_valid(step, marker, old_hash):
    text = with_title(marker)
    since = os.path.getsize(log_path)
    start = time.monotonic()
    with open(path, "w", encoding="utf-8") as f:   # in place (truncate + write), as many editors do
        f.write(text)
    say(f"{step} valid edit written: title.en += {marker}")
    t_served = poll("served", lambda: marker in title(), start)
    t_hash = poll("hash", lambda: get("/healthz")["hash"] != old_hash and get("/healthz")["last_reload_error"] is None, start)
    new_hash = get("/healthz")["hash"]
    check(step, t_served is not None, f"/events/{eid} shows {marker}: after {t_served:.2f} s" if t_served is not None else f"/events/{eid} never showed {marker}")
    check(step, t_hash is not None, f"/healthz hash {old_hash} -> {new_hash}, no error: after {t_hash:.2f} s" if t_hash is not None else "/healthz hash did not change / error not cleared")
    t_logs = poll("logs", lambda: log_count(f"hash {new_hash}", since) >= workers, start)
    n = log_count(f"hash {new_hash}", since)
    check(step, n == workers, f"server log: {n}/{workers} worker(s) logged 'reloaded ... hash {new_hash}'"
          + (f" (all after {t_logs:.2f} s)" if t_logs is not None else ""))
    bad = agree(lambda: marker in title() and get("/healthz")["hash"] == new_hash)
    check(step, bad == 0, f"{AGREE} consecutive fresh-connection polls agree ({bad} disagreed)")
    return new_hash


def step_broken(step, marker, good_hash):
    text = with_title(marker) + "sources_note: [unclosed\n"
    line = len(text.splitlines())          # the broken line is the last one
    since = os.path.getsize(log_path)
    start = time.monotonic()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    say(f"{step} broken edit written: invalid YAML appended at line {line}")
    # the parser notices the unclosed "[" at the end of the input: the broken line or the one after
    where = [f"{os.path.basename(path)}:{n}:" for n in (line, line + 1)]
    located = lambda errs: bool(errs) and any(w in e and "invalid YAML" in e for e in errs for w in where)
    t_err = poll("error", lambda: located(get("/healthz")["last_reload_error"]), start)
    errs = get("/healthz")["last_reload_error"]
    check(step, t_err is not None, f"/healthz last_reload_error after {t_err:.2f} s: {errs[0] if errs else errs}" if t_err is not None else f"/healthz never reported the error (got {errs})")
    t_logs = poll("logs", lambda: log_count("reload failed", since) >= workers, start)
    check(step, t_logs is not None, f"server log: {log_count('reload failed', since)} 'reload failed' line(s) for {workers} worker(s)")
    bad = agree(lambda: located(get("/healthz")["last_reload_error"]) and located(get("/readyz")["last_reload_error"])
                and marker in title() and get("/healthz")["hash"] == good_hash)
    check(step, bad == 0, f"{AGREE} consecutive polls: /healthz and /readyz report it, /events/{eid} still "
          f"serves {marker} (hash {good_hash}) ({bad} disagreed)")


def wait_until(seconds):
    while time.monotonic() - T0 < seconds:
        time.sleep(0.1)


wait_until(5)
h1 = step_valid("(a)", "RELOAD-MARK-1", h0)
step_broken("(b)", "RELOAD-MARK-1", h1)
h2 = step_valid("(c)", "RELOAD-MARK-2", h1)
say(f"steps done; wrk still running: {'yes' if wrk_running() else 'NO (steps ran partly without load)'}")
if failed:
    say(f"{len(failed)} check(s) failed")
sys.exit(1 if failed else 0)
EOF

summarize_wrk() {  # summarize_wrk FILE: prints totals; exit 1 on errors
  "$PY" - "$1" <<'PYEOF'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"^RESULT (.*)$", text, re.M)
if not m:
    print(f"wrk failed: {text.strip()[:500]}"); sys.exit(1)
reqs, dur_us, p50, p99, bad, conn, read, write, timeout = map(int, m.group(1).split())
statuses = ", ".join(f"{c}: {n}" for c, n in sorted(re.findall(r"^STATUS (\d+) (\d+)$", text, re.M)))
sock = conn + read + write + timeout
print(f"wrk: {reqs} requests in {dur_us / 1e6:.1f} s, {reqs / (dur_us / 1e6):.0f} req/s, p50 {p50 / 1000:.2f} ms, "
      f"p99 {p99 / 1000:.2f} ms; statuses {statuses}; non-2xx/3xx {bad}; socket errors {sock} "
      f"(connect {conn}, read {read}, write {write}, timeout {timeout})")
sys.exit(0 if bad == 0 and sock == 0 and reqs > 0 else 1)
PYEOF
}

OVERALL=0
RESULTS=()
for WORKERS in $WORKER_COUNTS; do
  echo "== $WORKERS worker(s): TIMELINE_WATCH=true, wrk -t2 -c$CONNECTIONS -d$DURATION on /events?limit=5 + /healthz; load avg $(cut -d' ' -f1-3 /proc/loadavg) =="
  COPY="$RUN/data-w$WORKERS"
  cp -a "$DATA" "$COPY"
  PORT=$(free_port)
  LOG="$RUN/server-w$WORKERS.log"
  TIMELINE_WATCH=true TIMELINE_LOG_LEVEL=info setsid "$TIMELINE" serve --data "$COPY" --host 127.0.0.1 \
    --port "$PORT" --workers "$WORKERS" >"$LOG" 2>&1 &
  SERVER_PID=$!
  APP="http://127.0.0.1:$PORT"
  wait_up "$APP/healthz" "$LOG" "$SERVER_PID"
  sleep 1  # let every worker finish starting (each one loads the store and starts its watcher)
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$RUN/reload.lua" "$APP" >"$RUN/wrk-w$WORKERS.txt" 2>&1 &
  WRK_PID=$!
  STEPS=0
  "$PY" "$RUN/driver.py" "$APP" "$COPY" "$LOG" "$WORKERS" "$WRK_PID" || STEPS=$?
  wait "$WRK_PID" || true
  WRK_PID=""
  WRK=0
  summarize_wrk "$RUN/wrk-w$WORKERS.txt" || WRK=$?
  stop_server
  if [[ $STEPS == 0 && $WRK == 0 ]]; then RESULTS+=("$WORKERS worker(s): PASS")
  else RESULTS+=("$WORKERS worker(s): FAIL (steps exit $STEPS, wrk errors: $([[ $WRK == 0 ]] && echo no || echo yes))"); OVERALL=1; fi
  echo
done
printf '%s\n' "${RESULTS[@]}"
echo "logs and store copies: $RUN"
exit "$OVERALL"
