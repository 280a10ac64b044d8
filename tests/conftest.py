"""Shared fixtures: synthetic stores, and the real app started with uvicorn on a free port."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "timeline_data"
TAXONOMY = DATA / "taxonomy.yaml"

# The start-up cache (app/snapcache.py) stays on, as in production, but in a folder of this test
# run: the suite makes hundreds of temporary stores and must not leave a cache file for each in
# the user's ~/.cache.
if "TIMELINE_CACHE_DIR" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="timeline-test-cache-")  # private (0700), as the cache requires
    os.environ["TIMELINE_CACHE_DIR"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


def event_dict(id: str = "2022-10-07-test-rule", **overrides) -> dict:
    """A valid event as plain data; override any field."""
    date = id[:10]
    data = {
        "id": id,
        "date": date,
        "title": {"en": f"Test event {id}", "zh": f"测试事件 {id}"},
        "summary": {"en": "A synthetic event used by the tests.", "zh": "测试用的合成事件。"},
        "actors": ["us-bis"],
        "category": "export-control-rule",
        "technologies": ["ai-chips"],
        "entities": ["Nvidia A100"],
        "significance": 2,
        "status": "official",
        "sources": [{"url": "https://example.org/source", "publisher": "Example", "title": "A source"}],
        "added": "2026-11-29",
        "updated": "2026-11-29",
    }
    data.update(overrides)
    return data


def write_store(root: Path, events: list[dict], taxonomy: Path = TAXONOMY) -> Path:
    """Write a store folder with the real taxonomy and the given events; returns the folder."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(taxonomy, root / "taxonomy.yaml")
    events_dir = root / "events"
    events_dir.mkdir(exist_ok=True)
    for event in events:
        year = str(event["id"])[:4]
        (events_dir / year).mkdir(exist_ok=True)
        text = yaml.safe_dump(event, allow_unicode=True, sort_keys=False)
        (events_dir / year / f"{event['id']}.yaml").write_text(text, encoding="utf-8")
    return root


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The real app in a uvicorn subprocess."""

    def __init__(self, data: Path, env: dict | None = None, workers: int = 1, port: int | None = None):
        self.port = port or free_port()  # a port chosen first when the environment names it
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"timeline-server-{self.port}.log", "w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--data", str(data), "--port", str(self.port),
             "--workers", str(workers)],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            env={**os.environ, "TIMELINE_LOG_LEVEL": "warning", **(env or {})},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.output()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start: {self.output()}")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def server():
    """The app serving the real curated data set."""
    srv = Server(DATA)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def client(server):
    with httpx.Client(base_url=server.url, timeout=20) as c:
        yield c


@pytest.fixture
def start_server():
    started: list[Server] = []

    def start(data: Path, **kw) -> Server:
        srv = Server(data, **kw)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()


def publisher_zh_names() -> dict[str, str]:
    """The Chinese names of timeline_data/publishers.yaml, read from the YAML (a glossary term's
    names from glossary.yaml), independently of the app's models."""
    terms = yaml.safe_load((DATA / "glossary.yaml").read_text(encoding="utf-8"))["terms"]
    names = {}
    for entry in yaml.safe_load((DATA / "publishers.yaml").read_text(encoding="utf-8"))["publishers"]:
        if "term" in entry:
            entry = {"en": terms[entry["term"]]["en"]["name"], "zh": terms[entry["term"]]["zh"]["name"]}
        if entry.get("zh"):
            names[entry["en"]] = entry["zh"]
    return names
