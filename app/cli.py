"""The `timeline` command: serve, validate, schema, export."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from app.settings import Settings


def _data_dir(arg: str | None) -> Path:
    return Path(arg) if arg else Settings().data


def _validated(folder: Path):
    """The store's snapshot, or None after printing every problem."""
    from app.store import StoreError, load_snapshot

    try:
        return load_snapshot(folder)
    except StoreError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s) found in {folder}", file=sys.stderr)
        return None


def cmd_validate(args: argparse.Namespace) -> int:
    folder = _data_dir(args.data)
    snap = _validated(folder)
    if snap is None:
        return 1
    years = Counter(e.date.year for e in snap.events)
    status = Counter(e.status for e in snap.events)
    span = f"{snap.events[0].date}..{snap.events[-1].date}" if snap.events else "empty"
    print(
        f"ok: {len(snap.events)} events ({status['official']} official, {status['reported']} reported), "
        f"{len(snap.stories)} stories, {span}, hash {snap.content_hash}"
    )
    if args.verbose:
        print("by year:  " + ", ".join(f"{y}: {n}" for y, n in sorted(years.items())))
        actors = Counter(e.primary_actor for e in snap.events)
        print("by actor: " + ", ".join(f"{a}: {n}" for a, n in actors.most_common()))
        sides = Counter(snap.side_of(e) for e in snap.events)
        print("by side:  " + ", ".join(f"{a}: {n}" for a, n in sides.most_common()))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from app import report

    folder = _data_dir(args.data)
    snap = _validated(folder)
    if snap is None:
        return 1
    result = report.build(snap, folder)
    print("\n".join(result.lines))
    if args.verbose:
        for path in result.undocumented:
            print(f"no document: {path}")
        for line in result.terminology:
            print(f"terminology: {line}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from app.schema import event_schema, story_schema

    schema = story_schema() if args.story else event_schema(_data_dir(args.data))
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.data:
        os.environ["TIMELINE_DATA"] = str(Path(args.data).resolve())
    if args.watch:
        os.environ["TIMELINE_WATCH"] = "true"
    settings = Settings()
    from app.logconfig import log_config
    from app.store import StoreError, cache_is_current, load_snapshot

    workers = args.workers or settings.workers
    try:  # fail before forking workers, with every problem listed
        if workers > 1 and cache_is_current(settings.data, settings.cache_dir):
            snapshot = None  # validated when cached; each worker reads the cache itself
        else:
            snapshot = load_snapshot(settings.data, settings.cache_dir)
    except StoreError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"cannot serve: {len(exc.problems)} problem(s) in {settings.data} (run `timeline validate`)",
              file=sys.stderr)
        return 1
    if workers == 1:  # one process: serve the snapshot just validated instead of loading it again
        from app.main import create_app

        target, factory = create_app(settings, snapshot), False
    else:  # each worker process builds its app (and loads the store) itself
        target, factory = "app.main:create_app", True
    # uvicorn re-raises SIGTERM after its graceful shutdown when it has installed no handler
    # of its own for a single process; exit 0 as a clean stop should (Docker, systemd).
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(0))
    uvicorn.run(
        target,
        factory=factory,
        host=args.host,
        port=args.port,
        workers=workers,
        log_level=settings.log_level,
        log_config=log_config(settings.log_level),
        proxy_headers=True,
        timeout_graceful_shutdown=8,  # under docker stop's default 10 s
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import time

    from app.export import ExportError, export_site
    from app.store import StoreError

    started = time.monotonic()
    try:
        written = export_site(_data_dir(args.data), Path(args.out), base_url=args.base_url)
    except StoreError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"cannot export: {len(exc.problems)} problem(s) (run `timeline validate`)", file=sys.stderr)
        return 1
    except ExportError as exc:
        print(f"export failed: {exc}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in Path(args.out).rglob("*") if p.is_file())
    print(f"wrote {written} files ({size / 1e6:.1f} MB) to {args.out} in {time.monotonic() - started:.1f} s")
    if not args.base_url:
        print("note: without --base-url, feeds, iCal, citations and canonical links carry site-relative URLs",
              file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="timeline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check every event file; list all problems")
    p.add_argument("--data", help="data folder (default: $TIMELINE_DATA or ./timeline_data)")
    p.add_argument("-v", "--verbose", action="store_true", help="print counts by year, actor and side")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("report", help="coverage and sourcing figures: events per year and side, documents, sources")
    p.add_argument("--data", help="data folder (default: $TIMELINE_DATA or ./timeline_data)")
    p.add_argument("-v", "--verbose", action="store_true", help="list acts without a document and terminology problems")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("schema", help="print the JSON Schema of an event file")
    p.add_argument("--data", help="data folder whose taxonomy fills the enums")
    p.add_argument("--story", action="store_true", help="the schema of a story file instead")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("serve", help="run the web app with uvicorn")
    p.add_argument("--data", help="data folder")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=0, help="worker processes (default: $TIMELINE_WORKERS or 1)")
    p.add_argument("--watch", action="store_true", help="reload the store when data files change")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("export", help="write a static site")
    p.add_argument("--data", help="data folder")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--base-url", default="", help="absolute base URL for feeds and embed codes")
    p.set_defaults(func=cmd_export)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
