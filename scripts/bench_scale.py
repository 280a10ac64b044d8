#!/usr/bin/env python3
"""bench_scale.py: does the app hold up with a 10,000-event store? (issue "The /events API")

Usage (from the repo root):
    .venv/bin/python scripts/bench_scale.py [--events 10000] [--data DIR] [--runs 3]
                                             [--repeat 50] [--workers-list 1,N]
  --data DIR      use this store instead of the synthetic one
  --events N      size of the synthetic store .bench/synthetic-N (made with
                  scripts/make_synthetic_store.py if it does not exist yet)

What is measured (the app is started with `timeline serve --data DIR --workers W` on a free port):
  1. start-up: wall time from process start until GET /healthz answers 200, `--runs` times for
     each W in --workers-list (default: 1 and nproc). Target <= 3 s. Also the CPU seconds the
     server's processes used by then (steadier than wall time on a shared box).
     (`timeline serve` loads the store once to validate it, then create_app loads it again in
     each worker; both are included, as a user waits for both.)
  2. search latency on the single-worker server, one keep-alive connection, sequential requests
     (http.client, no Accept-Encoding): GET /events?q=<word> for many different words (English
     and Chinese, rare and common, one two-word query). The first request for each q is a
     "first hit" (nothing cached: filter + render + ETag + gzip/brotli); then each q is repeated
     --repeat times ("repeated": served from the prepared-response cache). Reports p50/p99 of
     both. Target p50 <= 10 ms.
  3. complete flat formats: GET /events.csv, .ics, .atom, .timelinejs.json and .jsonld without a
     limit (every event of the store), first build and repeated (prepared), with the body size,
     and /events?limit=1000 for comparison with a JSON page; a "whole set" the size of the
     store is checked in each (rows, VEVENTs, entries).
No peers here; the load average is printed because the box is shared and noisy.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMELINE = ROOT / ".venv" / "bin" / "timeline"

# words in the synthetic store (scripts/make_synthetic_store.py), with different frequencies
QUERIES = [
    "gallium", "germanium", "graphite", "antimony", "rare earth", "lithography", "hbm", "huawei",
    "smic", "ymtc", "nvidia", "asml", "micron", "tariff", "licence", "foundry", "supercomputer",
    "subsidy", "drone", "quantum", "polysilicon", "sapphire", "packaging", "interagency",
    "镓", "锗", "稀土", "光刻机", "华为", "中芯国际", "英伟达", "关税", "实体清单", "补贴", "量子", "无人机",
    "synthetic event 4423", "h20", "tokyo electron",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Server:
    def __init__(self, data: Path, workers: int, log: Path):
        self.port = free_port()
        self.log = open(log, "wb")
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [str(TIMELINE), "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(workers)],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT,
        )

    def wait_healthz(self, timeout: float = 300) -> float:
        """Seconds from process start until /healthz answers 200."""
        while time.perf_counter() - self.t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return time.perf_counter() - self.t0
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError("server did not answer /healthz in time")

    def cpu_seconds(self) -> float:
        """utime+stime of every live process of the server's process group (master + workers)."""
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.proc.pid:  # field 5 (pgrp)
                total += int(fields[11]) + int(fields[12])  # fields 14, 15 (utime, stime)
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
        self.log.close()


def timed_get(conn: http.client.HTTPConnection, path: str) -> tuple[float, int, int]:
    t = time.perf_counter()
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    return (time.perf_counter() - t) * 1000, resp.status, len(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--workers-list", default=f"1,{os.cpu_count() or 1}")
    args = parser.parse_args()

    data = args.data or ROOT / ".bench" / f"synthetic-{args.events}"
    if not args.data and not (data / "taxonomy.yaml").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_synthetic_store.py"), str(args.events),
                        "--out", str(data)], check=True)
    logdir = ROOT / ".bench" / "scale-run"
    logdir.mkdir(parents=True, exist_ok=True)
    workers_list = sorted({int(w) for w in args.workers_list.split(",")})
    print(f"store: {data}   load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}   cores: {os.cpu_count()}")

    servers: list[Server] = []
    try:
        # 1. start-up
        for workers in workers_list:
            times, cpus = [], []
            for run in range(args.runs):
                server = Server(data, workers, logdir / f"serve-w{workers}-{run}.log")
                servers.append(server)
                times.append(server.wait_healthz())
                cpus.append(server.cpu_seconds())
                if not (workers == 1 and run == args.runs - 1):
                    server.stop()
            print(f"start-up to /healthz, workers={workers}: "
                  + ", ".join(f"{t:.2f}s" for t in times)
                  + f"  (median {statistics.median(times):.2f}s; target <= 3 s: "
                  + ("met" if statistics.median(times) <= 3 else "MISSED") + ")"
                  + f"; server CPU {', '.join(f'{c:.1f}s' for c in cpus)}")

        # 2. search latency, on the last single-worker server
        server = next(s for s in reversed(servers) if s.proc.poll() is None)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        timed_get(conn, "/events?limit=1")  # open the connection, warm imports
        first, repeated, totals = [], [], []
        paths = [f"/events?q={urllib.parse.quote(q)}" for q in QUERIES]
        for path in paths:
            ms, status, size = timed_get(conn, path)
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}")
            first.append(ms)
            totals.append(size)
        for _ in range(args.repeat):
            for path in paths:
                ms, status, _ = timed_get(conn, path)
                repeated.append(ms)
        conn.close()
        p50_first, p50_rep = pct(first, 50), pct(repeated, 50)
        print(f"GET /events?q=<word> (limit 50; {len(paths)} different q; bodies {min(totals)}..{max(totals)} bytes)")
        print(f"  first hit (uncached): n={len(first):>5}  p50 {p50_first:7.2f} ms  p99 {pct(first, 99):7.2f} ms  "
              f"max {max(first):7.2f} ms  (target p50 <= 10 ms: {'met' if p50_first <= 10 else 'MISSED'})")
        print(f"  repeated (cached):    n={len(repeated):>5}  p50 {p50_rep:7.2f} ms  p99 {pct(repeated, 99):7.2f} ms  "
              f"max {max(repeated):7.2f} ms  (target p50 <= 10 ms: {'met' if p50_rep <= 10 else 'MISSED'})")
        slowest = sorted(zip(first, QUERIES), reverse=True)[:3]
        print("  slowest first hits: " + ", ".join(f"{q!r} {ms:.1f} ms" for ms, q in slowest))

        # 3. complete flat formats (every event, no limit)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        print("complete downloads (no limit: every event):")
        for path, marker in (("/events.csv", b"\r\n"), ("/events.ics", b"BEGIN:VEVENT"), ("/events.atom", b"<entry>"),
                             ("/events.timelinejs.json", b'"unique_id"'), ("/events.jsonld", b'"ListItem"'),
                             ("/events?limit=1000", b'"api_url"')):
            t = time.perf_counter()
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            built = (time.perf_counter() - t) * 1000
            count = body.count(marker) - (1 if path.endswith(".csv") else 0)
            again = [timed_get(conn, path)[0] for _ in range(5)]
            print(f"  {path:<26} first {built:8.0f} ms  repeated p50 {statistics.median(again):6.1f} ms  "
                  f"{len(body) / 1e6:6.1f} MB  items {count}")
        print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        for server in servers:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
