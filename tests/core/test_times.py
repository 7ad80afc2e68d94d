"""The time-aware EMA against pandas' ``ewm(times=..., halflife=...)`` and against itself."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ema_core as ec


def pandas_mean(values, times, half_life, **options):
    series = pd.Series(np.asarray(values, dtype=np.float64))
    return series.ewm(halflife=half_life, times=times, **options).mean().to_numpy()


def irregular(seed, n=400, nan_share=0.15, repeat_share=0.05):
    """Seconds that jump irregularly (some repeated), values with NaNs, as datetime64[s]."""
    rng = np.random.default_rng(seed)
    steps = rng.exponential(3600.0, n).round()
    steps[rng.random(n) < repeat_share] = 0  # repeated times
    steps[rng.random(n) < 0.02] *= 200  # long gaps
    seconds = np.cumsum(steps).astype(np.int64)
    values = rng.normal(size=n).cumsum()
    values[rng.random(n) < nan_share] = np.nan
    times = np.datetime64("2024-01-01T00:00:00") + seconds.astype("timedelta64[s]")
    return values, times, seconds


@pytest.mark.parametrize("adjust", [True, False])
@pytest.mark.parametrize("ignore_na", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_matches_pandas_on_irregular_series_with_nans_and_repeats(seed, adjust, ignore_na):
    values, times, _ = irregular(seed)
    values[0] = np.nan if seed % 2 else values[0]  # a leading NaN in half the cases
    h = np.timedelta64(6, "h")
    got = ec.ema_at_times(values, times, h, adjust=adjust, ignore_na=ignore_na)
    want = pandas_mean(values, times, h, adjust=adjust, ignore_na=ignore_na)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("adjust", [True, False])
def test_plain_number_times_equal_pandas_through_datetime64(adjust):
    values, times, seconds = irregular(10)
    got = ec.ema_at_times(values, seconds, 3 * 3600.0, adjust=adjust)
    want = pandas_mean(values, times, "3h", adjust=adjust)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_pandas_documented_example_with_ignore_na_and_adjust_false():
    t = pd.DatetimeIndex(["2020-01-01", "2020-01-03", "2020-01-10", "2020-01-15", "2020-01-17"])
    x = [0.0, 1.0, 2.0, np.nan, 4.0]
    for options in (
        {},
        {"adjust": False},
        {"ignore_na": True},
        {"adjust": False, "ignore_na": True},
    ):
        got = ec.ema_at_times(x, t.to_numpy(), np.timedelta64(4, "D"), **options)
        np.testing.assert_allclose(got, pandas_mean(x, t, "4 days", **options), rtol=1e-12)


def test_hand_worked_two_observations():
    # 0 at day 0, 1 at day 2, half-life 4 days: the first keeps 0.5**0.5 of its weight.
    d = 0.5**0.5
    adjusted = ec.ema_at_times([0.0, 1.0], [0.0, 2.0], 4.0)
    assert adjusted[1] == pytest.approx(1 / (1 + d), rel=1e-15)  # (d*0 + 1*1) / (d + 1)
    recursive = ec.ema_at_times([0.0, 1.0], [0.0, 2.0], 4.0, adjust=False)
    assert recursive[1] == pytest.approx(1 - d, rel=1e-15)  # d*0 + (1-d)*1


def test_repeated_times_as_stated():
    x, t = [0.0, 2.0, 4.0], [0.0, 1.0, 1.0]
    d = 0.5
    adjusted = ec.ema_at_times(x, t, 1.0)
    assert adjusted[2] == pytest.approx((d * 0 + 2 + 4) / (d + 2))  # equal weights at one time
    recursive = ec.ema_at_times(x, t, 1.0, adjust=False)
    assert recursive[2] == recursive[1] == pytest.approx(1.0)  # the later one gets weight 0


@pytest.mark.parametrize("spacing", [1.0, 0.25, 7.0])
def test_evenly_spaced_is_the_step_ema(spacing):
    # The mapping: times t0 + i*spacing with half-life h is decay 0.5**(spacing/h).
    x = np.random.default_rng(1).normal(size=500)
    t = 100.0 + spacing * np.arange(500)
    h = 3.0
    beta = 0.5 ** (spacing / h)
    np.testing.assert_allclose(
        ec.ema_at_times(x, t, h), ec.ema_series(x, beta, debias=True), rtol=1e-12
    )
    np.testing.assert_allclose(
        ec.ema_at_times(x, t, h, adjust=False), ec.ema_series(x, beta, initial=None), rtol=1e-12
    )


finite = st.floats(-1e3, 1e3)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(finite, st.floats(0, 50)), min_size=1, max_size=40),
    st.floats(-1e6, 1e6),
    st.booleans(),
)
def test_shifting_all_times_changes_nothing(points, shift, adjust):
    x = np.array([p[0] for p in points])
    t = np.cumsum([p[1] for p in points])
    a = ec.ema_at_times(x, t, 5.0, adjust=adjust)
    b = ec.ema_at_times(x, t + shift, 5.0, adjust=adjust)
    # Shifted times are rounded to float64: each gap is then off by up to one spacing of
    # the largest time, each step's weight 1 - 2^(-gap/h) by ln 2/h times that, and a
    # step moves the average by at most 2 max|x| times its weight's error.
    rounding = np.spacing(np.abs(t + shift).max() + np.abs(t).max())
    bound = len(x) * 2 * np.abs(x).max() * np.log(2) / 5.0 * rounding
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9 + bound)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(finite, st.integers(0, 96)), min_size=1, max_size=40),
    st.integers(1, 30),
    st.booleans(),
)
def test_half_life_in_days_equals_hours_times_24(points, days, adjust):
    x = np.array([p[0] for p in points])
    hours = np.cumsum([p[1] for p in points]).astype("timedelta64[h]")
    t = np.datetime64("2025-03-01T00", "h") + hours
    in_days = ec.ema_at_times(x, t, np.timedelta64(days, "D"), adjust=adjust)
    in_hours = ec.ema_at_times(x, t, np.timedelta64(24 * days, "h"), adjust=adjust)
    np.testing.assert_allclose(in_days, in_hours, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, st.floats(0, 10)), min_size=1, max_size=40))
def test_stays_within_the_range_of_the_values(points):
    x = np.array([p[0] for p in points])
    t = np.cumsum([p[1] for p in points])
    for adjust in (True, False):
        y = ec.ema_at_times(x, t, 2.0, adjust=adjust)
        assert np.all(y >= x.min() - 1e-9)
        assert np.all(y <= x.max() + 1e-9)


def test_time_decay():
    assert ec.time_decay(np.timedelta64(36, "h"), np.timedelta64(3, "D")) == pytest.approx(0.5**0.5)
    assert ec.time_decay(0.0, 2.0) == 1.0
    np.testing.assert_allclose(ec.time_decay([2.0, 4.0], 2.0), [0.5, 0.25])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ec.ema_at_times([1.0, 2.0], [1.0, 0.0], 1.0), r"times must not decrease"),
        (lambda: ec.ema_at_times([1.0, 2.0], [0.0, 1.0], 0.0), "half_life must be > 0"),
        (lambda: ec.ema_at_times([1.0, 2.0], [0.0, 1.0], -1.0), "half_life must be > 0"),
        (lambda: ec.ema_at_times([1.0], [0.0, 1.0], 1.0), "same length"),
        (
            lambda: ec.ema_at_times(
                [1.0, 2.0], np.array(["2020-01-01", "2020-01-02"], "datetime64[D]"), 3.0
            ),
            "half_life must be a timedelta64",
        ),
        (
            lambda: ec.ema_at_times(
                [1.0, 2.0],
                np.array(["2020-01-01", "2020-01-02"], "datetime64[D]"),
                np.timedelta64(0, "D"),
            ),
            "positive duration",
        ),
        (
            lambda: ec.ema_at_times(
                [1.0, 2.0], np.array(["2020-01-01", "NaT"], "datetime64[D]"), np.timedelta64(1, "D")
            ),
            "NaT",
        ),
        (lambda: ec.ema_at_times([1.0, 2.0], [0.0, 1.0], np.timedelta64(1, "D")), "plain number"),
        (lambda: ec.ema_at_times([], [], 1.0), "at least one observation"),
        (lambda: ec.time_decay(-1.0, 1.0), "elapsed must be >= 0"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
