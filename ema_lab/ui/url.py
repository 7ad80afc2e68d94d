"""URL state: draw a `Control` from the link, and write the value it shows back into it.

A widget drawn anew takes the link's value if it can (checked with the very bounds the
widget gets), else its default; a value the link holds but the widget cannot take is
named at the top of the page until the reader changes it (`ema_lab.ui.state`). Whatever the
widget then shows goes back into the link, so a copied address reproduces the view.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ema_lab.model.params import CHOICES, UNSET, Control, Widget
from ema_lab.model.text import escape_markdown
from ema_lab.ui import first_paint, state


def draw(
    control: Control,
    where=None,
    *,
    default: Any = UNSET,
    low: float | None = None,
    high: float | None = None,
    label: str | None = None,
    start: Any = UNSET,
    **overrides,
) -> Any:
    """Draw ``control``'s widget in ``where`` (a container; the page by default), from
    the link; returns its value, which the link then holds.

    ``default``, ``low``, ``high`` and ``label`` are for a control whose range or
    wording depends on another one (the link is checked against the same bounds).
    ``start`` is where a new widget starts when the link names no value, if not at its
    ``default`` (the link leaves the default out): the decay carried from the last page.
    """
    where = first_paint.place(st if where is None else where, control.key, control.widget)
    declared = control.default if default is UNSET else default
    if start is UNSET:
        start = state.carried_decay(declared) if control.key == state.CARRIED else declared
    seed = _on_scale(control, start)
    values = state.link_values(control.key)
    if values is not None:
        found = control.parse(values, high, low)
        seed = seed if found is UNSET else found
        problem = control.problem(values, high, low)
        if found is UNSET and problem is None:  # a whole number's slider given 2.5, say
            shown = escape_markdown(values[-1][:40])
            problem = f"**{control.key}** = {shown} (expected a whole number)"
        if problem and state.from_link(control.key):  # not what this session wrote
            state.note(control.key, problem, control.texts(seed))
    value = _widget(control, where, seed, low, high, label, overrides)
    shown = control.texts(value)
    state.publish(control.key, None if shown in ((), control.texts(declared)) else shown)
    state.shown(control.key, shown)
    if control.key == state.CARRIED:
        state.chose_decay(float(value), float(declared))
    return value


def _on_scale(control: Control, value: Any) -> Any:
    """``value`` itself, or for a decay slider the stop nearest to it (a decay carried
    from a half-life, say, falls between the stops)."""
    if control.widget != "select_slider" or value in control.options:
        return value
    return min(control.options, key=lambda option: abs(option - value))


def _widget(control, where, seed, low, high, label, overrides) -> Any:
    """The widget itself, drawn at ``seed`` when new (an existing one keeps its value:
    a keyed widget's identity does not include its value)."""
    w = control.widget
    # Preset through the session (an upload's time column): no default, or Streamlit warns.
    if control.key in state.run().presets:
        first = {}
    elif w in ("selectbox", "radio"):
        first = {"index": control.options.index(seed)}
    elif w in ("pills", "multiselect"):
        first = {"default": seed}
    else:
        # A whole number is a float input (see below): its value is a float too.
        whole_input = w == "number" and control.whole
        first = {"value": float(seed) if whole_input else seed}
    common = {
        "key": control.key,
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


def notice_area() -> None:
    """Reserve the place, at the top of the page, where the link's unusable values are
    named (by `show_notice`, once the page has drawn its controls)."""
    state.run().notice_area = st.empty()


def show_notice() -> None:
    """Name the link's unusable values in the place `notice_area` reserved. Called after
    the page ran (from outside any fragment: what a fragment writes outside itself is
    not kept)."""
    area, problems = state.run().notice_area, state.notices()
    if area is not None and problems:
        area.warning(
            "Some values in this link could not be used, so the defaults are shown instead: "
            + "; ".join(problems),
            icon="⚠️",
        )
