"""Widgets drawn from `Control`s, with the link as their memory.

`draw` draws a control's widget anew at the link's value if it can (checked with the very
bounds the widget gets), else at its default; a value the link holds but the widget cannot
take is named at the top of the page (`show_notice`) until the reader changes it. Whatever
the widget then shows goes back into the link (`ema_lab.ui.state`), so a copied address
reproduces the view.

A kind of widget is one case of `_widget` (how it is drawn) and, unless its first value
is ``value=``, a line of `_first`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ema_lab.model.params import CHOICES, UNSET, Control
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
        if problem and state.from_link(control.key):  # not what this session wrote
            state.note(control.key, problem, control.texts(seed))
    value = _widget(control, where, seed, low, high, label, overrides)
    shown = control.texts(value)
    # The default is left out of the link, unless the reader's link wrote it: it stays.
    at_default = shown in ((), control.texts(declared))
    kept = values is not None and tuple(values) == shown
    state.publish(control.key, None if at_default and not kept else shown)
    state.record_shown_may_rerun(control.key, shown)
    if control.key == state.CARRIED:
        state.chose_decay(float(value), float(declared), control.key)
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
    kwargs = {"key": control.key, **control.extra, **overrides}
    # Preset through the session (an upload's time column): no first value, or Streamlit warns.
    if control.key not in state.current_run().presets:
        kwargs.update(_first(control, seed))
    if control.format_func is not None and control.widget in CHOICES:
        kwargs["format_func"] = control.format_func
    low, high = control.bounds(low, high)
    label, options = control.label if label is None else label, control.options
    match control.widget:
        case "select_slider":
            return where.select_slider(label, options, **kwargs)
        case "slider":
            return where.slider(label, low, high, step=control.step, **kwargs)
        case "number" if control.whole:
            # Streamlit 1.67's integer input crashes the page on ?key=inf (int(inf) while
            # seeding from the link); a float input refuses it and keeps the default.
            low, high, step = float(low), float(high), float(control.step or 1)
            return int(where.number_input(label, low, high, step=step, format="%.0f", **kwargs))
        case "number":
            return where.number_input(label, low, high, step=control.step, **kwargs)
        case "selectbox":
            return where.selectbox(label, options, **kwargs)
        case "radio":
            return where.radio(label, options, **kwargs)
        case "pills":
            return where.pills(label, options, selection_mode="multi", **kwargs)
        case "multiselect":
            return where.multiselect(label, options, **kwargs)
        case "toggle":
            return where.toggle(label, **kwargs)
    raise ValueError(f"control {control.key!r}: unknown widget {control.widget!r}")


def _first(control: Control, seed: Any) -> dict:
    """How a new widget is given its first value."""
    if control.widget in ("selectbox", "radio"):
        return {"index": control.options.index(seed)}
    if control.widget in ("pills", "multiselect"):
        return {"default": seed}
    # A whole number is a float input (above): its value is a float too.
    return {"value": float(seed) if control.widget == "number" and control.whole else seed}


def notice_area() -> None:
    """Reserve the place, at the top of the page, where the link's unusable values are
    named (by `show_notice`, once the page has drawn its controls)."""
    state.current_run().notice_area = st.empty()


def show_notice() -> None:
    """Name the link's unusable values in the place `notice_area` reserved. Called after
    the page ran (from outside any fragment: what a fragment writes outside itself is
    not kept)."""
    area, problems = state.current_run().notice_area, state.notices()
    if area is not None and problems:
        area.warning(
            "Some values in this link could not be used, so the defaults are shown instead: "
            + "; ".join(problems),
            icon="⚠️",
        )
