"""The names a link of EMA Lab may hold, and what becomes of the others.

A link names each control it sets (``decay=0.95``) and where the page is shown. A name no
control has is taken out of the link before the page draws, so that the page never offers
it to share (a 100 kB ``foo=`` stayed in the share link, longer than a hall's nginx reads),
and named in the page's notice; the names newsletters and social sites add leave silently.
"""

from __future__ import annotations

import functools
import importlib

from ema_lab.model import questions
from ema_lab.model.params import Control
from ema_lab.model.site import PAGES
from ema_lab.model.text import escape_markdown
from ema_lab.ui import frame, state
from ema_lab.ui.frame import SLIDE

# What a link may name besides the controls: where the page is shown (Streamlit's own
# ``embed`` and ``embed_options``) and, presenting, the slide (`SLIDE`).
_NOT_CONTROLS = ("embed", "embed_options", state.PRESENT)
# What newsletters and social sites add to the links they carry: left out without a word.
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")


@functools.cache
def link_keys() -> frozenset[str]:
    """Every name an EMA Lab link may hold: each control's key, on every page (a link's
    value for another page's control is kept: the sidebar carries the view), and
    `_NOT_CONTROLS`."""
    shared = importlib.import_module("ema_lab.ui.controls")
    lessons = [
        importlib.import_module(f"ema_lab.lessons.{p.name or 'home'}.controls") for p in PAGES
    ]
    keys = {*_NOT_CONTROLS, SLIDE}
    # Every module that declares a Control: the lessons', the shared ones, the frame's
    # (image format, worked answer) and the questions' (the answer).
    for module in (shared, frame, questions, *lessons):
        for value in vars(module).values():
            keys.update(c.key for c in _controls_in(value))
    decay = shared.decay_controls()
    keys.update(c.key for c in (decay.decay, decay.by, *decay.amounts.values()))
    return frozenset(keys)


def _controls_in(value) -> list[Control]:
    if isinstance(value, Control):
        return [value]
    if isinstance(value, tuple | list):
        return [c for item in value for c in _controls_in(item)]
    return []


def drop_unknown() -> None:
    """Take the names no EMA Lab link holds out of the link, and name them in the page's
    notice (tracking names silently). The router calls it before the page runs."""
    unknown = [key for key in state.view_params() if key not in link_keys()]
    state.unpublish(unknown)
    named = [key for key in unknown if not key.startswith(_TRACKING)]
    if named:
        shown = ", ".join(f"“{escape_markdown(key[:30])}”" for key in named[:3])
        more = f" and {len(named) - 3} more" if len(named) > 3 else ""
        state.note(
            "link names",
            f"{shown}{more} {'is' if len(named) == 1 else 'are'} no setting of EMA Lab "
            "(left out of the link)",
            (),
        )
