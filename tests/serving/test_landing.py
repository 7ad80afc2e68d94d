"""The HTML page a link opens knows where the server is (`ema_lab.server.landing`).

Through the middleware alone (an ASGI exchange by hand), then in Chromium: a link into a
page connects at once, under a proxy's path too, and an unknown address keeps
Streamlit's own search.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re

import pytest

from ema_lab.model.site import PAGES
from ema_lab.server.landing import KnownRoot, root_script

PAGE = b"<!DOCTYPE html><html><head><title>Streamlit</title></head><body></body></html>"


def _exchange(
    middleware,
    *,
    accept=b"text/html",
    method="GET",
    content_type=b"text/html",
    encoding=b"",
    if_none_match=None,
):
    """What a browser gets through ``middleware`` from a server that answers ``PAGE`` in
    two parts with its validators; and the request headers the server saw."""
    seen = {}

    async def server(scope, receive, send):
        seen["headers"] = dict(scope["headers"])
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", content_type + b"; charset=utf-8"),
                    (b"content-length", str(len(PAGE)).encode()),
                    (b"etag", b'"abc"'),
                    (b"last-modified", b"Mon, 30 Nov 2026 07:06:22 GMT"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": PAGE[:20], "more_body": True})
        await send({"type": "http.response.body", "body": PAGE[20:]})

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {
        "type": "http",
        "method": method,
        "path": "/smoothing",
        "headers": [
            (b"accept", accept),
            (b"accept-encoding", encoding),
            *([(b"if-none-match", if_none_match)] if if_none_match else []),
        ],
    }
    asyncio.run(middleware(server)(scope, receive, send))
    headers = dict(sent[0]["headers"])
    headers[b":status"] = sent[0]["status"]
    return headers, b"".join(m.get("body", b"") for m in sent[1:]), seen["headers"]


def test_an_html_page_starts_with_the_script_and_says_its_new_length():
    headers, body, asked = _exchange(KnownRoot)
    script = root_script(p.name for p in PAGES).encode()
    assert body == PAGE.replace(b"<head>", b"<head>" + script)
    assert int(headers[b"content-length"]) == len(body)
    assert headers[b"etag"] != b'"abc"'  # the page sent is not the file Streamlit describes
    assert b"last-modified" not in headers
    assert b"content-encoding" not in headers
    assert b"accept-encoding" not in asked  # a compressed page could not take the script


def test_the_page_is_gzipped_for_a_browser_that_accepts_it():
    plain, page, _ = _exchange(KnownRoot)
    headers, body, _ = _exchange(KnownRoot, encoding=b"gzip, deflate, br")
    assert headers[b"content-encoding"] == b"gzip"
    assert b"Accept-Encoding" in headers[b"vary"]
    assert gzip.decompress(body) == page
    assert int(headers[b"content-length"]) == len(body)
    assert headers[b"etag"] == plain[b"etag"]


def test_a_reload_with_the_etag_gets_a_304_without_a_body():
    first, _, _ = _exchange(KnownRoot, encoding=b"gzip")
    headers, body, asked = _exchange(KnownRoot, encoding=b"gzip", if_none_match=first[b"etag"])
    assert headers[b":status"] == 304
    assert body == b""
    assert headers[b"etag"] == first[b"etag"]
    assert b"if-none-match" not in asked  # Streamlit's own validator is not this page's
    stale, _, _ = _exchange(KnownRoot, if_none_match=b'"abc"')
    assert stale[b":status"] == 200


@pytest.mark.parametrize(
    "request_kind",
    [
        {"accept": b"*/*"},  # a script, a health check
        {"method": "HEAD"},
        {"content_type": b"application/json"},
    ],
)
def test_anything_else_passes_untouched(request_kind):
    headers, body, _ = _exchange(KnownRoot, **request_kind)
    assert body == PAGE
    assert headers[b"etag"] == b'"abc"'


def test_the_script_names_every_page_but_home():
    names = re.search(r"var pages=(\[.*?\]);", root_script(p.name for p in PAGES)).group(1)
    assert json.loads(names) == sorted(p.name for p in PAGES if p.name)


CASES = [  # the address, and the root the page is given (None: Streamlit's own search)
    ("http://lab.test/smoothing", "http://lab.test/"),
    ("http://lab.test/weights_lab?embed=true", "http://lab.test/"),
    ("http://lab.test/course/emalab/smoothing", "http://lab.test/course/emalab/"),
    ("http://lab.test/", "http://lab.test"),
    ("http://lab.test/course/emalab", None),
    ("http://lab.test/nosuchpage", None),
]


@pytest.mark.browser
def test_the_page_works_out_the_root_from_its_address():
    from browser_support import chromium

    script = root_script(p.name for p in PAGES)
    with chromium() as browser:
        page = browser.new_page()
        # Served by Playwright itself: nothing leaves the machine.
        page.route(
            "http://lab.test/**",
            lambda route: route.fulfill(
                content_type="text/html", body=f"<html><head>{script}</head></html>"
            ),
        )
        for address, root in CASES:
            page.goto(address)
            given = page.evaluate("window.__streamlit && window.__streamlit.BACKEND_BASE_URL")
            assert given == root, address
