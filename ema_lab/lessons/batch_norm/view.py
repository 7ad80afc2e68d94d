"""What /batch_norm shows, without Streamlit: a stream of batches whose true mean and
variance drift, the running statistics three frameworks' settings keep of it (and the
reader's own), the error a model evaluated at each step would make with them, the
naming trap, the start, and Bessel's correction. Every number comes from `ema_core`."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.lessons.batch_norm import figures
from ema_lab.model.numbers import readable
from ema_lab.model.readings import whole_steps_to_forget
from ema_lab.model.style import COLORS, DECAY_COLORS

FRAMEWORK = {"pytorch": "PyTorch", "keras": "Keras"}


@dataclass(frozen=True)
class Stream:
    """The batches a layer sees: one feature, its true mean and variance at each step."""

    batches: np.ndarray  # (steps, batch, 1)
    true_mean: np.ndarray  # (steps,)
    true_var: np.ndarray


def stream(steps: int, batch_size: int, drift: float, spread: float, seed: int) -> Stream:
    """Batches of a layer's activations as training moves them: the true mean rises from
    2 by ``drift`` (most of it early, as ``1 - e^{-5t/T}``), the true standard deviation
    from ``spread`` by half as much, relatively.

    Examples
    --------
    >>> s = stream(100, 8, 1.0, 1.0, 0)
    >>> s.batches.shape, round(float(s.true_mean[-1]), 3), round(float(s.true_var[0]), 3)
    ((100, 8, 1), 2.993, 1.049)
    """
    t = np.arange(1, steps + 1)
    rise = 1 - np.exp(-5 * t / steps)
    mean = 2.0 + drift * rise
    std = spread * (1 + 0.5 * drift * rise)
    rng = np.random.default_rng(seed)
    batches = mean[:, None, None] + std[:, None, None] * rng.standard_normal((steps, batch_size, 1))
    return Stream(batches, mean, std**2)


@dataclass(frozen=True)
class Tracker:
    """One setting's running statistics of the stream."""

    label: str  # "PyTorch momentum=0.1"
    convention: str
    momentum: float | None
    decay: float | None  # β of the EMA; None: PyTorch's cumulative average
    mean: np.ndarray
    var: np.ndarray
    # The RMS error of the normalized output of a model evaluated after each batch: an
    # input from the true distribution normalized by the running statistics instead of
    # the truth, sqrt(((μ − μ_r)/σ_r)² + (σ/σ_r − 1)²) (eps left out).
    error: np.ndarray
    color: str
    dash: str | None


def _track(s: Stream, convention: str, momentum: float | None, color: str, dash=None):
    mean, var = ec.batchnorm_running_stats(s.batches, momentum, convention=convention)
    mean, var = mean[:, 0], var[:, 0]
    decay = None if momentum is None else ec.batchnorm_decay(momentum, convention=convention)
    label = f"{FRAMEWORK[convention]} momentum={'None' if momentum is None else f'{momentum:g}'}"
    sd = np.sqrt(np.maximum(var, 1e-300))
    error = np.sqrt(((s.true_mean - mean) / sd) ** 2 + (np.sqrt(s.true_var) / sd - 1) ** 2)
    return Tracker(label, convention, momentum, decay, mean, var, error, color, dash)


STANDARD = (("pytorch", 0.1), ("keras", 0.99), ("pytorch", None))
"""The settings every reader sees: PyTorch's and Keras' defaults, PyTorch's None."""


def batches_to_within(decay: float | None, fraction: float) -> float:
    """Batches until the zero start holds at most ``fraction`` of the weight:
    ``⌈ln f / ln β⌉`` (1 for the cumulative average and for β = 0; ∞ for β = 1).

    Examples
    --------
    >>> batches_to_within(0.9, 0.01), batches_to_within(0.99, 0.05), batches_to_within(1.0, 0.01)
    (44, 299, inf)
    """
    return 1 if decay is None else whole_steps_to_forget(decay, fraction)


def _count(n: float, unit: str = "batch") -> str:
    if math.isinf(n):
        return f"never (β = 1 keeps its start: no {unit} moves it)"
    plural = unit + ("es" if unit.endswith("ch") else "s")
    return f"{readable(n)} {unit if n == 1 else plural}"


@dataclass(frozen=True)
class BatchNormView:
    stream: Stream
    trackers: tuple[Tracker, ...]  # the standard three, then the reader's if other
    yours: Tracker
    title: str

    @functools.cached_property
    def mean_chart(self) -> go.Figure:
        return figures.stat_figure(self, "mean", self.title)

    @functools.cached_property
    def var_chart(self) -> go.Figure:
        return figures.stat_figure(self, "var", self._var_title)

    @functools.cached_property
    def error_chart(self) -> go.Figure:
        return figures.error_figure(self)

    @property
    def _var_title(self) -> str:
        n = self.stream.batches.shape[1]
        return (
            f"Running variance from 1 (batch size {n}: PyTorch's is larger by "
            f"n/(n−1) = {readable(n / (n - 1))} on the data's share)"
        )

    @property
    def steps(self) -> int:
        return len(self.stream.true_mean)

    def end_readings(self) -> list[dict[str, str]]:
        """Each setting at the end of the run and on the way: a row each."""
        rows = []
        for tr in self.trackers:
            window = "all batches so far" if tr.decay is None else _count(
                float(ec.effective_window(tr.decay)) if tr.decay < 1 else math.inf
            )  # fmt: skip
            rows.append(
                {
                    "setting": tr.label,
                    "decay β": "1 − 1/t" if tr.decay is None else f"{tr.decay:g}",
                    "window": window,
                    "within 5% of the data": _count(batches_to_within(tr.decay, 0.05)),
                    "within 1%": _count(batches_to_within(tr.decay, 0.01)),
                    f"error at batch {self.steps:,}": readable(tr.error[-1], 3),
                    "median error, 2nd half": readable(np.median(tr.error[self.steps // 2 :]), 3),
                }
            )
        return rows

    def start_sentence(self) -> str:
        tr = self.yours
        if tr.decay is None:
            return (
                "With `momentum=None` PyTorch keeps the plain average of every batch so far: "
                "the start is gone after the first batch, and so is any memory of the drift: "
                "a statistic of the whole run, early batches weighted as much as the last."
            )
        within = batches_to_within(tr.decay, 0.01)
        shown = (
            f"{_count(within)}, longer than this run ({self.steps:,} batches)"
            if within > self.steps
            else _count(within)
        )
        return (
            f"After $t$ batches the running mean holds $1-\\beta^t$ of the data's weight and "
            f"$\\beta^t$ of its zero start; nothing divides it out. At β = {tr.decay:g} "
            f"({tr.label}) it is within 5% of the data after "
            f"{_count(batches_to_within(tr.decay, 0.05))} and within 1% after {shown}: "
            "a model evaluated before then is normalized with statistics biased to 0 and 1."
        )


def batch_norm_view(s: Stream, convention: str, momentum: float) -> BatchNormView:
    """The view of the stream ``s`` with the reader's setting (``convention``, ``momentum``).

    Examples
    --------
    >>> v = batch_norm_view(stream(200, 16, 1.0, 1.0, 0), "keras", 0.9)
    >>> [t.label for t in v.trackers]
    ['PyTorch momentum=0.1', 'Keras momentum=0.99', 'PyTorch momentum=None', 'Keras momentum=0.9']
    >>> v.title
    'Running mean from 0: Keras momentum=0.9 (β = 0.9) is within 1% of the data after 44 batches'
    """
    palette = (DECAY_COLORS[0], COLORS["biased"], COLORS["tensorflow"])
    dashes = (None, "dash", "dot")
    trackers = [
        _track(s, conv, m, color, dash)
        for (conv, m), color, dash in zip(STANDARD, palette, dashes, strict=True)
    ]
    yours = next(
        (t for t in trackers if (t.convention, t.momentum) == (convention, momentum)), None
    )
    if yours is None:
        yours = _track(s, convention, momentum, COLORS["reference"], "dashdot")
        trackers.append(yours)
    within = batches_to_within(yours.decay, 0.01)
    if math.isinf(within):
        claim = "never leaves its start (β = 1)"
    elif within > len(s.true_mean):
        claim = f"needs {within:,} batches to be within 1% of the data: more than this run"
    else:
        claim = f"is within 1% of the data after {_count(within)}"
    title = f"Running mean from 0: {yours.label} (β = {yours.decay:g}) {claim}"
    return BatchNormView(stream=s, trackers=tuple(trackers), yours=yours, title=title)


def view_of(
    steps: int,
    batch_size: int,
    drift: float,
    spread: float,
    seed: int,
    convention: str,
    momentum: float,
) -> BatchNormView:
    """The page's view, from its controls' values alone (what a shared cache keys on)."""
    return batch_norm_view(stream(steps, batch_size, drift, spread, seed), convention, momentum)


def batchnorm_decay(momentum: float, convention: str) -> float:
    """The decay β that ``momentum`` means under ``convention``."""
    return ec.batchnorm_decay(momentum, convention=convention)


def momentum_for(decay: float, convention: str) -> float:
    """The momentum that means ``decay`` under ``convention``, to 4 decimals (the input's).

    >>> momentum_for(0.95, "pytorch"), momentum_for(0.95, "keras")
    (0.05, 0.95)
    """
    return round(ec.batchnorm_decay(decay, convention=convention), 4)


def momentum_caption(momentum: float, convention: str) -> str:
    """What the momentum typed means, under the input.

    >>> momentum_caption(0.1, "pytorch")
    'PyTorch momentum 0.1 = decay β 0.9 = Keras momentum 0.9 (window 10 batches).'
    """
    decay = batchnorm_decay(momentum, convention)
    other = "keras" if convention == "pytorch" else "pytorch"
    window = readable(ec.effective_window(decay)) + " batches" if decay < 1 else "∞"
    return (
        f"{FRAMEWORK[convention]} momentum {momentum:g} = decay β {decay:g} = "
        f"{FRAMEWORK[other]} momentum {momentum_for(decay, other):g} (window {window})."
    )


# -- the naming trap --------------------------------------------------------------------

NAMING = (
    {
        "framework": "PyTorch (torch.nn.BatchNorm2d)",
        "update of the running statistic r": "r ← (1 − m)·r + m·batch",
        "momentum m is": "the weight of the new batch: 1 − β",
        "default": "0.1 (β = 0.9)",
        "batch variance": "unbiased (n − 1)",
    },
    {
        "framework": "Keras 3 / TensorFlow (BatchNormalization)",
        "update of the running statistic r": "r ← m·r + (1 − m)·batch",
        "momentum m is": "the weight kept: β",
        "default": "0.99 (β = 0.99)",
        "batch variance": "biased (n); tf.keras 2's fused kernel: unbiased",
    },
    {
        "framework": "Flax (flax.linen.BatchNorm)",
        "update of the running statistic r": "r ← m·r + (1 − m)·batch",
        "momentum m is": "the weight kept: β",
        "default": "0.99 (β = 0.99)",
        "batch variance": "biased (n)",
    },
)
"""The three frameworks' meaning of momentum, from their documentation and source."""


def converted(momentum: float, convention: str) -> dict[str, str]:
    """The same EMA in every framework's words.

    Examples
    --------
    >>> converted(0.1, "pytorch")["Keras / TensorFlow / Flax momentum"]
    '0.9'
    """
    decay = ec.batchnorm_decay(momentum, convention=convention)
    return {
        "decay β": f"{decay:g}",
        "PyTorch momentum": f"{ec.batchnorm_decay(decay, convention='pytorch'):g}",
        "Keras / TensorFlow / Flax momentum": f"{decay:g}",
        "window 1/(1 − β)": readable(ec.effective_window(decay)) if decay < 1 else "∞",
    }


def _possessive(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


def trap_rows(s: Stream) -> list[dict[str, str]]:
    """Each framework's default typed into the other one: what the EMA becomes."""
    rows = []
    for typed, meant, used in (
        (0.99, "keras", "pytorch"),
        (0.1, "pytorch", "keras"),
    ):
        intended, got = _track(s, meant, typed, "", None), _track(s, used, typed, "", None)
        rows.append(
            {
                "typed": f"{typed:g}, {_possessive(FRAMEWORK[meant])} default, into "
                f"{FRAMEWORK[used]}",
                "β meant → β got": f"{intended.decay:g} → {got.decay:g}",
                "window meant → got": (
                    f"{readable(ec.effective_window(intended.decay))} → "
                    f"{readable(ec.effective_window(got.decay))} batches"
                ),
                "median error, 2nd half, meant → got": (
                    f"{readable(np.median(intended.error[len(s.true_mean) // 2 :]), 3)} → "
                    f"{readable(np.median(got.error[len(s.true_mean) // 2 :]), 3)}"
                ),
            }
        )
    return rows


def keras_replay(updates: int = 5, momentum: float = 0.9, value: float = 2.0) -> list[dict]:
    """Keras' documented example (``x = 0``, ``value = 2.0``, momentum 0.9) replayed: the
    moving mean of a constant batch after each update, and what debiasing would give.

    Examples
    --------
    >>> [r["moving mean"] for r in keras_replay(3)]
    ['0.2', '0.38', '0.542']
    """
    batches = np.full((updates, 2, 1), value)
    mean, _ = ec.batchnorm_running_stats(batches, momentum, convention="keras")
    t = np.arange(1, updates + 1)
    share = ec.bias_correction(momentum, t)
    return [
        {
            "update t": str(int(k)),
            "moving mean": f"{m:.6g}",
            "data's share 1 − βᵗ": f"{w:.6g}",
            "debiased (never done)": f"{m / w:.6g}",
        }
        for k, m, w in zip(t, mean[:, 0], share, strict=True)
    ]


def bessel_rows(sizes=(2, 4, 8, 32)) -> list[dict[str, str]]:
    """PyTorch's running variance against Keras' on the same batches: n/(n − 1).

    >>> [r["n/(n − 1)"] for r in bessel_rows()]
    ['2', '1.333', '1.143', '1.032']
    """
    return [
        {
            "batch size n": str(n),
            "n/(n − 1)": readable(n / (n - 1)),
            "PyTorch's variance larger by": f"{n / (n - 1) - 1:.1%}",
        }
        for n in sizes
    ]


def csv_columns(view: BatchNormView) -> dict[str, np.ndarray]:
    """The full series: the truth, the batches' own statistics, every setting's."""
    s = view.stream
    columns = {
        "true_mean": s.true_mean,
        "true_var": s.true_var,
        "batch_mean": s.batches.mean(axis=1)[:, 0],
        "batch_var_biased": s.batches.var(axis=1)[:, 0],
    }
    for tr in view.trackers:
        name = tr.label.replace(" momentum=", "_").lower()
        columns[f"{name}_mean"] = tr.mean
        columns[f"{name}_var"] = tr.var
    return columns
