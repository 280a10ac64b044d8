"""The glossary: /terms, /glossary, and terms linked in rendered event text (issue 15)."""

from __future__ import annotations

import re


def test_terms_api(client):
    terms = client.get("/terms").json()
    assert len(terms) >= 60
    by_id = {t["id"]: t for t in terms}
    entity_list = by_id["entity-list"]
    assert entity_list["en"]["name"] == "Entity List" and entity_list["zh"]["name"] == "实体清单"
    assert entity_list["definition"]["en"] and entity_list["definition"]["zh"] and entity_list["sources"]
    assert entity_list["events"] and entity_list["url"].endswith("/glossary#t-entity-list")
    one = client.get("/terms/entity-list").json()
    assert one == entity_list
    assert client.get("/terms/nope").status_code == 404


def test_glossary_page_in_both_languages(client):
    en = client.get("/glossary", params={"lang": "en"}).text
    zh = client.get("/glossary", params={"lang": "zh"}).text
    assert 'id="t-entity-list"' in en and "<dfn>Entity List</dfn>" in en
    assert "<dfn>实体清单</dfn>" in zh and "词汇表" in zh
    assert re.search(r'Used in \d+ events', en) and "/event/" in en
    assert client.get("/glossary", params={"x": "1"}).status_code == 400


def test_event_text_links_the_first_occurrence_of_each_term(client):
    used = client.get("/terms/entity-list").json()["events"]
    event = client.get(f"/events/{used[0]}").json()
    page = client.get(f"/event/{used[0]}", params={"lang": "en"}).text
    assert page.count('popovertarget="term-' + used[0] + '-entity-list"') == 1  # the first occurrence only
    assert f'id="term-{used[0]}-entity-list"' in page and "/glossary?lang=en#t-entity-list" in page
    # the data stays plain text
    assert "<button" not in event["summary"]["en"] and "popover" not in (event.get("context") or {}).get("en", "")
    zh = client.get(f"/event/{used[0]}", params={"lang": "zh"}).text
    assert 'class="term"' in zh


def test_glossary_sources_are_written_in_the_page_language(client):
    """A term's sources read like an event's: the reprint's site through `via` and the note in the
    page's language, with Chinese punctuation on the Chinese page (they were English there)."""
    import html
    import re
    terms = client.get("/terms").json()
    reprints = [s for t in terms for s in t["sources"] if s.get("via")]
    noted = [s for t in terms for s in t["sources"] if s.get("note")]
    assert reprints and noted
    from tests.conftest import publisher_zh_names
    zh = publisher_zh_names()
    for lang, via, note in (("en", "{} (via {})", " ({})"), ("zh", "{}（经{}转载）", "（{}）")):
        page = client.get("/glossary", params={"lang": lang}).text
        text = html.unescape(page)
        name = (lambda n: zh.get(n, n)) if lang == "zh" else (lambda n: n)
        for s in reprints:
            assert via.format(name(s["publisher"]), name(s["via"])) in text
        for s in noted:
            assert note.format(s["note"][lang]) in text
        if lang == "zh":
            lines = re.findall(r'<p class="(?:term-sources|variants)">(.*?)</p>', page)
            assert lines and all(line.startswith(("来源：", "本站不使用：")) for line in lines), lines[:3]
            assert not [line for line in lines if re.search(r"[;:] <(?:a|cite)\b", line)]


def test_see_also_names_the_terms_in_the_page_language(client):
    """"See also" gives the other terms' names in the page's language, not their keys."""
    terms = {t["id"]: t for t in client.get("/terms").json()}
    term = next(t for t in terms.values() if t["see_also"])
    for lang, sep in (("en", ": "), ("zh", "：")):
        page = client.get("/glossary", params={"lang": lang}).text
        other = terms[term["see_also"][0]]
        assert f'<a href="#t-{other["id"]}">{other[lang]["name"]}</a>' in page
        assert f'{"另见" if lang == "zh" else "See also"}{sep}<a' in page


def test_see_also_must_name_a_term():
    import pydantic
    import pytest

    from app.models import Glossary
    term = {"en": {"name": "a"}, "zh": {"name": "甲"}, "definition": {"en": "d", "zh": "定"},
            "sources": [{"url": "https://example.org", "publisher": "X", "title": "t"}], "see_also": ["nope"]}
    with pytest.raises(pydantic.ValidationError, match="see_also names no term: nope"):
        Glossary.model_validate({"terms": {"a": term}})
