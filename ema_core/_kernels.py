"""Compiled loops behind `ema_update` and `ema_series` (internal).

The recurrence ``s = decay*s + (1 - decay)*x`` is sequential, so NumPy cannot
vectorise it over time; numba compiles it once and keeps the machine code in its
on-disk cache, so a restarted app does not pay the compile again. ``one`` arrives
typed like the data (float32 or float64), so ``one - decay`` is rounded in the
data's precision exactly as NumPy rounds it, and every kernel is bit-identical to
the plain Python recurrence. No ``fastmath``: reassociation would change the last
bits.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, vectorize


@vectorize(
    [
        "float32(float32, float32, float32, float32)",
        "float64(float64, float64, float64, float64)",
    ],
    cache=True,
)
def ema_step(ema, value, decay, complement):  # pragma: no cover - compiled
    # A true NumPy ufunc: broadcasting, any strides, ``out=`` with no temporaries.
    return decay * ema + complement * value


@vectorize(["float64(float64, float64)"], cache=True)
def tf_rule(decay, num_updates):  # pragma: no cover - compiled
    # One pass and one output for a whole schedule, where NumPy needs five temporaries.
    return min(decay, (1.0 + num_updates) / (10.0 + num_updates))


@njit(cache=True, nogil=True)
def ema_step_flat(ema, value, decay, complement, out):  # pragma: no cover
    # Same-shape contiguous arrays (shadow weights): a loop LLVM turns into SIMD.
    for i in range(ema.shape[0]):
        out[i] = decay * ema[i] + complement * value[i]


# Every series kernel takes ``decay`` as an array with one entry per step, or a
# single entry for every step (read with stride 0).


@njit(cache=True, nogil=True)
def first_outside_unit_interval(a):  # pragma: no cover - compiled
    """Index of the first element not in [0, 1] (NaN included), or -1: one pass."""
    for i in range(a.shape[0]):
        if not (a[i] >= 0 and a[i] <= 1):
            return i
    return -1


@njit(cache=True, nogil=True)
def series_1d(x, decay, one, state, out):  # pragma: no cover - compiled
    stride = 1 if decay.shape[0] > 1 else 0
    for t in range(x.shape[0]):
        d = decay[t * stride]
        state = d * state + (one - d) * x[t]
        out[t] = state


@njit(cache=True, nogil=True)
def series_1d_debiased(x, decay, one, initial, out):  # pragma: no cover
    # The correction runs beside the recurrence, off its dependency chain, so it
    # costs almost nothing; see debias_2d for the formula.
    stride = 1 if decay.shape[0] > 1 else 0
    state = initial
    kept = one
    for t in range(x.shape[0]):
        d = decay[t * stride]
        state = d * state + (one - d) * x[t]
        kept = kept * d
        out[t] = (state - kept * initial) / (one - kept)


@njit(cache=True, nogil=True)
def series_2d(x, decay, one, initial, out):  # pragma: no cover
    stride = 1 if decay.shape[0] > 1 else 0
    state = initial.copy()
    for t in range(x.shape[0]):
        d = decay[t * stride]
        c = one - d
        for m in range(x.shape[1]):
            state[m] = d * state[m] + c * x[t, m]
            out[t, m] = state[m]


@njit(cache=True, nogil=True)
def debias_2d(out, decay, one, initial):  # pragma: no cover - compiled
    # (s_t - P_t s_0) / (1 - P_t), P_t the running product of the decays, in
    # place. At t = 1, 1 - P_1 is the very ``one - decay`` the update used, so a
    # debiased first step returns the first value exactly.
    stride = 1 if decay.shape[0] > 1 else 0
    kept = one
    for t in range(out.shape[0]):
        kept = kept * decay[t * stride]
        correction = one - kept
        for m in range(out.shape[1]):
            out[t, m] = (out[t, m] - kept * initial[m]) / correction


@njit(cache=True, nogil=True)
def ema_at_times(x, half_lives, adjust, ignore_na, out):  # pragma: no cover - compiled
    # pandas' ewm(times=..., halflife=...).mean() arithmetic, step for step: ``kept``
    # is the total weight of the past, ``fresh`` the weight of a new value. The
    # past decays by 0.5**(elapsed half-lives) per step (per observed step only
    # with ignore_na); adjust=False restarts the past at weight 1 after each
    # observation and gives the new value the weight the past lost.
    avg = x[0]
    kept = 1.0
    fresh = 1.0 if adjust else 0.5
    out[0] = avg
    for i in range(1, x.shape[0]):
        cur = x[i]
        seen = cur == cur
        if avg == avg:
            if seen or not ignore_na:
                kept *= 0.5 ** half_lives[i - 1]
                if not adjust:
                    fresh = 1.0 - kept
                if seen:
                    if avg != cur:  # a constant series stays exactly constant
                        avg = (kept * avg + fresh * cur) / (kept + fresh)
                    kept = kept + fresh if adjust else 1.0
        elif seen:
            avg = cur
        out[i] = avg


@njit(cache=True, nogil=True)
def tensorboard(y, weight, out):  # pragma: no cover - compiled
    # TensorBoard's classicSmoothing loop: non-finite points pass through uncounted,
    # and the share 1 - weight**k is libm's pow, as the browser's Math.pow (NumPy's
    # own array power differs in the last bit).
    last = 0.0
    count = 0
    for i in range(y.shape[0]):
        value = y[i]
        if not np.isfinite(value):
            out[i] = value
            continue
        last = last * weight + (1.0 - weight) * value
        count += 1
        share = 1.0 if weight == 1.0 else 1.0 - math.pow(weight, float(count))
        out[i] = last / share


@njit(cache=True, nogil=True)
def time_weighted(x, y, weight, scale, out):  # pragma: no cover - compiled
    # W&B's documented TWEMA loop, in its order of operations: the weight of the past
    # decays by weight**(gap in x), the sum of the weights divides it out.
    num = 0.0
    den = 0.0
    for i in range(x.shape[0]):
        prev = i - 1 if i > 0 else 0
        kept = math.pow(weight, (x[i] - x[prev]) * scale)
        num = num * kept + y[i]
        den = den * kept + 1.0
        out[i] = num / den


def warm_up() -> None:
    """Compile (or load from numba's cache) every specialisation, on tiny inputs."""
    for dt in (np.float32, np.float64):
        x = np.zeros(2, dt)
        one = dt(1)
        ema_step(x, x, one, one)
        tf_rule(x.astype(np.float64), x.astype(np.float64))
        ema_step_flat(x, x, one, one, np.empty_like(x))
        first_outside_unit_interval(x)
        series_1d(x, x, one, one, np.empty_like(x))
        series_1d_debiased(x, x + dt(0.5), one, one, np.empty_like(x))
        series_2d(x[:, None], x, one, x[:1], np.empty((2, 1), dt))
        debias_2d(np.ones((2, 1), dt), x + dt(0.5), one, x[:1])
    ema_at_times(np.zeros(2), np.ones(1), True, False, np.empty(2))
    time_weighted(np.zeros(2), np.zeros(2), 0.5, 1.0, np.empty(2))
    tensorboard(np.zeros(2), 0.5, np.empty(2))


@njit(cache=True, nogil=True)
def sgd_affine(a, c, lr, w0, out):  # pragma: no cover - compiled
    # SGD on a quadratic: the mini-batch gradient at w is a_t @ w - c_t.
    w0_, w1_ = w0[0], w0[1]
    out[0, 0], out[0, 1] = w0_, w1_
    for t in range(a.shape[0]):
        g0 = a[t, 0, 0] * w0_ + a[t, 0, 1] * w1_ - c[t, 0]
        g1 = a[t, 1, 0] * w0_ + a[t, 1, 1] * w1_ - c[t, 1]
        w0_ -= lr * g0
        w1_ -= lr * g1
        out[t + 1, 0], out[t + 1, 1] = w0_, w1_


@njit(cache=True, nogil=True)
def sgd_affine_overwritten(a, c, lr, w0, decays, every, out, ema):  # pragma: no cover
    # Keras 3's ema_overwrite_frequency: after each step ema = d*ema + (1-d)*w with that
    # step's decay (1 holds it), and every ``every`` steps the weights become the average.
    w0_, w1_ = w0[0], w0[1]
    e0, e1 = w0_, w1_
    out[0, 0], out[0, 1] = w0_, w1_
    ema[0, 0], ema[0, 1] = e0, e1
    for t in range(a.shape[0]):
        g0 = a[t, 0, 0] * w0_ + a[t, 0, 1] * w1_ - c[t, 0]
        g1 = a[t, 1, 0] * w0_ + a[t, 1, 1] * w1_ - c[t, 1]
        w0_ -= lr * g0
        w1_ -= lr * g1
        d = decays[t]
        e0 = d * e0 + (1.0 - d) * w0_
        e1 = d * e1 + (1.0 - d) * w1_
        if every > 0 and (t + 1) % every == 0:
            w0_, w1_ = e0, e1
        out[t + 1, 0], out[t + 1, 1] = w0_, w1_
        ema[t + 1, 0], ema[t + 1, 1] = e0, e1
