#!/usr/bin/env python3
"""Where plotly.js spends the explorer's chart draw: the same figure drawn with and without
its range slider, landmark labels and per-category traces.

Usage (from the repo root, after `make vendor`):

    .venv/bin/python scripts/probe_chart_draw.py [--runs 7] [--width 1280]

It serves the real store (`timeline serve`, a free port), opens `/` in headless Chromium
(/usr/bin/chromium) and, once the page's own chart is drawn, redraws that figure with
`Plotly.newPlot` into fresh off-page containers of the chart's width, `--runs` times per variant
(warm: plotly.js is loaded and compiled), and prints the median milliseconds per variant.
A lead for making the explorer interactive sooner (issue 13), not a gate: exit status 0.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

VARIANTS = r"""async (runs) => {
  const gd = document.getElementById('chart');
  const clone = o => JSON.parse(JSON.stringify(o, (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v)));
  const data = clone(gd.data), layout = clone(gd.layout);
  const markers = data.filter(t => t.mode === 'markers' && t.x && t.x.length);
  const others = data.filter(t => !markers.includes(t));
  const each = (o, k, n) => (Array.isArray(o[k]) ? o[k] : Array(n).fill(o[k]));
  const one = { type: 'scatter', mode: 'markers', x: [], y: [], customdata: [], hovertemplate: markers[0].hovertemplate,
                marker: { size: [], color: [], symbol: [], opacity: [], line: { width: 1.5, color: [] } } };
  for (const t of markers) {
    const n = t.x.length;
    one.x.push(...t.x); one.y.push(...t.y); one.customdata.push(...(t.customdata || Array(n).fill(null)));
    for (const k of ['size', 'color', 'symbol', 'opacity']) one.marker[k].push(...each(t.marker, k, n));
    one.marker.line.color.push(...each(t.marker.line || {}, 'color', n));
  }
  const noSlider = l => ({ ...l, xaxis: { ...l.xaxis, rangeslider: { visible: false } } });
  const noLabels = l => ({ ...l, annotations: [] });
  const variants = [
    ['as drawn', data, layout],
    ['without the range slider', data, noSlider(layout)],
    ['without the landmark labels', data, noLabels(layout)],
    [`one marker trace instead of ${markers.length}`, [one, ...others], layout],
    ['all three', [one, ...others], noLabels(noSlider(layout))],
  ];
  const out = [];
  for (const [name, d, l] of variants) {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const div = document.createElement('div');
      div.style.cssText = `width:${gd.clientWidth}px;position:absolute;left:-10000px;top:0`;
      document.body.appendChild(div);
      const t0 = performance.now();
      await Plotly.newPlot(div, clone(d), clone(l), { responsive: false });
      times.push(performance.now() - t0);
      Plotly.purge(div); div.remove();
    }
    times.sort((a, b) => a - b);
    out.push([name, times[Math.floor(times.length / 2)]]);
  }
  return out;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--width", type=int, default=1280)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([str(ROOT / ".venv/bin/timeline"), "serve", "--port", str(port), "--workers", "1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.25)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": args.width, "height": 800})
            page.goto(base + "/?lang=en")
            page.wait_for_function("() => window.Plotly && document.querySelector('#chart .scatterlayer .point')",
                                   timeout=30000)
            page.wait_for_timeout(500)
            rows = page.evaluate(VARIANTS, args.runs)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)
    base_ms = rows[0][1]
    print(f"plotly.js newPlot of the explorer's figure at {args.width} px, warm, median of {args.runs}:")
    for name, ms in rows:
        print(f"  {name:34s} {ms:6.1f} ms  ({ms / base_ms:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
