"""Operations (issue "Ship it"): graceful shutdown on SIGTERM, reload by the file watcher,
and POST /-/reload. Each test starts the real app (uvicorn subprocess) on a small synthetic store.

The load/fault versions of these checks are scripts/load_test.sh and scripts/reload_under_load.sh.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
import yaml

from tests.conftest import Server, event_dict, write_store

IDS = [f"2022-10-{day:02d}-ops-{n}" for n, day in enumerate(range(1, 25), start=1)]


def small_store(root: Path) -> Path:
    # ~24 events with long-ish text so / and /events.csv take a few ms each to render and send
    long = " ".join(["Export controls on advanced computing items and semiconductor manufacturing."] * 20)
    return write_store(root, [event_dict(i, summary={"en": long, "zh": "出口管制。" * 100}) for i in IDS])


def event_path(root: Path, event_id: str) -> Path:
    return root / "events" / event_id[:4] / f"{event_id}.yaml"


def wait_for(cond, timeout: float = 15.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = cond()
            if last:
                return last
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


# --- (a) SIGTERM: requests in flight finish, nothing is cut mid-response ---------------------------

class Outcome:
    def __init__(self):
        self.lock = threading.Lock()
        self.ok: list[tuple[float, float]] = []       # (start, end) of complete 200 responses
        self.per_thread: dict[int, int] = {}          # complete 200 responses per client thread
        self.refused: list[str] = []                  # no response at all: refused / closed before any byte
        self.bad: list[str] = []                      # wrong status, truncated body, error after headers


def hammer(n: int, url: str, paths: list[str], expected: dict[str, bytes], stop: threading.Event, out: Outcome) -> None:
    """GET paths in turn on one keep-alive client until the server is gone or stop is set."""
    with httpx.Client(base_url=url, timeout=20) as client:
        i = 0
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            start = time.monotonic()
            got_headers = False
            try:
                with client.stream("GET", path) as resp:
                    got_headers = True
                    body = resp.read()
                if resp.status_code != 200:
                    with out.lock:
                        out.bad.append(f"{path}: HTTP {resp.status_code}")
                elif body != expected[path]:
                    with out.lock:
                        out.bad.append(f"{path}: body differs ({len(body)} bytes, expected {len(expected[path])})")
                else:
                    with out.lock:
                        out.ok.append((start, time.monotonic()))
                        out.per_thread[n] = out.per_thread.get(n, 0) + 1
            except httpx.HTTPError as exc:
                with out.lock:
                    if got_headers:
                        out.bad.append(f"{path}: {type(exc).__name__} after the headers: {exc}")
                    else:
                        out.refused.append(f"{type(exc).__name__}: {exc}")
                if isinstance(exc, httpx.ConnectError):
                    return  # the listener is closed: the server is going away


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_finishes_requests_in_flight(tmp_path, workers):
    root = small_store(tmp_path / "d")
    srv = Server(root, env={"TIMELINE_LOG_LEVEL": "info"}, workers=workers)
    try:
        paths = ["/", "/events.csv", "/events?limit=500"]
        expected = {p: httpx.get(srv.url + p, timeout=60).content for p in paths}
        assert all(expected.values())
        # Warm every worker first: a cold worker renders its first page in 1-4 s on a busy 2-core
        # box and, with no single-flight in PreparedCache, every concurrent request for it does the
        # same work; 50 of them at once take longer than the 20 s client timeout. Fresh connections
        # land on either worker (P(a worker gets none of 8) = 2**-7 per path).
        for _ in range(1 if workers == 1 else 8):
            for p in paths:
                assert httpx.get(srv.url + p, timeout=60).content == expected[p]
        out, stop = Outcome(), threading.Event()
        threads = [threading.Thread(target=hammer, args=(n, srv.url, paths, expected, stop, out), daemon=True)
                   for n in range(50)]
        for t in threads:
            t.start()
        # Each keep-alive connection sticks to one worker; once every connection has had each path
        # answered, what is in flight at SIGTERM is ordinary traffic that the 8 s graceful timeout
        # (cli.py: timeout_graceful_shutdown=8) must cover.
        try:
            wait_for(lambda: len(out.per_thread) == 50 and min(out.per_thread.values()) >= len(paths), 25,
                     "every connection answered each path")
        except AssertionError:
            raise AssertionError(f"warm-up: {sorted(out.per_thread.values())} ok per thread, {len(out.refused)} refused "
                                 f"{out.refused[:3]}, bad {out.bad[:3]}") from None
        sigterm_at = time.monotonic()
        srv.proc.send_signal(signal.SIGTERM)
        code = srv.proc.wait(20)
        stop.set()
        for t in threads:
            t.join(25)
        log = srv.output()
        in_flight = [(s, e) for s, e in out.ok if s < sigterm_at < e]
        assert not out.bad, f"{len(out.bad)} broken response(s), e.g. {out.bad[:5]}"
        assert in_flight, "no request was in flight at SIGTERM: the test proved nothing"
        assert code == 0, (f"exit status {code} after SIGTERM (-15: uvicorn re-raises the signal after its graceful "
                           f"shutdown; `timeline serve` must turn that into exit 0):\n{log[-2000:]}")
        assert "Finished server process" in log, log[-3000:]
        assert "Traceback" not in log, log[-3000:]
    finally:
        srv.stop()


# --- (b) the watcher (TIMELINE_WATCH=true) ----------------------------------------------------------

def test_watcher_reloads_and_keeps_the_last_good_snapshot(tmp_path, start_server):
    root = small_store(tmp_path / "d")
    srv = start_server(root, env={"TIMELINE_WATCH": "true"})
    target = IDS[3]
    path = event_path(root, target)
    good = yaml.safe_load(path.read_text(encoding="utf-8"))
    with httpx.Client(base_url=srv.url, timeout=10) as c:
        h0 = c.get("/healthz").json()["hash"]
        time.sleep(0.5)  # let the watcher start

        # valid edit -> served
        good["title"]["en"] = "WATCH-MARK-1 edited"
        path.write_text(yaml.safe_dump(good, allow_unicode=True, sort_keys=False), encoding="utf-8")
        wait_for(lambda: c.get(f"/events/{target}").json()["title"]["en"] == "WATCH-MARK-1 edited", what="valid edit served")
        health = c.get("/healthz").json()
        assert health["hash"] != h0 and health["last_reload_error"] is None
        h1 = health["hash"]

        # broken edit (unknown field) -> error with file and line; the last good snapshot is served
        text = yaml.safe_dump({**good, "title": {"en": "WATCH-MARK-2", "zh": "x"}}, allow_unicode=True, sort_keys=False)
        text += "sumary: typo\n"
        line = len(text.splitlines())
        path.write_text(text, encoding="utf-8")
        where = f"{path}:{line}:1: sumary: unknown field"
        errors = wait_for(lambda: c.get("/healthz").json()["last_reload_error"], what="reload error reported")
        assert any(e.startswith(where) for e in errors), errors
        ready = c.get("/readyz")
        assert ready.status_code == 200, "a failed reload must not make the app unready"
        assert any(e.startswith(where) for e in ready.json()["last_reload_error"])
        assert c.get(f"/events/{target}").json()["title"]["en"] == "WATCH-MARK-1 edited"
        assert c.get("/healthz").json()["hash"] == h1

        # fixed -> error cleared, new content served
        good["title"]["en"] = "WATCH-MARK-3 fixed"
        path.write_text(yaml.safe_dump(good, allow_unicode=True, sort_keys=False), encoding="utf-8")
        wait_for(lambda: c.get("/healthz").json()["last_reload_error"] is None, what="error cleared")
        wait_for(lambda: c.get(f"/events/{target}").json()["title"]["en"] == "WATCH-MARK-3 fixed", what="fix served")
        assert c.get("/readyz").json()["last_reload_error"] is None
        assert c.get("/healthz").json()["hash"] not in (h0, h1)


# --- (c) POST /-/reload -----------------------------------------------------------------------------

def test_post_reload_from_loopback(tmp_path, start_server):
    root = small_store(tmp_path / "d")
    srv = start_server(root)  # no watcher: only the POST reloads
    target = IDS[0]
    path = event_path(root, target)
    with httpx.Client(base_url=srv.url, timeout=10) as c:
        h0 = c.get("/healthz").json()["hash"]
        r = c.post("/-/reload")
        assert r.status_code == 200 and r.json()["ok"] is True and r.json()["hash"] == h0

        write_store(root, [event_dict(target, title={"en": "POST-MARK", "zh": "x"})])
        assert c.get(f"/events/{target}").json()["title"]["en"] != "POST-MARK", "no watcher: nothing changes yet"
        r = c.post("/-/reload")
        assert r.status_code == 200 and r.json()["ok"] is True and r.json()["errors"] == []
        h1 = r.json()["hash"]
        assert h1 != h0
        assert c.get(f"/events/{target}").json()["title"]["en"] == "POST-MARK"

        path.write_text("title: [unclosed\n", encoding="utf-8")
        r = c.post("/-/reload")
        assert r.status_code == 409, r.text
        body = r.json()
        assert body["ok"] is False and body["hash"] == h1
        assert any(re.match(re.escape(str(path)) + r":\d+:\d+: .*invalid YAML", e) for e in body["errors"]), body
        assert c.get(f"/events/{target}").json()["title"]["en"] == "POST-MARK"
        assert c.get("/healthz").json()["last_reload_error"] == body["errors"]

        r = c.post("/-/reload", headers={"X-Forwarded-For": "203.0.113.9"})
        assert r.status_code == 403, "a proxied request is not local"


def test_openapi_vocabularies_follow_a_reload(tmp_path, start_server):
    """/openapi.json lists the loaded taxonomy's keys; a reload that adds an actor adds it there."""
    root = small_store(tmp_path / "d")
    srv = start_server(root)

    def actor_enum(c: httpx.Client) -> list[str]:
        params = c.get("/openapi.json").json()["paths"]["/events"]["get"]["parameters"]
        return next(p for p in params if p["name"] == "actor")["schema"]["items"]["enum"]

    with httpx.Client(base_url=srv.url, timeout=10) as c:
        assert "us-test-office" not in actor_enum(c)
        tax_file = root / "taxonomy.yaml"
        tax = yaml.safe_load(tax_file.read_text(encoding="utf-8"))
        tax["actors"]["us-test-office"] = {"label": {"en": "Test office", "zh": "测试办公室"}, "side": "us"}
        tax_file.write_text(yaml.safe_dump(tax, allow_unicode=True), encoding="utf-8")
        assert c.post("/-/reload").json()["ok"] is True
        assert "us-test-office" in actor_enum(c)
        assert c.get("/events", params={"actor": "us-test-office"}).json()["total"] == 0
