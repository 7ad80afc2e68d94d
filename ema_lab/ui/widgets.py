"""Widgets drawn from `Control`s, with the link as their memory.

`draw` draws a control's widget anew at the link's value if it can (checked with the very
bounds the widget gets), else at its default; a value the link holds but the widget cannot
take is named at the top of the page (`show_notice`) until the reader changes it. Whatever
the widget then shows goes back into the link (`ema_lab.ui.state`), so a copied address
reproduces the view.

A kind of widget is one entry of `ADAPTERS`: how its first value is given, and how it is
drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    where = st if where is None else where
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
    held = first_paint.hold(where, control.widget)  # the value it would start at
    value = seed if held else _widget(control, where, seed, low, high, label, overrides)
    shown = control.texts(value)
    state.publish(control.key, None if shown in ((), control.texts(declared)) else shown)
    state.record_shown_may_rerun(control.key, shown)
    if control.key == state.CARRIED:
        state.chose_decay(float(value), float(declared))
    return value


def _on_scale(control: Control, value: Any) -> Any:
    """``value`` itself, or for a decay slider the stop nearest to it (a decay carried
    from a half-life, say, falls between the stops)."""
    if control.widget != "select_slider" or value in control.options:
        return value
    return min(control.options, key=lambda option: abs(option - value))


@dataclass(frozen=True)
class Adapter:
    """How one kind of widget is drawn: the keyword its first value goes in, and the call
    ``draw(where, label, control, low, high, **kwargs)``."""

    first: Callable[[Control, Any], dict]
    draw: Callable[..., Any]


def _whole_number(where, label, control, low, high, **kwargs) -> int:
    # Streamlit 1.67's integer input crashes the page on ?key=inf (int(inf) while seeding
    # from the link); a float input refuses it and keeps the default.
    step = float(control.step or 1)
    return int(
        where.number_input(label, float(low), float(high), step=step, format="%.0f", **kwargs)
    )


def _number(where, label, control, low, high, **kwargs):
    if control.whole:
        return _whole_number(where, label, control, low, high, **kwargs)
    return where.number_input(label, min_value=low, max_value=high, step=control.step, **kwargs)


def _value(control: Control, seed: Any) -> dict:
    # A whole number is a float input (`_whole_number`): its value is a float too.
    return {"value": float(seed) if control.widget == "number" and control.whole else seed}


_CHOSEN = lambda control, seed: {"index": control.options.index(seed)}  # noqa: E731
_PICKED = lambda control, seed: {"default": seed}  # noqa: E731

ADAPTERS: dict[Widget, Adapter] = {
    "select_slider": Adapter(
        _value, lambda w, label, c, lo, hi, **k: w.select_slider(label, options=c.options, **k)
    ),
    "slider": Adapter(
        _value,
        lambda w, label, c, lo, hi, **k: w.slider(
            label, min_value=lo, max_value=hi, step=c.step, **k
        ),
    ),
    "number": Adapter(_value, _number),
    "selectbox": Adapter(
        _CHOSEN, lambda w, label, c, lo, hi, **k: w.selectbox(label, c.options, **k)
    ),
    "radio": Adapter(_CHOSEN, lambda w, label, c, lo, hi, **k: w.radio(label, c.options, **k)),
    "pills": Adapter(
        _PICKED,
        lambda w, label, c, lo, hi, **k: w.pills(label, c.options, selection_mode="multi", **k),
    ),
    "multiselect": Adapter(
        _PICKED, lambda w, label, c, lo, hi, **k: w.multiselect(label, c.options, **k)
    ),
    "toggle": Adapter(_value, lambda w, label, c, lo, hi, **k: w.toggle(label, **k)),
}
"""Every kind of widget a `Control` names (`ema_lab.model.params.Widget`), one entry each."""


def _widget(control, where, seed, low, high, label, overrides) -> Any:
    """The widget itself, drawn at ``seed`` when new (an existing one keeps its value:
    a keyed widget's identity does not include its value)."""
    adapter = ADAPTERS[control.widget]
    # Preset through the session (an upload's time column): no first value, or Streamlit warns.
    first = {} if control.key in state.current_run().presets else adapter.first(control, seed)
    kwargs = {"key": control.key, **control.extra, **overrides, **first}
    if control.format_func is not None and control.widget in CHOICES:
        kwargs["format_func"] = control.format_func
    low, high = control.bounds(low, high)
    return adapter.draw(
        where, control.label if label is None else label, control, low, high, **kwargs
    )


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
