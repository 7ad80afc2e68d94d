"""/weights_lab through AppTest: the charts draw the library's run, every parameter counts."""

import json

import numpy as np
import pytest

from app_support import charts, open_page, warnings
from app_support import table as app_table
from ema_core.training import EmaSettings, beats_from, simulate, trailing_mean
from ema_lab.model.strategies import label


def traces(at, chart):
    return {t["name"]: t for t in charts(at)[chart]}


def test_default_run_is_the_library_run():
    at = open_page("weights_lab")
    run = simulate(learning_rate=0.3, steps=2000, batch_size=1, seed=0)
    contour = traces(at, "contour_chart")
    for name in ["raw", *run.tracks]:
        path = run.weights if name == "raw" else run.tracks[name]
        t = contour[label(name)]
        # the path is thinned evenly, both ends kept
        np.testing.assert_allclose([t["x"][0], t["y"][0]], path[0])
        np.testing.assert_allclose([t["x"][-1], t["y"][-1]], path[-1])
    loss = traces(at, "loss_chart")
    steps = loss[label("constant")]["x"]  # 0 = before the first step
    best = run.problem.loss(run.problem.minimum())
    np.testing.assert_allclose(
        loss[label("constant")]["y"],
        (run.test_loss("constant") - best)[steps].astype(np.float32),
    )
    table = app_table(at, "strategies_table")
    row = table[table["weights"] == label("warmup")].iloc[0]
    assert (
        row["beats raw from step"]
        == f"{beats_from(trailing_mean(run.test_loss('warmup'), 100), run.test_loss('raw')):,}"
    )


def test_url_parameters_reach_the_run():
    query = {
        "lr": "0.1", "batch": "4", "steps": "500", "seed": "3", "decay": "0.95",
        "strategies": ["constant", "keras"], "every": "5", "start_after": "20", "overwrite": "50",
    }  # fmt: skip
    at = open_page("weights_lab", query)
    assert not warnings(at)
    settings = EmaSettings(decay=0.95, every=5, start_after=20, keras_overwrite=50)
    run = simulate(
        learning_rate=0.1,
        steps=500,
        batch_size=4,
        seed=3,
        settings=settings,
        strategies=["constant", "keras"],
    )
    contour = traces(at, "contour_chart")
    assert set(contour) == {label(n) for n in ("raw", "constant", "keras")} | {
        "held-out loss",
        "held-out minimum",
        "start (step 0)",
        "Keras raw weights (overwritten by the EMA)",
    }
    overwritten = contour["Keras raw weights (overwritten by the EMA)"]
    np.testing.assert_allclose([overwritten["x"][-1], overwritten["y"][-1]], run.keras_weights[-1])
    keras = contour[label("keras")]
    np.testing.assert_allclose([keras["x"][-1], keras["y"][-1]], run.tracks["keras"][-1])
    assert any("overwrites its weights" in c.value for c in at.caption)


@pytest.mark.parametrize(
    "query",
    [
        {"lr": "9"},
        {"batch": "0"},
        {"steps": "abc"},
        {"decay": "1.5"},
        {"strategies": ["nope"]},
        {"power": "7"},
        {"every": "3"},
    ],
    ids=lambda q: next(iter(q)),
)
def test_bad_parameters_are_announced(query):
    at = open_page("weights_lab", query)
    assert next(iter(query)) in warnings(at)
    assert charts(at)["contour_chart"]


def test_warmup_power_and_gamma_change_the_schedule():
    a = traces(open_page("weights_lab", {"power": "3/4", "inv_gamma": "10"}), "decay_chart")
    b = traces(open_page("weights_lab"), "decay_chart")
    warmup = label("warmup")
    assert not np.array_equal(a[warmup]["y"], b[warmup]["y"])


def test_batch_scaling_calculator():
    at = open_page("weights_lab", {"decay": "0.999", "batch": "8", "batch_factor": "4"})
    text = " ".join(m.value for m in at.markdown)
    assert f"{0.999**4:.6g}" in text
    spec = json.loads(at.get_by_key("contour_chart").proto.spec)
    assert spec["data"]


def test_the_loss_map_is_a_light_ground_in_either_theme():
    # Drawn see-through, the map turned dark grey on the dark theme and hid the raw weights
    # and the dark-blue constant-decay line. Opaque light greys stay light on both.
    at = open_page("weights_lab")
    ground = next(t for t in charts(at)["contour_chart"] if t["type"] == "contour")
    assert ground.get("opacity", 1) == 1
    for _, colour in ground["colorscale"]:
        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        assert 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.6, colour
