"""/smoothing on data observed at times: the CSV time column, the view, the page."""

import json

import numpy as np
import pandas as pd
import pytest

import ema_core as ec
from app_support import chart_specs, charts, drawn, open_page, trace, warnings
from ema_core import signals
from ema_lab.lessons.smoothing import view as smoothing
from ema_lab.lessons.smoothing.time_aware import duration, time_view
from ema_lab.model.signal import Signal
from ema_lab.plot import figures

GAPPY_CSV = (
    b"when,temp\n"
    b"2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n2024-01-04,\n2024-01-05,\n"
    b"2024-01-20,10\n2024-01-21,11\n2024-01-21,13\n2024-01-22,12\n"
)


def test_csv_time_column_leaves_gaps_where_values_are_missing():
    s = signals.read_csv(GAPPY_CSV)
    assert s.column == "temp"
    assert s.time_columns == ("when",)
    timed = signals.read_csv(GAPPY_CSV, time_column="when")
    np.testing.assert_array_equal(timed.values, [1, 2, 3, 10, 11, 13, 12])
    assert str(timed.times[3])[:10] == "2024-01-20"
    assert timed.dropped == 2
    assert timed.repeated_times == 1


def test_csv_numeric_time_column_such_as_a_training_step():
    s = signals.read_csv(b"step,loss\n0,2.0\n10,1.5\n20,1.2\n50,1.0\n")
    assert s.column == "loss"  # the growing step column is the clock, not the signal
    assert s.time_columns == ("step",)
    np.testing.assert_array_equal(signals.read_csv(
        b"step,loss\n0,2.0\n10,1.5\n20,1.2\n50,1.0\n", time_column="step"
    ).times, [0, 10, 20, 50])  # fmt: skip
    assert signals.read_csv(b"row,v\n1,5\n2,3\n3,4\n").time_columns == ()  # row numbers


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"d,v\n2024-01-03,1\n2024-01-01,2\n2024-01-04,3\n", "run backwards"),
        (b"d,v\nsoon,1\nlater,2\n", "could not be read as dates"),
        (b"d,v\n2024-01-01,1\n", "not in the file"),
    ],
)
def test_csv_time_column_errors(data, message):
    with pytest.raises(ValueError, match=message):
        signals.read_csv(data, time_column="x" if message == "not in the file" else "d")


def test_view_matches_pandas_and_agrees_with_the_step_ema_on_even_data():
    co2 = signals.mauna_loa_co2()
    v = time_view(co2.values, co2.dates, 0.9)
    h = v.half_life
    times = co2.dates.astype("datetime64[ns]")  # pandas has no day unit; ns as the half-life
    want = pd.Series(co2.values).ewm(halflife=pd.Timedelta(seconds=h), times=times).mean()
    np.testing.assert_allclose(v.ema, want.to_numpy(), rtol=1e-12)
    assert v.half_life_text == duration(h)
    # Matched: the step EMA's half-life (6.579 steps) at the typical spacing (7 days).
    assert h / 86400 == pytest.approx(ec.half_life(0.9) * 7, rel=1e-12)  # float seconds
    assert v.gap_count == 22
    assert v.longest_gap_text == "19 weeks"
    assert "22 gaps shaded" in v.title
    assert "half-life 6.58 weeks" in v.title
    seattle = signals.seattle_weather()
    even = time_view(seattle.values, seattle.dates, 0.9)
    assert even.gap_count == 0
    np.testing.assert_allclose(
        even.ema, ec.ema_series(seattle.values, 0.9, debias=True), rtol=1e-12
    )


def test_view_with_a_half_life_in_time_units():
    co2 = signals.mauna_loa_co2()
    v = time_view(co2.values, co2.dates, 0.9, half_life=3, unit="weeks")
    np.testing.assert_allclose(
        v.ema, ec.ema_at_times(co2.values, co2.dates, np.timedelta64(21, "D")), rtol=1e-12
    )
    assert not v.matched
    assert "The time-aware EMA's half-life: 3 weeks." in v.readouts
    with pytest.raises(ValueError, match="half_life must be > 0"):
        time_view(co2.values, co2.dates, 0.9, half_life=0.0)


def test_gaps_change_the_time_aware_ema_only_after_them():
    co2 = signals.mauna_loa_co2()
    v = time_view(co2.values, co2.dates, 0.9)
    gap_end = np.searchsorted(co2.dates, v.gaps[0][1])
    first = np.flatnonzero(np.abs(v.ema - v.step_ema) > 1e-9)[0]
    assert first <= gap_end  # the two part at the first gap, not before it
    assert np.abs(v.ema[gap_end] - v.step_ema[gap_end]) > 0.5  # ppm, across 19 weeks


def test_page_draws_the_time_aware_ema_and_shades_gaps():
    at = open_page("smoothing", {"signal": "mauna_loa_co2", "decay": "0.9"})
    assert not warnings(at)
    co2 = signals.mauna_loa_co2()
    v = time_view(co2.values, co2.dates, 0.9)
    x, y = trace(at, "smoothing_chart", "EMA (time-aware)")
    assert len(y) <= 2000  # decimated for drawing; each point drawn is the full series' value
    at_index = np.searchsorted(co2.dates, np.asarray(x, dtype="datetime64[D]"))
    np.testing.assert_array_equal(y, drawn(v.ema[at_index]))
    zoom = {t["name"]: t for t in charts(at)["gap_chart"]}
    first, last = v.zoom
    np.testing.assert_allclose(zoom["EMA (time-aware)"]["y"], v.ema[first:last])
    assert any("22 gaps longer than 1.5× the typical spacing" in c.value for c in at.caption)


def test_page_half_life_in_time_and_a_zero_half_life():
    at = open_page(
        "smoothing",
        {"signal": "mauna_loa_co2", "decay": "0.9", "time_half_life": "2", "time_unit": "weeks"},
    )
    co2 = signals.mauna_loa_co2()
    want = ec.ema_at_times(co2.values, co2.dates, np.timedelta64(14, "D"))
    zoom = {t["name"]: t for t in charts(at)["gap_chart"]}
    v = time_view(co2.values, co2.dates, 0.9, half_life=2, unit="weeks")
    np.testing.assert_allclose(zoom["EMA (time-aware)"]["y"], want[slice(*v.zoom)])
    at = open_page("smoothing", {"signal": "mauna_loa_co2", "time_half_life": "0"})
    assert "half-life of 0" in warnings(at)
    assert charts(at)["smoothing_chart"]


def test_page_without_times_has_no_time_controls():
    at = open_page("smoothing")
    assert "time_aware" not in [t.key for t in at.toggle]
    names = [t["name"] for t in charts(at)["smoothing_chart"]]
    assert "EMA (time-aware)" not in names


def upload(at, name, content):
    at.get_by_key("csv_file").upload(name, content, "text/csv")
    at.run()
    return at


def test_upload_with_a_date_column_is_smoothed_in_time():
    at = upload(
        open_page("smoothing", {"signal": "upload_csv", "decay": "0.5"}), "g.csv", GAPPY_CSV
    )
    assert not at.error
    _x, y = trace(at, "smoothing_chart", "EMA (time-aware)")
    timed = signals.read_csv(GAPPY_CSV, time_column="when")
    h = np.timedelta64(86400, "s")  # half-life 1 step of the typical 1 day, matched
    np.testing.assert_allclose(y, ec.ema_at_times(timed.values, timed.times, h), rtol=1e-6)
    assert any("1 observation shares its time" in c.value for c in at.caption)
    # Choosing no time column counts rows again.
    at.selectbox(key="csv_time").set_value("(none: count rows)").run()
    assert "EMA (time-aware)" not in [t["name"] for t in charts(at)["smoothing_chart"]]


def test_upload_whose_times_run_backwards_is_read_counting_rows_with_a_message():
    at = upload(open_page("smoothing", {"signal": "upload_csv"}), "good.csv", GAPPY_CSV)
    upload(at, "bad.csv", b"d,v\n2024-01-03,1\n2024-01-01,2\n2024-01-04,3\n")
    shown = " ".join(w.value.replace("\\", "") for w in at.warning)
    assert "run backwards" in shown
    assert "counting rows" in shown
    assert not at.error
    _, y = trace(at, "smoothing_chart", "signal")
    np.testing.assert_array_equal(y, [1, 2, 3])
    assert "EMA (time-aware)" not in [t["name"] for t in charts(at)["smoothing_chart"]]


def test_choosing_a_time_column_that_fails_keeps_the_previous_signal():
    data = (  # "when" has a gap; "other" runs backwards
        b"when,other,v\n2024-01-01,2024-01-05,1\n2024-01-02,2024-01-01,2\n"
        b"2024-01-03,2024-01-09,3\n2024-01-20,2024-01-10,4\n2024-01-21,2024-01-11,5\n"
    )
    at = upload(open_page("smoothing", {"signal": "upload_csv"}), "two.csv", data)
    assert not at.error
    before = trace(at, "smoothing_chart", "EMA (time-aware)")[1]
    at.selectbox(key="csv_time").set_value("other").run()
    assert "run backwards" in " ".join(e.value.replace("\\", "") for e in at.error)
    np.testing.assert_array_equal(trace(at, "smoothing_chart", "EMA (time-aware)")[1], before)


# Found by an attacker's links (issue 25): half-lives and gaps far past 2^63 ns.
@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"decay_by": "half-life", "half_life": "100000"}, "100,000 weeks"),
        ({"time_half_life": "100000", "time_unit": "weeks"}, "100,000 weeks"),
        ({"time_half_life": "1000000000", "time_unit": "weeks"}, "1,000,000,000 weeks"),
    ],
)
def test_huge_half_lives_neither_crash_nor_wrap(query, said):
    at = open_page("smoothing", {"signal": "mauna_loa_co2", **query})
    text = " ".join(c.value for c in at.caption) + " " + json.dumps(chart_specs(at))
    assert said in text
    x, y = trace(at, "smoothing_chart", "EMA (time-aware)")
    co2 = signals.mauna_loa_co2()
    at_index = np.searchsorted(co2.dates, np.asarray(x, dtype="datetime64[D]"))
    # At such a half-life the time-aware EMA is all but the running mean.
    running = np.cumsum(co2.values) / np.arange(1, co2.values.size + 1)
    np.testing.assert_allclose(y, running[at_index], rtol=1e-3)


def test_an_upload_with_decade_gaps_is_smoothed():
    data = b"when,v\n1700-01-01,1\n1750-01-01,2\n1900-06-01,3\n2100-01-01,4\n2200-01-01,5\n"
    at = upload(open_page("smoothing", {"signal": "upload_csv", "decay": "0.9"}), "d.csv", data)
    assert not at.exception
    assert not at.error
    _, y = trace(at, "smoothing_chart", "EMA (time-aware)")
    assert np.all(np.isfinite(y))


def test_what_the_page_caches_holds_no_full_length_series():
    """A decay change on a dated upload used to keep two full-length arrays per cache entry
    (32 entries): the kept record holds what is drawn, and the CSV computes the rest."""
    co2 = signals.mauna_loa_co2()
    signal = Signal(co2.values, co2.name, co2.dates, co2.unit, key=("mauna_loa_co2",))
    timed = smoothing.time_aware(signal, 0.9, None, "days")
    assert timed.view.ema is None
    assert timed.view.step_ema is None
    assert len(timed.line.values) <= figures.MAX_POINTS
    first, last = time_view(co2.values, co2.dates, 0.9).zoom
    assert timed.zoom is not None
    assert all(len(t.y) == last - first for t in timed.zoom.data)
    # The CSV still has every value of the time-aware EMA, computed when asked for.
    columns = smoothing.csv_columns(signal, 0.9, 0.0, timed.view)
    np.testing.assert_array_equal(
        columns["ema_time_aware"], time_view(co2.values, co2.dates, 0.9).ema
    )


def test_the_gap_chart_draws_at_most_max_points_a_line():
    """Minute data around a year's gap: the zoom holds every observation within a year of
    it (here 100,000), which drawn whole froze the browser; each line is decimated."""
    n = 100_000
    times = np.datetime64("2000-01-01T00:00") + np.arange(n) * np.timedelta64(1, "m")
    times[n // 2 :] += np.timedelta64(365, "D")
    values = np.cumsum(np.random.default_rng(0).normal(size=n))
    signal = Signal(values, "minutes", times, key=("minutes",))
    timed = smoothing.time_aware(signal, 0.99, None, "days")
    first, last = time_view(values, times, 0.99).zoom
    assert last - first > figures.MAX_POINTS  # the whole zoom would be too many
    for line in timed.zoom.data:
        assert 0 < len(line.y) <= figures.MAX_POINTS
        assert len(line.x) == len(line.y)


@pytest.mark.parametrize("signal", ["mauna_loa_co2", "seattle_temperature"])
def test_a_data_set_shows_its_own_length_not_a_disabled_one(signal):
    # A disabled "length n 1000" stood beside Mauna Loa's 2,225 weeks.
    at = open_page("smoothing", {"signal": signal})
    assert not [w for w in at.select_slider if w.key in ("n",)]
    assert not [w for w in at.get("number_input") if w.key == "seed"]
    data = {
        "mauna_loa_co2": ec.signals.mauna_loa_co2,
        "seattle_temperature": ec.signals.seattle_weather,
    }
    length = f"{len(data[signal]().values):,} values, as observed"
    assert any(length in c.value for c in at.caption)


@pytest.mark.parametrize("decay", [0.99, 0.9, 0.5])
def test_the_gap_zoom_says_in_numbers_what_each_ema_keeps_across_the_gap(decay):
    # At the default 0.99 the two lines lay on top of each other in the zoom, and its title
    # ("the time-aware EMA forgets across it") had nothing to point at.
    import re

    data = ec.datasets.mauna_loa_co2()
    view = time_view(data.values, data.dates, decay)
    weeks = np.diff(data.dates) / np.timedelta64(7, "D")
    gap = weeks.max()  # the longest gap, from one observation to the next
    # The matched half-life: the step EMA's, at the typical spacing of one week.
    kept = 0.5 ** (gap / (np.log(0.5) / np.log(decay)))
    said = re.search(r"keeps ([\d.]+)%|keeps under 0\.1%", view.zoom_title)
    assert said, view.zoom_title
    if said.group(1):
        assert float(said.group(1)) == pytest.approx(100 * kept, abs=0.05)
    else:
        assert kept < 0.001
    assert f"the step EMA {100 * decay:.1f}%" in view.zoom_title
