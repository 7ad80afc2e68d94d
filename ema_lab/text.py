"""User text made safe to show in Streamlit's Markdown."""

from __future__ import annotations

import re

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
