"""/smoothing through AppTest: every control and URL parameter reaches the chart, exactly."""

import numpy as np
import pytest

import ema_core as ec
from app_support import drawn, open_page, trace, warnings, widget
from ema_lab.model.decay_scale import DECAY_GRID
from ema_lab.model.numbers import readable
from ema_lab.model.signal import LENGTHS

DEFAULTS = {
    "signal": "noisy_sine",
    "n": 1000,
    "noise": 0.3,
    "seed": 0,
    "decay": 0.99,
    "initial": 0.0,
}


def expected(state: dict) -> dict[str, np.ndarray]:
    x = ec.signals.generate(state["signal"], state["n"], noise=state["noise"], seed=state["seed"])
    d, s0 = state["decay"], state["initial"]
    return {
        "signal": x,
        "EMA (biased)": ec.ema_series(x, d, initial=s0),
        "EMA (debiased)": ec.ema_series(x, d, initial=s0, debias=True),
        "EMA (TensorFlow dynamic decay)": ec.ema_series(
            x, ec.tf_decay(d, np.arange(len(x))), initial=s0
        ),
    }


def assert_chart_shows(at, state: dict) -> None:
    for name, values in expected(state).items():
        steps, y = trace(at, "smoothing_chart", name)
        assert len(y) <= 2000
        # drawn points are values of the full series at their own steps (as float32)
        np.testing.assert_array_equal(y, drawn(values[steps - 1]))
        assert steps[0] >= 1
        assert steps[-1] <= len(values)


def test_default_view():
    at = open_page("smoothing")
    assert_chart_shows(at, DEFAULTS)
    assert not warnings(at)


def test_every_query_parameter_is_honoured():
    query = {
        "signal": "step",
        "n": "2000",
        "decay": "0.95",
        "initial": "0.5",
        "noise": "0.1",
        "seed": "3",
    }
    at = open_page("smoothing", query)
    state = {"signal": "step", "n": 2000, "noise": 0.1, "seed": 3, "decay": 0.95, "initial": 0.5}
    assert_chart_shows(at, state)


CONTROL_ENDS = [
    ("decay", DECAY_GRID[0]),
    ("decay", DECAY_GRID[-1]),
    ("n", LENGTHS[0]),
    ("n", 200_000),
    ("noise", 0.0),
    ("noise", 2.0),
    ("seed", 2**31 - 1),
    ("initial", -1e6),
    ("initial", 1e6),
    ("signal", "chirp"),
    ("signal", "random_walk"),
]


@pytest.mark.parametrize(("key", "value"), CONTROL_ENDS)
def test_each_control_changes_the_chart(key, value):
    at = open_page("smoothing")
    before = trace(at, "smoothing_chart", "EMA (biased)")[1]
    widget(at, key).set_value(value)
    at.run()
    state = {**DEFAULTS, key: value}
    assert_chart_shows(at, state)
    after = trace(at, "smoothing_chart", "EMA (biased)")[1]
    assert before.shape != after.shape or not np.array_equal(before, after)


def test_longest_series_is_decimated_but_exact():
    at = open_page("smoothing", {"n": "10000000", "signal": "noisy_constant"})
    steps, y = trace(at, "smoothing_chart", "EMA (biased)")
    assert 1000 < len(y) <= 2000
    assert steps[-1] > 9_990_000
    x = ec.signals.generate("noisy_constant", 10**7, noise=0.3, seed=0)
    np.testing.assert_array_equal(y, drawn(ec.ema_series(x, 0.99)[steps - 1]))


@pytest.mark.parametrize(
    ("by", "amount", "decay"),
    [("half-life", 10.0, 0.5**0.1), ("window", 50.0, 0.98), ("span", 19.0, 0.9)],
)
def test_decay_through_other_units(by, amount, decay):
    key = {"half-life": "half_life", "window": "window", "span": "span"}[by]
    at = open_page("smoothing", {"decay_by": by, key: str(amount)})
    assert_chart_shows(at, {**DEFAULTS, "decay": decay})
    assert f"β = {decay:.6g}" in " ".join(c.value for c in at.caption)


def test_views_toggle_lines():
    at = open_page("smoothing", {"views": ["signal", "debiased"]})
    names = [t for t in ("signal", "EMA (biased)", "EMA (debiased)") if _has(at, t)]
    assert names == ["signal", "EMA (debiased)"]


def _has(at, name):
    try:
        trace(at, "smoothing_chart", name)
    except AssertionError:
        return False
    return True


def test_window_band_ends_where_asked_and_holds_63_percent():
    at = open_page("smoothing", {"window_end": "600"})  # default: the middle
    import json

    layout = json.loads(at.get_by_key("smoothing_chart").proto.spec)["layout"]
    band = layout["shapes"][0]
    assert band["x1"] == 600
    assert band["x0"] == 501  # 100 steps: 501..600
    assert layout["annotations"][0]["text"] == "1/(1−β)"
    title = layout["title"]["text"].replace("<br>", " ")  # wrapped for narrow screens
    assert f"the last 100 steps hold {ec.weight_in_last(0.99, 100):.1%} of the weight" in title
    assert "63.4%" in title


def test_readouts_come_from_ema_core():
    at = open_page("smoothing", {"decay": "0.9"})
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["window"] == readable(ec.effective_window(0.9))
    assert metrics["half-life"] == readable(ec.half_life(0.9))
    assert metrics["lag"] == readable(ec.center_of_mass(0.9))
    # the noise left as /choosing_decay states it: a standard deviation, not a variance
    assert metrics["noise left"] == readable(np.sqrt(ec.noise_variance_ratio(0.9)), 3)
    assert metrics["cutoff"] == readable(ec.cutoff_frequency(0.9) / (2 * np.pi), 3)
    assert all(len(label) <= 10 for label in metrics)  # one line in a projector's column


BAD_QUERIES = [
    {"n": "abc"},
    {"n": "-5"},
    {"decay": "7"},
    {"decay": "nan"},
    {"decay": "0.123456"},
    {"signal": "sawtooth"},
    {"noise": "inf"},
    {"seed": "-1"},
    {"initial": "1e400"},
    {"window_end": "0"},
    {"decay_by": "fortnight"},
]


@pytest.mark.parametrize(
    "query", BAD_QUERIES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items())
)
def test_bad_parameters_fall_back_to_defaults_with_a_notice(query):
    at = open_page("smoothing", query)
    (key,) = query
    assert f"{key}" in warnings(at)
    assert "defaults are shown" in warnings(at)
    assert_chart_shows(at, DEFAULTS)


def test_bad_value_in_another_unit_falls_back_to_that_units_default():
    at = open_page("smoothing", {"decay_by": "half-life", "half_life": "-3"})
    assert "half_life" in warnings(at)
    default_half_life = ec.half_life(0.99)  # the input starts at the default decay, exactly
    assert_chart_shows(at, {**DEFAULTS, "decay": ec.decay_from_half_life(default_half_life)})


def test_unknown_view_is_dropped_and_announced():
    at = open_page("smoothing", {"views": ["signal", "bogus"]})
    assert "views" in warnings(at)
    assert _has(at, "signal")
    assert not _has(at, "EMA (biased)")


def test_markup_in_a_parameter_is_shown_as_text():
    at = open_page("smoothing", {"signal": "![x](http://example.com/a.png)<b>hi</b>"})
    text = warnings(at)
    assert "](http" not in text  # the link syntax is escaped
    assert "<b>" not in text


CSV_GOOD = b"time,loss\n1,2.5\n2,2.25\n3,2.0\n4,1.9\n5,1.7\n"


def upload(at, name, content):
    at.get_by_key("csv_file").upload(name, content, "text/csv")
    at.run()
    return at


def test_csv_upload_becomes_the_signal():
    at = open_page("smoothing", {"signal": "upload_csv"})
    upload(at, "loss.csv", CSV_GOOD)
    assert not at.error
    _, y = trace(at, "smoothing_chart", "signal")
    values = [2.5, 2.25, 2.0, 1.9, 1.7]
    np.testing.assert_array_equal(y, drawn(values))
    _, ema = trace(at, "smoothing_chart", "EMA (biased)")
    np.testing.assert_array_equal(ema, drawn(ec.ema_series(values, 0.99)))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (bytes(range(256)), "binary"),
        (b"name\nann\nbob\n", "No column of the file holds numbers"),
        (b"a;b\n", "no data rows"),
        (b"v\n5\n", "The file holds 1 usable value; an average needs at least two"),
        (b"date,v\n2024-01-01,5\n2024-01-02,\n", "holds 1 usable value"),
    ],
)
def test_bad_csv_keeps_the_previous_signal(content, message):
    at = open_page("smoothing", {"signal": "upload_csv"})
    upload(at, "good.csv", CSV_GOOD)
    at.get_by_key("csv_file").clear() if hasattr(at.get_by_key("csv_file"), "clear") else None
    upload(at, "bad.csv", content)
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    _, y = trace(at, "smoothing_chart", "signal")
    np.testing.assert_array_equal(y, drawn([2.5, 2.25, 2.0, 1.9, 1.7]))


def test_the_reader_sees_which_column_is_smoothed_and_may_pick_another():
    # Fifty columns used to smooth the first without a word (issue #39, item 12).
    header = ",".join(f"c{i}" for i in range(50))
    rows = [",".join(str(i * 100 + k) for i in range(50)) for k in (3, 1, 2, 5, 4)]
    at = open_page("smoothing", {"signal": "upload_csv"})
    upload(at, "wide.csv", "\n".join([header, *rows]).encode())
    choice = at.get_by_key("csv_column")
    assert choice.value == "c0"
    assert list(choice.options) == [f"c{i}" for i in range(50)]
    _, y = trace(at, "smoothing_chart", "signal")
    np.testing.assert_array_equal(y, [3, 1, 2, 5, 4])
    choice.set_value("c7").run()
    assert not at.error
    _, y = trace(at, "smoothing_chart", "signal")
    np.testing.assert_array_equal(y, [703, 701, 702, 705, 704])
    _, ema = trace(at, "smoothing_chart", "EMA (biased)")
    np.testing.assert_array_equal(ema, drawn(ec.ema_series([703.0, 701, 702, 705, 704], 0.99)))
    assert any(c.value.endswith(": c7 (5 values).") for c in at.caption)


def test_a_file_of_one_column_has_no_choice_to_offer():
    at = open_page("smoothing", {"signal": "upload_csv"})
    upload(at, "one.csv", b"v\n1\n2\n3\n")
    assert not [w for w in at.get("selectbox") if w.key == "csv_column"]


def test_semicolon_decimal_comma_csv():
    at = open_page("smoothing", {"signal": "upload_csv"})
    upload(at, "eu.csv", b"tag;Wert\n1;1,5\n2;2,75\n3;3,25\n")
    _, y = trace(at, "smoothing_chart", "signal")
    np.testing.assert_array_equal(y, [1.5, 2.75, 3.25])


def test_seattle_data_set_plots_against_dates():
    at = open_page("smoothing", {"signal": "seattle_temperature"})
    x, y = trace(at, "smoothing_chart", "signal")
    data = ec.signals.seattle_weather()
    np.testing.assert_array_equal(y, drawn(data.values))
    assert str(x[0]).startswith("2012-01-01")


def test_a_session_that_keeps_sending_files_is_stopped_at_its_budget(monkeypatch):
    from ema_lab.ui import uploads

    monkeypatch.setattr(uploads, "MAX_FILES", 3)
    at = open_page("smoothing", {"signal": "upload_csv"})
    for i in range(3):
        upload(at, f"run{i}.csv", CSV_GOOD.replace(b"1.7", f"1.{i}".encode()))
        assert not at.error
    upload(at, "one_more.csv", b"v\n9\n8\n7\n")
    refused = " ".join(e.value for e in at.error)
    assert "This session has read 3 files" in refused
    assert "its limit is 3 files" in refused
    assert "The previous signal stays." in refused
    _, y = trace(at, "smoothing_chart", "signal")  # the last file read is still drawn
    np.testing.assert_array_equal(y, drawn([2.5, 2.25, 2.0, 1.9, 1.2]))


def test_the_byte_budget_stops_a_session_too(monkeypatch):
    from ema_lab.ui import uploads

    monkeypatch.setattr(uploads, "MAX_BYTES", 2 * len(CSV_GOOD) + 10)
    at = open_page("smoothing", {"signal": "upload_csv"})
    upload(at, "a.csv", CSV_GOOD)
    upload(at, "b.csv", CSV_GOOD + b"6,1.6\n")
    assert not at.error
    upload(at, "c.csv", CSV_GOOD)
    assert any("This session has read 2 files" in e.value for e in at.error)


def test_a_first_bad_file_does_not_promise_a_previous_signal():
    at = open_page("smoothing", {"signal": "upload_csv"})
    upload(at, "garbage.csv", bytes(range(256)))
    errors = " ".join(e.value for e in at.error)
    assert "binary" in errors
    assert "previous signal" not in errors
    infos = " ".join(i.value for i in at.info)
    assert "No file yet" not in infos  # it has one: not a usable one
    assert "until a usable CSV file is read" in infos


def test_parses_take_turns():
    """Two sessions' parses never overlap: each holds about three times its file."""
    import threading

    from ema_lab.ui import uploads

    inside, overlaps = [], []

    def parse():
        with uploads.parsing():
            inside.append(1)
            overlaps.append(len(inside))
            threading.Event().wait(0.05)
            inside.pop()

    threads = [threading.Thread(target=parse) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == [1, 1, 1, 1]


def _away_and_back(at, page: str, query: dict):
    """Leave ``page`` for another and come back by a link, as a student does."""
    at.query_params.clear()
    at.switch_page("pages/bias_correction.py" if page != "bias_correction" else "pages/home.py")
    at.run()
    at.query_params.clear()
    at.query_params.update(query)
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception
    return at


def test_a_good_file_stays_when_the_uploader_is_emptied_and_a_bad_file_follows():
    at = open_page("smoothing", {"signal": "upload_csv"})
    upload(at, "good.csv", CSV_GOOD)
    at.get_by_key("csv_file").clear()  # the reader's ✕, then another file
    at.run()
    upload(at, "empty.csv", b"")
    assert any("The previous signal stays." in e.value for e in at.error)
    _, y = trace(at, "smoothing_chart", "signal")
    np.testing.assert_array_equal(y, drawn([2.5, 2.25, 2.0, 1.9, 1.7]))


def test_a_page_left_and_come_back_to_keeps_its_upload_and_its_budget():
    at = open_page("smoothing", {"signal": "upload_csv"})
    upload(at, "good.csv", CSV_GOOD)
    _away_and_back(at, "smoothing", {"signal": "upload_csv"})
    _, y = trace(at, "smoothing_chart", "signal")
    np.testing.assert_array_equal(y, drawn([2.5, 2.25, 2.0, 1.9, 1.7]))
    assert any("read earlier in this session" in c.value for c in at.caption)
    assert not any("No file yet" in i.value for i in at.info)
    assert at.session_state["_ema_lab_upload_budget"].files == 1  # nothing read twice


def test_values_past_float32s_range_are_drawn_not_lost():
    # ±1e308 is a float64; as float32 it is infinite, and the chart drew no point at all.
    values = np.tile([1e308, -1e308, 5e307, 1e-310], 65)
    content = b"v\n" + b"\n".join(repr(float(v)).encode() for v in values) + b"\n"
    at = open_page("smoothing", {"signal": "upload_csv"})
    upload(at, "huge.csv", content)
    assert not at.error
    _, y = trace(at, "smoothing_chart", "signal")
    np.testing.assert_array_equal(y, values)
    for name in ("EMA (biased)", "EMA (debiased)"):
        _, ema = trace(at, "smoothing_chart", name)
        assert np.isfinite(ema).all(), name
        assert np.abs(ema).max() > 1e306, name
