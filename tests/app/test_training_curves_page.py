"""/training_curves headless: the exports it reads, the shipped run, and every curve and
number the page draws against `ema_core` (TensorBoard's and W&B's smoothing)."""

from __future__ import annotations

import html
import json
import math

import numpy as np
import pytest

import ema_core as ec
from app_support import charts, open_page, trace, widget
from ema_lab.lessons.training_curves import exports, run
from ema_lab.lessons.training_curves import view as tc_view

TB_EXPORT = (
    b"Wall time,Step,Value\n"
    b"1700000000.1,0,2.5\n1700000001.2,50,1.75\n1700000002.3,100,1.5\n"
    b"1700000003.4,150,1.6\n1700000004.5,200,1.2\n1700000005.6,250,1.25\n"
)
TB_VALUES = [2.5, 1.75, 1.5, 1.6, 1.2, 1.25]
TB_STEPS = [0, 50, 100, 150, 200, 250]
WANDB_EXPORT = (
    b'"Step","lr-sweep-3 - train/loss","lr-sweep-3 - train/loss__MIN",'
    b'"lr-sweep-3 - train/loss__MAX","lr-sweep-4 - train/loss"\n'
    b'"0","2","1.5","2.5","3"\n"10","1.5","1","2","2.5"\n"20","","","",""\n'
    b'"30","1","0.75","1.25","2"\n'
)


def title(at, key: str) -> str:
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.key == key)
    return html.unescape(spec["layout"]["title"]["text"].replace("<br>", " "))


# -- the exports -------------------------------------------------------------------------


def test_a_tensorboard_export():
    c = exports.read_export(TB_EXPORT, "run-resnet-tag-train_loss.csv")
    assert (c.source, c.name) == (exports.TENSORBOARD, "train_loss")
    np.testing.assert_array_equal(c.steps, TB_STEPS)
    np.testing.assert_array_equal(c.values, TB_VALUES)


def test_a_wandb_export_with_its_band_and_an_empty_row():
    c = exports.read_export(WANDB_EXPORT)
    assert (c.source, c.name) == (exports.WANDB, "lr-sweep-3 - train/loss")
    np.testing.assert_array_equal(c.steps, [0, 10, 30])  # the row without a value: a gap
    np.testing.assert_array_equal(c.values, [2, 1.5, 1])
    np.testing.assert_array_equal(c.low, [1.5, 1, 0.75])
    np.testing.assert_array_equal(c.high, [2.5, 2, 1.25])
    assert c.dropped == 1


def test_any_csv_with_a_step_or_without_one():
    c = exports.read_export(b"iteration,accuracy\n100,0.5\n200,0.6\n300,0.7\n")
    assert (c.source, c.name, c.higher_is_better) == (exports.PLAIN, "accuracy", True)
    np.testing.assert_array_equal(c.steps, [100, 200, 300])
    rows = exports.read_export(b"loss\n3\n2\n1.5\n")
    assert rows.counted_rows
    np.testing.assert_array_equal(rows.steps, [1, 2, 3])
    assert not rows.higher_is_better


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (bytes(range(256)), "binary"),
        (b"Wall time,Step,Value\n1,30,0.5\n2,10,0.4\n", "run backwards"),
        (b"name\nann\n", "No column"),
    ],
)
def test_bad_exports_say_what_is_wrong(data, message):
    with pytest.raises(ValueError, match=message):
        exports.read_export(data)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_exports_saved_as_utf16_or_with_a_bom_are_read(encoding):
    text = "Wall time,Step,Value\n1.0,10,0.5\n2.0,20,0.25\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    c = exports.read_export(data)
    np.testing.assert_array_equal(c.values, [0.5, 0.25])


def test_the_shipped_run_is_what_this_code_trains():
    loss, rate = exports.shipped_run()
    assert (loss.values.size, loss.steps[0], loss.steps[-1]) == (3000, 10, 30_000)
    again = run.train(steps=2000)  # a prefix: the run is deterministic
    np.testing.assert_array_equal(loss.values[:200], again.loss.astype(np.float32))
    np.testing.assert_array_equal(loss.steps[:200], again.steps)
    assert sorted(set(rate.values.astype(np.float32))) == sorted(
        np.float32(r) for _, r in run.SCHEDULE
    )


# -- the page ------------------------------------------------------------------------------


def test_default_page_draws_tensorboard_and_wandb_from_ema_core():
    at = open_page("training_curves")
    loss, _ = exports.shipped_run()
    tb = ec.tensorboard_smoothing(loss.values, 0.6)
    wb = ec.time_weighted_smoothing(loss.steps, loss.values, 0.6, x_scale=1000 / 29_990)
    for name, want in (("TensorBoard (smoothed)", tb), ("W&B (time-weighted EMA)", wb)):
        x, y = trace(at, "curves_chart", name)
        index = np.searchsorted(loss.steps, x.astype(float))  # drawn at most 2,000 points
        np.testing.assert_array_equal(y, want[index].astype(np.float32))
    assert "TensorBoard's smoothing 0.6 averages about 2.5 logged points (25 steps)" in title(
        at, "curves_chart"
    )


def test_an_uploaded_tensorboard_export_is_drawn_exactly():
    at = open_page("training_curves")
    at.get_by_key("training_csv_file").upload("run-a-tag-loss.csv", TB_EXPORT, "text/csv")
    at.run()
    assert not at.exception
    assert not at.error
    x, y = trace(at, "curves_chart", "TensorBoard (smoothed)")
    np.testing.assert_array_equal(x, TB_STEPS)
    np.testing.assert_array_equal(y, ec.tensorboard_smoothing(TB_VALUES, 0.6).astype(np.float32))
    _, raw = trace(at, "curves_chart", "logged (raw)")
    np.testing.assert_array_equal(raw, np.float32(TB_VALUES))
    assert "loss:" in title(at, "curves_chart")
    # A bad file next: said so, and the last good curve stays.
    at.get_by_key("training_csv_file").upload("broken.csv", bytes(range(256)), "text/csv")
    at.run()
    assert any("previous curve stays" in e.value for e in at.error)
    np.testing.assert_array_equal(
        trace(at, "curves_chart", "logged (raw)")[1], np.float32(TB_VALUES)
    )


WANDB_THREE_RUNS = (
    b"Step,a - loss,a - loss__MIN,a - loss__MAX,b - loss,b - loss__MIN,b - loss__MAX,c - loss\n"
    b"0,1.0,0.9,1.1,2.0,1.9,2.1,3.0\n10,0.8,0.7,0.9,1.8,1.7,1.9,2.6\n20,0.6,0.5,0.7,1.7,1.6,1.8,2.2\n"
)


def test_a_wandb_export_of_three_runs_offers_each_run():
    # Only the first run was read, with no way to pick another (issue #39, item 12).
    at = open_page("training_curves")
    at.get_by_key("training_csv_file").upload("wandb.csv", WANDB_THREE_RUNS, "text/csv")
    at.run()
    choice = at.get_by_key("training_csv_metric")
    assert list(choice.options) == ["a - loss", "b - loss", "c - loss"]
    assert choice.value == "a - loss"
    choice.set_value("c - loss").run()
    assert not at.error
    _, raw = trace(at, "curves_chart", "logged (raw)")
    np.testing.assert_array_equal(raw, np.float32([3.0, 2.6, 2.2]))
    assert "c - loss" in title(at, "curves_chart")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"step,loss\n10,0.5\n", "holds 1 usable value"),  # /smoothing refused it; so does this
        (b"Wall time,Step,Value\n1,1,a\n2,2,b\n", "No column of values"),  # not the clock
    ],
)
def test_an_export_that_cannot_be_a_curve_is_refused(data, message):
    at = open_page("training_curves")
    at.get_by_key("training_csv_file").upload("x.csv", data, "text/csv")
    at.run()
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert "train_loss" in title(at, "curves_chart")  # the shipped run stays


def test_repeated_steps_are_not_a_logging_interval():
    # A resumed run logs some steps twice: "(0 steps)" was the interval's median.
    curve = exports.read_export(
        b"step,loss\n0,1\n10,0.9\n10,0.9\n10,0.9\n20,0.8\n20,0.8\n20,0.8\n30,0.7\n"
    )
    view = tc_view.view_of(curve, ("repeated",), 0.6, exports.shipped_run()[1])
    assert view.interval == 10


def test_a_bad_first_upload_keeps_the_shipped_run():
    at = open_page("training_curves")
    at.get_by_key("training_csv_file").upload("empty.csv", b"", "text/csv")
    at.run()
    assert any("shipped run stays" in e.value for e in at.error)
    assert "train_loss" in title(at, "curves_chart")


@pytest.mark.parametrize("smoothing", [0.0, 0.6, 0.9, 0.99, 0.999])
def test_titles_and_readings_state_the_windows(smoothing):
    at = open_page("training_curves", {"smoothing": f"{smoothing:g}"})
    points = 1 / (1 - smoothing)
    text = title(at, "curves_chart")
    assert f"smoothing {smoothing:g} averages about" in text
    from ema_lab.model.numbers import readable

    assert f"{readable(points)} logged point" in text
    assert f"({readable(points * 10)} steps)" in text
    v = tc_view.TrainingView(exports.shipped_run()[0], smoothing, None)
    best = v.bests()["TensorBoard"]
    assert best.step == exports.shipped_run()[0].steps[np.argmin(v.tensorboard)]
    rows = at.table[0].value
    assert rows.iloc[1]["lowest at step"] == f"{best.step:,.0f}"


def test_the_sampling_chart_is_tensorboards_reservoir():
    at = open_page("training_curves", {"smoothing": "0.9"})
    loss, _ = exports.shipped_run()
    kept = ec.tensorboard_sample(3000)
    x, y = trace(at, "sampling_chart", "TensorBoard, 1,000 of 3,000 kept")
    inside = loss.steps[kept] <= loss.steps[299]
    np.testing.assert_array_equal(x, loss.steps[kept][inside])
    np.testing.assert_array_equal(
        y, ec.tensorboard_smoothing(loss.values[kept], 0.9)[inside].astype(np.float32)
    )
    sentence = next(m.value for m in at.markdown if "TensorBoard keeps 1,000" in m.value)
    gap = (30_000 - 10) / 999
    assert f"one every {gap:.2f} steps" in sentence


def test_the_ramp_the_two_points_and_the_start():
    at = open_page("training_curves", {"smoothing": "0.99"})
    ramp = next(m.value for m in at.markdown if "becomes a ramp" in m.value)
    loss, rate = exports.shipped_run()
    smooth = ec.tensorboard_smoothing(rate.values, 0.99)
    i = int(np.searchsorted(rate.steps, 15_000))
    done = (smooth[i:] - 0.2) / (0.02 - 0.2)
    later = rate.steps[i + np.flatnonzero(done >= 0.9)[0]] - 15_000
    assert f"reaches 90% in the smoothed curve {later:,.0f} steps later" in ramp
    two = next(
        t.value for t in at.table if "TensorBoard" in t.value.columns and "point" in t.value.columns
    )
    assert two.iloc[1]["TensorBoard"] == "0.4975"  # (s·1 + 0)/(1 + s) at s = 0.99
    # W&B: the two points span the visible range, a gap of 1,000 thousandths of it.
    kept = math.sqrt(0.99) ** 1000
    assert two.iloc[1]["W&B"] == f"{kept / (1 + kept):.4g}"
    start = next(m.value for m in at.markdown if "Without its division" in m.value)
    assert f"= {0.01 * loss.values[0]:.4g}" in start.replace("(1 − s)·y₁ ", "")


def test_the_calculator_and_the_link():
    at = open_page("training_curves", {"log_every": "100", "average_over": "10000"})
    answer = next(m.value for m in at.markdown if "logged points**" in m.value)
    assert "smoothing **0.990**" in answer
    widget(at, "average_over").set_value(500).run()
    answer = next(m.value for m in at.markdown if "logged points**" in m.value)
    assert "smoothing **0.800**" in answer
    assert at.query_params.get("average_over") == "500"


def test_wandb_zoom_uses_the_visible_range():
    at = open_page("training_curves")
    loss, _ = exports.shipped_run()
    x, y = trace(at, "zoom_chart", "W&B, zoomed to this range")
    part = loss.steps >= x[0]
    steps, values = loss.steps[part], loss.values[part]
    want = ec.time_weighted_smoothing(steps, values, 0.6, x_scale=1000 / (steps[-1] - steps[0]))
    np.testing.assert_array_equal(y, want.astype(np.float32))
    assert set(charts(at)) >= {"curves_chart", "sampling_chart", "rate_chart", "start_chart"}


def test_an_upload_stays_for_the_session_until_the_reader_goes_back_to_the_shipped_run():
    at = open_page("training_curves")
    at.get_by_key("training_csv_file").upload("run-a-tag-loss.csv", TB_EXPORT, "text/csv")
    at.run()
    at.get_by_key("training_csv_file").clear()  # or the page left and come back to
    at.run()
    np.testing.assert_array_equal(
        trace(at, "curves_chart", "logged (raw)")[1], np.float32(TB_VALUES)
    )
    at.get_by_key("forget_upload").click().run()
    assert not at.exception
    assert "train_loss" in title(at, "curves_chart")
