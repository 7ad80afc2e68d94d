"""The one component that shows a decay's readings: as a line, a row of metrics or a table,
always with the labels and values of `ema_lab.model.readings`."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ema_lab.model import readings

TABLE = ("decay", "window", "half_life", "span", "lag", "noise_std", "cutoff")


def line(decay: float, where=st) -> None:
    """Under a decay input: the decay in every unit."""
    where.caption(readings.line(decay))


def metrics(decay: float, names: Sequence[str], where=st, *, per_row: int = 3) -> None:
    """Metrics, one per reading, each explained on hover; ``per_row`` a row, so that a
    value such as 0.0000159 keeps its digits in a 1024 px projector's column."""
    shown = readings.every_reading(decay)
    for start in range(0, len(names), per_row):
        row = names[start : start + per_row]
        for column, name in zip(where.columns(per_row), row, strict=False):
            column.metric(shown[name].label, shown[name].value, help=shown[name].help)


def table(decays: Sequence[float], names: Sequence[str] = TABLE, where=st) -> None:
    """A table with one row per decay. Static: it wraps its cells and fits a phone."""
    where.table([readings.table_row(d, tuple(names)) for d in decays], hide_index=True)
