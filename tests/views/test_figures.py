"""The shared figure builders: decimation, the scrubber's frames, sizes, colours."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ema_core as ec
from ema_lab.lessons.choosing_decay import figures as choosing_decay_figures
from ema_lab.lessons.smoothing import figures as smoothing_figures
from ema_lab.lessons.smoothing import view as smoothing
from ema_lab.lessons.tf_dynamic_decay import figures as tf_dynamic_decay_figures
from ema_lab.model.signal import Signal
from ema_lab.model.style import COLORS
from ema_lab.plot import figures as kit
from ema_lab.plot import offline
from ema_lab.plot.decimate import MAX_POINTS, TABLE_ROWS, decimate, evenly


@pytest.mark.parametrize("n", [2_000, 100_000, 2_000_000])
def test_decimation_keeps_every_buckets_min_and_max(n):
    # App lengths are multiples of the bucket count: buckets are exact slices.
    y = np.random.default_rng(n).standard_normal(n).cumsum()
    idx = decimate(y, 1000 + TABLE_ROWS)  # 500 buckets, and the data table's rows
    assert len(idx) <= 1000 + TABLE_ROWS
    assert np.all(np.diff(idx) > 0)  # in time order, no repeats
    kept = set(idx.tolist())
    assert set(evenly(n, TABLE_ROWS).tolist()) <= kept
    for bucket in np.split(np.arange(n), 500):
        assert bucket[np.argmin(y[bucket])] in kept
        assert bucket[np.argmax(y[bucket])] in kept


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 30_000), elements=st.floats(-1e9, 1e9)))
def test_decimation_of_any_length_keeps_the_extremes(y):
    idx = decimate(y, 400)
    assert len(idx) <= max(400, 0) or len(idx) == len(y)
    assert y[idx].min() == y.min()
    assert y[idx].max() == y.max()
    if len(y) <= 400:
        np.testing.assert_array_equal(idx, np.arange(len(y)))


def test_long_series_chart_stays_small():
    x = ec.signals.generate("noisy_sine", 10**7, noise=0.3)
    lines = kit.smoothing_lines(
        x, biased=ec.ema_series(x, 0.99), debiased=ec.ema_series(x, 0.99, debias=True), tensorflow=x
    )
    spec = kit.time_figure(lines, title="t", window=(5, 10, "w")).to_json()
    assert len(spec) < 300_000
    for trace in kit.decoded(json.loads(spec)):
        assert len(trace["y"]) <= MAX_POINTS


def test_scrubber_frames_equal_ema_core_for_their_decays():
    x = ec.signals.generate("random_walk", 50_000, noise=0.2, seed=4)
    spec = json.loads(smoothing_figures.scrubber_figure(x, initial=None).to_json())
    steps = kit.decoded({"data": spec["data"]})[1]["x"]
    assert len(steps) <= smoothing_figures.SCRUBBER_POINTS
    assert steps[0] == 1
    assert steps[-1] == 50_000
    names = [f["name"] for f in spec["frames"]]
    assert names == [f"{d:g}" for d in smoothing_figures.SCRUBBER_DECAYS]
    slider_steps = spec["layout"]["sliders"][0]["steps"]
    assert [s["args"][0][0] for s in slider_steps] == names
    for frame, decay in zip(spec["frames"], smoothing_figures.SCRUBBER_DECAYS, strict=True):
        (y,) = (t["y"] for t in kit.decoded(frame))
        expected = ec.ema_series(x, decay, initial=None)[steps - 1].astype(np.float32)
        np.testing.assert_array_equal(y, expected)
    # the frame on show at first is 0.99
    shown = kit.decoded({"data": spec["data"]})[1]["y"]
    # Plotly labels every stop that fits, else every 2nd or 3rd: the decays people name
    # are every 3rd, so they keep their labels (0.9, 0.99 and 0.9999 sat on odd stops)
    for named in (0.0, 0.9, 0.99, 0.999, 0.9999):
        assert names.index(f"{named:g}") % 3 == 0
    np.testing.assert_array_equal(
        shown, ec.ema_series(x, 0.99, initial=None)[steps - 1].astype(np.float32)
    )


def test_one_colour_per_quantity_everywhere():
    x = np.linspace(0, 1, 50)
    lines = kit.smoothing_lines(x, biased=x, debiased=x, tensorflow=x)
    fig = kit.time_figure(lines, title="t")
    colours = {t.name: t.line.color for t in fig.data}
    assert colours == {
        "signal": COLORS["raw"],
        "EMA (biased)": COLORS["biased"],
        "EMA (debiased)": COLORS["debiased"],
        "EMA (TensorFlow dynamic decay)": COLORS["tensorflow"],
    }
    schedule = tf_dynamic_decay_figures.schedule_figure(0.99, 1000)
    assert schedule.data[0].line.color == COLORS["tensorflow"]
    decay_colours = [t.line.color for t in choosing_decay_figures.impulse_figure([0.5, 0.9]).data]
    assert decay_colours == [
        t.line.color for t in choosing_decay_figures.step_figure([0.5, 0.9]).data
    ]


def test_the_scrubber_starts_where_the_chart_above_starts_and_says_so():
    x = ec.signals.generate("noisy_sine", 1000, noise=0.3, seed=0)
    spec = json.loads(
        smoothing_figures.scrubber_figure(
            x, curves=smoothing.scrubber_curves(Signal(x, "s"))
        ).to_json()
    )
    assert spec["data"][1]["name"] == "EMA, ema₀ = 0"
    steps = kit.decoded({"data": spec["data"]})[1]["x"]
    shown = kit.decoded({"data": spec["data"]})[1]["y"]
    np.testing.assert_array_equal(
        shown, ec.ema_series(x, 0.99, initial=0.0)[steps - 1].astype(np.float32)
    )


def test_the_offline_figure_stops_at_the_decays_people_name_and_reads_plainly():
    sine = Signal(np.sin(np.arange(500) / 9), "sine")
    moving = offline.standard_moving(["biased"])
    view = offline.of_signal(sine, decay=0.97, initial=0.0, title="t", moving=moving, link="")
    data = offline.figure_data(view)
    decays = [float(d) for d in data["decays"]]
    assert {0.5, 0.9, 0.99, 0.999, 0.9999, 0.97} <= set(decays)
    assert all(len(f"{d:g}") <= 7 for d in decays)  # not 0.961653
    assert not any(re.search(r"window \d{2,}\.\d\d", label) for label in data["labels"])  # 26.08


def test_the_weight_chart_spends_its_axis_on_weights_one_can_read():
    # 0.5 and 0.99 on log axes: the y axis ran down to 0.000000000001 (13 decades).
    spec = json.loads(choosing_decay_figures.impulse_figure([0.5, 0.99]).to_json())["layout"]
    low, high = spec["yaxis"]["range"]
    assert high - low <= 7.5  # decades
    assert 10**low <= 0.01 * np.exp(-6)  # the longest memory is seen falling for 6 windows
    assert len(spec["xaxis"]["title"]["text"]) <= 26  # whole on a phone


@pytest.mark.parametrize("decays", [(0.9, 0.99), (0.5, 0.9999), (0.9, 0.99, 0.999)])
def test_every_weight_curve_meets_the_floor_inside_the_plot(decays):
    # At 0.9 and 0.99 the 0.99 curve ran off the right edge at 2.4e-5, above the floor.
    fig = choosing_decay_figures.impulse_figure(decays)
    floor = 10 ** fig.layout.yaxis.range[0]
    for trace in fig.data:
        assert np.asarray(trace.y)[-1] < floor, trace.name  # it leaves through the bottom


@pytest.mark.parametrize("decays", [(0.9, 0.99), (0.5, 0.9), (0.9, 0.99, 0.999, 0.9999)])
def test_the_offline_comparisons_slider_line_is_its_own(decays):
    # "β on the slider" was the second decay's orange and started on the first decay's line.
    from ema_lab.lessons.choosing_decay import view as choosing
    from ema_lab.model.signal import Signal
    from ema_lab.plot.offline import figure_data

    x = ec.signals.generate("noisy_sine", 500, noise=0.3, seed=0)
    signal = Signal(x, "noisy sine", key=("noisy_sine", 500, 0.3, 0))
    compared = choosing.compare_view(signal, decays)
    data = figure_data(choosing.offline(signal, compared, "http://localhost/choosing_decay"))
    fixed = {line["color"] for line in data["fixed"]}
    assert data["moving"][0]["color"] not in fixed
    assert data["decays"][data["start"]] not in decays


def test_the_first_value_start_stays_visible_over_the_debiased_line():
    # The dotted first-value line hid under the full-strength debiased line from step 20 on.
    from ema_lab.lessons.bias_correction import view as bias
    from ema_lab.model.signal import Signal

    x = ec.signals.generate("noisy_constant", 200, noise=0.5, seed=0)
    chart = bias.bias_view(Signal(x, "noisy constant"), 0.9).chart
    names = [t.name for t in chart.data]
    debiased = chart.data[names.index(bias.DEBIASED)]
    first = chart.data[names.index(bias.FIRST_VALUE)]
    assert names.index(bias.FIRST_VALUE) > names.index(bias.DEBIASED)  # drawn over it
    assert first.line.dash is not None
    assert debiased.opacity < 0.6 < (first.opacity if first.opacity is not None else 1)


def test_the_embedding_guide_says_what_the_offline_figure_holds():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "embedding.md").read_text()
    said = re.search(r"slider's (\d+) decays", guide)
    assert said, "the guide names how many decays the offline figure holds"
    assert int(said[1]) == len(offline.decay_grid(0.99))  # 0.99 is a stop: no extra decay
    assert float(offline.decay_grid(0.99).max()) == 0.9999
    assert "follows the reader's light or dark scheme" not in guide  # it is light; #dark
    assert "#dark" in guide
