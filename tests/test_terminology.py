"""One terminology: the glossary loads, and event text follows it (app/terminology.py)."""

from __future__ import annotations

from app.models import Event, Glossary
from app.store import load_snapshot
from app.terminology import check_event, check_story, load_glossary
from tests.conftest import DATA, event_dict

GLOSSARY = Glossary.model_validate({"terms": {
    "bis": {"en": {"name": "Bureau of Industry and Security"}, "zh": {"name": "美国商务部工业与安全局"},
            "abbr": "BIS", "definition": {"en": "x", "zh": "乙"},
            "sources": [{"citation": "15 CFR 730", "publisher": "eCFR", "title": "EAR"}]},
    "chips-act": {"en": {"name": "CHIPS and Science Act", "variants": ["CHIPS Act of 2022"]},
                  "zh": {"name": "《芯片与科学法案》", "variants": ["《芯片与科学法》"]},
                  "definition": {"en": "x", "zh": "乙"},
                  "sources": [{"citation": "Pub. L. 117-167", "publisher": "Congress", "title": "Act"}]},
}})


def _event(**zh_en) -> Event:
    return Event.model_validate(event_dict(**zh_en))


def test_the_real_glossary_is_large_and_valid():
    glossary = load_glossary(DATA)
    assert glossary is not None and len(glossary.terms) >= 60
    for key, term in glossary.terms.items():
        for lang in ("en", "zh"):
            names = getattr(term, lang)
            assert names.name not in names.variants, (key, lang)


def test_every_event_follows_the_glossary():
    snap = load_snapshot(DATA)
    glossary = load_glossary(DATA)
    problems = [f"{snap.files[e.id]}: {field}: {msg}" for e in snap.events for field, msg in check_event(e, glossary)]
    assert problems == [], "\n".join(problems[:40])


def test_every_story_follows_the_glossary():
    snap = load_snapshot(DATA)
    problems = [f"stories/{s.id}: {field}: {msg}" for s in snap.stories for field, msg in check_story(s, snap.glossary)]
    assert snap.stories and problems == [], "\n".join(problems[:40])


def test_a_variant_is_flagged_but_not_inside_the_canonical_name():
    ok = _event(summary={"en": "Under the CHIPS and Science Act.", "zh": "根据《芯片与科学法案》。"})
    assert check_event(ok, GLOSSARY) == []
    bad = _event(summary={"en": "Under the CHIPS Act of 2022.", "zh": "根据《芯片与科学法》。"})
    fields = [f for f, _ in check_event(bad, GLOSSARY)]
    assert fields == ["summary.en", "summary.zh"]


def test_ascii_quotes_in_chinese_are_flagged():
    bad = _event(summary={"en": 'The "rule".', "zh": '所谓"规则"。'})
    assert [f for f, m in check_event(bad, GLOSSARY) if "quotation" in m] == ["summary.zh"]


def test_an_acronym_needs_its_chinese_name_first():
    bad = _event(title={"en": "BIS acts", "zh": "BIS采取行动"},
                 summary={"en": "BIS acted.", "zh": "美国商务部工业与安全局（BIS）采取行动。"})
    assert [f for f, m in check_event(bad, GLOSSARY) if "acronym" in m] == ["title.zh"]
    ok = _event(title={"en": "BIS acts", "zh": "美国商务部工业与安全局（BIS）采取行动"},
                summary={"en": "BIS acted.", "zh": "BIS采取行动。"})
    assert check_event(ok, GLOSSARY) == []
    word = _event(summary={"en": "x", "zh": "BISON不是缩写。"})  # not the acronym: part of a longer word
    assert check_event(word, GLOSSARY) == []
