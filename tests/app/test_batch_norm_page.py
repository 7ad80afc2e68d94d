"""/batch_norm headless: every line drawn is `ema_core`'s running statistic of the page's
stream, every number stated agrees with its closed form, at momenta 0.01 to 0.999."""

from __future__ import annotations

import numpy as np
import pytest

import ema_core as ec
from app_support import charts, drawn, open_page, trace, warnings, widget
from ema_lab.lessons.batch_norm import view as bn_view

DEFAULT_STREAM = dict(steps=1000, batch_size=32, drift=1.0, spread=1.0, seed=0)
MOMENTA = (0.01, 0.1, 0.5, 0.9, 0.99, 0.999)


def _stream(**changes):
    args = {**DEFAULT_STREAM, **changes}
    return bn_view.stream(*args.values())


def test_default_page_draws_each_framework_default_from_ema_core():
    at = open_page("batch_norm")
    s = _stream()
    for name, convention, momentum in (
        ("PyTorch momentum=0.1", "pytorch", 0.1),
        ("Keras momentum=0.99", "keras", 0.99),
        ("PyTorch momentum=None", "pytorch", None),
    ):
        mean, var = ec.batchnorm_running_stats(s.batches, momentum, convention=convention)
        x, y = trace(at, "batchnorm_mean_chart", name)
        np.testing.assert_array_equal(x, np.arange(1, 1001))
        np.testing.assert_array_equal(y, drawn(mean[:, 0]))
        _, y = trace(at, "batchnorm_var_chart", name)
        np.testing.assert_array_equal(y, drawn(var[:, 0]))
    _, truth = trace(at, "batchnorm_mean_chart", "true mean")
    np.testing.assert_array_equal(truth, drawn(s.true_mean))
    # The reader's default is PyTorch 0.1: no fourth line of the same thing.
    assert len(charts(at)["batchnorm_mean_chart"]) == 5


@pytest.mark.parametrize("momentum", MOMENTA)
@pytest.mark.parametrize("convention", ["pytorch", "keras"])
def test_title_and_caption_state_the_closed_forms(convention, momentum):
    at = open_page("batch_norm", {"convention": convention, "momentum": f"{momentum:g}"})
    decay = 1 - momentum if convention == "pytorch" else momentum
    title = charts_title(at, "batchnorm_mean_chart")
    assert f"(β = {decay:g})" in title
    within = next(t for t in range(1, 10**5) if decay**t <= 0.01 * (1 + 1e-9))  # by hand
    if within <= 1000:
        assert f"within 1% of the data after {within:,} batch" in title
    else:
        assert f"needs {within:,} batches" in title
        assert "more than this run" in title
    caption = next(c.value for c in at.caption if "momentum" in c.value and "= decay β" in c.value)
    other = momentum if convention == "keras" else decay
    assert f"= decay β {decay:g} =" in caption
    assert f"momentum {round(1 - other, 4) if convention == 'keras' else decay:g}" in caption
    assert not warnings(at)


def charts_title(at, key: str) -> str:
    import json

    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.key == key)
    return spec["layout"]["title"]["text"].replace("<br>", " ")  # wrapped to the chart's width


def test_the_readers_own_setting_is_drawn_and_tabled():
    at = open_page("batch_norm", {"convention": "keras", "momentum": "0.9", "batch_size": "8"})
    s = _stream(batch_size=8)
    mean, _ = ec.batchnorm_running_stats(s.batches, 0.9, convention="keras")
    _, y = trace(at, "batchnorm_mean_chart", "Keras momentum=0.9")
    np.testing.assert_array_equal(y, drawn(mean[:, 0]))
    # Keras 0.9 is PyTorch 0.1: the same running mean (the variance differs by Bessel).
    torch_mean, _ = ec.batchnorm_running_stats(s.batches, 0.1, convention="pytorch")
    np.testing.assert_allclose(mean, torch_mean, rtol=1e-12, atol=1e-12)
    readings = at.table[0].value
    assert list(readings["setting"]) == [
        "PyTorch momentum=0.1",
        "Keras momentum=0.99",
        "PyTorch momentum=None",
        "Keras momentum=0.9",
    ]
    assert list(readings["within 1%"]) == ["44 batches", "459 batches", "1 batch", "44 batches"]
    converter = next(t.value for t in at.table if "PyTorch momentum" in t.value.columns)
    assert converter.iloc[0]["PyTorch momentum"] == "0.1"
    assert converter.iloc[0]["window 1/(1 − β)"] == "10"


def test_the_trap_the_start_and_bessel_tables():
    at = open_page("batch_norm")
    trap = next(t.value for t in at.table if "β meant → β got" in t.value.columns)
    assert list(trap["β meant → β got"]) == ["0.99 → 0.01", "0.9 → 0.1"]
    assert list(trap["window meant → got"]) == ["100 → 1.01 batches", "10 → 1.111 batches"]
    replay = next(t.value for t in at.table if "moving mean" in t.value.columns)
    # Keras' example: 0 → 0.2 → 0.38 ...; divided by 1 − 0.9ᵗ, each is the batch's 2.0.
    assert list(replay["moving mean"]) == ["0.2", "0.38", "0.542", "0.6878", "0.81902"]
    assert set(replay["debiased (never done)"]) == {"2"}
    bessel = next(t.value for t in at.table if "n/(n − 1)" in t.value.columns)
    assert list(bessel["n/(n − 1)"]) == ["2", "1.333", "1.143", "1.032"]


def test_the_readers_error_falls_to_the_batch_noise_and_the_trap_is_worse():
    s = _stream()
    v = bn_view.batch_norm_view(s, "pytorch", 0.1)
    late = {t.label: np.median(t.error[500:]) for t in v.trackers}
    # The truth drifts slowly at the end: a 10-batch window beats the whole-run average,
    # and a 1-batch window (0.99 typed into PyTorch) is noisier than both.
    assert late["PyTorch momentum=0.1"] < late["PyTorch momentum=None"]
    got = bn_view._track(s, "pytorch", 0.99, "", None)
    assert np.median(got.error[500:]) > late["PyTorch momentum=0.1"]
    # Evaluated after the first batch, the zero start dominates every EMA.
    assert v.trackers[1].error[0] > 1


def test_csv_holds_every_setting_in_full():
    v = bn_view.view_of(**DEFAULT_STREAM, convention="keras", momentum=0.95)
    columns = bn_view.csv_columns(v)
    mean, var = ec.batchnorm_running_stats(v.stream.batches, 0.95, convention="keras")
    np.testing.assert_array_equal(columns["keras_0.95_mean"], mean[:, 0])
    np.testing.assert_array_equal(columns["keras_0.95_var"], var[:, 0])
    assert {len(c) for c in columns.values()} == {1000}
    assert {"true_mean", "pytorch_none_mean", "pytorch_0.1_var"} <= set(columns)


@pytest.mark.parametrize("bad", ["2", "-0.5", "abc", "nan"])
def test_a_bad_momentum_is_announced_and_the_page_keeps_working(bad):
    at = open_page("batch_norm", {"momentum": bad})
    assert "momentum" in warnings(at)
    assert widget(at, "momentum").value == 0.1
    assert "batchnorm_mean_chart" in charts(at)
    assert "batchnorm_error_chart" in charts(at)
    widget(at, "momentum").set_value(0.2).run()
    assert "(β = 0.8)" in charts_title(at, "batchnorm_mean_chart")
    assert not warnings(at)  # the notice leaves once the reader changed the value it named


def test_switching_the_framework_keeps_the_ema_and_the_link_follows():
    at = open_page("batch_norm", {"momentum": "0.05"})
    widget(at, "convention").set_value("keras").run()
    # The decay carries (β = 0.95) in the new framework's words.
    assert widget(at, "momentum").value == pytest.approx(0.95)
    assert at.query_params.get("convention") == "keras"
    assert at.query_params.get("momentum") == "0.95"
    assert "(β = 0.95)" in charts_title(at, "batchnorm_mean_chart")
    widget(at, "momentum").set_value(0.8).run()  # a momentum typed is kept as typed
    assert widget(at, "momentum").value == 0.8
    widget(at, "convention").set_value("pytorch").run()
    assert widget(at, "momentum").value == pytest.approx(0.2)
    assert "(β = 0.8)" in charts_title(at, "batchnorm_mean_chart")
