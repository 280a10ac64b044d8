"""Stories: validated with the store, served as JSON, TimelineJS and pages (issue 14)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml

from app.schema import story_schema
from app.store import StoreError, load_snapshot
from tests.conftest import DATA, Server, write_store
from tests.test_api import EVENTS

STEP_IDS = [e["id"] for e in EVENTS[:7]]


def story_dict(**overrides) -> dict:
    data = {
        "id": "test-story",
        "title": {"en": "How the controls grew", "zh": "管制如何扩展"},
        "introduction": {"en": "An introduction.", "zh": "导言。"},
        "closing": {"en": "A closing.", "zh": "结语。"},
        "steps": [{"event": i, "narrative": {"en": f"Step about {i}.", "zh": f"关于{i}的一步。"}} for i in STEP_IDS],
    }
    data["steps"][2]["zoom"] = {"from": "2019-01-01", "to": "2020-12-31"}
    data["steps"][3]["links"] = "all"
    data.update(overrides)
    return data


def write_story_store(root, story=None):
    write_store(root, EVENTS)
    (root / "stories").mkdir()
    (root / "stories" / "test-story.yaml").write_text(
        yaml.safe_dump(story or story_dict(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    srv = Server(write_story_store(tmp_path_factory.mktemp("stories") / "data"))
    with httpx.Client(base_url=srv.url, timeout=20) as c:
        yield c
    srv.stop()


def test_a_story_naming_a_missing_event_fails_with_its_file_and_line(tmp_path):
    story = story_dict()
    story["steps"][2]["event"] = "2020-01-01-nowhere"
    root = write_story_store(tmp_path / "data", story)
    with pytest.raises(StoreError) as info:
        load_snapshot(root)
    [problem] = info.value.problems
    text = (root / "stories" / "test-story.yaml").read_text().splitlines()
    assert problem.path.endswith("stories/test-story.yaml") and problem.field == "steps[2].event"
    assert "2020-01-01-nowhere" in text[problem.line - 1] and "no event" in problem.message


@pytest.mark.parametrize("change,field", [
    ({"steps": story_dict()["steps"][:5]}, "steps"),  # at least six steps
    ({"id": "other-name"}, "id"),
    ({"closing": {"en": "only English"}}, "closing.zh"),
])
def test_story_validation(tmp_path, change, field):
    root = write_story_store(tmp_path / "data", story_dict(**change))
    with pytest.raises(StoreError) as info:
        load_snapshot(root)
    assert [p.field for p in info.value.problems] == [field]


def test_story_schema_is_current():
    import json
    on_disk = json.loads((DATA / "story.schema.json").read_text(encoding="utf-8"))
    assert on_disk == story_schema(), "timeline_data/story.schema.json is stale: run `make schema`"


def test_stories_api(api):
    [brief] = api.get("/stories").json()
    assert brief["id"] == "test-story" and brief["steps"] == 7
    story = api.get("/stories/test-story").json()
    assert [s["event"] for s in story["steps"]] == STEP_IDS
    assert story["steps"][2]["zoom"] == {"from": "2019-01-01", "to": "2020-12-31"}
    assert story["steps"][0]["url"].endswith("/story/test-story?step=1")
    tl = api.get("/stories/test-story", params={"format": "timelinejs", "lang": "zh"}).json()
    assert len(tl["events"]) == 7 and tl["title"]["text"]["headline"] == "管制如何扩展"
    assert api.get("/stories/nope").status_code == 404
    assert api.get("/stories/test-story", params={"formt": "x"}).status_code == 400


def test_story_page_is_a_readable_article_without_javascript(api):
    page = api.get("/story/test-story", params={"lang": "en"}).text
    for i, event in enumerate(EVENTS[:7], 1):
        assert f'id="step-{i}"' in page and event["title"]["en"] in page
    assert "An introduction." in page and "A closing." in page and "<h1>How the controls grew</h1>" in page
    zh = api.get("/story/test-story", params={"lang": "zh", "step": 3}).text
    assert "管制如何扩展" in zh and "关于" in zh
    bad = api.get("/story/test-story", params={"step": 99})
    assert bad.status_code == 400 and "<header" in bad.text
    assert api.get("/story/nope").status_code == 404


def test_story_embed_is_frameable_and_offered_by_oembed(api):
    r = api.get("/embed/story/test-story", params={"step": 2})
    assert r.status_code == 200 and "frame-ancestors *" in r.headers["content-security-policy"]
    assert "x-frame-options" not in r.headers
    assert "frame-ancestors 'self'" in api.get("/story/test-story").headers["content-security-policy"]
    base = str(api.base_url).rstrip("/")
    body = api.get("/oembed", params={"url": f"{base}/story/test-story?step=4&lang=zh"}).json()
    src = body["html"].split('src="')[1].split('"')[0].replace("&amp;", "&")
    assert urlsplit(src).path == "/embed/story/test-story"
    assert parse_qs(urlsplit(src).query)["step"] == ["4"] and body["title"] == "管制如何扩展"
    assert api.get(src.replace(base, "")).status_code == 200


def test_event_pages_say_part_of_and_the_explorer_lists_stories(api):
    page = api.get(f"/event/{STEP_IDS[3]}").text
    assert "Part of" in page and "/story/test-story?lang=en&amp;step=4" in page
    assert "/story/test-story?lang=en" in api.get("/").text
