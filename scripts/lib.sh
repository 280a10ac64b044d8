# Shared by the benchmark and load scripts: `source "$(dirname "$0")/lib.sh"` after parsing
# options (DATA set, relative to the repo root), then `bench_init TOOL...`.

# cd to the repo root; set ROOT, PY, TIMELINE; check the tools and the venv; make DATA absolute.
bench_init() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  ROOT=$(pwd)
  PY="$ROOT/.venv/bin/python"
  TIMELINE="$ROOT/.venv/bin/timeline"
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool (Debian: apt-get install $*; nginx is nginx-light)" >&2; exit 1; }
  done
  [[ -x "$TIMELINE" ]] || { echo "missing .venv (run: make test, or pip install -e .)" >&2; exit 1; }
  DATA=$(cd "$DATA" && pwd)
}

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# stop_group PID: SIGTERM to the process group PID (started with setsid), up to 10 s, then SIGKILL.
stop_group() {
  [[ -n "${1:-}" ]] || return 0
  kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 -- "-$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$1" 2>/dev/null || true
}

# wait_up URL LOG [PID]: wait up to 60 s for URL to answer 2xx; stop with the log's tail if the
# process PID exits first or time runs out.
wait_up() {
  local url=$1 log=$2 pid=${3:-}
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      echo "server exited:" >&2; tail -20 "$log" >&2; exit 1
    fi
    sleep 0.1
  done
  echo "no answer from $url; log:" >&2; tail -20 "$log" >&2; exit 1
}
