"""The worked examples of the TensorFlow and Keras documentation, number for number."""

import numpy as np
import pytest

from ema_core import ExponentialMovingAverage, debias, ema_series, ema_update, tf_decay


def test_one_update_from_ten_towards_twenty():
    # 0.9 * 10 + 0.1 * 20 = 9 + 2 = 11
    assert ema_update(10.0, 20.0, 0.9) == 11.0


def test_decay_one_keeps_and_decay_zero_snaps():
    assert ema_update(3.25, 100.0, 1.0) == 3.25
    assert ema_update(3.25, 100.0, 0.0) == 100.0


def test_arrays_update_elementwise():
    ema = np.array([0.0, 10.0, -4.0])
    value = np.array([10.0, 0.0, 4.0])
    # 0.75*0 + 0.25*10, 0.75*10 + 0.25*0, 0.75*-4 + 0.25*4
    np.testing.assert_array_equal(ema_update(ema, value, 0.75), [2.5, 7.5, -2.0])
    # per-element decays
    np.testing.assert_array_equal(ema_update(ema, value, [0.0, 1.0, 0.5]), [10.0, 10.0, 0.0])


def test_repeated_updates_converge_to_a_constant():
    ema = 0.0
    for _ in range(2000):
        ema = ema_update(ema, 7.0, 0.99)
    # the gap shrinks by 0.99 a step: 7 * 0.99**2000 ~ 1.3e-8
    assert ema == pytest.approx(7.0, abs=1e-7)


def test_keras_moving_average_update_example():
    # keras.ops.moving_average_update: x = 0, value = 2, momentum = 0.9
    x = ema_update(0.0, 2.0, 0.9)
    assert x == pytest.approx(0.2, rel=1e-15)
    # debiased with num_updates = 1: 0.2 / (1 - 0.9**1) = 2
    assert debias(x, 0.9, 1) == 2.0


def test_tf_documentation_example():
    # v1 = 0, step = 0: apply() creates the shadow from v1 (0) and updates it (still 0).
    ema = ExponentialMovingAverage(0.99, num_updates=0)
    ema.apply({"v1": 0.0})
    assert ema.average("v1") == 0.0
    # v1 = 5; decay = min(0.99, (1+0)/(10+0)) = 0.1: 0.1*0 + 0.9*5 = 4.5
    ema.apply({"v1": 5.0})
    assert ema.average("v1") == pytest.approx(4.5, rel=1e-15)
    # step = 10000: decay = min(0.99, 10001/10010) = 0.99; v1 = 10: 0.99*4.5 + 0.01*10 = 4.555
    ema.num_updates = 10_000
    ema.apply({"v1": 10.0})
    assert ema.average("v1") == pytest.approx(4.555, rel=1e-15)
    # again: 0.99*4.555 + 0.1 = 4.50945 + 0.1 = 4.60945
    ema.apply({"v1": 10.0})
    assert ema.average("v1") == pytest.approx(4.60945, rel=1e-15)


def test_tf_documentation_loop_all_twelve_averages():
    # decay 0.99 with num_updates = step; my_var = 0 and step = 0 when the shadow is made.
    ema = ExponentialMovingAverage(0.99, num_updates=0)
    my_var = 0.0
    ema.apply([my_var])  # shadow "0" created at 0
    seen = []
    # for i in 1..5: my_var += i; step stays 0, so decay = 1/10 and
    # shadow = 0.1*shadow + 0.9*my_var:
    #   my_var 1:  0.1*0        + 0.9*1  = 0.9
    #   my_var 3:  0.1*0.9      + 0.9*3  = 0.09 + 2.7 = 2.79
    #   my_var 6:  0.1*2.79     + 0.9*6  = 0.279 + 5.4 = 5.679
    #   my_var 10: 0.1*5.679    + 0.9*10 = 0.5679 + 9 = 9.5679
    #   my_var 15: 0.1*9.5679   + 0.9*15 = 0.95679 + 13.5 = 14.45679
    for i in range(1, 6):
        my_var += i
        ema.apply([my_var])
        seen.append(ema.average(0))
    # my_var = 5; for i in range(1, 20, 3): step += i -> 1, 5, 12, 22, 35, 51, 70.
    # decay = (1+step)/(10+step) (all below 0.99): 2/11, 6/15, 13/22, 23/32, 36/45, 52/61, 71/80.
    # Towards the constant 5 the gap shrinks by the decay: shadow - 5 = decay * (shadow_prev - 5).
    #   step 1:  5 + 2/11  * 9.45679            = 5 + 1.7194163636...  = 6.7194163636...
    #   step 5:  5 + 2/5   * 1.7194163636...    = 5 + 0.6877665454...  = 5.6877665454...
    #   step 12: 5 + 13/22 * 0.6877665454...    = 5 + 0.4064075041...  = 5.4064075041...
    #   step 22: 5 + 23/32 * 0.4064075041...    = 5 + 0.2921053935...  = 5.2921053935...
    #   step 35: 5 + 4/5   * 0.2921053935...    = 5 + 0.2336843148...  = 5.2336843148...
    #   step 51: 5 + 52/61 * 0.2336843148...    = 5 + 0.1992063012...  = 5.1992063012...
    #   step 70: 5 + 71/80 * 0.1992063012...    = 5 + 0.1767955923...  = 5.1767955923...
    my_var = 5.0
    step = 0
    for i in range(1, 20, 3):
        step += i
        ema.num_updates = step
        ema.apply([my_var])
        seen.append(ema.average("0"))
    gap = 9.45679
    expected_tail = []
    for d in (2 / 11, 6 / 15, 13 / 22, 23 / 32, 36 / 45, 52 / 61, 71 / 80):
        gap *= d
        expected_tail.append(5 + gap)
    expected = [0.9, 2.79, 5.679, 9.5679, 14.45679, *expected_tail]
    assert len(seen) == 12
    np.testing.assert_allclose(seen, expected, rtol=1e-13)
    # and the exact rationals of the last one: 7641985653383 / 1476200000000
    assert seen[-1] == pytest.approx(7641985653383 / 1476200000000, rel=1e-13)


def test_tf_decay_rule_at_hand_worked_steps():
    assert tf_decay(0.99, 0) == pytest.approx(0.1)  # 1/10
    assert tf_decay(0.99, 1) == pytest.approx(2 / 11)
    assert tf_decay(0.99, 10) == pytest.approx(11 / 20)
    # crossover n* = (10*0.99 - 1)/(1 - 0.99) = 890: 891/900 = 0.99
    assert tf_decay(0.99, 890) == pytest.approx(0.99, rel=1e-15)
    assert tf_decay(0.99, 889) < 0.99
    assert tf_decay(0.99, 10_000) == 0.99


def test_zero_debias_constant_decay_equals_exact_debiasing():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    ema = ExponentialMovingAverage(0.9, zero_debias=True)
    shadows = []
    for row in x:
        ema.apply({"w": row})
        shadows.append(ema.average("w"))
    np.testing.assert_allclose(shadows, ema_series(x, 0.9, debias=True), rtol=1e-12)


def test_zero_debias_follows_tensorflow_with_a_changing_decay():
    # TensorFlow divides by 1 - d**t with today's d, not by 1 - prod(d_k).
    values = [1.0, 2.0, 4.0, 3.0]
    ema = ExponentialMovingAverage(0.99, num_updates=0, zero_debias=True)
    biased, tf_shadows = 0.0, []
    for n, v in enumerate(values):
        t = n + 1  # TensorFlow's local_step after this update
        ema.num_updates = n
        ema.apply({"w": v})
        d = (1 + n) / (10 + n)
        biased = biased - (biased - v) * (1 - d)
        tf_shadows.append(biased / (1 - d**t))
        assert ema.average("w") == pytest.approx(tf_shadows[-1], rel=1e-14)
    exact = ema_series(values, tf_decay(0.99, np.arange(4)), debias=True)
    assert not np.allclose(tf_shadows[1:], exact[1:], rtol=1e-6)
