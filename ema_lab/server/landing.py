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
"""

from __future__ import annotations

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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _asks_for_html(scope):
            await self.app(scope, receive, send)
            return
        # Uncompressed, so that the script can go in: the page is 8 kB.
        headers = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
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
            if start["status"] == 200 and response.get("content-type", "").startswith("text/html"):
                page = page.replace(b"<head>", b"<head>" + self.script, 1)
                response["content-length"] = str(len(page))
                # The page is no longer the file Streamlit's validators describe.
                del response["etag"]
                del response["last-modified"]
            await send({**start, "headers": response.raw})
            await send({"type": "http.response.body", "body": page})

        await self.app({**scope, "headers": headers}, receive, with_script)


def _asks_for_html(scope: Scope) -> bool:
    accept = dict(scope["headers"]).get(b"accept", b"")
    return scope["method"] == "GET" and b"text/html" in accept
