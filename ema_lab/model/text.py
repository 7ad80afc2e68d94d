"""User text made safe where it is shown: Streamlit's Markdown, HTML and Plotly's text
(titles, axis titles: Plotly renders a few HTML tags and entities in them), and JSON inside
an HTML ``<script>``. Every such place goes through one of these functions."""

from __future__ import annotations

import base64
import html
import json
import re
from typing import Any

import numpy as np

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def escape_markdown(text: str) -> str:
    """User text made inert for Streamlit's Markdown: no HTML, links, images or maths.

    Examples
    --------
    >>> escape_markdown("[a](javascript:x) $1$")
    '\\\\[a\\\\]\\\\(javascript\\\\:x\\\\) \\\\$1\\\\$'
    """
    printable = "".join(ch for ch in text if ch.isprintable())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", printable)


def escape_html(text: str) -> str:
    """User text made inert in HTML, SVG and Plotly's titles and axis titles.

    Examples
    --------
    >>> escape_html('<a href="x">CLICK</a>')
    '&lt;a href=&quot;x&quot;&gt;CLICK&lt;/a&gt;'
    """
    return html.escape(str(text), quote=True)


def json_for_script(value: Any) -> str:
    """``value`` as JSON that stays inside an HTML ``<script>`` element: every ``<``, ``>``
    and ``&`` written as a JSON escape, so that neither ``</script>`` nor ``<!--<script>``
    (which would swallow the element's end) can appear.

    Examples
    --------
    >>> print(json_for_script({"name": "<!--<script>"}))
    {"name":"\\u003c!--\\u003cscript\\u003e"}
    """
    text = json.dumps(value, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def base64_floats(values: Any, dtype: str = "<f8") -> str:
    """``values`` as little-endian floats (``<f8`` or ``<f4``) in base64: how an array reaches
    the browser's typed arrays (the live decay, the offline figure).

    >>> base64_floats([1.0]), base64_floats([1.0], "<f4")
    ('AAAAAAAA8D8=', 'AACAPw==')
    """
    return base64.b64encode(np.ascontiguousarray(values, dtype=dtype).tobytes()).decode()
