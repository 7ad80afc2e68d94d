"""Signal generators, the shipped data set and the CSV reader."""

import re

import numpy as np
import pytest

from ema_core import signals
from ema_core.csv_series import REASONS
from ema_lab.model.text import escape_markdown


@pytest.mark.parametrize("name", list(signals.SIGNALS))
def test_generators_are_deterministic_and_sized(name):
    a = signals.generate(name, 257, noise=0.2, seed=5)
    b = signals.generate(name, 257, noise=0.2, seed=5)
    c = signals.generate(name, 257, noise=0.2, seed=6)
    assert a.shape == (257,)
    assert a.dtype == np.float64
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.all(np.isfinite(a))


def test_noise_level_is_the_standard_deviation_added():
    clean = signals.generate("step", 200_000, noise=0.0)
    noisy = signals.generate("step", 200_000, noise=0.5, seed=1)
    assert (noisy - clean).std() == pytest.approx(0.5, rel=0.01)


def test_shapes_of_the_clean_signals():
    assert signals.step(100)[24] == 0
    assert signals.step(100)[25] == 1
    assert signals.impulse(100).sum() == 1
    assert signals.impulse(100)[10] == 1
    sq = signals.square_wave(400)
    assert set(np.unique(sq)) == {-1.0, 1.0}
    assert np.abs(signals.noisy_sine(1000, noise=0)).max() == pytest.approx(1, abs=1e-4)


def test_unknown_signal_and_bad_arguments():
    with pytest.raises(ValueError, match="signal must be one of noisy_sine"):
        signals.generate("sawtooth", 10, noise=0)
    with pytest.raises(ValueError, match="n must be a whole number >= 1"):
        signals.generate("step", 0, noise=0)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        signals.generate("step", 10, noise=-1)
    with pytest.raises(ValueError, match="noise must be finite"):
        signals.generate("step", 10, noise=float("inf"))


def test_seattle_weather_ships_and_is_read_whole():
    data = signals.seattle_weather()
    assert data.values.shape == (1461,)
    assert str(data.dates[-1]) == "2015-12-31"
    assert data.values.min() > -10  # °C
    assert data.values.max() < 40
    assert "NOAA" in data.source


GOOD = {
    "comma with header": (b"t,value\n1,1.5\n2,2.25\n3,3.5\n", "value", [1.5, 2.25, 3.5]),
    "semicolon decimal comma": (b"t;value\n1;1,5\n2;2,75\n", "value", [1.5, 2.75]),
    "no header": (b"1.5\n2.5\n-3e2\n", "column 1", [1.5, 2.5, -300.0]),
    "quoted numbers": (b'"a","b"\n"x","1.25"\n"y","2.5"\n', "b", [1.25, 2.5]),
    "tab separated": (b"a\tb\n1\t10\n2\t20\n", "b", [10.0, 20.0]),
    "utf-8 bom and crlf": (b"\xef\xbb\xbfv\r\n4\r\n5\r\n", "v", [4.0, 5.0]),
    "text and nan dropped": (b"v\n1\n2\nn/a\nNaN\n5\n6\n", "v", [1.0, 2.0, 5.0, 6.0]),
}


@pytest.mark.parametrize(("data", "column", "values"), GOOD.values(), ids=GOOD.keys())
def test_csv_files_read_correctly(data, column, values):
    out = signals.read_csv(data)
    assert out.column == column
    np.testing.assert_array_equal(out.values, values)


def test_csv_dropped_entries_are_counted_and_a_column_can_be_named():
    out = signals.read_csv(b"a,b\n1,x\n2,4\n3,5\n", column="a")
    np.testing.assert_array_equal(out.values, [1.0, 2.0, 3.0])
    assert signals.read_csv(b"v\n1\n\n2\nfoo\n3\n").dropped == 1


BAD = {
    "empty": (b"", "empty"),
    "whitespace": (b"  \n\n", "empty"),
    "binary": (bytes(range(256)) * 4, "binary"),
    "not utf-8": (b"v\n\xff\xfe1\n", "UTF-8"),
    "header only": (b"a,b,c\n", "no data rows"),
    "no numbers": (b"name,city\nann,paris\nbob,rome\n", "No column of the file holds numbers"),
    "mostly text": (b"v\n1\nx\ny\nz\n", "mostly not numbers"),
}


@pytest.mark.parametrize(("data", "message"), BAD.values(), ids=BAD.keys())
def test_bad_csv_files_get_a_clear_message(data, message):
    with pytest.raises(ValueError, match=message):
        signals.read_csv(data)


MORE_BAD = {
    **BAD,
    "backwards": (b"d,v\n2024-01-03,1\n2024-01-01,2\n", "run backwards"),
    "time text": (b"d,v\nsoon,1\nlater,2\nnever,3\n", "could not be read as dates"),
    # TensorBoard's export with its Value column unreadable: its wall-clock time was drawn as
    # the loss (issue #39, item 11).
    "no values": (
        b"Wall time,Step,Value\n1.5e9,1,x\n1.6e9,2,y\n1.7e9,3,z\n",
        r"No column of values: the file's numeric columns \(Wall time, Step\)",
    ),
}


@pytest.mark.parametrize(("data", "message"), MORE_BAD.values(), ids=MORE_BAD.keys())
def test_a_bad_file_states_a_fact_and_names_its_kind_the_app_words_the_advice(data, message):
    from ema_lab.ui.uploads import ADVICE, worded

    with pytest.raises(signals.CsvError, match=message) as caught:
        signals.read_csv(data, time_column="d" if data.startswith(b"d,") else None)
    problem = caught.value
    assert isinstance(problem, ValueError)
    assert problem.reason in REASONS
    assert not re.search(r"\b(save|sort|use a format)\b", str(problem), re.I)  # facts only
    if problem.reason in ADVICE:
        assert worded(problem).endswith(escape_markdown(ADVICE[problem.reason]))


@pytest.mark.parametrize(
    ("data", "column"),
    [
        # TensorBoard's export with a repeated step: "Step" no longer only grows.
        (b"Wall time,Step,Value\n1.0,1,0.9\n2.0,1,0.8\n3.0,2,0.7\n4.0,3,0.6\n", "Value"),
        # A step column out of order beside the loss: the loss, not the step.
        (b"step,loss\n3,0.9\n1,0.8\n2,0.85\n5,0.7\n4,0.75\n", "loss"),
        # pandas' saved index, then a measurement that only grows (a cumulative count).
        (b"Unnamed: 0,total\n0,1\n5,2\n2,4\n", "total"),
        # A file of one column is that column, whatever its name.
        (b"time\n1.5\n0.7\n2.1\n", "time"),
    ],
    ids=["tensorboard-repeated-step", "unsorted-step", "saved-index", "one-column"],
)
def test_the_column_a_file_is_about_is_picked_by_its_name_first(data, column):
    series = signals.read_csv(data)
    assert series.column == column
    names = data.split(b"\n")[0].decode().split(",")
    rows = [line.split(b",") for line in data.split(b"\n")[1:] if line]
    expected = [float(r[names.index(column)]) for r in rows]
    np.testing.assert_array_equal(series.values, expected)


def test_csv_row_limit_and_unknown_column():
    with pytest.raises(ValueError, match="more than 3 rows"):
        signals.read_csv(b"v\n1\n2\n3\n4\n", max_rows=3)
    with pytest.raises(ValueError, match="column 'w' is not in the file"):
        signals.read_csv(b"v\n1\n2\n", column="w")


def test_reading_a_big_csv_holds_no_decoded_copy_of_it():
    """A 200 MB upload used to peak near 1.9 GB in the parse: a decoded str of the file and
    a StringIO of that, 8.4 times this file in all. The parse reads the bytes themselves
    (pandas' C reader): what remains is arrays, each column 8 bytes a row (0.4 times this
    file of 19 bytes a row), about 4.6 times the file here, and 3.3 times a 183 MB one's
    resident memory (benchmarks/bench_memory.py)."""
    import tracemalloc

    rng = np.random.default_rng(0)
    rows = 400_000
    data = ("step,loss\n" + "".join(
        f"{i},{v:.9f}\n" for i, v in enumerate(rng.normal(size=rows))
    )).encode()  # fmt: skip
    tracemalloc.start()
    try:
        series = signals.read_csv(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(series.values) == rows
    assert peak < 6 * len(data), f"peak {peak / len(data):.1f}x the file"
