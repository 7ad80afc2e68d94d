r"""A small training run to watch an EMA of model weights: SGD on a noisy two-weight problem.

The problem is least squares with two correlated features, so that the loss

.. math:: L(w) = \tfrac12 \operatorname{mean}_i (x_i \cdot w - y_i)^2

is an elongated bowl that can be drawn as a contour map. Mini-batch SGD with a
constant learning rate does not settle at the bottom: it keeps bouncing around it,
and an EMA of the weights averages the bounce away. Everything is deterministic
given the seed.

Longer than 400 lines: the problem, the two optimizers that train on it (`sgd` and
`adam`, on the same mini-batches) and the EMA strategies that follow their weights are
one run, read together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ema_core import _kernels, optimizers
from ema_core import strategies as strat
from ema_core._validation import (
    check_at_least,
    check_decay,
    check_whole,
)
from ema_core.posthoc import PowerSnapshots, power_ema_track, power_snapshots
from ema_core.series import ema_series

__all__ = [
    "STRATEGIES",
    "EmaSettings",
    "KerasOverwrite",
    "LeastSquares",
    "PowerSnapshots",  # from ema_core.posthoc, where power-EMA tracking lives
    "Strategy",
    "Track",
    "Training",
    "WeightsRun",
    "ZeroStart",
    "adam",
    "beats_from",
    "least_squares",
    "power_ema_track",
    "power_snapshots",
    "sgd",
    "simulate",
    "trailing_mean",
]


@dataclass(frozen=True)
class LeastSquares:
    """Training and held-out data of a two-weight least-squares problem."""

    features: np.ndarray
    targets: np.ndarray
    test_features: np.ndarray
    test_targets: np.ndarray

    def loss(self, weights: ArrayLike, *, test: bool = True) -> np.ndarray:
        r""":math:`L(w)` for weights of shape (..., 2), on the held-out or the training data.

        Computed as the quadratic form :math:`\tfrac12 (w^\top A w - 2 b^\top w + c)` with
        :math:`A = X^\top X / N`, :math:`b = X^\top y / N`, :math:`c = y^\top y / N`.
        """
        x, y = (self.test_features, self.test_targets) if test else (self.features, self.targets)
        a, b, c = x.T @ x / len(y), x.T @ y / len(y), y @ y / len(y)
        w = np.asarray(weights, dtype=np.float64)
        return 0.5 * (np.einsum("...i,ij,...j->...", w, a, w) - 2 * w @ b + c)

    def minimum(self, *, test: bool = True) -> np.ndarray:
        """The weights with the least loss: the least-squares solution."""
        x, y = (self.test_features, self.test_targets) if test else (self.features, self.targets)
        return np.linalg.lstsq(x, y, rcond=None)[0]


def least_squares(
    seed: int = 0,
    *,
    samples: int = 256,
    test_samples: int = 4096,
    noise: float = 1.0,
    condition: float = 20.0,
) -> LeastSquares:
    r"""Draw a problem: features with covariance of condition number ``condition``.

    The features' principal axes are turned by 30°, with variances 1 and
    1/``condition``: the bowl is that much longer in one direction. Targets are
    :math:`y = x \cdot w^* + \varepsilon` with :math:`w^* = (1, -0.5)` and
    :math:`\varepsilon \sim N(0, \text{noise}^2)`.

    Examples
    --------
    >>> p = least_squares(0)
    >>> p.features.shape, p.test_features.shape
    ((256, 2), (4096, 2))
    >>> bool(np.allclose(p.minimum(), [1.0, -0.5], atol=0.2))
    True
    """
    check_at_least(noise, "noise", 0)
    check_at_least(condition, "condition", 1)
    rng = np.random.default_rng([seed, 0])
    angle = np.pi / 6
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    scale = rotation @ np.diag([1.0, 1.0 / np.sqrt(condition)])
    w_true = np.array([1.0, -0.5])

    def draw(n: int) -> tuple[np.ndarray, np.ndarray]:
        x = rng.standard_normal((n, 2)) @ scale.T
        return x, x @ w_true + noise * rng.standard_normal(n)

    (x, y), (xt, yt) = draw(samples), draw(test_samples)
    return LeastSquares(x, y, xt, yt)


def _batches(problem: LeastSquares, steps: int, batch_size: int, seed: int):
    # Mini-batches drawn with replacement; the gradient of batch t at w is a[t] @ w - c[t].
    n = len(problem.targets)
    if isinstance(batch_size, bool) or not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be a whole number from 1 to {n}, got {batch_size!r}")
    steps = check_whole(steps, "steps")
    rng = np.random.default_rng([seed, 1])
    idx = rng.integers(0, n, size=(steps, int(batch_size)))
    x, y = problem.features[idx], problem.targets[idx]
    a = np.einsum("tbi,tbj->tij", x, x) / batch_size
    c = np.einsum("tbi,tb->ti", x, y) / batch_size
    return a, c


def sgd(
    problem: LeastSquares,
    *,
    learning_rate: float,
    steps: int,
    batch_size: int,
    seed: int = 0,
    start: Sequence[float] = (-1.5, 2.0),
) -> np.ndarray:
    r"""Mini-batch SGD from ``start``: the weights before and after every step, (steps + 1, 2).

    .. math:: w_{t} = w_{t-1} - \eta\, \nabla L_{B_t}(w_{t-1})

    Examples
    --------
    >>> w = sgd(least_squares(0), learning_rate=0.1, steps=3, batch_size=8)
    >>> w.shape, w[0].tolist()
    ((4, 2), [-1.5, 2.0])
    """
    lr = float(check_at_least(learning_rate, "learning_rate", 0, strict=True))
    a, c = _batches(problem, steps, batch_size, seed)
    out = np.empty((a.shape[0] + 1, 2))
    _kernels.sgd_affine(a, c, lr, np.asarray(start, dtype=np.float64), out)
    return out


def adam(
    problem: LeastSquares,
    *,
    learning_rate: float,
    steps: int,
    batch_size: int,
    seed: int = 0,
    start: Sequence[float] = (-1.5, 2.0),
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    bias_correction: bool = True,
    convention: str = "pytorch",
) -> optimizers.AdamRun:
    r"""Mini-batch Adam from ``start``, on the same batches `sgd` draws for ``seed``.

    .. math:: w_t = w_{t-1} + u_t, \qquad u_t\ \text{Adam's step for}\
        g_t = \nabla L_{B_t}(w_{t-1})

    The loop is `ema_core.optimizers.adam_descent`'s: each step is `adam_moments`' on the
    run's gradients, to the last bit.

    Examples
    --------
    >>> run = adam(least_squares(0), learning_rate=0.1, steps=3, batch_size=8)
    >>> run.weights.shape, run.grads.shape, run.weights[0].tolist()
    ((4, 2), (3, 2), [-1.5, 2.0])
    >>> bool(np.allclose(np.abs(run.updates[0]), 0.1))  # step 1: lr times the sign of g
    True
    """
    a, c = _batches(problem, steps, batch_size, seed)
    return optimizers.adam_descent(
        lambda t, w: a[t] @ w - c[t], start, steps=a.shape[0], lr=learning_rate,
        beta1=beta1, beta2=beta2, eps=eps, bias_correction=bias_correction,
        convention=convention,
    )  # fmt: skip


@dataclass(frozen=True)
class EmaSettings:
    """The knobs of the strategies (see `ema_core.strategies`)."""

    decay: float = 0.99
    inv_gamma: float = 1.0
    power: float = 2 / 3
    min_decay: float = 0.0
    start_after: int = 0
    every: int = 1
    keras_overwrite: int = 0  # Keras' ema_overwrite_frequency; 0 = never


@dataclass(frozen=True)
class Training:
    """The SGD run a strategy follows: its problem, its weights before and after every
    step, (steps + 1, 2), and how they were trained (for a strategy that trains again)."""

    problem: LeastSquares
    weights: np.ndarray
    learning_rate: float
    batch_size: int
    seed: int

    @property
    def steps(self) -> int:
        return self.weights.shape[0] - 1


@dataclass(frozen=True)
class Track:
    """What a strategy produced: its average after every step, the decay of every update,
    and its own weights when it changed the training (None: the run's own)."""

    averages: np.ndarray
    decays: np.ndarray
    weights: np.ndarray | None = None


@dataclass(frozen=True)
class Strategy:
    r"""One way to keep an EMA of the weights: its decay at each step, and its track.

    ``schedule(steps, settings)`` gives :math:`\beta_1, \dots, \beta_T` before the
    settings' ``start_after`` and ``every`` are applied (see `ema_core.strategies`).
    This base strategy starts its average at the initial weights and follows the
    weights with those decays; a subclass changes how it starts or what it trains
    (`ZeroStart`, `KerasOverwrite`), the way an optax transform wraps another.
    """

    name: str
    schedule: Callable[[int, EmaSettings], np.ndarray]

    def decays(self, steps: int, settings: EmaSettings) -> np.ndarray:
        """The decay of every update, ``start_after`` and ``every`` applied."""
        base = self.schedule(steps, settings)
        return strat.every_k_steps(strat.start_after(base, settings.start_after), settings.every)

    def track(self, training: Training, settings: EmaSettings) -> Track:
        """The average of ``training``'s weights after every step, from the initial ones."""
        decays = self.decays(training.steps, settings)
        w = training.weights
        averages = np.empty_like(w)
        averages[0] = w[0]
        averages[1:] = ema_series(w[1:], decays, initial=w[0])
        return Track(averages, decays)


@dataclass(frozen=True)
class ZeroStart(Strategy):
    r"""Starts at zero and divides by the exact correction :math:`1 - \prod_k \beta_k`;
    the steps before its first update show the initial weights."""

    def track(self, training: Training, settings: EmaSettings) -> Track:
        decays = self.decays(training.steps, settings)
        w, steps = training.weights, training.steps
        averages = np.empty_like(w)
        averages[0] = w[0]
        first = int(np.argmax(decays != 1)) if (decays != 1).any() else steps
        averages[1 : first + 1] = w[0]
        if first < steps:
            averages[first + 1 :] = ema_series(
                w[1:][first:], decays[first:], initial=0.0, debias=True
            )
        return Track(averages, decays)


@dataclass(frozen=True)
class KerasOverwrite(Strategy):
    """Keras' ``ema_overwrite_frequency``: with ``keras_overwrite`` > 0 it trains again,
    and every so many steps the average overwrites the weights (its own raw path);
    without, it is the base strategy."""

    def track(self, training: Training, settings: EmaSettings) -> Track:
        if settings.keras_overwrite <= 0:
            return super().track(training, settings)
        decays = self.decays(training.steps, settings)
        a, c = _batches(training.problem, training.steps, training.batch_size, training.seed)
        weights = np.empty_like(training.weights)
        averages = np.empty_like(training.weights)
        averages[0] = training.weights[0]
        _kernels.sgd_affine_overwritten(
            a,
            c,
            float(training.learning_rate),
            training.weights[0].copy(),
            decays,
            int(settings.keras_overwrite),
            weights,
            averages,
        )
        return Track(averages, decays, weights)


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("constant", lambda steps, s: strat.constant_schedule(steps, s.decay)),
    Strategy("tensorflow", lambda steps, s: strat.tf_schedule(steps, s.decay)),
    Strategy(
        "warmup",
        lambda steps, s: strat.warmup_schedule(
            steps, s.decay, inv_gamma=s.inv_gamma, power=s.power, min_decay=s.min_decay
        ),
    ),
    KerasOverwrite("keras", lambda steps, s: strat.keras_schedule(steps, s.decay)),
    ZeroStart("debiased", lambda steps, s: strat.constant_schedule(steps, s.decay)),
)
"""The strategies `simulate` compares by default, each also found by its name."""

_BY_NAME = {s.name: s for s in STRATEGIES}


def _strategy(strategy: str | Strategy) -> Strategy:
    if isinstance(strategy, Strategy):
        return strategy
    if strategy not in _BY_NAME:
        raise ValueError(f"strategy must be one of {', '.join(_BY_NAME)}; got {strategy!r}")
    return _BY_NAME[strategy]


@dataclass(frozen=True)
class WeightsRun:
    """One training run and the EMA track of each strategy, all of shape (steps + 1, 2)."""

    problem: LeastSquares
    weights: np.ndarray
    tracks: dict[str, np.ndarray]
    decays: dict[str, np.ndarray]
    keras_weights: np.ndarray | None = None  # the raw path when Keras overwrites it
    test_losses: dict[str, np.ndarray] = field(default_factory=dict)

    def test_loss(self, name: str = "raw") -> np.ndarray:
        """Held-out loss after every step, of the raw weights or of a strategy's track."""
        return self.test_losses[name]


def simulate(
    *,
    learning_rate: float = 0.3,
    steps: int = 2000,
    batch_size: int = 1,
    seed: int = 0,
    settings: EmaSettings = EmaSettings(),
    strategies: Sequence[str | Strategy] = STRATEGIES,
    problem: LeastSquares | None = None,
) -> WeightsRun:
    """Train with SGD and follow the weights with every strategy's EMA.

    ``strategies`` are `Strategy` objects or the names of the default ones; each
    produces its own track (`Strategy.track`). A strategy that trains again (Keras'
    overwrite) gives its raw path as ``keras_weights``.

    Examples
    --------
    >>> run = simulate(steps=500, seed=1)
    >>> sorted(run.tracks), run.weights.shape
    (['constant', 'debiased', 'keras', 'tensorflow', 'warmup'], (501, 2))
    >>> bool(run.test_loss("constant")[-1] < run.test_loss("raw")[-1])
    True
    """
    check_decay(settings.decay)
    problem = problem or least_squares(seed)
    weights = sgd(
        problem, learning_rate=learning_rate, steps=steps, batch_size=batch_size, seed=seed
    )
    training = Training(problem, weights, learning_rate, batch_size, seed)
    tracks, decays = {}, {}
    keras_weights = None
    for strategy in map(_strategy, strategies):
        track = strategy.track(training, settings)
        tracks[strategy.name], decays[strategy.name] = track.averages, track.decays
        if track.weights is not None:
            keras_weights = track.weights
    losses = {"raw": problem.loss(weights)}
    losses.update({name: problem.loss(track) for name, track in tracks.items()})
    if keras_weights is not None:
        losses["keras raw"] = problem.loss(keras_weights)
    return WeightsRun(problem, weights, tracks, decays, keras_weights, losses)


def trailing_mean(values: ArrayLike, window: int) -> np.ndarray:
    """The mean of the last ``window`` values at every step (of fewer at the start).

    Examples
    --------
    >>> trailing_mean([1.0, 3.0, 5.0, 7.0], 2)
    array([1., 2., 4., 6.])
    """
    v = np.asarray(values, dtype=np.float64)
    window = check_whole(window, "window")
    sums = np.concatenate([[0.0], np.cumsum(v)])
    t = np.arange(len(v))
    first = np.maximum(0, t + 1 - window)
    return (sums[t + 1] - sums[first]) / (t + 1 - first)


def beats_from(candidate: ArrayLike, reference: ArrayLike, *, window: int = 100) -> int | None:
    """The first step from which ``candidate`` stays below the trailing mean of ``reference``.

    The raw weights' loss jumps from step to step, so the candidate (an EMA's loss)
    is compared with the reference's mean over the last ``window`` steps (fewer at
    the start): the answer is the first step from which the EMA is better than
    the raw weights typically are, at every later step. None if it never is. A
    candidate that is noisy too is best given as its own `trailing_mean`.

    Examples
    --------
    >>> beats_from([3, 2, 1, 1, 1], [2, 2, 2, 2, 2], window=1)
    2
    >>> beats_from([3, 3], [2, 2]) is None
    True
    """
    c = np.asarray(candidate, dtype=np.float64)
    trailing = trailing_mean(reference, window)
    worse = np.flatnonzero(c >= trailing)
    if len(worse) == 0:
        return 0
    last = int(worse[-1])
    return last + 1 if last + 1 < len(c) else None
