"""Results shared by every session of the server, handed out read-only.

``st.cache_resource`` rather than ``st.cache_data``: the latter gives every rerun a
pickled copy (0.15 s for 10^7 samples). What it shares is frozen instead: arrays are
made read-only, so that an in-place edit fails loudly rather than leak between
students.

Views are shared with their figures: building Plotly's figure objects is most of a
page's server time (30-100 ms a chart), and a class opening one link would otherwise
build the same charts once per student. A figure cannot be made read-only, so the rule
is that a page draws a view's figures as they are: the one change a page makes, the
embedded chart's height, is drawn on a copy (`sharing.embed_chart`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import streamlit as st

from ema_lab.model.signal import Signal

F = TypeVar("F", bound=Callable[..., Any])


def freeze(value: Any) -> Any:
    """Make every array in ``value`` (and in its tuples, lists, dicts and dataclasses)
    read-only. A figure is left as it is: it holds copies of its arrays, and a page
    never edits it (see the module's note)."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, dict):
        for item in value.values():
            freeze(item)
    elif isinstance(value, list | tuple):
        for item in value:
            freeze(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            freeze(getattr(value, f.name))
    return value


def _signal_key(signal: Signal) -> tuple:
    # A signal is known by its scalars (a generator's parameters, a file's id): its values,
    # up to 10^7 samples, are never hashed.
    return signal.key


def shared(max_entries: int, spinner: bool | str = False) -> Callable[[F], F]:
    """Cache ``fn`` for every session on its (hashable) arguments; its result is frozen.

    A `Signal` argument is known by its ``key``, so that a class opening one link shares
    one result. Other arguments whose name starts with ``_`` are not hashed (Streamlit's
    rule): pass the scalars that identify them beside them.
    """

    def wrap(fn: F) -> F:
        @st.cache_resource(
            max_entries=max_entries, show_spinner=spinner, hash_funcs={Signal: _signal_key}
        )
        @functools.wraps(fn)
        def cached(*args, **kwargs):
            return freeze(fn(*args, **kwargs))

        return cached  # type: ignore[return-value]

    return wrap
