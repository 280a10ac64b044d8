#!/usr/bin/env python3
"""bench_export.py: how long `timeline export` takes and how big the static site is, for the
real store and for a synthetic store of N events (default 10,000), and whether a plain static
file server (nginx if installed, else python -m http.server) serves it as fast as it serves
any file: the export is files, so a static host's speed is the host's.

    .venv/bin/python scripts/bench_export.py [--events 10000] [--runs 3]

Prints, per store: median export time over the runs (seconds), files written, total size
(MB), the largest files, and the query index's size (what the static explorer downloads
besides events.json).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.export import export_site  # noqa: E402


def measure(data: Path, runs: int) -> dict:
    times, files = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        for _ in range(runs):
            started = time.monotonic()
            files = export_site(data, out)
            times.append(time.monotonic() - started)
        sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*") if p.is_file()}
    top = sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
    return {"median_s": statistics.median(times), "times": times, "files": files,
            "mb": sum(sizes.values()) / 1e6, "top": top, "index_mb": sizes.get("query-index.json", 0) / 1e6,
            "events_json_mb": sizes.get("events.json", 0) / 1e6}


def show(name: str, r: dict) -> None:
    print(f"{name}: export {r['median_s']:.1f} s (median of {len(r['times'])}: "
          f"{', '.join(f'{t:.1f}' for t in r['times'])}), {r['files']} files, {r['mb']:.1f} MB; "
          f"events.json {r['events_json_mb']:.2f} MB, query-index.json {r['index_mb']:.2f} MB")
    print("  largest: " + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in r["top"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    show("real store", measure(ROOT / "timeline_data", args.runs))
    synthetic = ROOT / ".bench" / f"synthetic-{args.events}"
    if not (synthetic / "taxonomy.yaml").is_file():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_synthetic_store.py"), str(args.events),
                        "--out", str(synthetic)], check=True)
    show(f"synthetic {args.events}", measure(synthetic, max(1, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
