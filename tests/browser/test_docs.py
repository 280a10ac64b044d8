"""/docs in Chromium: the self-hosted Swagger UI renders every operation under the app's CSP
(a blocked script or style would be a console error), offers the loaded taxonomy's keys as
choices, and "Try it out" calls the real API."""

from __future__ import annotations

import httpx

from tests.browser.conftest import shot


def test_docs_page_uses_only_our_own_assets(server):
    html = httpx.get(server.url + "/docs").text
    assert "cdn." not in html and "<script>" not in html  # no CDN, no inline script
    for path in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/vendor/swagger-ui/swagger-ui.css",
                 "/static/docs.js"):
        assert path in html, path
        assert httpx.get(server.url + path).status_code == 200, path
    assert httpx.get(server.url + "/redoc").status_code == 404  # FastAPI's CDN pages are off


def test_swagger_ui_renders_and_tries_the_api(page, server):
    page.goto(server.url + "/docs")
    page.wait_for_selector(".opblock", timeout=30000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {"/events", "/events/{event_id}", "/facets", "/taxonomy", "/oembed"} <= {p.replace("\u200b", "") for p in paths}
    block = page.locator(".opblock-get").filter(has=page.locator(".opblock-summary-path[data-path='/events']")).first
    block.locator(".opblock-summary").click()
    block.locator("button.try-out__btn").click()
    side = block.locator("tr[data-param-name='side'] select")
    assert {"us", "china", "allies"} <= set(side.locator("option").all_inner_texts())
    assert "us-bis" in block.locator("tr[data-param-name='actor'] select").locator("option").all_inner_texts()
    side.select_option("china")
    block.locator("button.execute").click()
    status = block.locator(".live-responses-table .response .response-col_status").first
    status.wait_for(timeout=15000)
    assert status.inner_text().strip() == "200"
    total = httpx.get(server.url + "/events", params={"side": "china", "limit": 1}).json()["total"]
    assert f'"total": {total}' in block.locator(".live-responses-table .microlight, .live-responses-table pre").first.inner_text()
    assert page.watch.errors == []
    shot(page, "docs-swagger-ui")
