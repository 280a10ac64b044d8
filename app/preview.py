"""A static, server-drawn picture of a Plotly figure (markers, lanes, links, years) shown in
the chart area before plotly.js arrives, and for readers without JavaScript. plotly.js then
draws the interactive chart over it and the preview is removed.

Markers are circles in an SVG over the plot area, placed by percentage of its width (so they stay
round at any width); grid lines and links are an SVG stretched over the plot area with
non-scaling strokes; lane names and years are HTML placed with CSS calc()."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any



def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


def preview_html(fig: dict[str, Any]) -> str:
    layout = fig["layout"]
    height = layout["height"]
    m = layout["margin"]
    left, right, top, bottom = m["l"], m["r"], m["t"], m["b"]
    plot_h = height - top - bottom
    slider = layout["xaxis"].get("rangeslider", {})
    if slider.get("visible"):
        # plotly.js puts the range slider (thickness x plot height) and the tick labels
        # (about 37 px at 13 px type) below the plot area, inside the figure's height.
        plot_h = (plot_h - 37) / (1 + slider.get("thickness", 0.15))
    x0, x1 = (_day(v) for v in layout["xaxis"]["range"])
    span = max((x1 - x0).days, 1)
    y0, y1 = layout["yaxis"]["range"]

    def fx(value: str) -> float | None:
        f = (_day(value) - x0).days / span
        return f if 0 <= f <= 1 else None

    def py(value: float) -> float:
        return top + (1 - (value - y0) / (y1 - y0)) * plot_h

    def left_css(f: float) -> str:
        return f"calc({left}px + (100% - {left + right}px) * {f:.5f})"

    parts = ['<div class="chart-preview" aria-hidden="true">']
    # grid and links: one SVG over the plot area, x in 0..1000, y in 0..1000
    lines = []
    for lane in layout["yaxis"]["tickvals"]:
        y = (1 - (lane - y0) / (y1 - y0)) * 1000
        lines.append(f'<line class="cp-grid" x1="0" x2="1000" y1="{y:.1f}" y2="{y:.1f}"/>')
    years = range(x0.year + (x0 > dt.date(x0.year, 1, 1)), x1.year + 1)
    for year in years:
        f = fx(f"{year}-01-01")
        if f is not None:
            lines.append(f'<line class="cp-grid" x1="{f * 1000:.1f}" x2="{f * 1000:.1f}" y1="0" y2="1000"/>')
    for trace in fig["data"]:
        if trace.get("meta", {}).get("connectors") and trace.get("visible", True) is True:
            xs, ys = trace["x"], trace["y"]
            for i in range(0, len(xs) - 2, 3):
                a, b = fx(xs[i]), fx(xs[i + 1])
                if a is None or b is None:
                    continue
                ya = (1 - (ys[i] - y0) / (y1 - y0)) * 1000
                yb = (1 - (ys[i + 1] - y0) / (y1 - y0)) * 1000
                lines.append(f'<line class="cp-link" x1="{a * 1000:.1f}" x2="{b * 1000:.1f}" y1="{ya:.1f}" y2="{yb:.1f}"/>')
    parts.append(
        f'<svg class="cp-lines" style="left:{left}px;width:calc(100% - {left + right}px);top:{top}px;height:{plot_h:.0f}px" '
        f'viewBox="0 0 1000 1000" preserveAspectRatio="none" focusable="false">{"".join(lines)}</svg>')
    # the first lane's label carries Element Timing: when the chart was painted (scripts/bench_page.py)
    for i, (lane, label) in enumerate(zip(layout["yaxis"]["tickvals"], layout["yaxis"]["ticktext"])):
        timing = ' elementtiming="chart"' if i == 0 else ""
        parts.append(f'<span class="cp-lane"{timing} style="top:{py(lane):.0f}px;width:{left - 8}px">{html.escape(label)}</span>')
    step = max(1, len(years) // 8)
    for year in list(years)[::step]:
        f = fx(f"{year}-01-01")
        if f is not None:
            parts.append(f'<span class="cp-tick" style="left:{left_css(f)};top:{top + plot_h + 4}px">{year}</span>')
    # Markers: circles in one SVG over the plot area, x as a percentage of its width (so they
    # stay round at any width), y in pixels. 200 HTML spans, each with a transform, gave the
    # browser's first frame 200 boxes to lay out and paint (first paint 220 against 192 ms
    # with the SVG, in one interleaved run of 20 cold loads).
    circles = []
    for trace in fig["data"]:
        if trace.get("mode") != "markers":
            continue
        marker = trace["marker"]
        colour = html.escape(str(marker["color"]))
        for i, (x, y) in enumerate(zip(trace["x"], trace["y"])):
            f = fx(x)
            if f is None:
                continue
            r = marker["size"][i] / 2
            if marker["symbol"][i] != "circle":  # open: known from press reports
                circles.append(f'<circle class="cp-m cp-open" cx="{f * 100:.3f}%" cy="{py(y):.1f}" r="{r - 1.25:g}" '
                               f'stroke="{colour}"/>')
            else:
                circles.append(f'<circle class="cp-m" cx="{f * 100:.3f}%" cy="{py(y):.1f}" r="{r:g}" fill="{colour}"/>')
    parts.append(f'<svg class="cp-marks" style="left:{left}px;width:calc(100% - {left + right}px)" focusable="false">'
                 f'{"".join(circles)}</svg>')
    parts.append("</div>")
    return "".join(parts)
