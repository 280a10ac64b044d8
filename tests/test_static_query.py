"""One query semantics: the static site's query module (static/query.js, run under node) against
the server's parameters and query (app/pages.py parse_view, app/query.py), on generated
queries over the real store: the same results, facet counts and errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from app import query as q
from app.pages import ExplorerParams, parse_view
from app.errors import ProblemError
from app.staticindex import build_index
from app.store import load_snapshot
from tests.conftest import DATA, ROOT

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

SNAP = load_snapshot(DATA)
KNOWN = sorted({info.alias or name for name, info in ExplorerParams.model_fields.items()})
INDEX = build_index(SNAP, KNOWN)
TAX = SNAP.taxonomy
WORDS = sorted({w for e in SNAP.events for w in (e.title.en + " " + e.title.zh).split()})[:400]
ENTITIES = sorted({x for e in SNAP.events for x in e.entities})

RUNNER = """
const q = require(process.argv[2]);
const fs = require('fs');
const index = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const cases = JSON.parse(fs.readFileSync(process.argv[4], 'utf8'));
const out = cases.map(function (search) {
  const p = q.parse(search, index);
  return { errors: Object.keys(p.errors).sort(), ids: q.match(index, p.query).map(i => index.ids[i]),
           facets: q.facets(index, p.query) };
});
process.stdout.write(JSON.stringify(out));
"""

EVENT_DAYS = sorted({e.date.isoformat() for e in SNAP.events} | {e.updated.isoformat() for e in SNAP.events})
date = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(EVENT_DAYS),  # boundaries: days with events
    st.sampled_from(["2025", "2024-02", "2023-02-30", "2025/03", "19", "", "2201", " 2022-10-07 ", "2022-13", "abc"]))
day = st.one_of(st.dates(min_value=__import__("datetime").date(2017, 1, 1),
                         max_value=__import__("datetime").date(2027, 1, 1)).map(lambda d: d.isoformat()),
                st.sampled_from(EVENT_DAYS), st.sampled_from(["2025", "2025-11-31", "x", ""]))
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
value = {
    "actor": st.one_of(st.sampled_from(list(TAX.actors)), st.just("nobody")),
    "category": st.one_of(st.sampled_from(list(TAX.categories)), st.just("embargo")),
    "technology": st.sampled_from(list(TAX.technologies) + ["lasers"]),
    "side": st.sampled_from(list(TAX.sides) + ["mars"]),
    "status": st.sampled_from(["official", "reported", "rumour"]),
    "entity": st.one_of(st.sampled_from(ENTITIES), text),
    "q": st.one_of(st.sampled_from(WORDS), text, st.lists(st.sampled_from(WORDS), max_size=3).map(" ".join)),
    "from": date, "to": date, "updated_since": date, "x0": date, "x1": date,
    "as_of": day, "state": st.sampled_from(["in-force", "suspended", "ended", "superseded", "reversed", "asleep"]),
    "significance": st.sampled_from(["1", "2", "3", "0", "4", " 2", "x", "2.0", "+1"]),
    "sort": st.sampled_from(["date", "-date", "title"]),
    "lang": st.sampled_from(["en", "zh", "fr"]),
    "connectors": st.sampled_from(["true", "false", "0", "yes", "maybe"]),
    "event": st.sampled_from([e.id for e in SNAP.events[:5]] + ["2099-01-01-nothing"]),
    "catgory": st.just("tariff"),
}
pair = st.sampled_from(sorted(value)).flatmap(lambda k: value[k].map(lambda v: (k, v)))
search = st.lists(pair, max_size=6).map(urlencode)


def python_answer(qs: str) -> dict:
    request = Request({"type": "http", "query_string": qs.encode(), "headers": []})
    try:
        _params, query, _x, errors = parse_view(ExplorerParams, request, SNAP, "en")
    except ProblemError as exc:  # pragma: no cover - parse_view drops what it cannot apply
        raise AssertionError(exc.detail) from None
    return {"errors": sorted(errors), "ids": [SNAP.events[i].id for i in q.match(SNAP, query)],
            "facets": q.facets(SNAP, query)}


def node_answers(tmp_path, cases: list[str]) -> list[dict]:
    (tmp_path / "index.json").write_text(json.dumps(INDEX, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "run.js").write_text(RUNNER, encoding="utf-8")
    out = subprocess.run([NODE, str(tmp_path / "run.js"), str(ROOT / "static" / "query.js"),
                          str(tmp_path / "index.json"), str(tmp_path / "cases.json")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


FIXED = ["", "side=china", "from=2025&to=2024", "as_of=2025-12-01", "as_of=2025-12-01&state=suspended&state=ended",
         "state=suspended", "q=gallium%20%E7%A8%80%E5%9C%9F", "entity=H200", "catgory=tariff", "from=2025%2F03",
         "actor=us-bis&actor=nobody&category=tariff", "sort=-date&significance=3", "updated_since=2026-12-01",
         "x0=2022-01-01&x1=2021-01-01", "x0=bad&x1=2022", "from=2022-10-07", "to=2022-10-07",
         "as_of=2025-11-10&state=suspended", "as_of=2025-11-09", "updated_since=2026-11-29", "q=%C4%B0STANBUL", "q=%E1%BA%9E", "q=%EF%BC%A8200",
         "q=%E5%AF%A6%E9%AB%94%E6%B8%85%E5%96%AE", "q=%22entity%20list%22", "q=H%E2%80%8B200", "q=%E2%80%9C%E2%80%9D",
         "q=%E3%80%8A%E5%87%BA%E5%8F%A3%E7%AE%A1%E5%88%B6%E6%B3%95%E3%80%8B", "entity=%22H200%22"]


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(search, min_size=150, max_size=150))
def test_static_query_module_answers_as_the_server(tmp_path_factory, cases):
    cases = FIXED + cases
    tmp = tmp_path_factory.mktemp("parity")
    for qs, got in zip(cases, node_answers(tmp, cases)):
        want = python_answer(qs)
        assert got["errors"] == want["errors"], qs
        assert got["ids"] == want["ids"], qs
        assert got["facets"] == want["facets"], qs


def test_fold_matches_python_casefold(tmp_path):
    sample = "".join(INDEX["fold"]) + "ǅΣßİﬁＡＢＣ①ẞ"
    script = ("const q=require(process.argv[1]);const i=JSON.parse(require('fs').readFileSync(process.argv[2],'utf8'));"
              "process.stdout.write(JSON.stringify(q.fold(process.argv[3], i)))")
    (tmp_path / "index.json").write_text(json.dumps(INDEX, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([NODE, "-e", script, str(ROOT / "static" / "query.js"), str(tmp_path / "index.json"), sample],
                         capture_output=True, text=True)
    from app.store import fold
    assert json.loads(out.stdout) == fold(sample)
