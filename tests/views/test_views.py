"""Every page's view without Streamlit: the numbers and words it returns, against ema_core.

The AppTest tests check what needs the app (URL binding, announcements, charts present);
these check what a learner reads, page by page, straight from the view functions.
"""

import ast
import json
import math
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

import ema_core as ec
from ema_core.training import EmaSettings, beats_from, simulate, trailing_mean
from ema_lab.lessons.bias_correction import view as bias
from ema_lab.lessons.choosing_decay import controls as choosing_controls
from ema_lab.lessons.choosing_decay import view as choosing
from ema_lab.lessons.home import view as home
from ema_lab.lessons.smoothing import controls as smoothing_controls
from ema_lab.lessons.smoothing import view as smoothing
from ema_lab.lessons.tf_dynamic_decay import view as tf_decay
from ema_lab.lessons.weights_lab import view as weights
from ema_lab.model import readings, site, strategies
from ema_lab.model.numbers import readable
from ema_lab.model.params import UNSET, Control
from ema_lab.model.signal import NO_DEBIASED, UPLOAD, Signal
from ema_lab.plot.figures import decoded
from ema_lab.ui import cache

ROOT = Path(__file__).resolve().parents[2]


def lines(fig: go.Figure) -> dict[str, dict]:
    """The figure's traces by name, decoded to arrays."""
    return {t["name"]: t for t in decoded(json.loads(fig.to_json())) if t.get("name")}


def drawn(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).astype(np.float32)


@pytest.fixture(scope="module")
def sine() -> Signal:
    values = ec.signals.generate("noisy_sine", 1000, noise=0.3, seed=0)
    return Signal(values, "noisy sine", key=("noisy_sine", 1000, 0.3, 0))


# -- home ----------------------------------------------------------------------------------


@pytest.mark.parametrize("decay", [0.5, 0.9, 0.9999])
def test_home_view_draws_the_ema_and_words_its_window(decay):
    x = ec.signals.generate(*home.SIGNAL[:2], noise=home.SIGNAL[2], seed=home.SIGNAL[3])
    view = home.home_view(x, decay)
    ema = lines(view.chart)["EMA"]
    np.testing.assert_array_equal(ema["y"], drawn(ec.ema_series(x, decay, initial=None)))
    window = ec.effective_window(decay)
    assert f"**{readable(window)} values**" in view.memory
    assert f"{ec.weight_in_last(decay, window):.0%} of its weight" in view.memory


# -- smoothing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decay", "claim"),
    [
        (0.935, "the last 15 steps hold 63.5% of the weight"),  # 1/(1 − β) = 15.38
        (2 ** (-1 / 10), "the last 15 steps hold 64.6% of the weight"),  # half-life 10: 14.93
        (0.0, "the last 1 step holds 100.0% of the weight"),
    ],
)
def test_a_window_claim_counts_whole_steps(decay, claim):
    # By hand: 1 − 0.935¹⁵ = 0.6351; 1 − 0.5^(15/10) = 0.6464; β = 0 keeps the last value.
    assert smoothing.window_claim(decay, 500).claim == claim
    assert claim.split()[2] == f"{round(ec.effective_window(decay)):,}"


@pytest.mark.parametrize("decay", [0.5, 0.99, 0.9999])
def test_smoothing_view_claim_band_and_lines(sine, decay):
    drawn_lines = smoothing.drawn_lines(sine, decay, 0.0)
    view = smoothing.smoothing_view(
        sine, decay, 0.0, 600, smoothing_controls.LINE_NAMES, drawn_lines, None
    )
    layout = json.loads(view.chart.to_json())["layout"]
    title = layout["title"]["text"].replace("<br>", " ")
    window = ec.effective_window(decay)
    share = ec.weight_in_last(decay, window)
    if window <= 1000:
        assert f"the last {readable(window)} steps hold {share:.1%} of the weight" in title
    else:  # no claim about steps that are not there
        assert "the window 1/(1−β) = 10,000 steps is longer than the data (1,000 steps)" in title
        assert "hold" not in title
    band = layout["shapes"][0]
    assert band["x1"] == 600
    assert band["x0"] == max(1, round(600 - window + 1))
    traced = lines(view.chart)
    np.testing.assert_array_equal(
        traced["EMA (debiased)"]["y"], drawn(ec.ema_series(sine.values, decay, debias=True))
    )
    tf = ec.ema_series(sine.values, ec.tf_decay(decay, np.arange(1000)), initial=0.0)
    np.testing.assert_array_equal(traced["EMA (TensorFlow dynamic decay)"]["y"], drawn(tf))
    assert view.notes[-1].startswith("Computed on all 1,000 values")


def test_smoothing_view_shows_only_the_lines_picked(sine):
    drawn_lines = smoothing.drawn_lines(sine, 0.9, 0.0)
    view = smoothing.smoothing_view(sine, 0.9, 0.0, 500, ["biased"], drawn_lines, None)
    assert set(lines(view.chart)) == {"EMA (biased)"}


def test_at_decay_one_no_page_shows_a_debiased_ema(sine):
    drawn_lines = smoothing.drawn_lines(sine, 1.0, 0.0)
    assert "debiased" not in drawn_lines
    view = smoothing.smoothing_view(
        sine, 1.0, 0.0, 500, smoothing_controls.LINE_NAMES, drawn_lines, None
    )
    assert "EMA (debiased)" not in lines(view.chart)
    assert NO_DEBIASED in view.notes
    assert "ema_debiased" not in smoothing.csv_columns(sine, 1.0, 0.0, None)
    b = bias.bias_view(sine, 1.0)
    assert "zero start, debiased" not in lines(b.chart)
    assert b.gap_caption == NO_DEBIASED
    assert "ema_debiased" not in b.csv()
    t = tf_decay.signal_view(sine, 1.0, 0.0)
    assert "EMA (debiased)" not in lines(t.chart)
    assert NO_DEBIASED in t.caption
    assert "ema_debiased" not in t.csv()


def test_smoothing_csv_holds_the_full_series(sine):
    columns = smoothing.csv_columns(sine, 0.95, 0.5, None)
    np.testing.assert_array_equal(columns["signal"], sine.values)
    np.testing.assert_array_equal(
        columns["ema_debiased"], ec.ema_series(sine.values, 0.95, initial=0.5, debias=True)
    )


def test_smoothing_view_on_gappy_data_words_the_gaps():
    data = ec.signals.mauna_loa_co2()
    signal = Signal(data.values, data.name, data.dates, data.unit, key=("mauna_loa_co2",))
    timed = smoothing.time_aware(signal, 0.99, None, "days")
    view = smoothing.smoothing_view(
        signal,
        0.99,
        0.0,
        1000,
        smoothing_controls.LINE_NAMES,
        smoothing.drawn_lines(signal, 0.99, 0),
        timed,
    )
    assert view.zoom is not None
    assert any("gaps longer than 1.5×" in note for note in view.notes)
    assert "EMA (time-aware)" in lines(view.chart)


# -- bias correction -----------------------------------------------------------------------


@pytest.mark.parametrize("level", [1.0, 50.0, -30.0])
def test_bias_chart_keeps_the_zero_start_on_its_axis(level):
    """At β = 0.9 on a noisy constant 1 the axis began near 0.2: the zero start the page is
    about was off the chart. 0 and every value drawn lie inside the y range."""
    x = level + 0.3 * np.random.default_rng(0).normal(size=200)
    view = bias.bias_view(Signal(x, "noisy constant"), 0.9)
    low, high = json.loads(view.chart.to_json())["layout"]["yaxis"]["range"]
    assert low <= 0 <= high
    for trace in lines(view.chart).values():
        y = np.asarray(trace["y"], dtype=float)
        assert low <= y.min()
        assert y.max() <= high


@pytest.mark.parametrize("decay", [0.5, 0.95, 0.9999])
def test_bias_view_three_starts_and_the_fade(sine, decay):
    view = bias.bias_view(sine, decay)
    traced = lines(view.chart)
    x = sine.values
    zero_start = traced["zero start (biased)"]["y"]
    np.testing.assert_array_equal(zero_start, drawn(ec.ema_series(x, decay)))
    np.testing.assert_array_equal(
        traced["zero start, debiased"]["y"], drawn(ec.ema_series(x, decay, debias=True))
    )
    np.testing.assert_array_equal(
        traced["start at the first value"]["y"], drawn(ec.ema_series(x, decay, initial=None))
    )
    # whole steps (#39: "458" at 0.99 was rounded, the question's rule says 459)
    assert f"to 1% at **step {readings.whole_steps_to_forget(decay, 0.01):,}**" in view.fade
    factor = lines(view.factor_chart)["1 − βᵗ: weight on the data"]
    assert factor["x"][-1] >= 1.25 * ec.forget_steps(decay, 0.01)  # the fade fits on the axis
    first, corrected = ec.ema_series(x, decay, initial=None), ec.ema_series(x, decay, debias=True)
    gap = np.max(np.abs(first - corrected))
    assert f"at most {readable(gap, 3)}" in view.gap_caption


def test_bias_view_adam_table_is_the_correction():
    view = bias.bias_view(Signal(np.ones(10), "ones"), 0.9)
    assert view.adam_table["1 − 0.999ᵗ (β₂)"] == [
        f"{1 - 0.999**t:.4f}" for t in view.adam_table["t"]
    ]


# -- TensorFlow's decay --------------------------------------------------------------------


@pytest.mark.parametrize(("decay", "words"), [(0.99, "890"), (0.999, "8,990"), (0.9999, "89,990")])
def test_tf_schedule_names_the_crossover(decay, words):
    view = tf_decay.schedule_view(decay)
    assert f"**t\\* = {words}**" in view.crossover
    marker = lines(view.chart)["crossover t*"]
    assert marker["x"][0] == pytest.approx(ec.tf_crossover(decay))


def test_tf_replay_is_tensorflows_documented_example():
    r = tf_decay.replay(tf_decay.DOC_EXAMPLE["v1"], tf_decay.DOC_EXAMPLE["num_updates"], 0.99)
    assert r.rows["decay in effect"] == ["0.1", "0.1", "0.99", "0.99"]
    assert r.rows["shadow"] == ["0", "4.5", "4.555", "4.60945"]
    assert r.skipped == 0
    bad = tf_decay.replay([1.0, None, float("nan"), 2.0], [0, 1, 2, -1], 0.99)
    assert bad.skipped == 3
    assert bad.rows["v1"] == ["1"]


# -- choosing a decay ----------------------------------------------------------------------


def test_compare_view_sorts_and_falls_back(sine):
    view = choosing.compare_view(sine, [0.999, 0.5, 0.9])
    assert view.decays == (0.5, 0.9, 0.999)
    assert view.notice == ""
    for d in view.decays:
        np.testing.assert_array_equal(
            lines(view.chart)[f"β = {d:g}"]["y"], drawn(ec.ema_series(sine.values, d, initial=None))
        )
    assert choosing.compare_view(sine, [0.9]).decays == choosing_controls.FALLBACK


def test_naming_table_says_which_libraries_mean_one_minus_beta():
    means = [row["means"] for row in choosing.NAMING]
    assert means.count("1 − β") == 3  # "three of them", as the page says


# -- readings ------------------------------------------------------------------------------


@pytest.mark.parametrize("decay", [0.1, 0.5, 0.9, 0.99, 0.9999])
def test_readings_come_from_ema_core(decay):
    r = readings.every_reading(decay)
    assert r["window"].value == readable(ec.effective_window(decay))
    assert r["half_life"].value == readable(ec.half_life(decay))
    assert r["lag"].value == readable(ec.center_of_mass(decay))
    assert r["noise_std"].value == readable(np.sqrt(ec.noise_variance_ratio(decay)), 3)
    cutoff = ec.cutoff_frequency(decay) / (2 * np.pi)
    assert r["cutoff"].value == ("none" if np.isnan(cutoff) else readable(cutoff, 3))
    assert readings.line(decay).startswith(f"β = {decay:.6g} · window {r['window'].value}")


@pytest.mark.parametrize("unit", list(readings.UNITS))
@pytest.mark.parametrize("decay", [0.5, 0.9, 0.99, 0.999])
def test_calculator_inverts_every_unit(unit, decay):
    amount = float(readings.UNITS[unit].from_decay(decay))
    result, shown = readings.calculate(unit, amount)
    assert result == pytest.approx(decay, rel=1e-12)
    assert float(shown) == pytest.approx(decay, rel=1e-7)


# -- weights lab ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab():
    settings, _ = weights.settings(
        0.99, inv_gamma=1.0, power="2/3", min_decay=0.0, start_after=0, every=1, overwrite=0
    )
    return weights.run(0.3, 1000, 1, 0, settings, ("keras", "constant")), settings


def test_weights_view_table_is_the_run(lab):
    run, settings = lab
    view = weights.weights_view(run, settings)
    assert view.names == ("constant", "keras")  # the registry's order, not the link's
    row = next(r for r in view.table if r["weights"] == strategies.label("constant"))
    step = beats_from(trailing_mean(run.test_loss("constant"), 100), run.test_loss("raw"))
    assert row["beats raw from step"] == ("never" if step is None else f"{step:,}")
    late = run.test_loss("constant")[-100:].mean()
    assert row["loss, last 10%"] == f"{late:.4f}"
    assert view.decay_chart is not None
    assert not any("overwrites" in note for note in view.notes)


def test_weights_view_words_keras_overwrite():
    s = EmaSettings(decay=0.9, keras_overwrite=10)
    run = weights.run(0.3, 200, 1, 0, s, ("keras",))
    view = weights.weights_view(run, s)
    assert any(f"{run.test_loss('keras raw')[-1]:.5f}" in note for note in view.notes)


def test_weights_settings_and_scaling():
    s, problem = weights.settings(
        0.9, inv_gamma=2.0, power="3/4", min_decay=0.95, start_after=5, every=2, overwrite=0
    )
    assert (s.min_decay, s.power, s.start_after, s.every) == (0.9, 0.75, 5, 2)
    assert "min_decay 0.95 is above the decay 0.9" in problem
    text = weights.scaling(0.999, 8, 4)
    assert f"**{0.999**4:.6g}**" in text
    assert f"{readable(ec.half_life(0.999) * 8)} samples before" in text


# -- the registries and the rules the app layer keeps --------------------------------------


def test_strategy_registry_is_one_entry_each():
    for name, shown in strategies.STRATEGIES.items():
        assert shown.strategy is not None
        assert shown.strategy.name == name
    labels = [strategies.label(n) for n in [*strategies.STRATEGIES, *strategies.OTHER_LINES]]
    assert len(set(labels)) == len(labels)
    run = simulate(steps=20, strategies=strategies.chosen(list(strategies.STRATEGIES)))
    assert list(run.tracks) == list(strategies.STRATEGIES)


def test_page_registry_matches_the_files():
    names = [p.name for p in site.PAGES]
    assert len(set(names)) == len(names)
    assert site.HOME.name == ""
    assert sorted(p.file for p in site.PAGES) == sorted(
        str(f.relative_to(ROOT)) for f in (ROOT / "pages").glob("*.py")
    )


@pytest.mark.parametrize("page", site.PAGES, ids=lambda p: p.name or "home")
def test_pages_only_lay_out(page):
    source = (ROOT / page.file).read_text()
    tree = ast.parse(source)
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {m for m in imported if m and m.split(".")[0] in ("ema_core", "numpy")}
    assert len(source.splitlines()) <= 150
    first = next(n for n in tree.body if not isinstance(n, ast.Import | ast.ImportFrom | ast.Expr)
                 or (isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)))  # fmt: skip
    assert ast.unparse(first) == "frame.rerun_unless_routed()"


def test_url_controls_are_declared_once():
    keys = []
    for path in [*(ROOT / "ema_lab").rglob("*.py"), *(ROOT / "pages").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Control"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                keys.append(node.args[0].value)
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    assert "bind=" not in "".join(p.read_text() for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize(
    ("control", "values", "high", "ok"),
    [
        (Control("n", "n", "select_slider", 1, (1, 2, 5)), ["2"], None, True),
        (Control("n", "n", "select_slider", 1, (1, 2, 5)), ["2", "5"], None, False),  # a range
        (Control("n", "n", "select_slider", 1, (1, 2, 5)), ["3"], None, False),
        (Control("s", "s", "number", 0, low=0, high=100, whole=True), ["40"], None, True),
        (Control("s", "s", "number", 0, low=0, high=100, whole=True), ["40.5"], None, False),
        (Control("s", "s", "number", 0, low=0, high=100, whole=True), ["40"], 20, False),
        (Control("s", "s", "number", 0, low=0, high=100), ["inf"], None, False),
        # Plain numbers only: Python's float reads these too, as 10, 0.9 and 0.
        (Control("s", "s", "number", 0, low=0, high=100, whole=True), ["1_0"], None, False),
        (Control("x", "x", "number", 0.5, low=0.0, high=1.0), ["０.９"], None, False),
        (Control("x", "x", "number", 0.5, low=0.0, high=1.0), ["1e-400"], None, False),
        (Control("x", "x", "number", 0.5, low=-1.0, high=1.0), ["-0"], None, True),
        (Control("v", "v", "pills", ("a",), ("a", "b")), ["a", "b"], None, True),
        (Control("v", "v", "pills", ("a",), ("a", "b")), ["a", "c"], None, False),
        (Control("t", "t", "toggle", False), ["true"], None, True),
        (Control("t", "t", "toggle", False), ["yes"], None, False),
    ],
)
def test_a_control_checks_the_link_with_its_own_bounds(control, values, high, ok):
    problem = control.problem(values, high)
    assert (problem is None) == ok
    if not ok:
        assert problem.startswith(f"**{control.key}**")
        if high is not None:
            assert f"to {high:,g}" in problem  # the bound that depends on another control


def test_a_link_number_is_read_plainly_and_never_as_minus_zero():
    seed = Control("seed", "seed", "number", 0, low=0, high=100, whole=True)
    assert seed.parse(["1_0"]) is UNSET
    assert "plain digits" in seed.problem(["1_0"])
    assert "plain digits" not in seed.problem(["abc"])  # not a number at all: no such hint
    start = Control("initial", "initial", "number", 0.0, low=-1.0, high=1.0)
    value = start.parse(["-0"])
    assert value == 0
    assert math.copysign(1, value) == 1  # +0
    assert start.texts(-0.0) == ("0",)  # a widget's own -0 is written 0 too


def test_what_caches_share_is_read_only():
    run = simulate(steps=10)
    frozen = cache.freeze(run)
    assert not frozen.weights.flags.writeable
    assert not frozen.tracks["constant"].flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        frozen.tracks["constant"][0] = 1.0
    chart = go.Figure()
    assert cache.freeze({"chart": chart})["chart"] is chart  # shared as it is, never edited


@pytest.mark.parametrize("decay", [0.5, 0.9, 0.99])
def test_weights_table_does_not_contradict_itself(decay):
    # At β = 0.9 the table said "−24.8% vs raw" and "beats raw from step 1,940" of 2,000:
    # single noisy steps of the EMA's loss against raw's average. Both sides are averaged.
    settings, _ = weights.settings(
        decay, inv_gamma=1.0, power="2/3", min_decay=0.0, start_after=0, every=1, overwrite=0
    )
    run = weights.run(0.3, 2000, 1, 0, settings, ("constant",))
    row = next(r for r in weights.weights_view(run, settings).table if r["vs raw"])
    change = row["vs raw"]
    assert "-" not in change  # a true minus sign
    assert change[0] in "−+"
    if change.startswith("−") and float(change[1:-1]) >= 5:
        assert int(row["beats raw from step"].replace(",", "")) <= 1000


def test_the_weight_map_fills_its_axes_holds_every_path_and_marks_the_start():
    settings, _ = weights.settings(
        0.9, inv_gamma=1.0, power="2/3", min_decay=0.0, start_after=0, every=1, overwrite=50
    )
    run = weights.run(0.3, 2000, 1, 0, settings, ("constant", "keras"))
    fig = json.loads(weights.weights_view(run, settings).contour.to_json())
    contour = decoded({"data": [t for t in fig["data"] if t["type"] == "contour"]})[0]
    layout = fig["layout"]
    np.testing.assert_allclose(layout["xaxis"]["range"], [contour["x"][0], contour["x"][-1]])
    np.testing.assert_allclose(layout["yaxis"]["range"], [contour["y"][0], contour["y"][-1]])
    for path in (run.weights, run.keras_weights, run.tracks["constant"]):
        assert contour["x"][0] <= path[:, 0].min()
        assert path[:, 0].max() <= contour["x"][-1]
        assert contour["y"][0] <= path[:, 1].min()
        assert path[:, 1].max() <= contour["y"][-1]
    start = next(t for t in fig["data"] if t.get("name") == "start (step 0)")
    np.testing.assert_allclose([start["x"][0], start["y"][0]], run.weights[0])


def test_a_shared_cache_knows_a_signal_by_its_key_not_its_values():
    # A class on one link shares one result; 10^7 values are never hashed. Two signals with
    # the same key are one signal to the cache (the key names the values: a generator's
    # parameters, an upload's file id), and another key computes anew.
    calls = []

    def total(signal: Signal, decay: float) -> float:
        calls.append(signal.key)
        return float(signal.values.sum()) * decay

    cached = cache.shared(4)(total)
    ones = Signal(np.ones(1000), "ones", key=("ones", 1000))
    assert cached(ones, 0.5) == 500.0
    assert cached(Signal(np.zeros(3), "same key", key=("ones", 1000)), 0.5) == 500.0
    assert cached(Signal(np.zeros(3), "zeros", key=("zeros", 3)), 0.5) == 0.0
    assert cached(ones, 0.5) == 500.0
    assert calls == [("ones", 1000), ("zeros", 3)]


@pytest.mark.parametrize("decay", [0.5, 0.9, 0.99, 0.999, 0.9999])
def test_when_the_start_stops_mattering_counts_whole_steps(decay):
    # β 0.99 read "1% for 458 steps" while the page's question marks 458 wrong: 0.99⁴⁵⁸ is
    # 1.004%. Each step named is the first whole step t with βᵗ at or under the share.
    fade = bias.bias_view(Signal(np.ones(50), "ones"), decay).fade
    steps = [int(s.replace(",", "")) for s in re.findall(r"step \**([\d,]+)", fade)]
    assert len(steps) == 2, fade
    for t, share in zip(steps, (0.1, 0.01), strict=True):
        assert decay**t <= share < decay ** (t - 1), (decay, t, share)


def test_the_tensorflow_lead_names_each_line_by_its_own_dash():
    # The lead said "the dashed schedule" of a solid line (#39 item 18).
    from ema_lab.lessons.tf_dynamic_decay import figures as tf_figures

    lead = site.BY_NAME["tf_dynamic_decay"].lead
    dash = {t.name: t.line.dash or "solid" for t in tf_figures.schedule_figure(0.99, 1000).data}
    assert dash["TensorFlow: min(β, (1+t)/(10+t))"] == "solid"
    assert dash["constant β = 0.99"] == "dot"
    assert "solid line" in lead
    assert "dotted constant β" in lead
    assert "dashed" not in lead


@pytest.mark.parametrize(("decay", "window", "span", "lag"), [
    (0.9, "10", "19", "9"),
    (0.999, "1,000", "1,999", "999"),
    (0.9999, "10,000", "19,999", "9,999"),
])  # fmt: skip
def test_whole_readings_are_written_whole(decay, window, span, lag):
    # At 0.9999 the span read "20,000" beside the lag 9,999 (#39 item 9): by hand,
    # 1/(1 − β), 2/(1 − β) − 1 and β/(1 − β).
    r = readings.every_reading(decay)
    assert (r["window"].value, r["span"].value, r["lag"].value) == (window, span, lag)


def _two_files_and_a_sine():
    # An AppTest script: each run asks for a result of the reader's file and of a sine,
    # twice, and says which it had to compute.
    import numpy as np
    import streamlit as st

    from ema_lab.model.signal import UPLOAD, Signal
    from ema_lab.ui import cache

    computed = []

    @cache.shared(8)
    def total(signal, scale, _note=None):
        computed.append(signal.key[0])
        return float(signal.values.sum()) * scale

    mine = Signal(np.ones(3), "mine", key=(UPLOAD, "file-1"))
    sine = Signal(np.ones(3), "sine", key=("noisy_sine_for_a_cache_test", 3))
    for _ in range(2):
        assert total(mine, 2.0) == total(sine, 2.0) == 6.0
    st.write(",".join(computed) or "none")


def test_a_result_of_a_readers_own_file_stays_with_the_session():
    # A reader's upload is no other session's: its results are kept with the session (and
    # go when it does), while the class's shared results are computed once for everyone.
    from streamlit.testing.v1 import AppTest

    first = AppTest.from_function(_two_files_and_a_sine).run()
    assert first.markdown[0].value == f"{UPLOAD},noisy_sine_for_a_cache_test"
    assert first.run().markdown[0].value == "none"  # both kept for the session
    second = AppTest.from_function(_two_files_and_a_sine).run()
    assert second.markdown[0].value == UPLOAD  # the sine's result is shared; the file's not
