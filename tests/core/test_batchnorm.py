"""Batch norm's running statistics (`ema_core.batchnorm`) against the frameworks' rules.

References: Keras' documented ``moving_average_update`` example (0 -> 0.2 at momentum
0.9 for a value of 2), the update rules of PyTorch's ``_BatchNorm.forward`` /
``F.batch_norm`` and Keras 3's ``BatchNormalization.call`` worked by hand, closed forms,
and properties with hypothesis. (Checked once by hand against torch 2.13.0's
``BatchNorm1d`` in float64: equal to 5e-15 at momentum 0.1, 0.5, None, 0 and 1.)
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ema_core as ec


def test_keras_documented_example():
    # x = 0, value = 2.0, momentum = 0.9: x becomes 0.2; the variance of a constant
    # batch is 0, so the moving variance moves from 1 to 0.9.
    mean, var = ec.batchnorm_running_stats([[[2.0], [2.0]]], 0.9, convention="keras")
    assert mean[0, 0] == pytest.approx(0.2)
    assert var[0, 0] == pytest.approx(0.9)
    assert mean[0, 0] / (1 - 0.9**1) == pytest.approx(2.0)  # debiased: back to 2.0


def test_two_batches_by_hand():
    batches = [[[1.0, 0.0], [3.0, 4.0]], [[5.0, 2.0], [9.0, 2.0]]]
    # batch means (2, 2) then (7, 2); biased variances (1, 4) then (4, 0); unbiased x2.
    mean, var = ec.batchnorm_running_stats(batches, 0.1, convention="pytorch")
    np.testing.assert_allclose(mean, [[0.2, 0.2], [0.9 * 0.2 + 0.7, 0.9 * 0.2 + 0.2]])
    np.testing.assert_allclose(var, [[0.9 + 0.2, 0.9 + 0.8], [0.9 * 1.1 + 0.8, 0.9 * 1.7]])
    mean, var = ec.batchnorm_running_stats(batches, 0.9, convention="keras")
    np.testing.assert_allclose(mean, [[0.2, 0.2], [0.9 * 0.2 + 0.7, 0.9 * 0.2 + 0.2]])
    np.testing.assert_allclose(var, [[0.9 + 0.1, 0.9 + 0.4], [0.9 * 1.0 + 0.4, 0.9 * 1.3]])


def test_pytorch_none_is_the_plain_average_of_the_batches():
    rng = np.random.default_rng(1)
    batches = rng.normal(3.0, 2.0, size=(40, 5, 3))
    mean, var = ec.batchnorm_running_stats(batches, None, convention="pytorch")
    t = np.arange(1, 41)[:, None]
    np.testing.assert_allclose(mean, np.cumsum(batches.mean(axis=1), axis=0) / t)
    np.testing.assert_allclose(var, np.cumsum(batches.var(axis=1, ddof=1), axis=0) / t)


@pytest.mark.parametrize(("momentum", "convention"), [(0.1, "pytorch"), (0.99, "keras")])
def test_a_constant_stream_holds_one_minus_beta_to_the_t_of_the_data(momentum, convention):
    beta = ec.batchnorm_decay(momentum, convention=convention)
    batches = np.full((600, 4, 1), 5.0)
    mean, var = ec.batchnorm_running_stats(batches, momentum, convention=convention)
    t = np.arange(1, 601)
    np.testing.assert_allclose(mean[:, 0], 5.0 * (1 - beta**t), rtol=1e-12)
    np.testing.assert_allclose(var[:, 0], beta**t, rtol=1e-12)  # from 1 towards 0
    # Within 1% of the data from batch ceil(ln 0.01 / ln beta) on, and not before.
    within = math.ceil(ec.forget_steps(beta, 0.01))
    assert abs(mean[within - 1, 0] - 5.0) <= 0.05 < abs(mean[within - 2, 0] - 5.0)


@settings(max_examples=60, deadline=None)
@given(
    batches=arrays(
        np.float64,
        st.tuples(st.integers(1, 30), st.integers(2, 6), st.integers(1, 3)),
        elements=st.floats(-1e3, 1e3),
    ),
    momentum=st.floats(0.0, 1.0),
)
def test_pytorch_m_is_keras_one_minus_m(batches, momentum):
    mean_pt, var_pt = ec.batchnorm_running_stats(batches, momentum, convention="pytorch")
    mean_k, var_k = ec.batchnorm_running_stats(batches, 1 - momentum, convention="keras")
    scale = 1 + np.abs(batches).max() ** 2
    np.testing.assert_allclose(mean_pt, mean_k, atol=1e-9 * scale)
    # The variances differ by Bessel's correction on the data's share alone.
    n = batches.shape[1]
    start = (1 - momentum) ** np.arange(1, len(batches) + 1)[:, None]
    np.testing.assert_allclose(var_pt - start, n / (n - 1) * (var_k - start), atol=1e-9 * scale)


def test_decay_conversion():
    assert ec.batchnorm_decay(0.1, convention="pytorch") == pytest.approx(0.9)
    assert ec.batchnorm_decay(0.99, convention="keras") == 0.99


@pytest.mark.parametrize(
    ("batches", "momentum", "convention", "match"),
    [
        (np.ones((3, 4, 1)), 1.5, "pytorch", "momentum must be in \\[0, 1\\]"),
        (np.ones((3, 4, 1)), -0.1, "keras", "momentum must be in \\[0, 1\\]"),
        (np.ones((3, 4, 1)), 0.1, "flax", "convention must be one of pytorch, keras"),
        (np.ones((3, 1, 2)), 0.1, "pytorch", "at least 2 samples"),
        (np.ones((3, 4)), 0.1, "pytorch", "batches must have shape"),
        (np.ones((3, 4, 1)), None, "keras", "PyTorch's only"),
    ],
)
def test_bad_arguments_are_named(batches, momentum, convention, match):
    with pytest.raises(ValueError, match=match):
        ec.batchnorm_running_stats(batches, momentum, convention=convention)


def test_keras_takes_a_batch_of_one():
    mean, var = ec.batchnorm_running_stats(np.full((2, 1, 1), 4.0), 0.5, convention="keras")
    np.testing.assert_allclose(mean[:, 0], [2.0, 3.0])
    np.testing.assert_allclose(var[:, 0], [0.5, 0.25])
