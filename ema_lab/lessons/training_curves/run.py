"""The training run the lesson opens on, trained by this code on shipped data.

A small network (6 inputs, 32 ReLU units, 5 classes) learns Seattle's weather type (sun,
fog, rain, drizzle, snow) from the day's precipitation, temperatures, wind and season
(`ema_core.signals`' Seattle data, NOAA), by mini-batch SGD with a step learning-rate
schedule, and logs its training loss and learning rate every ``LOG_EVERY`` steps, as a
training script writes them for TensorBoard. ``python -m ema_lab.lessons.training_curves.run``
writes the run as TensorBoard's CSV export (``Wall time,Step,Value``) into ``data/``; a test
retrains a prefix and checks it against the shipped file.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

DATA = Path(__file__).with_name("data")
# Named as TensorBoard names its downloads: run-<run>-tag-<tag>.csv
LOSS_FILE = DATA / "run-seattle_mlp-tag-train_loss.csv"
LR_FILE = DATA / "run-seattle_mlp-tag-learning_rate.csv"

STEPS = 30_000
LOG_EVERY = 10
BATCH = 16
HIDDEN = 32
SEED = 0
SCHEDULE = ((0, 0.2), (15_000, 0.02), (24_000, 0.002))
"""(first step, learning rate): a step schedule, divided by 10 twice."""

CLASSES = ("sun", "fog", "rain", "drizzle", "snow")


@dataclass(frozen=True)
class Run:
    steps: np.ndarray  # the logged steps
    loss: np.ndarray  # the mini-batch's cross-entropy at each
    learning_rate: np.ndarray
    wall_time: np.ndarray  # seconds since the epoch, when each was logged


def learning_rate(step: int) -> float:
    return next(rate for first, rate in reversed(SCHEDULE) if step >= first)


def _features() -> tuple[np.ndarray, np.ndarray]:
    path = resources.files("ema_core.data") / "seattle-weather.csv"
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    day = np.array([np.datetime64(r["date"].replace("/", "-")) for r in rows])
    season = 2 * np.pi * (day - day.astype("datetime64[Y]")).astype(float) / 365.25
    x = np.column_stack(
        [
            [float(r["precipitation"]) for r in rows],
            [float(r["temp_max"]) for r in rows],
            [float(r["temp_min"]) for r in rows],
            [float(r["wind"]) for r in rows],
            np.sin(season),
            np.cos(season),
        ]
    )
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    y = np.array([CLASSES.index(r["weather"]) for r in rows])
    return x, y


def train(steps: int = STEPS, *, seed: int = SEED) -> Run:
    """Train and log every `LOG_EVERY` steps (deterministic given ``seed``)."""
    x, y = _features()
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0, np.sqrt(2 / x.shape[1]), (x.shape[1], HIDDEN))
    b1 = np.zeros(HIDDEN)
    w2 = rng.normal(0, np.sqrt(1 / HIDDEN), (HIDDEN, len(CLASSES)))
    b2 = np.zeros(len(CLASSES))
    logged: list[tuple[int, float, float, float]] = []
    for step in range(1, steps + 1):
        batch = rng.integers(0, len(y), BATCH)
        xb, yb = x[batch], y[batch]
        h = np.maximum(xb @ w1 + b1, 0)
        logits = h @ w2 + b2
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(p[np.arange(BATCH), yb]))
        grad = p
        grad[np.arange(BATCH), yb] -= 1
        grad /= BATCH
        gh = (grad @ w2.T) * (h > 0)
        rate = learning_rate(step)
        w2 -= rate * (h.T @ grad)
        b2 -= rate * grad.sum(axis=0)
        w1 -= rate * (xb.T @ gh)
        b1 -= rate * gh.sum(axis=0)
        if step % LOG_EVERY == 0:
            logged.append((step, float(loss), rate, time.time()))
    s, loss, rate, wall = (np.array(c) for c in zip(*logged, strict=True))
    return Run(steps=s.astype(int), loss=loss, learning_rate=rate, wall_time=wall)


def write(run: Run) -> None:
    """The run as two TensorBoard CSV exports (one a scalar, as TensorBoard writes them)."""
    DATA.mkdir(exist_ok=True)
    for path, values in ((LOSS_FILE, run.loss), (LR_FILE, run.learning_rate)):
        with path.open("w", newline="") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(["Wall time", "Step", "Value"])
            for wall, step, value in zip(run.wall_time, run.steps, values, strict=True):
                # TensorBoard keeps a scalar as float32 and exports its shortest repr.
                out.writerow([f"{wall:.6f}", int(step), repr(float(np.float32(value)))])


if __name__ == "__main__":
    write(train())
