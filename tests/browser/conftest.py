"""Headless Debian Chromium driven by Playwright for Python (never `playwright install`).

Without /usr/bin/chromium the browser tests are skipped on a developer machine but FAIL under
CI=true, so a CI machine that lost its browser cannot pass silently."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
POINTS = "#chart .cartesianlayer .subplot.xy .scatterlayer .trace .points path.point"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (install Debian's chromium; .ci/run does)"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


class PageWatch:
    """Console errors, page errors and failed requests seen by a page."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"requestfailed: {r.url} {r.failure}")
                if not r.url.endswith(".ico") else None)


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    pg = context.new_page()
    pg.watch = PageWatch(pg)
    yield pg


def shot(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"), full_page=True)


def wait_chart(target, timeout: float = 20000) -> None:
    """Wait until the chart has been drawn (data-drawn) and has settled its markers."""
    target.wait_for_selector("#chart[data-drawn='true']", timeout=timeout)


def marker_count(target) -> int:
    return target.locator(POINTS).count()


def serious(results) -> list[str]:
    out = []
    for v in results.response["violations"]:
        if v.get("impact") in ("serious", "critical"):
            nodes = "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                              for n in v["nodes"][:5])
            out.append(f"{v['id']} ({v['impact']}): {v['help']} -> {nodes}")
    return out


# Element Timing: when each text carrying an `elementtiming` attribute was painted (the pages'
# "header", "filters" and "chart"; static/style.css, "First frames").
PAINT_TIMES = """window.__paints = {};
new PerformanceObserver(l => { for (const e of l.getEntries()) window.__paints[e.identifier] = e.renderTime; })
  .observe({type: 'element', buffered: true});"""


def paint_times(page, *names: str) -> tuple[dict, float]:
    """The paint times of `names` (page opened with PAINT_TIMES as an init script) and the first
    contentful paint, once all of them are reported (within 5 s)."""
    wanted = " && ".join(f"window.__paints[{name!r}]" for name in names)
    for _ in range(50):
        if page.evaluate(f"!!({wanted})"):
            break
        page.wait_for_timeout(100)
    fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    return page.evaluate("window.__paints"), fcp
