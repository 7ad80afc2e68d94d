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

A result computed from a reader's own file is the exception: no other session can ask for
it, and in the shared cache it outlived the session and took the place of the class's
entries. It is kept with the session instead (`ema_lab.ui.state.own_result`) and goes when
the session does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import streamlit as st

from ema_lab.model.signal import UPLOAD, Signal
from ema_lab.ui import state

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


def _identity(signature: inspect.Signature, args: tuple, kwargs: dict) -> tuple:
    """What identifies a call, as Streamlit's cache sees it: each argument, a `Signal` by its
    ``key``, those whose name starts with ``_`` left out."""
    bound = signature.bind(*args, **kwargs)
    return tuple(
        (name, _signal_key(value) if isinstance(value, Signal) else value)
        for name, value in bound.arguments.items()
        if not name.startswith("_")
    )


def _from_a_file(identity: tuple) -> bool:
    """Whether a call's identity names an uploaded file (a key ``(UPLOAD, file id, ...)``)."""
    return any(isinstance(v, tuple) and v[:1] == (UPLOAD,) for _, v in identity)


# A session's own results per function: the few it moves between (a decay and back).
OWN_KEPT = 4


def shared(max_entries: int, spinner: bool | str = False) -> Callable[[F], F]:
    """Cache ``fn`` for every session on its (hashable) arguments; its result is frozen.

    A `Signal` argument is known by its ``key``, so that a class opening one link shares
    one result. Other arguments whose name starts with ``_`` are not hashed (Streamlit's
    rule): pass the scalars that identify them beside them. A call on an uploaded file
    (a key that starts with ``UPLOAD``) is kept with its session instead (the module's note).
    """

    def wrap(fn: F) -> F:
        @st.cache_resource(
            max_entries=max_entries, show_spinner=spinner, hash_funcs={Signal: _signal_key}
        )
        @functools.wraps(fn)
        def cached(*args, **kwargs):
            return freeze(fn(*args, **kwargs))

        signature = inspect.signature(fn)  # once: a page's every run calls its views

        @functools.wraps(fn)
        def call(*args, **kwargs):
            identity = _identity(signature, args, kwargs)
            if not _from_a_file(identity):
                return cached(*args, **kwargs)

            def make():
                waiting = isinstance(spinner, str)
                with st.spinner(spinner) if waiting else contextlib.nullcontext():
                    return freeze(fn(*args, **kwargs))

            return state.own_result(fn.__qualname__, identity, make, OWN_KEPT)

        return call  # type: ignore[return-value]

    return wrap
