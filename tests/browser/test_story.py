"""A story in Chromium: the step-through view, keys and URL, its embed, TimelineJS (issue 14)."""

from __future__ import annotations

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import serious, shot, wait_chart
from tests.browser.test_timelinejs import _load, tljs_site  # noqa: F401 - the fixture
from tests.conftest import Server
from tests.test_stories import STEP_IDS, write_story_store


@pytest.fixture(scope="module")
def story_server(tmp_path_factory):
    srv = Server(write_story_store(tmp_path_factory.mktemp("story") / "data"))
    yield srv
    srv.stop()


def visible_step(page) -> int:
    return int(page.locator(".story-step.current").get_attribute("data-step"))


def x_range(page) -> list[str]:
    return page.evaluate("Array.from(document.getElementById('chart').layout.xaxis.range, v => String(v).slice(0, 10))")


def test_step_through_with_buttons_keys_and_url(page, story_server):
    page.goto(story_server.url + "/story/test-story?lang=en")
    wait_chart(page)
    assert visible_step(page) == 1 and page.locator(".story-step:visible").count() == 1
    assert page.locator("#step-status").inner_text() == "Step 1 of 7"
    assert page.locator("#step-prev").is_disabled()
    page.click("#step-next")
    page.wait_for_function("() => location.search.includes('step=2')")
    assert visible_step(page) == 2
    assert page.evaluate("document.activeElement.closest('.story-step').dataset.step") == "2"  # focus on the heading
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('step=3')")
    page.wait_for_timeout(300)
    assert x_range(page) == ["2019-01-01", "2020-12-31"]  # the step's zoom
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('step=2')")
    page.go_back()
    page.wait_for_function("() => location.search.includes('step=3')")
    assert visible_step(page) == 3
    shot(page, "story-step-3")
    # a link opens on its step
    page.goto(story_server.url + "/story/test-story?lang=zh&step=7")
    wait_chart(page)
    assert visible_step(page) == 7 and page.locator("#step-next").is_disabled()
    assert page.locator("#story-closing").is_visible()
    assert page.locator("#step-status").inner_text() == "第7步，共7步"
    assert page.watch.errors == []


def test_thread_links_only_for_the_current_step(page, story_server):
    page.goto(story_server.url + "/story/test-story?step=6")  # 2023-07-03-gallium responds to the 2022 rule
    wait_chart(page)
    ends = page.evaluate("document.getElementById('chart').data.find(t => t.meta && t.meta.connectors).customdata")
    assert ends and all(e is None or e in (STEP_IDS[5], STEP_IDS[4]) for e in ends)


def test_story_embed_in_a_frame_and_the_dialog(page, story_server):
    page.goto(story_server.url + "/story/test-story?lang=en&step=2")
    wait_chart(page)
    page.click("#embed-button")
    code = page.locator("#embed-code-iframe").input_value()
    assert "/embed/story/test-story?lang=en&amp;step=2" in code
    frame = page.frame_locator("#embed-preview")
    frame.locator("#chart[data-drawn='true']").wait_for()
    assert frame.locator(".story-step.current").get_attribute("data-step") == "2"


@pytest.mark.parametrize("path", ["/story/test-story?lang=en", "/story/test-story?lang=zh&step=4",
                                  "/embed/story/test-story?lang=en&theme=dark"])
def test_story_axe(page, story_server, path):
    page.goto(story_server.url + path)
    wait_chart(page)
    assert serious(Axe().run(page)) == []


def test_timelinejs_loads_a_story(page, story_server, tljs_site):  # noqa: F811
    url = f"{story_server.url}/stories/test-story?format=timelinejs"
    assert len(httpx.get(url).json()["events"]) == 7
    state = _load(page, tljs_site, url)
    assert state["slides"] == 7 and state["errors"] == [] and state["warnings"] == []
    shot(page, "story-in-timelinejs")
