"""ema_series against pandas, the plain recurrence and closed forms."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ema_core import ema_series, ema_update, tf_decay, warmup_decay

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
decays = st.floats(0.0, 1.0)
series = hnp.arrays(np.float64, st.integers(1, 60), elements=finite)


def plain_recurrence(x, decays, initial):
    s, out = initial, []
    for xt, d in zip(x, decays, strict=True):
        s = d * s + (1 - d) * xt
        out.append(s)
    return np.array(out)


@pytest.mark.parametrize("decay", [0.0, 0.3, 0.9, 0.99, 0.999])
def test_debiased_equals_pandas_adjust_true(decay):
    x = np.random.default_rng(1).normal(3.0, 2.0, 500)
    expected = pd.Series(x).ewm(alpha=1 - decay, adjust=True).mean().to_numpy()
    np.testing.assert_allclose(ema_series(x, decay, debias=True), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("decay", [0.0, 0.3, 0.9, 0.99, 0.999])
def test_start_at_first_value_equals_pandas_adjust_false(decay):
    x = np.random.default_rng(2).normal(-1.0, 5.0, 500)
    expected = pd.Series(x).ewm(alpha=1 - decay, adjust=False).mean().to_numpy()
    np.testing.assert_allclose(ema_series(x, decay, initial=None), expected, rtol=1e-12, atol=1e-12)


def test_debiasing_removes_any_initial_value():
    x = np.random.default_rng(3).normal(size=50)
    base = ema_series(x, 0.95, debias=True)
    for initial in (-100.0, 7.0, None):
        np.testing.assert_allclose(
            ema_series(x, 0.95, initial=initial, debias=True), base, rtol=1e-9
        )


def test_compiled_kernel_is_bit_identical_to_the_python_loop():
    x = np.random.default_rng(4).normal(size=2000)
    np.testing.assert_array_equal(
        ema_series(x, 0.97, initial=0.5), plain_recurrence(x, [0.97] * 2000, 0.5)
    )
    d = tf_decay(0.999, np.arange(2000))
    np.testing.assert_array_equal(ema_series(x, d, initial=0.5), plain_recurrence(x, d, 0.5))


def test_float32_stays_float32_and_matches_float32_arithmetic():
    x = np.random.default_rng(5).normal(size=300).astype(np.float32)
    out = ema_series(x, 0.9, initial=np.float32(1))
    assert out.dtype == np.float32
    d = np.float32(0.9)
    s, ref = np.float32(1), []
    for xt in x:
        s = d * s + (np.float32(1) - d) * xt
        ref.append(s)
    np.testing.assert_array_equal(out, np.array(ref, dtype=np.float32))
    assert ema_series([1, 2, 3], 0.5).dtype == np.float64  # ints become float64


def test_further_axes_are_independent_series():
    x = np.random.default_rng(6).normal(size=(100, 3, 2))
    out = ema_series(x, 0.8, initial=np.arange(6.0).reshape(3, 2))
    for i in range(3):
        for j in range(2):
            np.testing.assert_array_equal(
                out[:, i, j], ema_series(x[:, i, j], 0.8, initial=2 * i + j)
            )
    per_step = warmup_decay(np.arange(100), decay=0.99)
    out = ema_series(x, per_step, debias=True)
    np.testing.assert_array_equal(out[:, 1, 1], ema_series(x[:, 1, 1], per_step, debias=True))


def test_step_response_closed_form():
    # From 0 towards 1: s_t = 1 - decay**t.
    t = np.arange(1, 101)
    np.testing.assert_allclose(ema_series(np.ones(100), 0.93), 1 - 0.93**t, rtol=1e-13)


def test_ramp_lag_is_the_center_of_mass():
    # Fed x_t = t, the average settles at t - decay/(1-decay).
    x = np.arange(5000.0)
    out = ema_series(x, 0.9, initial=None)
    assert x[-1] - out[-1] == pytest.approx(0.9 / 0.1, rel=1e-9)


def test_running_mean_schedule_gives_the_plain_mean():
    # decay_t = 1 - 1/t (warm-up with inv_gamma = power = 1, shifted) averages equally.
    x = np.random.default_rng(7).normal(size=200)
    d = warmup_decay(np.arange(200), decay=1.0, inv_gamma=1.0, power=1.0)
    np.testing.assert_allclose(ema_series(x, d), np.cumsum(x) / np.arange(1, 201), rtol=1e-12)


@settings(max_examples=200, deadline=None)
@given(series, decays, finite)
def test_output_stays_within_the_range_of_initial_and_inputs(x, decay, initial):
    out = ema_series(x, decay, initial=initial)
    lo, hi = min(x.min(), initial), max(x.max(), initial)
    slack = 4 * np.finfo(float).eps * max(abs(lo), abs(hi))  # rounding of d*s + (1-d)*x
    assert np.all(out >= lo - slack)
    assert np.all(out <= hi + slack)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 50), decays, finite)
def test_a_constant_input_is_a_fixed_point(n, decay, c):
    out = ema_series(np.full(n, c), decay, initial=c)
    np.testing.assert_allclose(out, c, rtol=4 * np.finfo(float).eps, atol=0)


@settings(max_examples=100, deadline=None)
@given(series, decays, st.floats(-10, 10), st.floats(-10, 10))
def test_linearity(x, decay, a, b):
    y = np.random.default_rng(x.size).normal(size=x.size)
    lhs = ema_series(a * x + b * y, decay)
    rhs = a * ema_series(x, decay) + b * ema_series(y, decay)
    scale = 1 + np.abs(a * x).max() + np.abs(b * y).max()
    np.testing.assert_allclose(lhs, rhs, atol=1e-12 * scale)


@settings(max_examples=100, deadline=None)
@given(series, decays, finite)
def test_series_equals_repeated_update(x, decay, initial):
    s, ref = initial, []
    for xt in x:
        s = ema_update(s, xt, decay)
        ref.append(s)
    np.testing.assert_array_equal(ema_series(x, decay, initial=initial), ref)


@settings(max_examples=100, deadline=None)
@given(
    series.flatmap(lambda x: st.tuples(st.just(x), hnp.arrays(np.float64, x.size, elements=decays)))
)
def test_per_step_decays_equal_the_plain_recurrence(pair):
    x, d = pair
    np.testing.assert_array_equal(ema_series(x, d, initial=1.5), plain_recurrence(x, d, 1.5))


def test_initial_none_starts_at_the_first_value_per_series():
    x = np.array([[2.0, -4.0], [0.0, 0.0]])
    np.testing.assert_array_equal(ema_series(x, 0.5, initial=None), [[2.0, -4.0], [1.0, -2.0]])
