"""The loader and validator: malformed stores get exact file:line:column: field messages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from app.models import Event
from app.schema import event_schema
from app.store import StoreError, StoreHolder, load_snapshot
from tests.conftest import DATA, ROOT, TAXONOMY, event_dict, write_store

# Line numbers below refer to this text.
BASE = """\
id: 2022-10-07-test-rule
date: 2022-10-07
title:
  en: Test
  zh: 测试
summary:
  en: Summary
  zh: 摘要
actors: [us-bis]
category: export-control-rule
technologies: [ai-chips]
entities: [Nvidia A100]
significance: 2
status: official
sources:
  - url: https://example.org/a
    publisher: Example
    title: A source
added: 2026-11-29
updated: 2026-11-29
"""
NAME = "events/2022/2022-10-07-test-rule.yaml"


def replace_line(n: int, text: str) -> str:
    lines = BASE.splitlines()
    lines[n - 1] = text
    return "\n".join(lines) + "\n"


def store(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "data"
    (root / "events").mkdir(parents=True)
    shutil.copy(TAXONOMY, root / "taxonomy.yaml")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"

PUBLISHERS = """\
publishers:
  - {en: Reuters, zh: 路透社}
  - {en: Associated Press, zh: 美联社, variants: [AP]}
"""
GLOSSARY = """\
terms:
  bis:
    en: {name: Bureau of Industry and Security}
    zh: {name: 美国商务部工业与安全局}
    definition: {en: The agency., zh: 该机构。}
    sources:
      - {citation: 15 CFR 730, publisher: Example, title: EAR}
"""

# (case id, files, expected file, line, field, message fragment)
CASES = [
    ("broken-yaml", {NAME: replace_line(9, "actors: [us-bis")}, NAME, 10, "", "invalid YAML"),
    ("bad-indentation", {NAME: replace_line(5, "   zh: 测试")}, NAME, 5, "", "invalid YAML"),
    ("wrong-type", {NAME: replace_line(13, "significance: high")}, NAME, 13, "significance", "integer"),
    ("out-of-range", {NAME: replace_line(13, "significance: 5")}, NAME, 13, "significance", "less than or equal to 3"),
    ("missing-field", {NAME: BASE.replace("category: export-control-rule\n", "")}, NAME, 1, "category", "required field is missing"),
    ("misspelt-field", {NAME: replace_line(6, "sumary:")}, NAME, 6, "sumary", "unknown field"),
    ("unknown-actor", {NAME: replace_line(9, "actors: [us-foo]")}, NAME, 9, "actors[0]", "unknown actor 'us-foo'"),
    ("unknown-category", {NAME: replace_line(10, "category: embargo")}, NAME, 10, "category", "unknown category 'embargo'"),
    ("unknown-technology", {NAME: replace_line(11, "technologies: [ai-chips, lasers]")}, NAME, 11, "technologies[1]", "unknown technology 'lasers'"),
    ("dangling-related", {NAME: BASE + "related:\n  - id: 2020-01-01-nowhere\n    relation: follows-up\n"}, NAME, 22, "related[0].id", "no event with id '2020-01-01-nowhere'"),
    ("unknown-relation", {NAME: BASE + "related:\n  - id: 2022-10-08-other\n    relation: likes\n",
                          "events/2022/2022-10-08-other.yaml": BASE.replace("2022-10-07", "2022-10-08")},
     NAME, 23, "related[0].relation", "unknown relation 'likes'"),
    ("self-related", {NAME: BASE + "related:\n  - id: 2022-10-07-test-rule\n    relation: amends\n"}, NAME, 22, "related", "related to itself"),
    ("duplicate-id", {NAME: BASE, "events/2023/2022-10-07-test-rule.yaml": BASE}, "events/2023/2022-10-07-test-rule.yaml", 1, "id", "duplicate id"),
    ("id-not-file-name", {"events/2022/2022-10-07-other-name.yaml": BASE}, "events/2022/2022-10-07-other-name.yaml", 1, "id", "must equal the file name"),
    ("id-not-kebab", {NAME: replace_line(1, "id: 2022-10-07_Test_Rule")}, NAME, 1, "id", "should match pattern"),
    ("date-not-matching-id", {NAME: replace_line(2, "date: 2022-10-08")}, NAME, 2, "date", "does not match the id"),
    ("impossible-date", {NAME: replace_line(2, "date: 2022-02-30")}, NAME, 2, "date", "date"),
    ("end-before-start", {NAME: BASE + "end_date: 2021-01-01\n"}, NAME, 21, "end_date", "before date"),
    ("empty-file", {NAME: ""}, NAME, 1, "", "file is empty"),
    ("comments-only", {NAME: "# nothing here\n"}, NAME, 1, "", "file is empty"),
    ("not-utf8", {NAME: BASE.replace("测试", "XX").encode() .replace(b"  zh: XX", b"  zh: \xff\xfe")}, NAME, 5, "", "not valid UTF-8"),
    ("alias-bomb", {NAME: BOMB}, NAME, 1, "", "anchors or aliases"),
    ("duplicate-key", {NAME: BASE + "date: 2022-10-09\n"}, NAME, 21, "date", "duplicate key 'date' (first defined at line 2)"),
    ("javascript-url", {NAME: replace_line(16, "  - url: javascript:alert(1)")}, NAME, 16, "sources[0].url", "http:// or https://"),
    ("source-without-url-or-citation", {NAME: replace_line(16, "  - note: {en: nothing, zh: 无}")}, NAME, 16, "sources[0]", "url or a citation"),
    ("no-sources", {NAME: BASE.split("sources:")[0] + "sources: []\n"}, NAME, 15, "sources", "at least 1 item"),
    ("empty-chinese-title", {NAME: replace_line(5, "  zh: ''")}, NAME, 5, "title.zh", "at least 1 character"),
    ("not-a-mapping", {NAME: "- just\n- a list\n"}, NAME, 1, "", "must be a mapping"),
    ("two-documents", {NAME: BASE + "---\nid: x\n"}, NAME, 21, "", "one YAML document"),
    ("deep-nesting", {NAME: "a: " + "[" * 40 + "]" * 40 + "\n"}, NAME, 1, "", "nesting deeper"),
    ("publisher-via", {NAME: replace_line(17, "    publisher: Reuters (via Nasdaq)")}, NAME, 16, "sources[0]", "goes in `via`"),
    ("publisher-description", {NAME: replace_line(17, "    publisher: Bloomberg (reprint)")}, NAME, 16, "sources[0]",
     "the lower-case 'reprint' in (reprint) describes the source"),
    ("publisher-based", {NAME: replace_line(17, "    publisher: Ticker Report (Reuters-based)")}, NAME, 16, "sources[0]", "-based"),
    ("publisher-reprint-of", {NAME: replace_line(17, "    publisher: Reprint of the CAC statement (bangqike.com)")}, NAME, 16,
     "sources[0]", "starts with a description"),
    ("publisher-fact-sheet", {NAME: replace_line(17, "    publisher: FCC fact sheet")}, NAME, 16, "sources[0]",
     "'fact sheet' describes the source"),
    ("publisher-variant", {NAME: replace_line(17, "    publisher: AP"), "publishers.yaml": PUBLISHERS}, NAME, 17,
     "sources[0].publisher", "'AP' is written 'Associated Press' (timeline_data/publishers.yaml)"),
    ("publisher-chinese-name", {NAME: replace_line(17, "    publisher: 路透社"), "publishers.yaml": PUBLISHERS}, NAME, 17,
     "sources[0].publisher", "'路透社' is written 'Reuters'"),
    ("via-variant", {NAME: BASE.replace("    publisher: Example\n", "    publisher: Example\n    via: AP\n"),
                     "publishers.yaml": PUBLISHERS}, NAME, 18, "sources[0].via", "'AP' is written 'Associated Press'"),
    ("publisher-listed-twice", {NAME: BASE, "publishers.yaml": PUBLISHERS + "  - {en: AP News, variants: [AP]}\n"},
     "publishers.yaml", 1, "", "'AP' is listed twice"),
    ("publisher-no-term", {NAME: BASE, "publishers.yaml": PUBLISHERS + "  - term: nothing\n"},
     "publishers.yaml", 4, "publishers[2].term", "no glossary term 'nothing'"),
    ("publisher-term-and-names", {NAME: BASE, "glossary.yaml": GLOSSARY,
                                  "publishers.yaml": PUBLISHERS + "  - {term: bis, en: BIS}\n"},
     "publishers.yaml", 4, "publishers[2]", "takes its names from the glossary"),
    ("via-description", {NAME: BASE.replace("    publisher: Example\n", "    publisher: Example\n    via: a mirror site\n")},
     NAME, 16, "sources[0]", "it starts with an article"),
    ("via-mirror", {NAME: BASE.replace("    publisher: Example\n", "    publisher: Example\n    via: wpinitiate.com mirror\n")},
     NAME, 16, "sources[0]", "'mirror' describes the copy"),
    ("bad-status", {NAME: replace_line(14, "status: rumour")}, NAME, 14, "status", "'official' or 'reported'"),
    ("document-citation-form", {NAME: BASE + "documents:\n  - kind: federal-register\n    citation: FR 87 62186\n"},
     NAME, 22, "documents[0]", "not of the form of a federal-register citation"),
    ("document-unknown-kind", {NAME: BASE + "documents:\n  - kind: memo\n    citation: x\n"},
     NAME, 22, "documents[0].kind", "Input should be"),
    ("updated-before-added", {NAME: replace_line(20, "updated: 2026-01-01")}, NAME, 1, "", "is before added"),
    ("change-outside-dates", {NAME: BASE + "changes:\n  - date: 2020-01-01\n    text: {en: x, zh: 乙}\n"},
     NAME, 1, "", "outside added..updated"),
]


@pytest.mark.parametrize("case,files,path,line,field,fragment", CASES, ids=[c[0] for c in CASES])
def test_malformed_store_reports_exact_location(tmp_path, case, files, path, line, field, fragment):
    root = store(tmp_path, files)
    with pytest.raises(StoreError) as info:
        load_snapshot(root)
    problems = info.value.problems
    wanted = str(root / path)
    matching = [p for p in problems if p.path == wanted and p.field == field and fragment in p.message]
    assert matching, f"no problem for {path} field {field!r} containing {fragment!r}: {[str(p) for p in problems]}"
    assert matching[0].line == line, str(matching[0])
    assert str(matching[0]).startswith(f"{wanted}:{line}:")


def test_all_problems_reported_at_once(tmp_path):
    root = store(tmp_path, {
        NAME: replace_line(13, "significance: high"),
        "events/2022/2022-10-08-b.yaml": BASE.replace("2022-10-07-test-rule", "2022-10-08-b").replace("2022-10-07", "2022-10-08").replace("us-bis", "nobody"),
        "events/2022/2022-10-09-c.yaml": "",
    })
    with pytest.raises(StoreError) as info:
        load_snapshot(root)
    files = {Path(p.path).name for p in info.value.problems}
    assert files == {"2022-10-07-test-rule.yaml", "2022-10-08-b.yaml", "2022-10-09-c.yaml"}


def test_taxonomy_problems_name_the_taxonomy_file(tmp_path):
    root = store(tmp_path, {NAME: BASE})
    text = (root / "taxonomy.yaml").read_text().replace("    side: allies\n", "    side: nowhere\n", 1)
    (root / "taxonomy.yaml").write_text(text)
    with pytest.raises(StoreError) as info:
        load_snapshot(root)
    assert any(p.path.endswith("taxonomy.yaml") and "unknown side 'nowhere'" in p.message for p in info.value.problems)


def test_alias_bomb_is_rejected_quickly(tmp_path):
    root = store(tmp_path, {NAME: BOMB * 1})
    with pytest.raises(StoreError):
        load_snapshot(root)


def test_real_data_set_passes_and_meets_the_numbers():
    snap = load_snapshot(DATA)
    assert len(snap.events) >= 90
    years = {e.date.year for e in snap.events}
    assert set(range(2018, 2026)) <= years
    lead_ids = (ROOT / "docs" / "lead_ids.txt").read_text().split()
    missing = [i for i in lead_ids if snap.get(i) is None]
    assert not missing, f"leads without an event: {missing}"
    assert {snap.side_of(e) for e in snap.events} == {"us", "china", "allies"}


def test_indexes_agree_with_a_plain_scan():
    snap = load_snapshot(DATA)
    scan: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for i, e in enumerate(snap.events):
        for a in e.actors:
            scan["actor"][a].add(i)
        scan["category"][e.category].add(i)
        for t in e.technologies:
            scan["technology"][t].add(i)
        scan["side"][snap.taxonomy.actors[e.actors[0]].side].add(i)
        scan["year"][str(e.date.year)].add(i)
        scan["status"][e.status].add(i)
    for name, values in scan.items():
        assert {k: set(v) for k, v in snap.index[name].items()} == {k: set(v) for k, v in values.items()}, name
    assert list(snap.events) == sorted(snap.events, key=lambda e: (e.date, e.id))
    assert all(snap.events[snap.by_id[e.id]] is e for e in snap.events)


def test_snapshot_is_immutable():
    snap = load_snapshot(DATA)
    with pytest.raises(Exception):
        snap.events[0].title = None  # frozen pydantic model
    with pytest.raises(TypeError):
        snap.by_id["x"] = 1  # read-only mapping
    with pytest.raises(Exception):
        snap.content_hash = "x"


def test_reload_keeps_last_good_snapshot(tmp_path):
    root = write_store(tmp_path / "d", [event_dict("2022-10-07-a"), event_dict("2022-10-08-b")])
    holder = StoreHolder(root)
    first = holder.snapshot
    (root / "events" / "2022" / "2022-10-08-b.yaml").write_text("title: [unclosed\n")
    assert holder.reload() is False
    assert holder.snapshot is first
    assert holder.last_error and "2022-10-08-b.yaml:1:" in holder.last_error[0]
    write_store(root, [event_dict("2022-10-08-b", significance=3), event_dict("2022-10-09-c")])
    assert holder.reload() is True
    assert holder.last_error == []
    assert len(holder.snapshot.events) == 3 and holder.snapshot.content_hash != first.content_hash


def test_schema_json_is_current():
    on_disk = json.loads((DATA / "schema.json").read_text(encoding="utf-8"))
    assert on_disk == event_schema(DATA), "timeline_data/schema.json is stale: run `make schema`"


def test_schema_validates_the_real_events_with_jsonschema():
    import jsonschema
    import yaml

    schema = json.loads((DATA / "schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=None)
    path = next((DATA / "events").rglob("*.yaml"))
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    assert not list(validator.iter_errors(data))
    data["sumary"] = data.pop("summary")
    assert list(validator.iter_errors(data)), "the schema must reject unknown fields"


def test_cli_validate_exit_codes(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "app.cli", "validate"], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("ok: ") and "events" in ok.stdout
    root = store(tmp_path, {NAME: replace_line(6, "sumary:")})
    bad = subprocess.run([sys.executable, "-m", "app.cli", "validate", "--data", str(root)], cwd=ROOT,
                         capture_output=True, text=True)
    assert bad.returncode == 1
    assert f"{root / NAME}:6:1: sumary: unknown field" in bad.stdout


def test_event_model_is_the_only_field_list():
    # The CSV columns and JSON output derive from the model; every model field is exported.
    from app.renderers import CSV_COLUMNS
    assert set(Event.model_fields) - {"title", "summary", "context", "date_note", "sources", "related"} <= set(CSV_COLUMNS) | {"actors"}


def test_startup_cache_is_used_only_while_nothing_changes(tmp_path):
    import time as _time

    from tests.conftest import event_dict, write_store

    root = write_store(tmp_path / "data", [event_dict("2022-10-07-a"), event_dict("2023-01-02-b")])
    cache = tmp_path / "cache"
    first = load_snapshot(root, cache)
    files = list(cache.iterdir())
    assert len(files) == 1 and oct(cache.stat().st_mode & 0o777) == "0o700"
    again = load_snapshot(root, cache)
    assert again.content_hash == first.content_hash and again.events == first.events
    from app.store import cache_is_current
    assert cache_is_current(root, cache) and not cache_is_current(root, None)
    # an edit (new size and mtime) is validated, not read from the cache
    path = root / "events" / "2023" / "2023-01-02-b.yaml"
    _time.sleep(0.01)
    path.write_text(path.read_text().replace("sumary", "x") + "sumary: misspelt\n")
    assert not cache_is_current(root, cache)
    with pytest.raises(StoreError) as exc:
        load_snapshot(root, cache)
    assert "sumary" in str(exc.value.problems[0])
    # a cache file others could have written is ignored
    path.write_text(yaml.safe_dump(event_dict("2023-01-02-b"), allow_unicode=True))
    load_snapshot(root, cache)
    from app import snapcache
    key = snapcache.fingerprint(root, sorted(str(p) for p in (root / "events").rglob("*.yaml")))
    assert snapcache.read(cache, root, key) is not None
    os.chmod(files[0], 0o666)
    assert snapcache.read(cache, root, key) is None


def test_cache_files_of_stores_not_loaded_for_a_month_are_pruned(tmp_path):
    from app import snapcache

    cache = tmp_path / "cache"
    old_root = write_store(tmp_path / "old", [event_dict("2023-01-02-a")])
    load_snapshot(old_root, cache)
    (old_file,) = cache.glob("*.pickle")
    month_ago = time.time() - (snapcache.STALE_DAYS + 1) * 86400
    os.utime(old_file, (month_ago, month_ago))
    leftover = cache / "x.123.tmp"
    leftover.write_bytes(b"")
    os.utime(leftover, (month_ago, month_ago))
    used_root = write_store(tmp_path / "used", [event_dict("2023-01-02-b")])
    load_snapshot(used_root, cache)
    (used_file,) = set(cache.glob("*.pickle")) - {old_file}
    os.utime(used_file, (month_ago, month_ago))
    load_snapshot(used_root, cache)  # read from the cache: marks it used now
    load_snapshot(write_store(tmp_path / "new", [event_dict("2023-01-02-c")]), cache)  # a write prunes
    assert not old_file.exists() and not leftover.exists()
    assert used_file.exists() and len(list(cache.glob("*.pickle"))) == 2


def test_every_landmark_of_the_store_has_its_chart_label():
    snap = load_snapshot(DATA)
    missing = [e.id for e in snap.events if e.significance == 3 and e.label is None]
    assert missing == [], f"landmark events without a `label` (their short name on the chart): {missing}"


def test_startup_cache_rebuilds_every_bilingual_field(tmp_path):
    """Events read back from the start-up cache equal the validated ones, every Text field a
    Text (the cache reads the list of them off the model)."""
    from app.models import Text
    from tests.conftest import event_dict, write_store

    labelled = event_dict("2022-10-07-a", significance=3, label={"en": "A rule", "zh": "某规则"},
                          context={"en": "Why.", "zh": "原因。"})
    root = write_store(tmp_path / "data", [labelled])
    first = load_snapshot(root, tmp_path / "cache")
    again = load_snapshot(root, tmp_path / "cache")
    assert again.events == first.events
    assert isinstance(again.events[0].label, Text) and isinstance(again.events[0].context, Text)


def test_publisher_names_with_a_parenthesis_pass():
    """The names the store keeps in parentheses (its own script, an acronym, a parent, a blog, a
    place, a domain) are not descriptions."""
    from app.models import publisher_description
    for name in ("Guancha (观察者网)", "Export Compliance Daily (Warren News)", "The Standard (Hong Kong)",
                 "Kuwait News Agency (KUNA)", "US Government Publishing Office (govinfo.gov)",
                 "Crowell & Moring (Government Contracts Legal Forum)", "Reuters", "Federal Register / BIS"):
        assert publisher_description(name) is None, name
