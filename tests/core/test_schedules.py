"""Warm-up schedules: the hand-worked milestones of timm / ema-pytorch."""

import numpy as np
import pytest

from ema_core import tf_decay, warmup_decay


def first_step_reaching(target, power):
    # (1 + t)**-p = 1 - target  =>  t = (1 - target)**(-1/p) - 1
    t = (1 - target) ** (-1 / power) - 1
    return int(np.ceil(t))


@pytest.mark.parametrize(
    ("power", "target", "about"),
    [
        (2 / 3, 0.999, 31_600),
        (2 / 3, 0.9999, 1_000_000),
        (3 / 4, 0.999, 10_000),
        (3 / 4, 0.9999, 215_000),
    ],
)
def test_warmup_milestones(power, target, about):
    t = first_step_reaching(target, power)
    assert t == pytest.approx(about, rel=0.01)
    assert warmup_decay(t, decay=1.0, power=power) >= target
    assert warmup_decay(t - 2, decay=1.0, power=power) < target


def test_warmup_clamps_and_starts_at_zero():
    assert warmup_decay(0, decay=0.999) == 0.0
    assert warmup_decay(-5, decay=0.999, min_decay=0.5) == 0.0
    assert warmup_decay(1, decay=0.999, min_decay=0.5) == 0.5  # 1 - 2**(-2/3) = 0.37 < 0.5
    assert warmup_decay(10**9, decay=0.999) == 0.999


def test_warmup_with_unit_gamma_and_power_is_the_running_mean():
    steps = np.arange(1, 50)
    np.testing.assert_allclose(warmup_decay(steps, decay=1.0, power=1.0), 1 - 1 / (steps + 1))


def test_tf_decay_window_early_on_is_10_plus_n_over_9():
    n = np.arange(0, 100)
    np.testing.assert_allclose(1 / (1 - tf_decay(0.9999, n)), (10 + n) / 9)
