"""Bad input: a ValueError or TypeError that names the argument and what was expected."""

import numpy as np
import pytest

import ema_core as ec


@pytest.mark.parametrize("decay", [-0.1, 1.5, np.nan, np.inf])
def test_decay_outside_zero_one(decay):
    with pytest.raises(ValueError, match=r"decay must be in \[0, 1\]"):
        ec.ema_update(0.0, 1.0, decay)
    with pytest.raises(ValueError, match=r"decay must be in \[0, 1\]"):
        ec.ema_series([1.0, 2.0], decay)
    with pytest.raises(ValueError, match=r"decay must be in \[0, 1\]"):
        ec.effective_window(decay)


def test_num_updates_below_one_for_a_correction():
    with pytest.raises(ValueError, match="num_updates must be >= 1"):
        ec.bias_correction(0.9, 0)
    with pytest.raises(ValueError, match="num_updates must be >= 1"):
        ec.debias(1.0, 0.9, [1, 0])
    with pytest.raises(ValueError, match="num_updates must be >= 0"):
        ec.tf_decay(0.9, -1)


def test_per_step_decay_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"one decay per step \(3\), got shape \(2,\)"):
        ec.ema_series([1.0, 2.0, 3.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="one decay per step"):
        ec.ema_series([1.0, 2.0], [[0.5, 0.5]])


def test_shapes_that_do_not_match():
    with pytest.raises(ValueError, match="ema, value and decay must broadcast"):
        ec.ema_update(np.zeros(3), np.zeros(4), 0.5)
    with pytest.raises(
        ValueError, match=r"initial must broadcast against one observation of shape \(2,\)"
    ):
        ec.ema_series(np.zeros((5, 2)), 0.5, initial=[1.0, 2.0, 3.0])


def test_empty_series():
    with pytest.raises(ValueError, match="values must hold at least one observation"):
        ec.ema_series([], 0.5)
    with pytest.raises(ValueError, match="values must have a time axis"):
        ec.ema_series(3.0, 0.5)


@pytest.mark.parametrize("bad", [["a", "b"], [1 + 2j], [None, 1.0]])
def test_non_numeric_values(bad):
    with pytest.raises(TypeError, match="values must hold real numbers"):
        ec.ema_series(bad, 0.5)


def test_non_numeric_decay_and_ema():
    with pytest.raises(TypeError, match="decay must hold real numbers"):
        ec.ema_update(0.0, 1.0, "0.9")
    with pytest.raises(TypeError, match="ema must hold real numbers"):
        ec.ema_update("x", 1.0, 0.9)


def test_debias_with_decay_one_is_refused_not_nan():
    with pytest.raises(ValueError, match="debias=True needs a decay below 1"):
        ec.ema_series([1.0, 2.0], 1.0, debias=True)
    with pytest.raises(ValueError, match="for the first 2 step"):
        ec.ema_series([1.0, 2.0, 3.0], [1.0, 1.0, 0.5], debias=True)
    with pytest.raises(ValueError, match="decay must be below 1 to debias"):
        ec.debias(0.5, 1.0, 3)
    # a schedule that starts at 0 (a warm-up) is fine
    out = ec.ema_series([1.0, 2.0], [0.0, 1.0], debias=True)
    assert np.all(np.isfinite(out))


def test_inverse_readings_refuse_out_of_range():
    with pytest.raises(ValueError, match="window must be >= 1"):
        ec.decay_from_window(0.5)
    with pytest.raises(ValueError, match="half_life must be > 0"):
        ec.decay_from_half_life(0)
    with pytest.raises(ValueError, match="span must be >= 1"):
        ec.decay_from_span(-3)
    with pytest.raises(ValueError, match="center_of_mass must be >= 0"):
        ec.decay_from_center_of_mass(-1)
    with pytest.raises(ValueError, match="n must be a whole number >= 1"):
        ec.impulse_response(0.5, 0)


def test_warmup_arguments():
    with pytest.raises(ValueError, match="inv_gamma must be > 0"):
        ec.warmup_decay(1, decay=0.9, inv_gamma=0)
    with pytest.raises(ValueError, match="power must be > 0"):
        ec.warmup_decay(1, decay=0.9, power=-1)
    with pytest.raises(ValueError, match=r"min_decay must be in \[0, decay=0.9\]"):
        ec.warmup_decay(1, decay=0.9, min_decay=0.95)


def test_tf_ema_bad_input():
    ema = ec.ExponentialMovingAverage(0.9)
    with pytest.raises(TypeError, match="values must be a mapping"):
        ema.apply(3.0)
    ema.apply({"w": np.zeros(3)})
    with pytest.raises(
        ValueError, match=r"values\['w'\] has shape \(2,\), but its shadow has shape \(3,\)"
    ):
        ema.apply({"w": np.zeros(2)})
    with pytest.raises(KeyError, match="no shadow named 'v'; known names: 'w'"):
        ema.average("v")
    with pytest.raises(ValueError, match=r"decay must be in \[0, 1\]"):
        ec.ExponentialMovingAverage(1.2)
