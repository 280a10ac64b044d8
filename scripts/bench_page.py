#!/usr/bin/env python3
"""Page benchmark: our explorer (/) and embed (/embed) against a TimelineJS page of the same events.

Usage (from the repo root, after `make vendor` so the partial plotly.js bundle is served):

    .venv/bin/python scripts/bench_page.py [--data DIR] [--runs 5] [--json OUT.json]

    --data DIR   event store to serve (default: timeline_data; /tmp/d2 is a clean dev copy)
    --runs N     measured runs per page (default 5; one extra warm-up run is discarded)
    --json PATH  also write all raw figures as JSON

Peers:
  * ours       `timeline serve --data DIR --port P` (free port, 1 worker): `/` and `/embed`.
  * TimelineJS @knight-lab/timelinejs, pinned in bench/timelinejs/package.json (+ lock; `npm ci`
               is run there when node_modules is missing). `.bench/timelinejs/` is generated: the
               dist CSS/JS copied locally, `data.json` = the app's own
               `/events.timelinejs.json?limit=500`, and `index.html` with `script_path` local and the
               `georgia-helvetica` font CSS (system fonts; the default font CSS pulls Google Fonts).
               Served by nginx (gzip on, like a CDN would) or, without nginx, Python's http.server
               (uncompressed; flagged in the output).

What is measured (headless Chromium via Playwright, /usr/bin/chromium, 1280x800, no throttling;
all hosts but 127.0.0.1 are unresolvable, and any request leaving 127.0.0.1 is counted as "ext"):
  * bytes  sum of CDP Network.loadingFinished.encodedDataLength (headers + body as transferred,
           i.e. compressed) from navigation until the page is ready and the network is quiet 500 ms.
  * FCP    performance.getEntriesByName('first-contentful-paint').startTime.
           Ours is the header (title, tagline, links): the explorer and the embed paint their
           header in the first frame and the rest of the first screen in the next (static/style.css,
           "First frames"); TimelineJS's is its loading message.
  * screen when the whole first screen is painted (Element Timing, the last of: the explorer's filter
           panel, its search label carrying elementtiming="filters", and the chart, the server-drawn
           preview's first lane label carrying elementtiming="chart"; the embed: the chart). Shown
           beside FCP so that a first paint won by painting less is seen; TimelineJS has no
           equivalent before its ready (its first screen is the loading message until then).
  * drawn  performance.now() when the first chart markers are on screen: ours from the server-drawn
           preview (`#chart .chart-preview .cp-m`, app/preview.py) or plotly.js, whichever comes first;
           TimelineJS: the same as its ready.
  * ready  performance.now() when the interactive chart's markers exist (ours:
           `#chart .cartesianlayer .subplot.xy .scatterlayer .trace .points path.point`;
           TimelineJS: `.tl-timemarker`), detected by a MutationObserver installed by an init script.
  Cold loads: a fresh browser context per run plus Network.setCacheDisabled(true).
  Repeat /embed: a fresh context, /embed loaded once, then loaded again in a new tab of the same
  context with the cache enabled; the second load is measured.
  Median of N runs; pages are interleaved within each run to spread machine noise.

Targets: FCP <= TimelineJS FCP; chart drawn and interactive <= TimelineJS ready; first load <= 400 KB
transferred; repeat /embed <= 30 KB. Exit status is 0 whatever the result (it is a report, not a gate).
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TLJS_PKG = ROOT / "bench" / "timelinejs"
TLJS_DIST = TLJS_PKG / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
OUT = ROOT / ".bench" / "timelinejs"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]

OUR_READY = "#chart .cartesianlayer .subplot.xy .scatterlayer .trace .points path.point"
# "drawn": the first markers on screen, from the server-drawn preview (app/preview.py) or plotly.js.
OUR_DRAWN = "#chart .chart-preview .cp-m, " + OUR_READY
TLJS_READY = ".tl-timemarker"

KB = 1024
TARGET_FIRST_LOAD = 400 * KB  # the chart issue's target
TARGET_REPEAT = 30 * KB

READY_SCRIPT = """
(() => {
  const sel = %s;
  const found = () => {
    if (window.__benchReady === undefined && document.querySelector(sel)) {
      window.__benchReady = performance.now();
      return true;
    }
    return window.__benchReady !== undefined;
  };
  const mo = new MutationObserver(() => { if (found()) mo.disconnect(); });
  mo.observe(document, {childList: true, subtree: true});
  const tick = () => { if (!found()) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})();
"""

# Element Timing (https://w3c.github.io/element-timing/): when text carrying an `elementtiming`
# attribute is painted: the explorer's filter panel ("filters") and the chart preview ("chart") give
# when the first screen is painted ("screen").
ELEMENT_SCRIPT = """
window.__benchElements = {};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__benchElements[e.identifier] = e.renderTime || e.loadTime;
}).observe({type: 'element', buffered: true});
"""

INDEX_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TimelineJS peer: same events as /embed</title>
<link rel="stylesheet" href="timelinejs/css/timeline.css">
<style>html,body{height:100%;margin:0;padding:0}#timeline-embed{width:100%;height:600px}</style>
</head>
<body>
<div id="timeline-embed"></div>
<script src="timelinejs/js/timeline.js"></script>
<script>
  // Local script_path (locale files) and a local font CSS that uses system fonts only.
  var base = new URL('timelinejs/', location.href).href;
  window.timeline = new TL.Timeline('timeline-embed', 'data.json', {
    script_path: base + 'js/',
    font: base + 'css/fonts/font.georgia-helvetica.css',
    language: 'en',
    ga_measurement_id: null
  });
</script>
</body>
</html>
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen | None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"server exited early (status {proc.returncode}) while waiting for {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"timed out waiting for {url}")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def ensure_timelinejs() -> None:
    if (TLJS_DIST / "js" / "timeline.js").is_file():
        return
    npm = shutil.which("npm")
    if not npm:
        raise SystemExit("npm is needed once to install bench/timelinejs (npm ci)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=TLJS_PKG, check=True)


def build_tljs_site(app_base: str) -> int:
    """Fill .bench/timelinejs/ (dist copy, data.json from the app, index.html); return event count."""
    ensure_timelinejs()
    OUT.mkdir(parents=True, exist_ok=True)
    dest = OUT / "timelinejs"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(TLJS_DIST / "js", dest / "js")
    shutil.copytree(TLJS_DIST / "css", dest / "css")
    req = urllib.request.Request(app_base + "/events.timelinejs.json?limit=500",
                                 headers={"Accept-Encoding": "identity"})
    with urllib.request.urlopen(req, timeout=30) as r:
        body = r.read()
    (OUT / "data.json").write_bytes(body)
    (OUT / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    return len(json.loads(body)["events"])


NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
  types {{ text/html html; text/css css; application/javascript js; application/json json;
          image/svg+xml svg; font/woff2 woff2; font/woff woff; font/ttf ttf;
          application/vnd.ms-fontobject eot; }}
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  sendfile on;
  gzip on; gzip_comp_level 6; gzip_min_length 512; gzip_vary on;
  gzip_types text/css application/javascript application/json image/svg+xml font/ttf application/vnd.ms-fontobject;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    location / {{ add_header Cache-Control "public, max-age=300"; }}
  }}
}}
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: D401 - silence
        pass


def start_static(port: int, tmp: Path) -> tuple[subprocess.Popen | None, http.server.ThreadingHTTPServer | None, str]:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx:
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=OUT), encoding="utf-8")
        cmd = [nginx, "-e", str(tmp / "error.log"), "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"]
        if os.geteuid() == 0:
            cmd[-1] = "daemon off; user root;"
        proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_http(f"http://127.0.0.1:{port}/index.html", proc, 20)
        return proc, None, "nginx (gzip)"
    handler = lambda *a, **k: _QuietHandler(*a, directory=str(OUT), **k)  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return None, httpd, "python http.server (UNCOMPRESSED)"


class Meter:
    """Counts transferred bytes per request through a CDP session on one page."""

    def __init__(self, cdp, origin_hosts: set[str]):
        self.cdp = cdp
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.inflight: set[str] = set()
        self.external: list[str] = []
        self.last_activity = time.monotonic()
        self.origin_hosts = origin_hosts
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.send("Network.enable")

    def _sent(self, ev) -> None:
        url = ev["request"]["url"]
        self.urls[ev["requestId"]] = url
        self.inflight.add(ev["requestId"])
        self.last_activity = time.monotonic()
        host = urlsplit(url).hostname
        if url.startswith(("http:", "https:", "ws:", "wss:")) and host not in self.origin_hosts:
            self.external.append(url)

    def _finished(self, ev) -> None:
        rid = ev["requestId"]
        self.sizes[rid] = self.sizes.get(rid, 0) + int(ev.get("encodedDataLength", 0))
        self.inflight.discard(rid)
        self.last_activity = time.monotonic()

    def _failed(self, ev) -> None:
        self.inflight.discard(ev["requestId"])
        self.last_activity = time.monotonic()

    def total(self) -> int:
        return sum(self.sizes.values())

    def breakdown(self) -> list[tuple[str, int]]:
        rows = [(self.urls.get(rid, rid), n) for rid, n in self.sizes.items()]
        return sorted(rows, key=lambda r: -r[1])


def load(context, url: str, selector: str, cold: bool, hosts: set[str], drawn_selector: str | None = None) -> dict:
    page = context.new_page()
    try:
        page.add_init_script(READY_SCRIPT % json.dumps(selector))
        page.add_init_script(READY_SCRIPT.replace("__benchReady", "__benchDrawn") % json.dumps(drawn_selector or selector))
        page.add_init_script(ELEMENT_SCRIPT)
        cdp = context.new_cdp_session(page)
        meter = Meter(cdp, hosts)
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": cold})
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        page.goto(url, wait_until="load", timeout=60_000)
        page.wait_for_function("() => window.__benchReady !== undefined", timeout=60_000, polling=50)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:  # network quiet for 500 ms
            page.wait_for_timeout(100)
            if not meter.inflight and time.monotonic() - meter.last_activity >= 0.5:
                break
        fcp = page.evaluate(
            "(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: null}).startTime")
        ready = page.evaluate("window.__benchReady")
        drawn = page.evaluate("window.__benchDrawn")
        painted = page.evaluate("window.__benchElements")
        parts = [painted.get(k) for k in ("filters", "chart") if k in painted]
        screen = max(parts) if parts else None
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        markers = page.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length")
        return {"bytes": meter.total(), "fcp": fcp, "screen": screen, "ready": ready, "drawn": drawn, "requests": len(meter.sizes),
                "cpu": metrics.get("TaskDuration", 0) * 1000, "script": metrics.get("ScriptDuration", 0) * 1000,
                "markers": markers, "external": list(meter.external), "breakdown": meter.breakdown()}
    finally:
        page.close()


def measure(browser, url: str, selector: str, hosts: set[str], drawn: str | None = None) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        return load(context, url, selector, True, hosts, drawn)
    finally:
        context.close()


def measure_repeat(browser, url: str, selector: str, hosts: set[str]) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        load(context, url, selector, False, hosts, OUR_DRAWN)
        return load(context, url, selector, False, hosts, OUR_DRAWN)
    finally:
        context.close()


def med(rows: list[dict], key: str) -> float | None:
    vals = [r[key] for r in rows if r[key] is not None]
    return statistics.median(vals) if vals else None


def fmt_kb(n: float | None) -> str:
    return "-" if n is None else f"{n / KB:,.1f} KB"


def fmt_ms(n: float | None) -> str:
    return "-" if n is None else f"{n:,.0f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="timeline_data", help="event store (default: timeline_data)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", dest="json_out", help="write raw figures to this JSON file")
    args = ap.parse_args()
    os.chdir(ROOT)

    timeline = ROOT / ".venv" / "bin" / "timeline"
    if not timeline.exists():
        timeline = Path(shutil.which("timeline") or "timeline")
    from playwright.sync_api import sync_playwright

    app_port, static_port = free_port(), free_port()
    app_base, tl_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{static_port}"
    app_proc = static_proc = httpd = None
    tmp = Path(tempfile.mkdtemp(prefix="bench_page."))

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    try:
        with open(tmp / "app.log", "wb") as app_log:
            app_proc = subprocess.Popen(
                [str(timeline), "serve", "--data", args.data, "--host", "127.0.0.1", "--port", str(app_port),
                 "--workers", "1"], start_new_session=True, stdout=app_log, stderr=subprocess.STDOUT)
        try:
            wait_http(app_base + "/readyz", app_proc, 60)
        except SystemExit:
            sys.stderr.write((tmp / "app.log").read_text(errors="replace")[-3000:])
            raise
        n_events = build_tljs_site(app_base)
        static_proc, httpd, static_kind = start_static(static_port, tmp)

        pages = [("/ (explorer)", app_base + "/", OUR_READY, OUR_DRAWN),
                 ("/embed", app_base + "/embed", OUR_READY, OUR_DRAWN),
                 ("TimelineJS", tl_base + "/index.html", TLJS_READY, TLJS_READY)]
        hosts = {"127.0.0.1"}
        results: dict[str, list[dict]] = {name: [] for name, _, _, _ in pages}
        results["/embed repeat"] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for run in range(args.runs + 1):  # run 0 warms the servers' caches; discarded
                    for name, url, sel, drawn_sel in pages:
                        r = measure(browser, url, sel, hosts, drawn_sel)
                        if run:
                            results[name].append(r)
                    r = measure_repeat(browser, app_base + "/embed", OUR_READY, hosts)
                    if run:
                        results["/embed repeat"].append(r)
                    if run:
                        print(f"run {run}/{args.runs} done", file=sys.stderr)
                version = browser.version
            finally:
                browser.close()

        tl_pkg = json.loads((TLJS_DIST.parent / "package.json").read_text())
        print(f"\nPage benchmark: {n_events} events from {args.data}; Chromium {version}; "
              f"TimelineJS {tl_pkg['version']} via {static_kind}; median of {args.runs} runs "
              f"(cold = cache disabled, fresh context)\n")
        keys = ("bytes", "fcp", "screen", "drawn", "ready", "requests", "markers", "cpu", "script")
        summary = {name: {k: med(rows, k) for k in keys} for name, rows in results.items()}
        print("drawn = first markers on screen (server-drawn preview or plotly.js); ready = interactive chart "
              "(plotly.js markers; TimelineJS: its markers)")
        print(f"{'page':<16}{'transferred':>13}{'reqs':>5}{'FCP':>9}{'screen':>9}{'drawn':>9}{'ready':>9}{'(min-max ready)':>17}"
              f"{'main-thr':>10}{'script':>9}{'markers':>8}{'ext':>4}")
        for name, s in summary.items():
            ext = max(len(r["external"]) for r in results[name])
            readies = [r["ready"] for r in results[name] if r["ready"] is not None]
            spread = f"{min(readies):,.0f}-{max(readies):,.0f}" if readies else "-"
            print(f"{name:<16}{fmt_kb(s['bytes']):>13}{s['requests']:>5.0f}{fmt_ms(s['fcp']):>9}"
                  f"{fmt_ms(s['screen']):>9}{fmt_ms(s['drawn']):>9}{fmt_ms(s['ready']):>9}{spread:>17}{fmt_ms(s['cpu']):>10}{fmt_ms(s['script']):>9}"
                  f"{s['markers']:>8.0f}{ext:>4}")
        print("FCP: ours is the header, TimelineJS's its loading message; screen: the whole first screen painted "
              "(filters and chart, Element Timing).")
        print("main-thr / script: CDP Performance.getMetrics TaskDuration / ScriptDuration (main-thread "
              "CPU, thread ticks) at the end of the load; less sensitive to a busy machine than wall time.")
        load1, load5, _ = os.getloadavg()
        print(f"load average at the end: {load1:.1f} (1 min), {load5:.1f} (5 min) on {os.cpu_count()} CPUs")

        tl = summary["TimelineJS"]
        print("\nRatios vs TimelineJS (ours / TimelineJS; < 1 is better)")
        print(f"{'page':<16}{'bytes':>8}{'FCP':>8}{'screen':>8}{'drawn':>8}{'ready':>8}")
        for name in ("/ (explorer)", "/embed", "/embed repeat"):
            s = summary[name]
            ratio = lambda k, o=None: "-" if not (s[k] and tl[o or k]) else f"{s[k] / tl[o or k]:.2f}"  # noqa: E731
            print(f"{name:<16}{ratio('bytes'):>8}{ratio('fcp'):>8}{ratio('screen', 'fcp'):>8}{ratio('drawn', 'ready'):>8}{ratio('ready'):>8}")
        print("screen: our whole first screen against TimelineJS's first paint (its loading message).")

        print("\nTargets")
        checks = []
        for name in ("/ (explorer)", "/embed"):
            s = summary[name]
            checks += [
                (f"{name} FCP <= TimelineJS FCP", s["fcp"] is not None and tl["fcp"] is not None
                 and s["fcp"] <= tl["fcp"], f"{fmt_ms(s['fcp'])} vs {fmt_ms(tl['fcp'])}"),
                (f"{name} chart drawn <= TimelineJS ready", s["drawn"] is not None and tl["ready"] is not None
                 and s["drawn"] <= tl["ready"], f"{fmt_ms(s['drawn'])} vs {fmt_ms(tl['ready'])}"),
                (f"{name} interactive <= TimelineJS ready", s["ready"] is not None and tl["ready"] is not None
                 and s["ready"] <= tl["ready"], f"{fmt_ms(s['ready'])} vs {fmt_ms(tl['ready'])}"),
                (f"{name} first load <= 400 KB", s["bytes"] <= TARGET_FIRST_LOAD, fmt_kb(s["bytes"])),
            ]
        rep = summary["/embed repeat"]["bytes"]
        checks.append(("/embed repeat visit <= 30 KB", rep <= TARGET_REPEAT, fmt_kb(rep)))
        for label, ok, detail in checks:
            print(f"  [{'PASS' if ok else 'MISS'}] {label:<42} {detail}")

        print("\nHeaviest resources (first measured run, transferred)")
        for name in results:
            print(f"  {name}")
            for url, n in results[name][0]["breakdown"][:5]:
                print(f"    {fmt_kb(n):>11}  {urlsplit(url).path}")
        ext_all = sorted({u for rows in results.values() for r in rows for u in r["external"]})
        if ext_all:
            print("\nRequests that tried to leave 127.0.0.1 (blocked):")
            for u in ext_all:
                print("  " + u)
        if args.json_out:
            Path(args.json_out).write_text(json.dumps({"summary": summary, "runs": results}, indent=1))
        return 0
    finally:
        if httpd is not None:
            httpd.shutdown()
        stop(static_proc)
        stop(app_proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
