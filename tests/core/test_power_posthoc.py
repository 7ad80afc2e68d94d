"""Power-function EMA and post-hoc reconstruction (EDM2), against independent references."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import quad

import ema_core as ec
from ema_core.power import GAMMA_AT_PEAK

# EDM2 (Karras et al. 2024), Section 3: the widths they track and their exponents.
EDM2_PAIRS = [(0.05, 16.97), (0.10, 6.94)]


@pytest.mark.parametrize(("sigma_rel", "gamma"), EDM2_PAIRS)
def test_edm2_tabulated_pairs(sigma_rel, gamma):
    assert ec.sigma_rel_to_gamma(sigma_rel) == pytest.approx(gamma, abs=0.005)
    assert ec.gamma_to_sigma_rel(gamma) == pytest.approx(sigma_rel, abs=5e-5)


def test_sigma_rel_worked_by_hand():
    # gamma 0: a uniform profile on [0, t], std t/sqrt(12).
    assert ec.gamma_to_sigma_rel(0.0) == pytest.approx(1 / np.sqrt(12), rel=1e-15)
    # gamma 1: density 2 tau / t^2; mean 2t/3, E[tau^2] = t^2/2, var = t^2/18.
    assert ec.gamma_to_sigma_rel(1.0) == pytest.approx(np.sqrt(1 / 18), rel=1e-15)


def test_sigma_rel_is_the_profiles_relative_std_by_quadrature():
    for gamma in (-0.5, 0.0, 2.0, 6.94, 16.97):
        mean = quad(lambda u, g=gamma: u * (g + 1) * u**g, 0, 1)[0]
        second = quad(lambda u, g=gamma: u**2 * (g + 1) * u**g, 0, 1)[0]
        assert ec.gamma_to_sigma_rel(gamma) == pytest.approx(np.sqrt(second - mean**2), rel=1e-9)


def test_the_bound_is_the_peak_of_sigma_rel():
    gammas = np.linspace(-0.99, 3, 400_001)
    curve = ec.gamma_to_sigma_rel(gammas)
    assert curve.max() == pytest.approx(ec.SIGMA_REL_MAX, rel=1e-10)
    assert gammas[np.argmax(curve)] == pytest.approx(GAMMA_AT_PEAK, abs=2e-5)
    assert abs(ec.SIGMA_REL_MAX - 0.30028) < 1e-5


def test_inverse_is_the_largest_root_of_eq_126():
    # EDM2's reference code solves the cubic with np.roots, one width at a time.
    widths = np.linspace(0.002, 0.3, 150)
    expected = [np.roots([1, 7, 16 - s**-2, 12 - s**-2]).real.max() for s in widths]
    np.testing.assert_allclose(ec.sigma_rel_to_gamma(widths), expected, rtol=1e-9)


@given(st.floats(1e-4, ec.SIGMA_REL_MAX))
def test_round_trip_from_sigma_rel(sigma_rel):
    back = ec.gamma_to_sigma_rel(ec.sigma_rel_to_gamma(sigma_rel))
    assert back == pytest.approx(sigma_rel, rel=1e-12)


@given(st.floats(0.0, 1e4))
def test_round_trip_from_gamma(gamma):
    # Away from the peak the inverse is well conditioned; gamma >= 0 covers every
    # width up to a running mean's.
    back = ec.sigma_rel_to_gamma(ec.gamma_to_sigma_rel(gamma))
    assert back == pytest.approx(gamma, rel=1e-9, abs=1e-9)


def test_vectorised_shapes():
    widths = np.array([[0.05, 0.1], [0.2, 0.25]])
    assert ec.sigma_rel_to_gamma(widths).shape == (2, 2)
    assert isinstance(ec.sigma_rel_to_gamma(0.1), float)


@pytest.mark.parametrize("gamma", [-0.5, 0.0, 1.0, 6.94])
def test_power_decay_tracks_the_power_profile_exactly(gamma):
    x = np.random.default_rng(3).normal(size=300)
    n = len(x)
    tracked = ec.ema_series(x, ec.power_decay(np.arange(1, n + 1), gamma))
    # Independent: the weight of x_k after t updates is the integral of p_t over [k-1, k].
    for t in (1, 2, 17, 300):
        k = np.arange(1, t + 1)
        weights = (k ** (gamma + 1) - (k - 1) ** (gamma + 1)) / t ** (gamma + 1)
        assert tracked[t - 1] == pytest.approx(weights @ x[:t], rel=1e-10, abs=1e-12)


def test_power_decay_first_update_copies():
    assert ec.power_decay(1, 16.97) == 0.0
    assert ec.power_decay(np.arange(1, 4), 0.0) == pytest.approx([0.0, 0.5, 2 / 3])


@given(
    st.floats(0.5, 1e5),
    st.floats(GAMMA_AT_PEAK, 30),
    st.floats(0.5, 1e5),
    st.floats(GAMMA_AT_PEAK, 30),
)
def test_inner_product_is_symmetric(t_a, g_a, t_b, g_b):
    ab = ec.profile_inner_product(t_a, g_a, t_b, g_b)
    ba = ec.profile_inner_product(t_b, g_b, t_a, g_a)
    assert ab == pytest.approx(ba, rel=1e-12)


@pytest.mark.parametrize(
    ("t_a", "g_a", "t_b", "g_b"), [(100, 6.94, 100, 16.97), (40, 0.5, 100, 6.94), (70, 3, 20, 0)]
)
def test_inner_product_against_quadrature(t_a, g_a, t_b, g_b):
    end = min(t_a, t_b)
    numeric = quad(
        lambda tau: ec.power_profile(tau, t_a, g_a) * ec.power_profile(tau, t_b, g_b), 0, end
    )[0]
    assert ec.profile_inner_product(t_a, g_a, t_b, g_b) == pytest.approx(numeric, rel=1e-8)


def test_profile_integrates_to_one():
    for gamma in (-0.5, 0.0, 6.94):
        assert quad(lambda tau, g=gamma: ec.power_profile(tau, 50.0, g), 0, 50)[0] == (
            pytest.approx(1.0, rel=1e-8)
        )


def _two_tracks(every, steps):
    taken = np.arange(every, steps + 1, every)
    snapshot_steps = np.concatenate([taken, taken])
    widths = np.repeat([0.05, 0.10], len(taken))
    return taken, snapshot_steps, widths


@pytest.mark.parametrize("width", [0.05, 0.10])
def test_target_equal_to_a_snapshot_picks_it(width):
    _, steps, widths = _two_tracks(64, 2048)
    c = ec.posthoc_coefficients(steps, widths, 2048, width)
    picked = np.flatnonzero((steps == 2048) & (widths == width))[0]
    one_hot = np.zeros_like(c)
    one_hot[picked] = 1
    np.testing.assert_allclose(c, one_hot, atol=1e-6)


# Profile errors measured with 32 snapshots per track (every 64 of 2048 steps, the
# ratio 1/32 of EDM2's defaults) and stated here with a margin.
@pytest.mark.parametrize(("target", "bound"), [(0.07, 0.002), (0.15, 0.005), (0.2, 0.01)])
def test_reconstructed_profile_matches_the_target(target, bound):
    _, steps, widths = _two_tracks(64, 2048)
    c = ec.posthoc_coefficients(steps, widths, 2048, target)
    tau = np.linspace(0, 2048, 40_001)
    profiles = ec.power_profile(tau, steps[:, None], ec.sigma_rel_to_gamma(widths)[:, None])
    rebuilt = c @ profiles
    wanted = ec.power_profile(tau, 2048, ec.sigma_rel_to_gamma(target))
    rel_l2 = np.sqrt(np.trapezoid((rebuilt - wanted) ** 2, tau) / np.trapezoid(wanted**2, tau))
    assert rel_l2 < bound
    assert c.sum() == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize(("target", "bound"), [(0.07, 0.005), (0.15, 0.01)])
def test_reconstructed_average_matches_the_directly_tracked_one(target, bound):
    steps_total = 2048
    taken, steps, widths = _two_tracks(64, steps_total)
    weights = np.cumsum(np.random.default_rng(5).normal(size=(steps_total, 3)), axis=0)
    t = np.arange(1, steps_total + 1)

    def track(width):
        return ec.ema_series(weights, ec.power_decay(t, ec.sigma_rel_to_gamma(width)))

    snapshots = np.concatenate([track(0.05)[taken - 1], track(0.10)[taken - 1]])
    rebuilt = ec.posthoc_ema(snapshots, steps, widths, steps_total, target)
    truth = track(target)[-1]
    # Measured against how far the average sits from the last weights (the scale of
    # what an EMA changes): 0.01% and 0.008% here.
    scale = np.abs(truth - weights[-1]).max()
    assert np.abs(rebuilt - truth).max() < bound * scale


def test_posthoc_ema_keeps_shapes_and_float32():
    snaps = np.random.default_rng(0).normal(size=(4, 3, 5)).astype(np.float32)
    steps, widths = [50, 100, 50, 100], [0.05, 0.05, 0.1, 0.1]
    out = ec.posthoc_ema(snaps, steps, widths, 100, 0.07)
    assert out.shape == (3, 5)
    assert out.dtype == np.float32
    c = ec.posthoc_coefficients(steps, widths, 100, 0.07)
    # float32 sums cancel: their error follows the inputs' scale, not the result's (a result
    # near 0.016 from inputs near 1 is off by ~1e-6 on some processors, under one float32
    # step of the terms summed).
    tolerance = (
        8 * np.finfo(np.float32).eps * float(np.abs(c) @ np.abs(snaps).reshape(4, -1).max(1))
    )
    np.testing.assert_allclose(out, np.einsum("i,i...->...", c, snaps), rtol=0, atol=tolerance)
    many = ec.posthoc_ema(snaps, steps, widths, [100, 100], [0.07, 0.09])
    assert many.shape == (2, 3, 5)
    np.testing.assert_allclose(many[0], out, rtol=0, atol=tolerance)


def test_decay_from_sigma_rel_has_that_width():
    beta = ec.decay_from_sigma_rel(0.05, 2000)
    k = np.arange(200_000)
    w = (1 - beta) * beta**k
    std = np.sqrt(w @ k**2 - (w @ k) ** 2)
    assert std == pytest.approx(0.05 * 2000, rel=1e-9)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ec.sigma_rel_to_gamma(0.31), r"sigma_rel must be in \(0, 0.30028\]"),
        (lambda: ec.sigma_rel_to_gamma(0.0), "sigma_rel must be in"),
        (lambda: ec.sigma_rel_to_gamma(np.nan), "sigma_rel must be in"),
        (lambda: ec.gamma_to_sigma_rel(-1.0), "gamma must be > -1"),
        (lambda: ec.power_decay(0, 1.0), "t must be >= 1"),
        (lambda: ec.power_decay(1.5, 1.0), "t must hold whole steps"),
        (lambda: ec.power_decay(3, -2.0), "gamma must be > -1"),
        (lambda: ec.posthoc_coefficients([0, 10], 0.1, 10, 0.1), "snapshot_steps must be >= 1"),
        (lambda: ec.posthoc_coefficients([5, 10], [0.1] * 3, 10, 0.1), "same length"),
        (lambda: ec.posthoc_coefficients([10, 10], [0.1, 0.1], 10, 0.1), "singular"),
        (lambda: ec.posthoc_coefficients([10], [0.1], 0, 0.1), "target_step must be > 0"),
        (lambda: ec.posthoc_coefficients([10], [0.1], 10, 0.5), "target_sigma_rel must be"),
        (lambda: ec.posthoc_coefficients([], [], 10, 0.1), "at least one snapshot"),
        (lambda: ec.posthoc_ema(np.zeros((3, 2)), [5, 10], 0.1, 10, 0.1), "one entry per"),
        (lambda: ec.profile_inner_product(10, -0.6, 10, -0.6), "not integrable"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
