"""Logged training curves from the files people export: TensorBoard's CSV
(``Wall time,Step,Value``), W&B's (``Step`` and ``<run> - <metric>`` columns, with their
``__MIN`` / ``__MAX`` band), or any CSV with a step and a value column. Read with
`ema_core.signals.read_csv`, which checks the file (binary, encoding, size, numbers)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

import ema_core as ec
from ema_core.csv_series import CLOCK_COLUMNS, STEP_COLUMNS
from ema_lab.lessons.training_curves import run
from ema_lab.model.signal import check_drawable

TENSORBOARD = "TensorBoard export"
WANDB = "W&B export"
PLAIN = "CSV"
BAND = ("__MIN", "__MAX")


@dataclass(frozen=True)
class Curve:
    """One logged metric: its steps, its values, and where it came from."""

    steps: np.ndarray  # float64, non-decreasing
    values: np.ndarray
    name: str  # the metric ("train_loss", "run-3 - loss")
    source: str  # TENSORBOARD, WANDB or PLAIN
    low: np.ndarray | None = None  # W&B's band: the bucket's minimum and maximum
    high: np.ndarray | None = None
    dropped: int = 0  # rows without a finite value, left out
    counted_rows: bool = False  # no step column: steps are the rows, 1, 2, 3, ...
    choices: tuple[str, ...] = ()  # the file's other curves (W&B's runs, a CSV's columns)

    @property
    def description(self) -> str:
        """What was read, in a line: ``"W&B export: a - loss, 3 points, 1 row ..."``."""
        text = f"{self.source}: {self.name}, {self.values.size:,} points"
        if self.dropped:
            text += f", {self.dropped:,} rows without a value left out"
        if self.counted_rows:
            text += " (no step column: steps counted by rows)"
        return text

    @property
    def higher_is_better(self) -> bool:
        """An accuracy, a score or a reward is best at its highest; a loss at its lowest."""
        words = ("acc", "auc", "f1", "precision", "recall", "score", "reward", "iou", "map")
        return any(w in self.name.lower() for w in words)


def read_export(data: bytes, name: str = "", metric: str | None = None) -> Curve:
    """The curve in an exported CSV file (``name``: the file's, for a TensorBoard export,
    whose columns do not name the metric): ``metric`` if the file has it (a W&B run's
    column, a CSV's value column), else the first. A curve of fewer than two points is
    refused: it draws nothing to smooth.

    Examples
    --------
    >>> c = read_export(b"Wall time,Step,Value\\n1.0,10,0.9\\n2.0,20,0.7\\n", "run-a-tag-loss.csv")
    >>> c.source, c.name, c.steps.tolist(), c.values.tolist()
    ('TensorBoard export', 'loss', [10.0, 20.0], [0.9, 0.7])
    >>> w = read_export(b"Step,a - loss,a - loss__MIN,a - loss__MAX\\n0,1,0.5,2\\n5,3,2,4\\n")
    >>> w.source, w.name, w.values.tolist(), w.high.tolist()
    ('W&B export', 'a - loss', [1.0, 3.0], [2.0, 4.0])
    """
    columns = ec.signals.read_csv(data).columns  # the numeric ones; checks the file
    if {"Step", "Value"} <= set(columns):
        series = ec.signals.read_csv(data, column="Value", time_column="Step")
        # TensorBoard names its download run-<run>-tag-<tag>.csv
        metric = name.removesuffix(".csv").rpartition("-tag-")[2] or "Value"
        return _curve(series, metric, TENSORBOARD)
    metrics = [c for c in columns if " - " in c and not c.endswith(BAND)]
    if "Step" in columns and metrics:
        chosen = metric if metric in metrics else metrics[0]
        series = ec.signals.read_csv(data, column=chosen, time_column="Step")
        low, high = (_band(data, chosen + end, series) for end in BAND)
        return _curve(series, chosen, WANDB, low=low, high=high, choices=tuple(metrics))
    step = next((c for c in columns if c.strip().lower() in STEP_COLUMNS), None)
    values = [c for c in columns if c != step and c.strip().lower() not in CLOCK_COLUMNS]
    if step is not None and values:
        chosen = metric if metric in values else values[0]
        series = ec.signals.read_csv(data, column=chosen, time_column=step)
        return _curve(series, chosen, PLAIN, choices=tuple(values))
    # No step column: the values against their rows.
    series = ec.signals.read_csv(data, column=metric if metric in columns else None)
    return _curve(series, series.column, PLAIN, choices=series.columns)


def _curve(series, metric: str, source: str, choices: tuple[str, ...] = (), **band) -> Curve:
    check_drawable(len(series.values))
    if series.times is None:
        steps = np.arange(1, len(series.values) + 1, dtype=np.float64)
    else:
        steps = series.times.astype(np.float64)
    return Curve(
        steps=steps,
        values=series.values,
        name=metric,
        source=source,
        dropped=series.dropped,
        counted_rows=series.times is None,
        choices=choices if len(choices) > 1 else (),
        **band,
    )


def _band(data: bytes, column: str, series) -> np.ndarray | None:
    """W&B's min or max column, if it lines up with the metric's steps."""
    try:
        other = ec.signals.read_csv(data, column=column, time_column="Step")
    except ValueError:
        return None
    if other.times.shape != series.times.shape or not np.array_equal(other.times, series.times):
        return None
    return other.values


@functools.cache
def shipped_run() -> tuple[Curve, Curve]:
    """The run the lesson opens on: its training loss and learning rate, read from the
    shipped TensorBoard exports as an upload would be."""
    loss = read_export(run.LOSS_FILE.read_bytes(), run.LOSS_FILE.name)
    rate = read_export(run.LR_FILE.read_bytes(), run.LR_FILE.name)
    return loss, rate
