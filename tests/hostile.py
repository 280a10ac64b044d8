"""A store of hostile events: HTML, scripts, event handlers, javascript: text, direction
overrides, template syntax and spreadsheet formulas in every text field a renderer shows."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import event_dict, write_store

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = "<svg/onload=window.__pwned=1>"
QUOTE_BREAK = "\"'><b onmouseover=window.__pwned=1>x</b>"
RLO = "\u202eevil\u202c"
TEMPLATE = "{{7*7}} {% raw %}"
FORMULA = "=HYPERLINK(\"http://evil.example\",\"click\")"
HOSTILE_URL = "https://example.org/\"onmouseover=window.__pwned=1//?a=<script>"

TITLE_EN = f"{SCRIPT} {IMG} title"
EVENTS = [
    event_dict(
        "2022-10-07-hostile-one",
        title={"en": TITLE_EN, "zh": f"{SVG}标题 {RLO}"},
        summary={"en": f"{QUOTE_BREAK} {TEMPLATE} javascript:window.__pwned=1", "zh": f"{FORMULA} 摘要"},
        context={"en": f"</p></article>{SCRIPT}", "zh": f"{IMG}"},
        date_note={"en": f"{SVG}", "zh": f"{SCRIPT}"},
        entities=[FORMULA, SCRIPT, "@SUM(A1)", "H200"],
        sources=[
            {"url": HOSTILE_URL, "publisher": f"{IMG} Publisher", "title": f"{SCRIPT} Source", "note": {"en": QUOTE_BREAK, "zh": f"{SCRIPT}说明"}},
            {"citation": f"{SVG} 87 FR 1", "publisher": "-2+3", "title": "+cmd|' /C calc'!A0"},
        ],
        significance=3,
    ),
    event_dict(
        "2023-07-03-hostile-two",
        title={"en": f"{QUOTE_BREAK} second", "zh": f"{SCRIPT}第二"},
        summary={"en": f"{RLO} {IMG}", "zh": f"{TEMPLATE}"},
        actors=["cn-mofcom"], category="tariff",
        entities=[IMG],
        related=[{"id": "2022-10-07-hostile-one", "relation": "responds-to"}],
        status="reported",
    ),
]
PAYLOADS = (SCRIPT, IMG, SVG, "<b onmouseover")


def write_hostile_store(root: Path) -> Path:
    return write_store(root, EVENTS)
