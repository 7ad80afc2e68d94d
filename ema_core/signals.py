"""Test signals: deterministic generators (and, for the names pages use, the shipped data
sets of `ema_core.datasets` and the CSV reader of `ema_core.csv_series`).

Every generator takes the length ``n``, a ``noise`` level (the standard deviation
of Gaussian noise added to the clean shape) and a ``seed``; the same arguments
always give the same array.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ema_core._validation import check_at_least, check_whole
from ema_core.csv_series import MAX_ROWS, CsvError, CsvSeries, read_csv
from ema_core.datasets import DataSet, mauna_loa_co2, seattle_weather

__all__ = [
    "MAX_ROWS",
    "SIGNALS",
    "CsvError",
    "CsvSeries",
    "DataSet",
    "chirp",
    "constant",
    "generate",
    "impulse",
    "mauna_loa_co2",
    "noisy_constant",
    "noisy_sine",
    "random_walk",
    "read_csv",
    "seattle_weather",
    "square_wave",
    "step",
]


def _check(n: int, noise: float) -> tuple[int, float]:
    level = float(check_at_least(noise, "noise", 0))
    if not np.isfinite(level):
        raise ValueError(f"noise must be finite, got {noise!r}")
    return check_whole(n, "n"), level


def _with_noise(clean: np.ndarray, noise: float, seed: int) -> np.ndarray:
    if noise == 0:
        return clean
    rng = np.random.default_rng(seed)
    return clean + noise * rng.standard_normal(clean.shape[0])


def constant(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """A constant 1, plus noise.

    Examples
    --------
    >>> constant(3)
    array([1., 1., 1.])
    """
    n, noise = _check(n, noise)
    return _with_noise(np.ones(n), noise, seed)


def noisy_constant(n: int, *, noise: float = 0.5, seed: int = 0) -> np.ndarray:
    """A constant 1 under Gaussian noise: what averaging is for.

    Examples
    --------
    >>> x = noisy_constant(100_000, noise=0.5, seed=1)
    >>> round(float(x.mean()), 2), round(float(x.std()), 2)
    (1.0, 0.5)
    """
    return constant(n, noise=noise, seed=seed)


def step(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """0 for the first quarter, then 1: how fast the average follows a jump.

    Examples
    --------
    >>> step(8)
    array([0., 0., 1., 1., 1., 1., 1., 1.])
    """
    n, noise = _check(n, noise)
    clean = np.zeros(n)
    clean[n // 4 :] = 1.0
    return _with_noise(clean, noise, seed)


def impulse(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """A single 1 a tenth of the way in: the average traces its own weights.

    Examples
    --------
    >>> impulse(10)
    array([0., 1., 0., 0., 0., 0., 0., 0., 0., 0.])
    """
    n, noise = _check(n, noise)
    clean = np.zeros(n)
    clean[n // 10] = 1.0
    return _with_noise(clean, noise, seed)


def noisy_sine(n: int, *, noise: float = 0.3, seed: int = 0) -> np.ndarray:
    """Four periods of a unit sine, plus noise.

    Examples
    --------
    >>> np.round(noisy_sine(4, noise=0), 12)
    array([ 0., -0.,  0., -0.])
    """
    n, noise = _check(n, noise)
    t = np.arange(n)
    return _with_noise(np.sin(2 * np.pi * 4 * t / n), noise, seed)


def square_wave(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """Four periods of a wave switching between -1 and 1.

    Examples
    --------
    >>> square_wave(8)
    array([ 1., -1.,  1., -1.,  1., -1.,  1., -1.])
    """
    n, noise = _check(n, noise)
    phase = (4 * np.arange(n) / n) % 1.0
    return _with_noise(np.where(phase < 0.5, 1.0, -1.0), noise, seed)


def random_walk(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """A Gaussian random walk from 0 (steps of 0.1), plus observation noise.

    Examples
    --------
    >>> x = random_walk(5, seed=3)
    >>> x.shape, bool(np.all(x == random_walk(5, seed=3)))
    ((5,), True)
    """
    n, noise = _check(n, noise)
    rng = np.random.default_rng([seed, 1])  # a stream apart from the noise's
    walk = np.cumsum(0.1 * rng.standard_normal(n))
    return _with_noise(walk, noise, seed)


def chirp(n: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    r"""A unit sine whose frequency sweeps linearly from 0 to 0.1 cycles per step.

    The average passes the slow start and damps the fast end: its frequency
    response, read along the time axis.

    Examples
    --------
    >>> float(chirp(3)[0])
    0.0
    """
    n, noise = _check(n, noise)
    t = np.arange(n)
    phase = 2 * np.pi * 0.1 * t**2 / (2 * n)
    return _with_noise(np.sin(phase), noise, seed)


SIGNALS: dict[str, Callable[..., np.ndarray]] = {
    "noisy_sine": noisy_sine,
    "noisy_constant": noisy_constant,
    "step": step,
    "square_wave": square_wave,
    "random_walk": random_walk,
    "chirp": chirp,
    "impulse": impulse,
    "constant": constant,
}
"""The generators by name."""


def generate(name: str, n: int, *, noise: float, seed: int = 0) -> np.ndarray:
    """Call the generator ``name`` of `SIGNALS`.

    Examples
    --------
    >>> generate("step", 4, noise=0.0)
    array([0., 1., 1., 1.])
    """
    if name not in SIGNALS:
        raise ValueError(f"signal must be one of {', '.join(SIGNALS)}; got {name!r}")
    return SIGNALS[name](n, noise=noise, seed=seed)
