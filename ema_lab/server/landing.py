"""The HTML page a link opens, told where the server is so that it connects at once.

Opened at a page's own address (``/smoothing``), Streamlit's page does not know where the
server's root is: it asks ``/smoothing/_stcore/health`` first, gets a 404, waits 0.1 s
and then asks ``/_stcore/health``. Every link into a page (a lecture slide's, a blog
embed's) paid that before its first message, and the home page did not.

`KnownRoot` gives the page the root instead, through Streamlit's own setting for a page
served apart from its server (``window.__streamlit.BACKEND_BASE_URL``). The browser works
it out from its own address and the app's page names, so that it stays right behind a
proxy that serves the app under a path (``/course/emalab/smoothing``). An address whose
last part is not a page keeps Streamlit's own search.

Measured (``benchmarks/bench_first_load.py --landing``, README): on a deep link the
websocket opens about 0.1 s sooner. The page keeps what a static page has: gzip when the
browser accepts it, and an ETag that answers a reload's ``If-None-Match`` with a 304.

Why it exists, and when to delete it: streamlit/streamlit#7074 (the frontend probes
``<path>/_stcore/health`` before the root). Delete this module, and its middleware in
``app.py``, once a Streamlit release connects to the root at once from a deep link: then
``tests/serving/test_landing.py``'s browser test passes without it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ema_lab.model.site import PAGES


def root_script(pages: Iterable[str]) -> str:
    """The script, first in the page's ``<head>``, that sets the server's root when the
    address ends with one of ``pages`` (URL names; the home page is the root itself)."""
    names = json.dumps(sorted(p for p in pages if p))
    return (
        "<script>(function(){"
        f"var pages={names};"
        'var path=location.pathname.replace(/\\/+$/,"");'
        'var cut=path.lastIndexOf("/");'
        'if(path===""||pages.indexOf(path.slice(cut+1))>=0){'
        "window.__streamlit=Object.assign({},window.__streamlit,"
        "{BACKEND_BASE_URL:location.origin+path.slice(0,cut+1)});}"
        "})();</script>"
    )


class KnownRoot:
    """ASGI middleware: every HTML page the server sends starts with `root_script`."""

    def __init__(self, app: ASGIApp, pages: Iterable[str] = (p.name for p in PAGES)) -> None:
        self.app = app
        self.script = root_script(pages).encode()
        self._gzipped: dict[bytes, bytes] = {}  # by ETag: the same few pages, over and over

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _asks_for_html(scope):
            await self.app(scope, receive, send)
            return
        asked = dict(scope["headers"])
        # The page whole and uncompressed, so that the script can go in (it is 8 kB); the
        # validators are this middleware's own, for the page as sent.
        dropped = (b"accept-encoding", b"if-none-match", b"if-modified-since")
        headers = [(k, v) for k, v in scope["headers"] if k not in dropped]
        start: Message = {}
        body: list[bytes] = []

        async def with_script(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            page = b"".join(body)
            response = MutableHeaders(raw=start["headers"])
            status = start["status"]
            if status == 200 and response.get("content-type", "").startswith("text/html"):
                page = page.replace(b"<head>", b"<head>" + self.script, 1)
                etag = b'"' + hashlib.sha256(page).hexdigest()[:20].encode() + b'"'
                response["etag"] = etag.decode()
                del response["last-modified"]
                if etag in [t.strip() for t in asked.get(b"if-none-match", b"").split(b",")]:
                    status, page = 304, b""
                    del response["content-length"]
                    del response["content-type"]
                elif b"gzip" in asked.get(b"accept-encoding", b""):
                    if etag not in self._gzipped:
                        if len(self._gzipped) >= 8:  # a new Streamlit's page: start over
                            self._gzipped.clear()
                        self._gzipped[etag] = gzip.compress(page, mtime=0)
                    page = self._gzipped[etag]
                    response["content-encoding"] = "gzip"
                    if "accept-encoding" not in response.get("vary", "").lower():
                        response.append("vary", "Accept-Encoding")
                if status == 200:
                    response["content-length"] = str(len(page))
            await send({**start, "status": status, "headers": response.raw})
            await send({"type": "http.response.body", "body": page})

        await self.app({**scope, "headers": headers}, receive, with_script)


def _asks_for_html(scope: Scope) -> bool:
    accept = dict(scope["headers"]).get(b"accept", b"")
    return scope["method"] == "GET" and b"text/html" in accept
