"""Adam's moments and SGD's momentum (`ema_core.optimizers`) against the rules as written.

References, each written out here independently of the library, one parameter and one
step at a time in plain Python floats: Kingma & Ba 2015, Algorithm 1 (which PyTorch's
``Adam`` and optax's ``scale_by_adam`` follow), Keras 3's ``Adam.update_step`` (its own
order of operations: ``m += (g - m) * (1 - beta_1)`` and the step size
``lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)``), and PyTorch's ``SGD`` momentum
buffer (cloned from the first gradient, then ``mul_(momentum).add_(g, alpha=1 -
dampening)``). Closed forms for the first step; properties with hypothesis.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ema_core as ec

RTOL = 1e-12


def paper_adam(grads, beta1, beta2, eps, lr, corrected=True):
    """Algorithm 1 for one parameter: the update at each step."""
    m = v = 0.0
    out = []
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        if corrected:
            m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        else:
            m_hat, v_hat = m, v
        out.append(-lr * m_hat / (math.sqrt(v_hat) + eps))
    return out


def keras_adam(grads, beta1, beta2, eps, lr):
    """Keras 3's ``Adam.update_step`` for one variable, its own order of operations."""
    m = v = 0.0
    out = []
    for t, g in enumerate(grads, start=1):
        alpha = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
        m += (g - m) * (1 - beta1)
        v += (g * g - v) * (1 - beta2)
        out.append(-(m * alpha) / (math.sqrt(v) + eps))
    return out


def torch_sgd(grads, lr, momentum, dampening, nesterov):
    """PyTorch ``SGD``'s step for one parameter (no weight decay)."""
    buf = None
    out = []
    for g in grads:
        d_p = g
        if momentum != 0:
            buf = g if buf is None else buf * momentum + (1 - dampening) * g
            d_p = g + momentum * buf if nesterov else buf
        out.append(-lr * d_p)
    return out


GRADS = np.random.default_rng(7).normal(size=(200, 3))


@pytest.mark.parametrize(
    ("beta1", "beta2"), [(0.9, 0.999), (0.0, 0.5), (0.5, 0.0), (0.9, 0.999999), (0.99, 0.9999)]
)
@pytest.mark.parametrize("corrected", [True, False])
def test_adam_is_algorithm_1(beta1, beta2, corrected):
    track = ec.adam_moments(GRADS, beta1=beta1, beta2=beta2, bias_correction=corrected)
    for j in range(GRADS.shape[1]):
        expected = paper_adam(GRADS[:, j], beta1, beta2, 1e-8, 1e-3, corrected)
        np.testing.assert_allclose(track.update[:, j], expected, rtol=RTOL, atol=0)
    # The moments are the library's own zero-started EMAs, and their corrections Adam's.
    np.testing.assert_allclose(track.m, ec.ema_series(GRADS, beta1), rtol=RTOL)
    np.testing.assert_allclose(track.v_hat, ec.ema_series(GRADS**2, beta2, debias=True), rtol=1e-9)
    assert track.update.dtype == np.float64
    assert track.update.shape == GRADS.shape


@pytest.mark.parametrize(("beta1", "beta2"), [(0.9, 0.999), (0.9, 0.999999), (0.5, 0.5)])
def test_keras_places_eps_after_the_step_size(beta1, beta2):
    track = ec.adam_moments(GRADS, beta1=beta1, beta2=beta2, eps=1e-7, convention="keras")
    for j in range(GRADS.shape[1]):
        expected = keras_adam(GRADS[:, j], beta1, beta2, 1e-7, 1e-3)
        scale = np.abs(expected).max()  # Keras updates m as m + (g - m)(1 - β): a rounding apart
        np.testing.assert_allclose(track.update[:, j], expected, rtol=RTOL, atol=RTOL * scale)


def test_the_conventions_part_where_the_gradient_is_as_small_as_eps():
    g, eps, lr, beta2 = 1e-9, 1e-8, 1.0, 0.999
    pytorch, keras = (
        ec.adam_moments([g], beta2=beta2, eps=eps, lr=lr, convention=c).update[0]
        for c in ("pytorch", "keras")
    )
    # Step 1 by hand: m̂ = g and √v̂ = |g|, so PyTorch's is −g/(|g| + ε); Keras' step size
    # √(1 − β₂)/(1 − β₁) and m = (1 − β₁) g give −√(1 − β₂) g / (√(1 − β₂) |g| + ε).
    root = math.sqrt(1 - beta2)
    assert pytorch == pytest.approx(-g / (g + eps), rel=RTOL)
    assert keras == pytest.approx(-root * g / (root * g + eps), rel=RTOL)
    assert pytorch / keras > 8  # 0.091 against 0.0031: Keras' ε acts 31.6 times larger
    # Where the gradient dwarfs ε the two agree.
    big = [ec.adam_moments([1.0], eps=eps, convention=c).update[0] for c in ("pytorch", "keras")]
    assert big[0] == pytest.approx(big[1], rel=1e-6)
    # At ε = 0 they are the same rule.
    both = [ec.adam_moments(GRADS, eps=0.0, convention=c).update for c in ("pytorch", "keras")]
    np.testing.assert_allclose(both[0], both[1], rtol=RTOL)


def test_without_correction_the_first_step_is_off_by_the_corrections():
    # Step 1: m₁ = (1 − β₁)g and v₁ = (1 − β₂)g², so the uncorrected step is
    # (1 − β₁)/√(1 − β₂) times the corrected one: 3.16 at 0.9 and 0.999; 31.6 at β₁ = 0.
    for beta1, ratio in ((0.9, 0.1 / math.sqrt(0.001)), (0.0, 1 / math.sqrt(0.001))):
        on, off = (
            ec.adam_moments([0.3], beta1=beta1, eps=0.0, bias_correction=c).update[0]
            for c in (True, False)
        )
        assert off / on == pytest.approx(ratio, rel=RTOL)
    assert 1 / math.sqrt(0.001) == pytest.approx(31.62, abs=0.01)


def test_zero_gradients_move_nothing_and_stay_finite():
    track = ec.adam_moments(np.zeros((5, 2)))
    assert np.array_equal(track.update, np.zeros((5, 2)))
    assert np.isfinite(track.m_hat).all()
    assert np.isfinite(track.v_hat).all()
    # A gradient after zeros: the corrections have counted the zero steps.
    grads = [0.0, 0.0, 2.0]
    np.testing.assert_allclose(
        ec.adam_moments(grads).update, paper_adam(grads, 0.9, 0.999, 1e-8, 1e-3), rtol=RTOL
    )


def test_a_parameter_tensor_keeps_its_shape_and_each_element_its_own_moments():
    grads = np.random.default_rng(3).normal(size=(6, 2, 3))
    track = ec.adam_moments(grads, convention="keras")
    assert track.update.shape == track.m.shape == track.v_hat.shape == (6, 2, 3)
    alone = ec.adam_moments(grads[:, 1, 2], convention="keras").update
    np.testing.assert_array_equal(track.update[:, 1, 2], alone)


# Zero, or large enough that its square does not underflow to a zero v beside a nonzero m.
GRADIENT = st.one_of(st.just(0.0), st.floats(1e-100, 1e3), st.floats(-1e3, -1e-100))


@given(arrays(np.float64, st.tuples(st.integers(1, 30)), elements=GRADIENT), st.floats(1e-3, 1e3))
def test_scaling_the_gradients_leaves_the_steps_when_eps_is_zero(grads, scale):
    # Adam's step is invariant to the gradients' scale (ε aside): m̂/√v̂ is unitless.
    with np.errstate(invalid="ignore"):  # 0/0 while the gradients are still all zero
        base = ec.adam_moments(grads, eps=0.0).update
        scaled = ec.adam_moments(grads * scale, eps=0.0).update
    np.testing.assert_allclose(np.nan_to_num(scaled), np.nan_to_num(base), rtol=1e-9, atol=1e-15)
    # Each corrected step is at most lr · (1 − β₁)/√(1 − β₂) (Kingma & Ba, §2.1).
    assert (np.abs(ec.adam_moments(grads).update) <= 1e-3 * 0.1 / math.sqrt(0.001) + 1e-15).all()


@pytest.mark.parametrize(
    ("momentum", "dampening", "nesterov"),
    [(0.9, 0.0, False), (0.9, 0.0, True), (0.5, 0.3, False), (0.0, 0.0, False), (1.0, 0.0, False)],
)
def test_momentum_is_pytorchs_sgd(momentum, dampening, nesterov):
    updates = ec.momentum_updates(
        GRADS, lr=0.01, momentum=momentum, dampening=dampening, nesterov=nesterov
    )
    for j in range(GRADS.shape[1]):
        expected = torch_sgd(GRADS[:, j], 0.01, momentum, dampening, nesterov)
        np.testing.assert_allclose(updates[:, j], expected, rtol=RTOL, atol=0)


def test_dampened_momentum_is_an_ema_of_the_gradients_started_at_the_first():
    for beta in (0.5, 0.9, 0.99):
        buffer = -ec.momentum_updates(GRADS, lr=1.0, momentum=beta, dampening=beta)
        np.testing.assert_allclose(buffer, ec.ema_series(GRADS, beta, initial=None), rtol=RTOL)
    # Undampened, a constant gradient's buffer tends to g / (1 − β): the heavy ball's speed.
    heavy = -ec.momentum_updates(np.ones(500), lr=1.0, momentum=0.9)
    assert heavy[-1] == pytest.approx(10.0, rel=1e-12)


# A decay of Adam is refused with its own range, [0, 1): at 1 the correction divides by 0.
BELOW_ONE = r"%s must be in \[0, 1\)"


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: ec.adam_moments(GRADS, beta1=1.0), BELOW_ONE % "beta1"),
        (lambda: ec.adam_moments(GRADS, beta1=-0.1), BELOW_ONE % "beta1"),
        (lambda: ec.adam_moments(GRADS, beta2=1.0), BELOW_ONE % "beta2"),
        (lambda: ec.adam_moments(GRADS, beta2=-0.5), BELOW_ONE % "beta2"),
        (lambda: ec.adam_moments(GRADS, beta2=float("nan")), BELOW_ONE % "beta2"),
        (lambda: ec.adam_moments(GRADS, eps=-1e-8), "eps"),
        (lambda: ec.adam_moments(GRADS, lr=-1.0), "lr"),
        (lambda: ec.adam_moments(GRADS, lr=float("inf")), "lr"),
        (lambda: ec.adam_moments([], beta1=0.9), "grads"),
        (lambda: ec.adam_moments(3.0), "grads"),
        (lambda: ec.adam_moments([1.0, float("nan")]), "grads"),
        (lambda: ec.adam_moments([1.0, float("inf")]), "grads"),
        (lambda: ec.adam_moments(GRADS, convention="jax"), "convention"),
        (lambda: ec.momentum_updates(GRADS, lr=-0.1), "lr"),
        (lambda: ec.momentum_updates(GRADS, lr=0.1, momentum=1.5), "momentum"),
        (lambda: ec.momentum_updates(GRADS, lr=0.1, dampening=-0.5), "dampening"),
        (lambda: ec.momentum_updates(GRADS, lr=0.1, dampening=0.5, nesterov=True), "nesterov"),
        (lambda: ec.momentum_updates(GRADS, lr=0.1, momentum=0.0, nesterov=True), "nesterov"),
        (lambda: ec.momentum_updates([[]], lr=0.1), "grads"),
    ],
)
def test_bad_arguments_are_named(call, named):
    with pytest.raises(ValueError, match=named):
        call()


@pytest.mark.parametrize("convention", ["pytorch", "keras"])
@pytest.mark.parametrize("corrected", [True, False])
def test_adam_on_the_weights_labs_problem_takes_adam_moments_steps(convention, corrected):
    problem = ec.training.least_squares(0)
    run = ec.training.adam(
        problem, learning_rate=0.05, steps=300, batch_size=8, beta2=0.99,
        convention=convention, bias_correction=corrected,
    )  # fmt: skip
    track = ec.adam_moments(
        run.grads, lr=0.05, beta2=0.99, convention=convention, bias_correction=corrected
    )
    np.testing.assert_array_equal(run.updates, track.update)  # to the last bit
    np.testing.assert_array_equal(run.weights[1:], run.weights[:-1] + run.updates)
    # Each gradient is the mini-batch gradient where the step began.
    a, c = ec.training._batches(problem, 300, 8, 0)
    np.testing.assert_allclose(run.grads[5], a[5] @ run.weights[5] - c[5], rtol=1e-12)
    # And the run ends near the bottom of the bowl, from 3.2 away.
    assert np.linalg.norm(run.weights[-1] - problem.minimum()) < 0.2


def test_adam_runs_refuse_what_adam_moments_refuses():
    problem = ec.training.least_squares(0)
    for bad, named in (
        ({"beta2": 1.0}, "beta2"),
        ({"eps": -1.0}, "eps"),
        ({"convention": "x"}, "convention"),
    ):
        with pytest.raises(ValueError, match=named):
            ec.training.adam(problem, learning_rate=0.1, steps=3, batch_size=8, **bad)


def test_adam_descent_on_a_noisy_1d_bowl_is_algorithm_1_in_the_loop():
    noise = np.random.default_rng(5).normal(size=50)
    run = ec.optimizers.adam_descent(
        lambda t, theta: theta + noise[t], 3.0, steps=50, lr=0.1, beta2=0.99
    )
    theta, m, v = 3.0, 0.0, 0.0
    for t in range(1, 51):  # Algorithm 1, one float at a time
        g = theta + noise[t - 1]
        m = 0.9 * m + (1 - 0.9) * g
        v = 0.99 * v + (1 - 0.99) * g * g
        theta -= 0.1 * (m / (1 - 0.9**t)) / (math.sqrt(v / (1 - 0.99**t)) + 1e-8)
        assert run.weights[t] == pytest.approx(theta, rel=RTOL, abs=1e-13)
    np.testing.assert_array_equal(
        run.updates, ec.adam_moments(run.grads, lr=0.1, beta2=0.99).update
    )
    assert run.weights.shape == (51,)


def test_adam_descent_refuses_a_run_without_steps_and_a_negative_rate():
    with pytest.raises(ValueError, match="steps"):
        ec.optimizers.adam_descent(lambda t, x: x, 1.0, steps=0, lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        ec.optimizers.adam_descent(lambda t, x: x, 1.0, steps=3, lr=-0.1)
