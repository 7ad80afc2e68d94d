"""URL state: draw a `Control` bound to the URL, after checking the link's value for it.

The widget is drawn with ``bind="query-params"``, so a copied link reproduces the view.
Streamlit quietly drops a value its widget cannot take: the link is checked first, with
the very bounds the widget gets, and the page says which values it could not use, so the
reader knows the default is shown instead.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ema_lab import first_paint
from ema_lab.params import CHOICES, UNSET, Control, Widget


def draw(
    control: Control,
    where=None,
    *,
    default: Any = UNSET,
    low: float | None = None,
    high: float | None = None,
    label: str | None = None,
    **overrides,
) -> Any:
    """Check the link's value for ``control``, then draw its widget in ``where`` (a
    container; the page by default) bound to the URL; returns its value.

    ``default``, ``low``, ``high`` and ``label`` are for a control whose range or
    wording depends on another one (the link is checked against the same bounds).
    """
    where = first_paint.place(st if where is None else where, control.key, control.widget)
    if control.key in st.query_params:
        found = control.problem(st.query_params.get_all(control.key), high, low)
        if found:
            _announce(found)
    default = control.default if default is UNSET else default
    w = control.widget
    # Set through the session (a carried-over unit, say): no default, or Streamlit warns.
    if control.key in st.session_state:
        first = {}
    elif w in ("selectbox", "radio"):
        first = {"index": control.options.index(default)}
    elif w in ("pills", "multiselect"):
        first = {"default": default}
    else:
        # A whole number is a float input (see below): its value is a float too.
        whole_input = w == "number" and control.whole
        first = {"value": float(default) if whole_input else default}
    common = {
        "key": control.key,
        "bind": "query-params",
        **control.extra,
        **overrides,
        **first,
    }
    low, high = control.bounds(low, high)
    label = control.label if label is None else label
    if control.format_func is not None and w in CHOICES:
        common["format_func"] = control.format_func
    if w == "select_slider":
        return where.select_slider(label, options=control.options, **common)
    if w == "slider":
        return where.slider(label, min_value=low, max_value=high, step=control.step, **common)
    if w == "number":
        if control.whole:
            # Streamlit 1.67's integer input crashes the page on ?key=inf (int(inf) while
            # seeding from the link); a float input refuses it and keeps the default.
            number = where.number_input(
                label, float(low), float(high), step=float(control.step or 1), format="%.0f",
                **common,
            )  # fmt: skip
            return int(number)
        return where.number_input(label, min_value=low, max_value=high, step=control.step, **common)
    if w in ("selectbox", "radio"):
        return getattr(where, w)(label, control.options, **common)
    if w == "pills":
        return where.pills(label, control.options, selection_mode="multi", **common)
    if w == "multiselect":
        return where.multiselect(label, control.options, **common)
    if w == "toggle":
        return where.toggle(label, **common)
    raise ValueError(f"widget must be one of {', '.join(Widget.__args__)}; got {w!r}")


_NOTICE = "_ema_lab_link_notice"


def notice_area() -> None:
    """Reserve the place, at the top of the page, where the link's unusable values are named
    (by `show_notice`, once the page has drawn its controls)."""
    st.session_state[_NOTICE] = (st.empty(), [])


def _announce(problem: str) -> None:
    _, problems = st.session_state.get(_NOTICE, (None, []))
    if problem not in problems:
        problems.append(problem)


def show_notice() -> None:
    """Name the link's unusable values in the place `notice_area` reserved. Called after
    the page ran (from outside any fragment: what a fragment writes outside itself is
    not kept)."""
    area, problems = st.session_state.pop(_NOTICE, (None, []))
    if area is not None and problems:
        area.warning(
            "Some values in this link could not be used, so the defaults are shown instead: "
            + "; ".join(problems),
            icon="⚠️",
        )
