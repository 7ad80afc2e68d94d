"""The /adam lesson's view: its numbers against closed forms, its title against its lines."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ema_core as ec
from ema_lab.lessons.adam import view as adam
from ema_lab.plot import figures as kit


@pytest.mark.parametrize(
    ("beta1", "beta2"), [(0.9, 0.999), (0.0, 0.999), (0.5, 0.9), (0.99, 0.9999)]
)
def test_the_first_step_ratio_is_the_closed_form_and_the_title_says_it(beta1, beta2):
    v = adam.adam_view(beta1, beta2, 0.05)
    # (1 − β₁)/√(1 − β₂), ε = 1e-8 aside (the gradients here are about 1).
    assert v.first_step_ratio == pytest.approx((1 - beta1) / math.sqrt(1 - beta2), rel=1e-5)
    title = v.chart.layout.title.text.replace("<br>", " ")
    assert f"β₁ = {beta1:g}, β₂ = {beta2:g}" in title
    shown = float(title.split("step 1 is ")[1].split(" times")[0])
    assert shown == pytest.approx(v.first_step_ratio, rel=5e-3)  # three digits
    # The drawn lines are the runs' step lengths.
    drawn = {t["name"]: np.asarray(t["y"], float) for t in kit.decoded(v.chart.to_plotly_json())}
    np.testing.assert_allclose(
        drawn[adam.figures.CORRECTED], np.linalg.norm(v.corrected.updates, axis=1), rtol=1e-6
    )


def test_the_eps_table_parts_where_the_gradient_is_as_small_as_eps():
    v = adam.adam_view(0.9, 0.999, 0.05)
    rows = v.eps_rows
    assert rows["gradient g₁"][0] == "10⁻²"
    # Large gradients: both take Adam's first step, −η·sign(g).
    assert float(rows["PyTorch, optax"][0]) == pytest.approx(-0.05, rel=1e-5)
    assert float(rows["Keras"][0]) == pytest.approx(-0.05, rel=1e-4)
    # g = ε = 1e-8: PyTorch −η/2; Keras −η·√(1 − β₂)/(√(1 − β₂) + 1).
    root = math.sqrt(0.001)
    assert float(rows["PyTorch, optax"][3]) == pytest.approx(-0.025, rel=1e-3)
    assert float(rows["Keras"][3]) == pytest.approx(-0.05 * root / (root + 1), rel=1e-2)


def test_the_page_trains_what_ema_core_trains():
    v = adam.adam_view(0.9, 0.99, 0.1)
    again = ec.training.adam(
        ec.training.least_squares(adam.SEED), learning_rate=0.1, steps=adam.STEPS,
        batch_size=adam.BATCH, beta1=0.9, beta2=0.99, eps=adam.EPS, bias_correction=False,
    )  # fmt: skip
    np.testing.assert_array_equal(v.uncorrected.weights, again.weights)
    assert v.readings["value"][0] == "10 steps"
    assert v.readings["value"][1] == "100 steps"


def test_the_noisy_1d_chart_draws_adam_on_its_bowl():
    v = adam.adam_view(0.9, 0.999, 0.05)
    drawn = {
        t["name"]: np.asarray(t["y"], float) for t in kit.decoded(v.noisy_chart.to_plotly_json())
    }
    on = drawn[adam.figures.CORRECTED]
    assert on[0] == adam.START_1D
    # Step 1 of Adam is −η whatever the gradient (3 plus noise, positive here).
    assert on[1] == pytest.approx(adam.START_1D - 0.05, rel=1e-6)
    assert abs(on[-1]) < 1  # the noise averaged away near the bottom at 0
    assert "σ = 1" in v.noisy_chart.layout.title.text
