"""Readings of a decay, their inverses, and the filter responses, against closed forms."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ema_core as ec

open_decay = st.floats(1e-6, 1 - 1e-6)


def test_hand_worked_readings_of_0_9():
    assert ec.effective_window(0.9) == pytest.approx(10)
    assert ec.half_life(0.9) == pytest.approx(np.log(0.5) / np.log(0.9))  # 6.5788...
    assert ec.half_life(0.9) == pytest.approx(6.578813478960585)
    assert ec.center_of_mass(0.9) == pytest.approx(9)
    assert ec.span(0.9) == pytest.approx(19)  # alpha = 2/(19+1) = 0.1
    assert ec.noise_variance_ratio(0.9) == pytest.approx(0.1 / 1.9)
    assert ec.weight_in_last(0.9, 10) == pytest.approx(1 - 0.9**10)  # 0.6513


@given(open_decay, st.floats(1e-6, 0.999))
def test_forget_steps_leave_that_fraction_on_the_start(decay, fraction):
    t = ec.forget_steps(decay, fraction)
    assert decay**t == pytest.approx(fraction, rel=1e-9)
    assert ec.forget_steps(decay, 0.5) == pytest.approx(ec.half_life(decay), rel=1e-12)


def test_window_holds_about_63_percent_of_the_weight():
    for decay in (0.99, 0.999, 0.9999):
        share = ec.weight_in_last(decay, ec.effective_window(decay))
        assert share == pytest.approx(1 - np.exp(-1), abs=0.002)


def test_pandas_span_and_com_agree():
    pd = pytest.importorskip("pandas")
    x = pd.Series(np.random.default_rng(0).normal(size=100))
    np.testing.assert_allclose(
        x.ewm(span=19).mean(), ec.ema_series(x.to_numpy(), ec.decay_from_span(19), debias=True)
    )
    np.testing.assert_allclose(
        x.ewm(com=4).mean(),
        ec.ema_series(x.to_numpy(), ec.decay_from_center_of_mass(4), debias=True),
    )
    np.testing.assert_allclose(
        x.ewm(halflife=3).mean(),
        ec.ema_series(x.to_numpy(), ec.decay_from_half_life(3), debias=True),
    )


@given(open_decay)
def test_every_reading_round_trips(decay):
    assert ec.decay_from_window(ec.effective_window(decay)) == pytest.approx(
        decay, rel=1e-9, abs=1e-12
    )
    assert ec.decay_from_half_life(ec.half_life(decay)) == pytest.approx(decay, rel=1e-9, abs=1e-12)
    assert ec.decay_from_span(ec.span(decay)) == pytest.approx(decay, rel=1e-9, abs=1e-9)
    assert ec.decay_from_center_of_mass(ec.center_of_mass(decay)) == pytest.approx(decay, rel=1e-9)


@given(st.floats(1, 1e7))
def test_every_inverse_round_trips(n):
    assert ec.effective_window(ec.decay_from_window(n)) == pytest.approx(n, rel=1e-6)
    assert ec.half_life(ec.decay_from_half_life(n)) == pytest.approx(n, rel=1e-6)
    assert ec.span(ec.decay_from_span(n)) == pytest.approx(n, rel=1e-6)
    assert ec.center_of_mass(ec.decay_from_center_of_mass(n)) == pytest.approx(n, rel=1e-6)


def test_decay_one_never_forgets():
    assert ec.effective_window(1.0) == np.inf
    assert ec.half_life(1.0) == np.inf
    assert ec.forget_steps(1.0) == np.inf
    assert ec.half_life(0.0) == 0.0


def test_readings_vectorise():
    out = ec.effective_window(np.array([0.5, 0.75]))
    np.testing.assert_allclose(out, [2.0, 4.0])
    assert isinstance(ec.effective_window(0.5), float)


def test_noise_variance_ratio_matches_simulated_white_noise():
    x = np.random.default_rng(0).normal(size=400_000)
    out = ec.ema_series(x, 0.8, initial=None)[1000:]
    assert out.var() == pytest.approx(ec.noise_variance_ratio(0.8), rel=0.02)


def test_impulse_response_is_the_ema_of_an_impulse():
    x = np.zeros(50)
    x[0] = 1.0
    np.testing.assert_allclose(ec.impulse_response(0.7, 50), ec.ema_series(x, 0.7), rtol=1e-14)
    assert ec.impulse_response(0.7, 2000).sum() == pytest.approx(1.0)


def test_step_response_is_the_ema_of_a_step():
    np.testing.assert_allclose(
        ec.step_response(0.7, 30), ec.ema_series(np.ones(30), 0.7), rtol=1e-14
    )


def test_frequency_response_matches_the_fft_of_the_impulse_response():
    h = ec.impulse_response(0.6, 4096)
    omega = 2 * np.pi * np.fft.rfftfreq(4096)
    np.testing.assert_allclose(ec.frequency_response(0.6, omega), np.fft.rfft(h), atol=1e-12)


@pytest.mark.parametrize("decay", [0.2, 0.5, 0.9, 0.99, 0.9999])
def test_cutoff_frequency_is_the_minus_3db_point(decay):
    wc = ec.cutoff_frequency(decay)
    assert abs(ec.frequency_response(decay, wc)) ** 2 == pytest.approx(0.5, rel=1e-10)


def test_cutoff_frequency_does_not_exist_for_small_decays():
    edge = 3 - 2 * np.sqrt(2)
    assert np.isnan(ec.cutoff_frequency(edge - 1e-6))
    assert ec.cutoff_frequency(edge + 1e-9) == pytest.approx(np.pi, abs=1e-3)
    # there |H| at Nyquist, (1-b)/(1+b), stays above 1/sqrt(2)
    assert abs(ec.frequency_response(0.1, np.pi)) > 1 / np.sqrt(2)


def test_bias_correction_and_debias():
    assert ec.bias_correction(0.9, 1) == pytest.approx(0.1)
    np.testing.assert_allclose(ec.bias_correction(0.5, [1, 2, 3]), [0.5, 0.75, 0.875])
    x = np.random.default_rng(1).normal(size=30)
    t = np.arange(1, 31)
    np.testing.assert_allclose(
        ec.debias(ec.ema_series(x, 0.8), 0.8, t), ec.ema_series(x, 0.8, debias=True), rtol=1e-12
    )
    assert ec.debias(np.array([0.2], np.float32), 0.9, 1).dtype == np.float32


@given(st.floats(0.1001, 1 - 1e-6))
def test_tf_crossover_is_where_the_rule_meets_the_decay(decay):
    n = ec.tf_crossover(decay)
    assert (1 + n) / (10 + n) == pytest.approx(decay, rel=1e-9)
    # Just before it the rule's decay is smaller; from it on, the decay itself is used.
    if n >= 1:
        assert ec.tf_decay(decay, np.floor(n) - 1) < decay
    assert ec.tf_decay(decay, np.ceil(n)) == decay


def test_tf_crossover_hand_worked_and_at_the_ends():
    assert ec.tf_crossover(0.99) == pytest.approx(890)  # (9.9 - 1) / 0.01
    assert ec.tf_crossover(0.1) == pytest.approx(0)  # the rule never binds
    assert ec.tf_crossover(0.05) < 0
    assert ec.tf_crossover(1.0) == np.inf


@given(st.floats(0.1716, 1 - 1e-6))
def test_cutoff_cycles_halve_the_power(decay):
    f = ec.cutoff_cycles(decay)
    assert abs(ec.frequency_response(decay, 2 * np.pi * f)) ** 2 == pytest.approx(0.5, rel=1e-9)


def test_cutoff_cycles_is_nan_where_the_gain_never_falls_that_far():
    assert np.isnan(ec.cutoff_cycles(0.1))
    assert ec.cutoff_cycles(3 - 2 * np.sqrt(2) + 1e-9) == pytest.approx(0.5, abs=1e-3)  # Nyquist


@given(open_decay)
def test_decay_readings_match_pandas_parameterisations(decay):
    r = ec.decay_readings(decay)
    alpha = 1 - decay
    # pandas' ewm: alpha = 2/(span+1) = 1/(1+com) = 1 - exp(-ln 2 / halflife)
    assert 2 / (r.span + 1) == pytest.approx(alpha, rel=1e-9)
    assert 1 / (1 + r.center_of_mass) == pytest.approx(alpha, rel=1e-9)
    assert 1 - np.exp(-np.log(2) / r.half_life) == pytest.approx(alpha, rel=1e-6)
    assert r.window == pytest.approx(1 / alpha, rel=1e-12)
    assert r.noise_std_ratio**2 == pytest.approx(r.noise_variance_ratio, rel=1e-12)
    # The steady-state variance of white noise through the filter: the sum of squared weights.
    weights = alpha * decay ** np.arange(200_000)
    if decay < 0.999:
        assert np.sum(weights**2) == pytest.approx(r.noise_variance_ratio, rel=1e-6)


def test_decay_readings_name_the_decay_and_reject_a_bad_one():
    assert ec.decay_readings(0.99).decay == 0.99
    with pytest.raises(ValueError, match="decay"):
        ec.decay_readings(1.5)
