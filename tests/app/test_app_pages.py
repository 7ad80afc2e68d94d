"""Home, bias correction, TensorFlow's decay and choosing a decay, through AppTest."""

import numpy as np
import pytest

import ema_core as ec
from app_support import (
    PAGES,
    charts,
    drawn,
    folds,
    open_page,
    table,
    trace,
    warnings,
    widget,
)
from ema_lab.model.decay_scale import DECAY_GRID


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_cleanly(page):
    at = open_page(page)
    assert not at.error
    assert not at.warning
    assert charts(at)
    assert at.title


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_announces_a_bad_decay(page):
    if page == "choosing_decay":
        at = open_page(page, {"decays": ["0.9", "2"]})
        assert "decays" in warnings(at)
    elif page == "batch_norm":  # the decay in a framework's words
        at = open_page(page, {"momentum": "-1"})
        assert "momentum" in warnings(at)
    elif page == "training_curves":  # the decay as TensorBoard's smoothing
        at = open_page(page, {"smoothing": "2"})
        assert "smoothing" in warnings(at)
    else:
        at = open_page(page, {"decay": "-1"})
        assert "decay" in warnings(at)
    assert charts(at)


@pytest.mark.parametrize("decay", [DECAY_GRID[0], 0.5, DECAY_GRID[-1]])
def test_home_chart_follows_the_decay(decay):
    at = open_page("home")
    widget(at, "decay").set_value(decay)
    at.run()
    x, y = trace(at, "home_chart", "EMA")
    # 500 steps, or five windows where 500 would draw a flat line (β = 0.9999: 50,000)
    n = 50_000 if decay == DECAY_GRID[-1] else 500
    signal = ec.signals.generate("noisy_sine", n, noise=0.4, seed=0)
    np.testing.assert_array_equal(y, drawn(ec.ema_series(signal, decay, initial=None)[x - 1]))
    assert n - 100 < x.max() <= n  # drawn decimated, to its end


def test_bias_page_three_starts_and_the_factor():
    at = open_page("bias_correction", {"decay": "0.95", "n": "500", "signal": "step"})
    x = ec.signals.generate("step", 500, noise=0.3, seed=0)
    for name, expected in {
        "zero start (biased)": ec.ema_series(x, 0.95),
        "start at the first value": ec.ema_series(x, 0.95, initial=None),
        "zero start, debiased": ec.ema_series(x, 0.95, debias=True),
    }.items():
        steps, y = trace(at, "bias_chart", name)
        np.testing.assert_array_equal(y, drawn(expected[steps - 1]))
    t, on_data = trace(at, "factor_chart", "1 − βᵗ: weight on the data")
    np.testing.assert_allclose(on_data, ec.bias_correction(0.95, t))
    text = " ".join(m.value for m in at.markdown)
    # the first whole step with 0.95ᵗ ≤ 1%, by hand: 0.95⁹⁰ = 0.99%, 0.95⁸⁹ = 1.04%
    assert 0.95**90 <= 0.01 < 0.95**89
    assert "to 1% at **step 90**" in text


@pytest.mark.parametrize("decay", [0.5, 0.99, 0.9999])
def test_tf_page_schedule_and_crossover(decay):
    at = open_page("tf_dynamic_decay", {"decay": str(decay)})
    t, y = trace(at, "schedule_chart", "TensorFlow: min(β, (1+t)/(10+t))")
    np.testing.assert_allclose(y, ec.effective_window(ec.tf_decay(decay, t)))  # the window
    crossover = (10 * decay - 1) / (1 - decay)
    x_star, y_star = trace(at, "schedule_chart", "crossover t*")
    assert x_star[0] == pytest.approx(crossover)
    assert y_star[0] == pytest.approx(ec.effective_window(decay))


def test_tf_page_signal_chart():
    at = open_page("tf_dynamic_decay", {"decay": "0.99", "signal": "random_walk", "initial": "2"})
    x = ec.signals.generate("random_walk", 2000, noise=0.3, seed=0)
    steps, y = trace(at, "tf_signal_chart", "EMA (TensorFlow dynamic decay)")
    np.testing.assert_allclose(
        y, ec.ema_series(x, ec.tf_decay(0.99, np.arange(2000)), initial=2.0)[steps - 1]
    )


def test_tf_page_replays_the_documentation_example():
    at = open_page("tf_dynamic_decay", unfold=True)
    replay = table(at, "tf_replay")

    def numbers(column):
        return [float(v.replace(",", "")) for v in replay[column]]

    np.testing.assert_allclose(numbers("shadow"), [0.0, 4.5, 4.555, 4.60945], rtol=1e-9)
    np.testing.assert_allclose(numbers("decay in effect"), [0.1, 0.1, 0.99, 0.99])


def test_choosing_page_compares_the_chosen_decays():
    at = open_page("choosing_decay", {"decays": ["0.5", "0.9", "0.999"]})
    x = ec.signals.generate("noisy_sine", 1000, noise=0.3, seed=0)
    for d in (0.5, 0.9, 0.999):
        steps, y = trace(at, "compare_chart", f"β = {d:g}")
        np.testing.assert_array_equal(y, drawn(ec.ema_series(x, d, initial=None)[steps - 1]))
        age, w = trace(at, "impulse_chart", f"β = {d:g}")  # 1 = the newest value
        np.testing.assert_allclose(w, ec.impulse_response(d, int(age[-1]))[age - 1])
        f, gain = trace(at, "frequency_chart", f"β = {d:g}")
        np.testing.assert_allclose(gain, np.abs(ec.frequency_response(d, 2 * np.pi * f)))
        lag, noise = trace(at, "tradeoff_chart", f"β = {d:g}")
        assert lag[0] == pytest.approx(ec.center_of_mass(d))
        assert noise[0] == pytest.approx(np.sqrt(ec.noise_variance_ratio(d)))
    readings = table(at, "readings_table")
    assert list(readings["decay β"]) == ["0.5", "0.9", "0.999"]


def test_choosing_page_needs_two_decays():
    at = open_page("choosing_decay", {"decays": ["0.9"]})
    assert any("at least two" in i.value for i in at.info)
    assert len([t for t in charts(at)["compare_chart"] if t["name"].startswith("β")]) == 2


@pytest.mark.parametrize(
    ("unit", "amount", "decay"),
    [("half-life", 10, 0.5**0.1), ("window", 100, 0.99), ("span", 19, 0.9), ("lag", 9, 0.9)],
)
def test_calculator(unit, amount, decay):
    at = open_page("choosing_decay", {"calc_by": unit, "calc_value": str(amount)})
    metric = next(m for m in at.metric if m.label == "decay β")
    assert float(metric.value) == pytest.approx(decay, rel=1e-7)


def _keys_in_order(node) -> list[str]:
    """The keys of the widgets under ``node``, in the order the page shows them."""
    keys = []
    for child in getattr(node, "children", {}).values():
        if getattr(child, "key", None):
            keys.append(child.key)
        keys += _keys_in_order(child)
    return keys


def test_stacked_signal_controls_read_top_down():
    # Signal, then its length, then noise and seed side by side under it.
    at = open_page("bias_correction")
    keys = [k for k in _keys_in_order(at.main) if k in ("signal", "n", "noise", "seed")]
    assert keys == ["signal", "n", "noise", "seed"]


FOLDED = [  # page, its folded section, what the section holds, a control of it for the link
    ("bias_correction", "fold_keras_example", "keras_replay", {"keras_momentum": "0.5"}),
    ("tf_dynamic_decay", "fold_tf_steps", "tf_replay", {"table_decay": "0.9"}),
    ("weights_lab", "fold_posthoc", "posthoc_sweep_chart", {"posthoc_sigma": "0.07"}),
]


@pytest.mark.parametrize(("page", "fold", "inside", "link"), FOLDED)
def test_a_lower_section_runs_only_once_opened_and_a_link_into_it_opens_it(
    page, fold, inside, link
):
    closed = open_page(page)
    assert fold in folds(closed)
    box = next(e for e in closed.expander if e.key == fold)
    assert not box.children  # nothing inside was computed or drawn
    assert inside not in _keys_in_order(closed.main)

    closed.session_state[fold] = True  # what opening it in the browser sets
    closed.run()
    assert inside in _keys_in_order(closed.main)

    linked = open_page(page, link)
    assert inside in _keys_in_order(linked.main)
