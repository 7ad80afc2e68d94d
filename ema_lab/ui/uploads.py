"""An uploaded CSV file as a page's signal, and what uploads may take from a process: one
CSV parse at a time, and a budget per session.

The session keeps each page's upload as one record (`ema_lab.ui.state.Upload`): the file,
its time columns, the column tried and the last good signal.

A parse holds about three times its file at its peak (``benchmarks/bench_memory.py``): a
200 MB file, 600 MB. Parses one after the other keep a worker's peak at one file's; a
session that keeps sending files is stopped at `MAX_FILES` files or `MAX_BYTES` bytes
(the files themselves are the browser's, at most ``server.maxUploadSize`` each).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

import streamlit as st

import ema_core as ec
from ema_lab.model.numbers import count
from ema_lab.model.signal import UPLOAD, Signal, check_drawable
from ema_lab.model.site import BY_NAME, HOME
from ema_lab.model.text import escape_markdown
from ema_lab.ui import first_paint, sharing, state

MAX_FILES = 20
"""Files one session may have read (a class rarely needs more than two or three)."""
MAX_BYTES = 2 * 10**9
"""Bytes one session may have read: ten files at the 200 MB limit."""

ADVICE = {
    "encoding": "Save it as UTF-8 CSV.",
    "binary": "If it is text saved as UTF-16 without a byte-order mark, save it as UTF-8 CSV.",
    "time_format": "Use a format such as 2024-01-31 or 2024-01-31 14:00.",
    "time_order": "Sort the file by time.",
    "no_values": "Add the column of values (a loss, a price, a reading), or fix the one that "
    "does not read as numbers.",
}
"""What a reader can do about each kind of problem `ema_core` finds in a file."""


def worded(problem: ValueError) -> str:
    """A problem with a file as the page says it: the fact, then what to do (Markdown-safe).

    Examples
    --------
    >>> print(worded(ec.signals.CsvError("The file is not UTF-8 text.", "encoding")))
    The file is not UTF\\-8 text\\. Save it as UTF\\-8 CSV\\.
    """
    advice = ADVICE.get(getattr(problem, "reason", ""), "")
    return escape_markdown(f"{problem} {advice}".strip())


_PARSING = threading.Lock()


@contextmanager
def parsing() -> Iterator[None]:
    """Hold the process's one place for a CSV parse (the others wait their turn)."""
    with _PARSING:
        yield


def admit(size: int) -> str | None:
    """Count a new file of ``size`` bytes against the session's budget: None if it may be
    read, else why not (and it is not counted)."""
    spent = state.upload_budget()
    if spent.files + 1 > MAX_FILES or spent.bytes + size > MAX_BYTES:
        return (
            f"This session has read {count(spent.files, 'file')} "
            f"({spent.bytes / 1e6:,.0f} MB), its limit is {count(MAX_FILES, 'file')} or "
            f"{MAX_BYTES / 1e6:,.0f} MB; reload the page to start a new session."
        )
    spent.files += 1
    spent.bytes += size
    return None


NO_TIME = "(none: count rows)"


def _drawable(series: ec.signals.CsvSeries) -> ec.signals.CsvSeries:
    """The series, if it has values enough to draw (`check_drawable`)."""
    check_drawable(len(series.values))
    return series


def _store_upload(record: state.Upload, upload, series: ec.signals.CsvSeries) -> Signal:
    record.time_columns = series.time_columns
    record.columns, record.column = series.columns, series.column
    note = f", {series.dropped:,} rows without a value left out" if series.dropped else ""
    record.signal = Signal(
        series.values,
        f"{upload.name}: {series.column}{note}",
        dates=series.times,
        key=(UPLOAD, upload.file_id, series.time_column, series.column),
        time_title=series.time_column or "date",
        repeated_times=series.repeated_times,
    )
    return record.signal


def _read_upload(record: state.Upload, upload, time_column: str | None) -> Signal | None:
    """Read the upload into the session's signal; on a problem say so and keep the last one."""
    try:
        with parsing():
            series = _drawable(
                ec.signals.read_csv(
                    upload.getvalue(), column=record.column, time_column=time_column
                )
            )
    except ValueError as exc:
        _refuse(upload, worded(exc), "The previous signal stays." if record.signal else "")
        return None
    return _store_upload(record, upload, series)


def _read_new_upload(record: state.Upload, upload) -> Signal | None:
    """A new file: one read that also takes the first time column found. Only if that
    column cannot be used (it runs backwards, say) is the file read again, counting rows."""
    try:
        with parsing():
            series = _drawable(ec.signals.read_csv(upload.getvalue(), time_column="auto"))
        return _store_upload(record, upload, series)
    except ValueError as auto_problem:
        signal = _read_upload(record, upload, None)  # says so itself if the file is unusable
        if signal is not None:
            st.warning(
                f"{escape_markdown(upload.name)}: {worded(auto_problem)} Its "
                "values are used counting rows instead."
            )
        return signal


def file_input(key: str, label: str):
    """A CSV file uploader. Not a `Control`, but held like one on a first run
    (`first_paint.place`): nothing but the main chart mounts before the browser has painted
    it."""
    where = first_paint.place(st, key, "file_uploader")
    return where.file_uploader(label, type=["csv", "txt"], key=key)


def uploaded_signal(key: str, stand_in: Callable[[str], Signal]) -> Signal:
    """The page's uploader and the signal of its file: the last good one on a problem, and
    ``stand_in(why)`` until there is one."""
    if not _uploads_here():
        return stand_in("uploads need the full page")
    upload = file_input(
        f"{key}_file",
        "CSV file (one numeric column is used, with a date or time column if there is one)",
    )
    # The page's own file: another page's upload is not this page's signal.
    record = state.upload(key)
    time_key = f"{key}_time"
    column_key = f"{key}_column"
    if upload is not None and record.file_id != upload.file_id:
        record.file_id = upload.file_id
        record.time_columns, record.columns, record.column = (), (), None
        refused = admit(upload.size)
        if refused:
            _refuse(upload, refused, "The previous signal stays." if record.signal else "")
        else:
            first = _read_new_upload(record, upload)
            read_with = first.key[2] if first is not None else None  # the time column, if any
            if first is not None and record.time_columns:
                state.preset(time_key, read_with or NO_TIME)
            if first is not None and len(record.columns) > 1:
                state.preset(column_key, record.column)
            record.tried = read_with
    if upload is not None and len(record.columns) > 1:
        # Which column a file is about is a guess (the one named Value, else the fullest
        # that does not count or time the rows): the reader sees it and may pick another.
        column = st.selectbox(
            "value column",
            record.columns,
            key=column_key,
            help="The column of the file that is smoothed.",
        )
        if column != record.column:
            record.column = column
            _read_upload(record, upload, record.tried)
    if upload is not None and record.time_columns:
        chosen = st.selectbox(
            "time column",
            (NO_TIME, *record.time_columns),
            key=time_key,
            help="The values were observed at these times: the time-aware EMA lets the "
            "past fade by a half-life in time, across the gaps too.",
        )
        wanted = None if chosen == NO_TIME else chosen
        # Each choice is read once: a column that fails says so once, not on every rerun.
        if wanted != record.tried:
            record.tried = wanted
            _read_upload(record, upload, wanted)
    stored = record.signal
    if stored is None:
        if upload is None:
            st.info("No file yet: showing the noisy sine until a CSV file is read.")
            return stand_in("no file yet")
        st.info("Showing the noisy sine until a usable CSV file is read.")
        return stand_in("no usable file")
    read = f"{escape_markdown(stored.label)} ({count(len(stored.values), 'value')})"
    if upload is None:  # the page left and come back to: its file stays for the session
        st.caption(f"Using {read}, read earlier in this session. A new file replaces it.")
    else:
        st.caption(f"Using {read}.")
    return stored


class Curve(Protocol):
    """What `uploaded_curve` reads: a curve named ``name``, and the file's other ``choices``."""

    name: str
    choices: tuple[str, ...]


def uploaded_curve(
    key: str, label: str, read: Callable[[bytes, str, str | None], Curve], *, shipped: str
) -> Curve | None:
    """The page's uploader and the curve ``read(data, file_name, choice)`` makes of its
    file, or None until there is one (the page then shows ``shipped``). A file of several
    curves (W&B's runs, a CSV's columns) offers the choice; a bad file says so, and the
    last good curve stays, for the session."""
    if not _uploads_here():
        return None
    upload = file_input(f"{key}_file", label)
    record = state.upload(key)
    choice_key = f"{key}_metric"
    shipped_stays = f"{shipped[0].upper()}{shipped[1:]} stays."

    def read_into_record() -> bool:
        try:
            with parsing():
                record.signal = read(upload.getvalue(), upload.name, record.column)
        except ValueError as exc:
            _refuse(
                upload, worded(exc), "The previous curve stays." if record.signal else shipped_stays
            )
            return False
        record.column = record.signal.name
        return True

    if upload is not None and record.file_id != upload.file_id:
        record.file_id, record.column = upload.file_id, None
        over_budget = admit(upload.size)
        if over_budget:
            _refuse(
                upload, over_budget, "The previous curve stays." if record.signal else shipped_stays
            )
        elif read_into_record() and record.signal.choices:
            state.preset(choice_key, record.signal.name)
    # (``record.column`` is set once this file gave a curve: a bad file offers no choice.)
    if upload is not None and record.column is not None and record.signal.choices:
        chosen = st.selectbox("curve", record.signal.choices, key=choice_key)
        if chosen != record.column:
            record.column = chosen
            read_into_record()
    if upload is None and record.signal is not None:  # kept for the session
        st.caption("Your curve, read earlier in this session; a new file replaces it.")
        st.button(
            f"Back to {shipped}",
            key="forget_upload",
            on_click=state.upload,
            args=(key,),
            kwargs={"forget": True},
        )
    return record.signal


def _uploads_here() -> bool:
    """Whether the page being drawn takes uploads (`sharing.uploads_here`)."""
    return sharing.uploads_here(BY_NAME.get(state.visit().page, HOME))


def _refuse(upload, why: str, stays: str) -> None:
    """Say that the file ``upload`` cannot be used, ``why`` (Markdown-safe), and what the
    page shows instead."""
    st.error(f"Could not use {escape_markdown(upload.name)}: {why} {stays}")
