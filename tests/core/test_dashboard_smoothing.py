"""`ema_core.smoothing` against the dashboards' own code, transcribed line for line, hand
-worked numbers, pandas' ``ewm`` as an independent reference, and hypothesis."""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ema_core as ec


def classic_smoothing(ys: list[float], weight: float) -> list[float]:
    """TensorBoard's ``classicSmoothing`` (data_transformer.ts), statement for statement."""
    if not math.isfinite(weight):
        weight = 0
    weight = max(0, min(weight, 1))
    if all(y == (ys[0] if ys else None) for y in ys):  # ``every`` on an empty list: true
        return list(ys)
    last, num_accum, out = (0.0 if ys else math.nan), 0, []
    for y in ys:
        if not math.isfinite(y):
            out.append(y)
            continue
        last = last * weight + (1 - weight) * y
        num_accum += 1
        debias_weight = 1 if weight == 1 else 1 - math.pow(weight, num_accum)
        out.append(last / debias_weight)
    return out


def twema(xs: list[float], ys: list[float], param: float, scale: float) -> list[float]:
    """W&B's documented TWEMA sample code, with ``VIEWPORT_SCALE / rangeOfX`` as ``scale``."""
    w = min(math.sqrt(param or 0), 0.999)
    last_y, debias, out = (0.0 if ys else math.nan), 0.0, []
    for i, y in enumerate(ys):
        prev = i - 1 if i > 0 else 0
        adj = math.pow(w, (xs[i] - xs[prev]) * scale)
        last_y = last_y * adj + y
        debias = debias * adj + 1
        out.append(last_y / debias)
    return out


class ReservoirBucket:
    """TensorBoard's ``_ReservoirBucket`` (reservoir.py), without its lock."""

    def __init__(self, max_size: int, seed: int = 0):
        self.items: list[int] = []
        self._max_size = max_size
        self._num_items_seen = 0
        self._random = random.Random(seed)

    def add_item(self, item: int) -> None:
        if len(self.items) < self._max_size or self._max_size == 0:
            self.items.append(item)
        else:
            r = self._random.randint(0, self._num_items_seen)
            if r < self._max_size:
                self.items.pop(r)
                self.items.append(item)
            else:
                self.items[-1] = item
        self._num_items_seen += 1


# -- TensorBoard's smoothing ---------------------------------------------------------------


def test_tensorboard_by_hand():
    # m = 0.5, 1.75, 1.875 over weights 0.5, 0.75, 0.875 of the data.
    got = ec.tensorboard_smoothing([1.0, 3.0, 2.0], 0.5)
    np.testing.assert_allclose(got, [1.0, 1.75 / 0.75, 1.875 / 0.875], rtol=1e-15)
    # Weight 0: the raw curve; weight 1: every finite point at the zero start.
    np.testing.assert_array_equal(ec.tensorboard_smoothing([1.0, 3.0, 2.0], 0), [1, 3, 2])
    np.testing.assert_array_equal(ec.tensorboard_smoothing([1.0, np.nan, 2.0], 1), [0, np.nan, 0])


@pytest.mark.parametrize(
    ("weight", "as_"),
    [(-3.0, 0.0), (np.nan, 0.0), (np.inf, 0.0), (-np.inf, 0.0), (7.0, 1.0), (1.0, 1.0)],
)
def test_tensorboard_clamps_the_weight_and_takes_a_non_finite_one_as_zero(weight, as_):
    y = [2.0, 1.0, 4.0, 3.0]
    np.testing.assert_array_equal(
        ec.tensorboard_smoothing(y, weight), ec.tensorboard_smoothing(y, as_)
    )


def test_tensorboard_passes_non_finite_points_through_uncounted():
    y = [1.0, np.nan, 3.0, np.inf, -np.inf, 2.0]
    got = ec.tensorboard_smoothing(y, 0.5)
    np.testing.assert_array_equal(got[[1, 3, 4]], [np.nan, np.inf, -np.inf])
    np.testing.assert_allclose(got[[0, 2, 5]], ec.tensorboard_smoothing([1.0, 3.0, 2.0], 0.5))


@pytest.mark.parametrize(
    "y", [[], [4.0], [4.0, 4.0, 4.0], [np.inf, np.inf], [np.nan, np.nan], [np.nan, 1.0]]
)
def test_tensorboard_edge_series_as_its_code_has_them(y):
    got = ec.tensorboard_smoothing(y, 0.6)
    np.testing.assert_array_equal(got, classic_smoothing(list(y), 0.6))


def test_a_constant_series_is_returned_as_it_is():
    # Without the rule (tensorboard#786) rounding would make a flat line wobble.
    y = np.full(500, 0.1)
    assert np.all(ec.tensorboard_smoothing(y, 0.999) == 0.1)
    assert not np.all(ec.ema_series(y, 0.999, debias=True) == 0.1)


values = st.lists(
    st.one_of(
        st.floats(-1e6, 1e6),
        st.sampled_from([math.nan, math.inf, -math.inf]),
    ),
    max_size=60,
)
weights = st.one_of(st.floats(-1, 2), st.sampled_from([0.0, 0.6, 0.99, 0.999, 1.0, math.nan]))


@settings(max_examples=300, deadline=None)
@given(values, weights)
def test_tensorboard_matches_its_source_number_for_number(ys, weight):
    got = ec.tensorboard_smoothing(ys, weight)
    np.testing.assert_allclose(got, classic_smoothing(ys, weight), rtol=4e-16, atol=0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=80).filter(lambda v: len(set(v)) > 1),
    st.floats(0, 0.999),
)
def test_tensorboard_is_pandas_adjusted_ewm(ys, weight):
    want = pd.Series(ys).ewm(alpha=1 - weight, adjust=True).mean().to_numpy()
    np.testing.assert_allclose(ec.tensorboard_smoothing(ys, weight), want, rtol=1e-9, atol=1e-9)


# -- W&B's and SwanLab's time-weighted EMA -------------------------------------------------


def test_time_weighted_by_hand():
    # w = sqrt(0.25) = 0.5 a unit; across the gap of 2 the past keeps 0.25.
    got = ec.time_weighted_smoothing([0, 1, 3], [1.0, 3.0, 2.0], 0.25)
    np.testing.assert_allclose(got, [1.0, 3.5 / 1.5, (3.5 * 0.25 + 2) / (1.5 * 0.25 + 1)])
    # The cap: min(sqrt(s), 0.999), so s = 1 still forgets by 0.999 a unit.
    capped = ec.time_weighted_smoothing([0, 1], [0.0, 1.0], 1.0)
    assert capped[1] == pytest.approx(1 / 1.999)


ordered = st.lists(st.floats(0, 1e4), min_size=1, max_size=50).map(sorted)


@settings(max_examples=300, deadline=None)
@given(ordered, st.floats(0, 1), st.floats(0, 3), st.data())
def test_time_weighted_matches_the_reference_code(xs, weight, scale, data):
    ys = data.draw(st.lists(st.floats(-1e6, 1e6), min_size=len(xs), max_size=len(xs)))
    got = ec.time_weighted_smoothing(xs, ys, weight, x_scale=scale)
    np.testing.assert_allclose(got, twema(xs, ys, weight, scale), rtol=4e-16, atol=0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=80).filter(lambda v: len(set(v)) > 1),
    st.floats(0, 0.998),
)
def test_on_unit_steps_it_is_tensorboard_at_the_square_root(ys, weight):
    steps = np.arange(len(ys))
    np.testing.assert_allclose(
        ec.time_weighted_smoothing(steps, ys, weight),
        ec.tensorboard_smoothing(ys, math.sqrt(weight)),
        rtol=1e-9,
        atol=1e-9,
    )


def test_on_uneven_steps_it_is_pandas_ewm_with_times():
    # Weight w a unit of x is a half-life of ln 0.5 / ln w units: pandas' ewm(times=...).
    rng = np.random.default_rng(3)
    steps = np.cumsum(rng.integers(1, 40, 300))
    ys = rng.normal(size=300).cumsum()
    half_life = 20  # whole seconds: pandas holds a half-life in whole nanoseconds
    s = 0.5 ** (2 / half_life)  # sqrt(s) = 0.5 ** (1 / half_life) a unit of x
    times = pd.to_datetime(steps, unit="s")
    want = pd.Series(ys).ewm(halflife=pd.Timedelta(seconds=half_life), times=times).mean()
    got = ec.time_weighted_smoothing(steps, ys, s)
    np.testing.assert_allclose(got, want.to_numpy(), rtol=1e-9)


def test_the_visible_range_changes_the_curve():
    # Zoomed in on a tenth of the run, each gap counts ten times more: less smoothing.
    steps = np.arange(0, 10_000, 10)
    ys = np.sin(steps / 300) + np.random.default_rng(0).normal(0, 0.3, steps.size)
    whole = ec.time_weighted_smoothing(steps, ys, 0.9, x_scale=1 / 10_000 * 1000)
    zoomed = ec.time_weighted_smoothing(steps, ys, 0.9, x_scale=1 / 1_000 * 1000)
    assert np.std(np.diff(zoomed)) > 2 * np.std(np.diff(whole))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ec.time_weighted_smoothing([0, 1], [1.0], 0.5), "same length"),
        (lambda: ec.time_weighted_smoothing([0, 2, 1], [1, 2, 3], 0.5), r"x\[2\] = 1 after 2"),
        (lambda: ec.time_weighted_smoothing([0, np.nan], [1, 2], 0.5), "x must be finite"),
        (lambda: ec.time_weighted_smoothing([0, 1], [1, 2], 1.5), r"weight must be in \[0, 1\]"),
        (lambda: ec.time_weighted_smoothing([0, 1], [1, 2], np.nan), "weight must be"),
        (lambda: ec.time_weighted_smoothing([0, 1], [1, 2], 0.5, x_scale=-1), "x_scale"),
        (lambda: ec.tensorboard_smoothing([[1.0, 2.0]], 0.5), "one-dimensional"),
        (lambda: ec.tensorboard_sample(-1), "num_points"),
        (lambda: ec.tensorboard_sample(10, -5), "size"),
    ],
)
def test_errors_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- TensorBoard's reservoir ------------------------------------------------------------


@pytest.mark.parametrize(("n", "size"), [(0, 1000), (999, 1000), (1000, 1000), (1001, 1000),
                                         (25_000, 1000), (5_000, 50), (300, 0)])  # fmt: skip
def test_reservoir_matches_tensorboards_bucket(n, size):
    bucket = ReservoirBucket(size)
    for i in range(n):
        bucket.add_item(i)
    np.testing.assert_array_equal(ec.tensorboard_sample(n, size), bucket.items)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 5000), st.integers(1, 300), st.integers(0, 2**32))
def test_reservoir_keeps_the_last_point_in_order(n, size, seed):
    kept = ec.tensorboard_sample(n, size, seed=seed)
    assert kept.size == min(n, size)
    assert kept[-1] == n - 1
    assert np.all(np.diff(kept) > 0)


def test_reservoir_samples_evenly():
    # Each point has the same chance: the kept points of a long run spread over all of it.
    kept = ec.tensorboard_sample(100_000)
    counts, _ = np.histogram(kept, bins=10, range=(0, 100_000))
    assert counts.min() > 60
    assert counts.max() < 140
