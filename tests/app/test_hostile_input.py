"""Hostile links, files and settings: nothing breaks, nothing is lost."""

import csv
import importlib
import io
import json
import pkgutil
import re
import tomllib
from urllib.parse import parse_qsl

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ema_core as ec
import ema_lab
from app_support import PAGES, ROOT, chart_specs, charts, open_page, trace, warnings, widget
from ema_lab.model import site
from ema_lab.model.params import CHOICES, Control
from ema_lab.ui import link_names
from ema_lab.ui.controls import decay_controls

KEYS = [
    "signal", "n", "noise", "seed", "decay", "decay_by", "half_life", "window", "span", "initial",
    "views", "window_end", "scrubber", "decays", "calc_by", "calc_value", "lr", "batch", "steps",
    "strategies", "power", "every", "overwrite", "table_decay", "image_format", "embed_options",
]  # fmt: skip

nasty_values = st.one_of(
    st.sampled_from(
        ["nan", "NaN", "inf", "-inf", "", " ", "1e400", "-1e400", "0x10", "1_000", "None"]
    ),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(min_size=0, max_size=300),
    st.text(alphabet="<>&\"'`*_[]()!#$\\|=+-@", max_size=40),
    st.just("x" * 5000),
)
query_strings = st.dictionaries(
    st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=20)),
    st.one_of(nasty_values, st.lists(nasty_values, min_size=2, max_size=3)),  # repeated keys
    max_size=6,
)


@pytest.mark.parametrize("page", list(PAGES))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=query_strings)
def test_any_query_string_renders_the_page(page, query):
    at = open_page(page, query)  # fails on any exception
    assert charts(at), "the page lost its charts"
    text = warnings(at)
    assert "Traceback" not in text
    assert "<script" not in text.lower()


def declared_controls() -> dict[str, Control]:
    """Every URL-bound control the app declares, found in its modules (a new control is
    fuzzed without being listed here), with the decay input's own."""
    found = {}
    for module in pkgutil.walk_packages(ema_lab.__path__, "ema_lab."):
        if module.name.startswith("ema_lab.server"):  # the server kit declares no control
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, Control):
                found[value.key] = value
    decay = decay_controls()
    for control in (decay.decay, decay.by, *decay.amounts.values()):
        found[control.key] = control
    return found


CONTROLS = declared_controls()


def edges(control: Control) -> list[str]:
    """A control's values at its bounds and just beyond them, as a link writes them."""
    if control.widget in ("select_slider", "selectbox", "radio", "pills", "multiselect"):
        texts = [control.text(o) for o in control.options]
        return [texts[0], texts[-1], texts[-1] + "0", "", texts[0].upper()]
    if control.widget == "toggle":
        return ["true", "false", "TRUE", "1"]
    low, high = control.bounds()
    if low is None or high is None:  # bounds given by the page when it draws the control
        return ["0", "-1", "1e12", "0.5"]
    out = [f"{low:.17g}", f"{high:.17g}", f"{high * 1.000001 + 1e-9:.17g}", f"{low - 1:.17g}"]
    if control.whole:
        out.append(f"{(low + high) / 2 + 0.5:.17g}")
    return out


edge_pairs = st.sampled_from(sorted(CONTROLS)).flatmap(
    lambda key: st.tuples(st.just(key), st.sampled_from(edges(CONTROLS[key])))
)
at_the_edges = st.lists(edge_pairs, min_size=1, max_size=5).map(dict)


def test_every_declared_control_is_found():
    assert {"decay", "n", "time_half_life", "time_unit", "momentum", "answer", "step"} <= set(
        CONTROLS
    )
    assert len(CONTROLS) >= 40


@pytest.mark.parametrize("page", list(PAGES))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=at_the_edges)
def test_every_control_at_and_beyond_its_bounds(page, query):
    at = open_page(page, query)  # fails on any exception
    assert charts(at), "the page lost its charts"
    for key, value in query.items():
        control = CONTROLS[key]
        declared = None not in control.bounds() or control.widget in (*CHOICES, "toggle")
        if control.widget in ("pills", "multiselect") or not declared:
            continue
        if not state_shown(at, key):
            continue
        # A value the widget cannot take is named in a notice, never silently shown.
        if not control.accepts(value):
            assert f"**{key}**" in warnings(at), (key, value)


def state_shown(at, key: str) -> bool:
    """Whether the page drew the control ``key`` (a page draws only its own)."""
    try:
        at.get_by_key(key)
    except KeyError:
        return False
    return True


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    half_life=st.one_of(
        st.sampled_from(["1e-300", "1e9", "1000000000", "0", "-1", "1e308", "5e-324"]),
        st.floats(min_value=1e-12, max_value=1e9).map(repr),
    ),
    unit=st.sampled_from(["seconds", "minutes", "hours", "days", "weeks", "years", "eons"]),
    decay_by=st.sampled_from(["decay", "half-life", "window", "span", "lag"]),
    amount=st.sampled_from(["1", "100000", "1e9", "0.5"]),
)
def test_time_aware_controls_at_and_beyond_their_bounds(half_life, unit, decay_by, amount):
    """Mauna Loa's gaps with any time half-life and unit: a number, or a named value."""
    query = {
        "signal": "mauna_loa_co2",
        "time_half_life": half_life,
        "time_unit": unit,
        "decay_by": decay_by,
        decay_by.replace("-", "_"): amount,
    }
    at = open_page("smoothing", query)
    _, y = trace(at, "smoothing_chart", "EMA (time-aware)")
    assert np.isfinite(y).all()
    title = json.loads(at.get_by_key("smoothing_chart").proto.spec)["layout"]["title"]["text"]
    assert "nan" not in title.lower()


def test_out_of_range_values_fall_back_with_a_notice():
    at = open_page("smoothing", {"n": "-5", "decay": "inf", "noise": "1e400", "seed": "nan"})
    text = warnings(at)
    for key in ("n", "decay", "noise", "seed"):
        assert f"**{key}**" in text
    x = ec.signals.generate("noisy_sine", 1000, noise=0.3, seed=0)
    steps, y = trace(at, "smoothing_chart", "EMA (biased)")
    np.testing.assert_allclose(y, ec.ema_series(x, 0.99)[steps - 1])


@pytest.mark.parametrize(
    ("key", "value", "nearest"),
    [
        ("decay", "2", "0.9999"),
        ("decay", "-0.5", "0"),
        ("n", "-5", "100"),
        ("n", "123456789", "10000000"),
        ("noise", "5", "2"),
        ("seed", "-3", "0"),
        ("seed", "1e12", "2147483647"),
    ],
)
def test_an_out_of_range_number_is_told_its_nearest_accepted_value(key, value, nearest):
    text = warnings(open_page("smoothing", {key: value}))
    assert f"the nearest accepted value is {nearest})" in text
    assert "e+" not in text  # the range in plain numbers: 2,147,483,647


def test_text_where_a_number_belongs_gets_the_range_only():
    text = warnings(open_page("smoothing", {"decay": "abc", "noise": "nan"}))
    assert "**decay**" in text
    assert "**noise**" in text
    assert "nearest" not in text


def test_repeated_keys():
    x = ec.signals.generate("noisy_sine", 1000, noise=0.3, seed=0)
    # a slider refuses a key given twice (it would be a range): default, with a notice
    at = open_page("smoothing", {"decay": ["0.5", "0.95"]})
    assert "**decay**" in warnings(at)
    steps, y = trace(at, "smoothing_chart", "EMA (biased)")
    np.testing.assert_allclose(y, ec.ema_series(x, 0.99)[steps - 1])
    # other inputs take the last value, silently
    at = open_page("smoothing", {"initial": ["5", "0.5"]})
    assert not warnings(at)
    steps, y = trace(at, "smoothing_chart", "EMA (biased)")
    np.testing.assert_allclose(y, ec.ema_series(x, 0.99, initial=0.5)[steps - 1])


def test_more_decays_than_the_comparison_holds_keep_the_first_four():
    # Five decays in a link stopped /choosing_decay (Streamlit refuses more selections than
    # its max_selections): the first four are compared, and the notice says so.
    at = open_page("choosing_decay", {"decays": ["0.9", "0.95", "0.99", "0.999", "0.9999"]})
    assert widget(at, "decays").value == [0.9, 0.95, 0.99, 0.999]
    assert "the first 4 are used" in warnings(at)
    drawn = [t["name"] for t in charts(at)["compare_chart"] if t["name"].startswith("β")]
    assert drawn == [f"β = {d}" for d in ("0.9", "0.95", "0.99", "0.999")]


def test_names_no_control_has_leave_the_link_and_are_named():
    # A 100 kB ``foo=`` stayed in the link the page offered to share, and a hall's nginx
    # refuses an address over 8 kB (414). Tracking names go without a word.
    at = open_page(
        "smoothing", {"utm_source": "newsletter", "zzz": "1", "foo": "x" * 100_000, "decay": "0.9"}
    )
    assert dict(at.query_params) == {"decay": "0.9"}
    said = warnings(at)
    assert "“zzz”, “foo” are no setting of EMA Lab (left out of the link)" in said
    assert "utm_source" not in said
    assert at.get_by_key("decay").value == 0.9  # the rest of the link is used


def test_every_name_a_page_writes_into_its_link_is_one_it_reads():
    # The other side: no value a page puts into its link is taken out as unknown.
    for page in site.PAGES:
        at = open_page(page.name or "home", dict(parse_qsl(page.sample_query)))
        assert set(at.query_params) <= link_names.link_keys(), page.name
        assert "no setting" not in warnings(at), page.name


# -- CSV uploads ---------------------------------------------------------------------

GOOD_CSV = b"step,loss\n1,2.0\n2,1.5\n3,1.25\n"


def upload(at, name: str, content: bytes):
    at.get_by_key("csv_file").upload(name, content, "text/csv")
    at.run()
    return at


UPLOADS = {
    "empty": (b"", "empty"),
    "binary garbage": (bytes(range(256)) * 64, "binary"),
    "only a header": (b"a,b\n", "no data rows"),
    "text only": (b"name\nann\nbob\n", "No column of the file holds numbers"),
    "mostly text": (b"v\n1\nx\ny\nz\n", "mostly not numbers"),
    "not utf-8": (b"v\n\xff\xfe\xfa1\n", "UTF-8"),
    # One value drew an empty chart under a title about "the last 100 steps" (#26).
    "one row": (b"v\n4.5\n", "holds 1 usable value"),
}


@pytest.mark.parametrize(("content", "message"), UPLOADS.values(), ids=UPLOADS.keys())
def test_bad_upload_gets_a_message_and_keeps_the_previous_signal(content, message):
    at = upload(open_page("smoothing", {"signal": "upload_csv"}), "good.csv", GOOD_CSV)
    upload(at, "bad.csv", content)
    shown = [e.value.replace("\\", "") for e in at.error]  # Markdown escapes undone
    assert any(message in text for text in shown), shown
    _, y = trace(at, "smoothing_chart", "signal")
    np.testing.assert_array_equal(y, [2.0, 1.5, 1.25])


READABLE = {
    "semicolons and decimal commas": (b"t;v\n1;1,5\n2;2,75\n", [1.5, 2.75]),
    "quoted numbers": (b'"t","v"\n"1","0.5"\n"2","0.25"\n', [0.5, 0.25]),
    "text and NaN inside": (b"v\n1\nNaN\n2\nabc\n3\n4\n", [1.0, 2.0, 3.0, 4.0]),
    "formula header": (b"=cmd|' /C calc'!A0\n1.5\n2.5\n", [1.5, 2.5]),
}


@pytest.mark.parametrize(("content", "values"), READABLE.values(), ids=READABLE.keys())
def test_odd_but_readable_uploads(content, values):
    at = upload(open_page("smoothing", {"signal": "upload_csv"}), "odd.csv", content)
    assert not at.error
    _, y = trace(at, "smoothing_chart", "signal")
    np.testing.assert_array_equal(y, values)
    # the file's own header is shown as plain text: escaped, never markup
    for caption in at.caption:
        assert "<" not in caption.value


def test_ten_million_rows_are_read_and_one_more_is_refused():
    rows = ec.signals.MAX_ROWS
    data = b"v\n" + b"1\n" * rows
    assert len(ec.signals.read_csv(data).values) == rows
    with pytest.raises(ValueError, match="more than 10,000,000 rows"):
        ec.signals.read_csv(data + b"1\n")


def test_csv_written_back_has_no_formula_cells():
    from ema_lab.ui import sharing

    captured = {}

    def fake_button(label, data, **kwargs):
        captured["data"] = data

    sharing.st.download_button, original = fake_button, sharing.st.download_button
    try:
        x = np.array([-1.0, 2.0, -3.5])
        sharing.csv_download(lambda: {"signal": x, "ema": ec.ema_series(x, 0.5)}, "x.csv", key="k")
    finally:
        sharing.st.download_button = original
    text = captured["data"]().decode()
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["t", "signal", "ema"]
    for row in table[1:]:
        for cell in row:
            float(cell)  # every data cell is a number, so no cell is a formula
            assert not cell.startswith(("=", "+", "@"))


# -- configuration -----------------------------------------------------------------------


def config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_upload_limit_matches_the_readers_row_limit():
    limit_bytes = config()["server"]["maxUploadSize"] * 2**20
    # a row of a typical series ("123.456789\\n") is about 10 to 20 bytes
    assert 10 * ec.signals.MAX_ROWS <= limit_bytes <= 25 * ec.signals.MAX_ROWS


def test_xsrf_protection_stays_on_and_nothing_is_sent_out():
    cfg = config()
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["client"]["showErrorDetails"] == "none"


def test_no_raw_html_anywhere():
    sources = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ema_lab/*.py")]
    for path in sources:
        text = path.read_text()
        assert "unsafe_allow_html" not in text, path
        assert "st.html(" not in text, path
        assert "components.html" not in text, path


def test_chart_json_escapes_user_text():
    at = upload(
        open_page("smoothing", {"signal": "upload_csv"}),
        "<img src=x onerror=alert(1)>.csv",
        GOOD_CSV,
    )
    spec = json.loads(at.get_by_key("smoothing_chart").proto.spec)
    title = spec["layout"]["title"]["text"]
    assert "<img" not in title  # plotly titles accept a few tags: user text is escaped
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in title


def test_axis_titles_escape_a_hostile_column_name():
    # A time column's header reached the x-axis titles as live markup (a clickable link).
    header = b'<a href="https://example.org/">CLICK</a>'
    data = header + b",v\n2024-01-01,1\n2024-01-02,2\n2024-01-09,3\n2024-01-10,4\n2024-01-11,5\n"
    at = upload(open_page("smoothing", {"signal": "upload_csv"}), "t.csv", data)
    assert not at.exception
    specs = {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    axes = [
        axis.get("title", {}).get("text", "")
        for spec in specs.values()
        for name, axis in spec["layout"].items()
        if name.startswith(("xaxis", "yaxis"))
    ]
    assert any("CLICK" in a for a in axes), axes
    for text in axes:
        assert "<a" not in text
        assert "style=" not in text or "&quot;" in text
    assert any("&lt;a href=&quot;https://example.org/&quot;&gt;CLICK&lt;/a&gt;" in a for a in axes)


@pytest.mark.parametrize(
    ("page", "key", "text"),
    [("smoothing", "seed", "1_0"), ("smoothing", "initial", "1_0"), ("smoothing", "noise", "０.９"),
     ("smoothing", "initial", "1e-400")],
)  # fmt: skip
def test_a_number_not_written_plainly_is_named_not_read(page, key, text):
    # Python's float reads 1_0 as 10, ０.９ as 0.9 and 1e-400 as 0: a link does not.
    at = open_page(page, {key: text})
    assert f"**{key}**" in warnings(at)
    assert widget(at, key).value == CONTROLS[key].default


@pytest.mark.parametrize(("page", "query"), [("smoothing", {"initial": "-0"}),
                                             ("batch_norm", {"momentum": "-0"})])  # fmt: skip
def test_minus_zero_is_zero_everywhere_on_the_page(page, query):
    at = open_page(page, query)
    assert not warnings(at)
    words = [spec for spec in chart_specs(at).values()]  # the data arrays left out below
    words = [re.sub(r'"(bdata|x|y|z)": (\[[^\]]*\]|"[^"]*")', "", w) for w in words]
    shown = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + words)
    assert not re.search(r"[-−]0(?![.\d])", shown), re.findall(r".{30}[-−]0(?![.\d]).{10}", shown)
    assert dict(at.query_params).get(next(iter(query))) in (None, ["0"], "0")
