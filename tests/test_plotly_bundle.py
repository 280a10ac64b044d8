"""The partial plotly.js bundle leaves out components (scripts/build-plotly.js, DROPPED): the
figures the server builds must use none of them, or plotly.js would silently ignore that part
(the browser tests show what the chart does draw)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from app.figure import figure_dict
from app.store import load_snapshot

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build-plotly.js"

# each dropped component, and the figure keys that would need it
NEEDS = {
    "annotations3d": ("scene",), "selections": ("selections", "selectdirection"), "images": ("images",),
    "updatemenus": ("updatemenus",), "sliders": ("sliders",), "rangeselector": ("rangeselector",),
    "grid": ("grid",), "errorbars": ("error_x", "error_y"), "colorbar": ("colorbar", "showscale", "coloraxis"),
}


def dropped() -> list[str]:
    found = re.search(r"const DROPPED = \[(.*?)\];", SCRIPT.read_text(), re.S)
    assert found, "scripts/build-plotly.js names the components it leaves out in DROPPED"
    return re.findall(r"'([\w-]+)'", found.group(1))


def keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def test_every_dropped_component_is_checked():
    assert dropped() and set(dropped()) <= set(NEEDS)


def test_figures_use_no_dropped_component():
    snap = load_snapshot(ROOT / "timeline_data")
    figures = [figure_dict(snap, snap.events, lang) for lang in ("en", "zh")]
    figures.append(figure_dict(snap, snap.events[:20], "en", connectors=True, as_of=dt.date(2025, 1, 1)))
    # the template holds defaults for every trace type (3-D scenes, colour bars): not used by us
    used = set().union(*(keys({**f, "layout": {k: v for k, v in f["layout"].items() if k != "template"}})
                         for f in figures))
    assert {"rangeslider", "annotations", "shapes"} <= used, "the checks look at the real figure"
    for name in dropped():
        clash = used & set(NEEDS[name])
        assert not clash, f"the figure uses {sorted(clash)}, but the bundle leaves out components/{name}"
