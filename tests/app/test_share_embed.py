"""Share links, the embedded layout and the self-contained HTML export."""

import json
import re
from urllib.parse import parse_qs, urlparse

import plotly.graph_objects as go
import pytest

from app_support import open_page
from ema_lab.model.site import BY_NAME, Layout
from ema_lab.ui import sharing, state


def codes(at):
    return [c.value for c in at.code]


def test_share_panel_carries_every_non_default_control():
    at = open_page("smoothing", {"decay": "0.95", "signal": "step", "n": "2000"}, unfold=True)
    link = next(c for c in codes(at) if c.startswith("http"))
    query = parse_qs(urlparse(link).query)
    assert query == {"decay": ["0.95"], "signal": ["step"], "n": ["2000"]}
    snippet = next(c for c in codes(at) if c.startswith("<iframe"))
    # Responsive: the column's width up to a maximum, at the page's own height.
    assert "width:100%;max-width:860px" in snippet
    assert f"height:{BY_NAME['smoothing'].embed_height}px" in snippet
    src = re.search(r'src="([^"]+)"', snippet).group(1).replace("&amp;", "&")
    assert parse_qs(urlparse(src).query)["embed"] == ["true"]


@pytest.mark.parametrize(
    "page", ["home", "bias_correction", "tf_dynamic_decay", "choosing_decay", "weights_lab"]
)
def test_every_page_has_a_share_panel(page):
    at = open_page(page, unfold=True)
    assert any(c.startswith("<iframe") for c in codes(at))


def test_chart_images_are_named_and_take_the_chosen_format():
    import json

    at = open_page("smoothing", {"image_format": "svg"})
    element = at.get_by_key("smoothing_chart")
    options = json.loads(element.proto.config)["toImageButtonOptions"]
    assert options["format"] == "svg"
    assert options["filename"] == "ema-lab_smoothing_chart"


def test_an_embed_draws_a_shorter_copy_of_a_shared_chart(monkeypatch):
    # Views and their figures are shared by every session (ema_lab.ui.cache): an embed that
    # shortened the chart in place would shorten it for the next student on the full page.
    chart = go.Figure(go.Scatter(y=[1, 2, 3], name="ema")).update_layout(height=480)
    drawn = sharing.embed_chart(chart, Layout.EMBED, height=300)
    assert (drawn.layout.height, drawn.layout.legend.font.size) == (300, 11)
    assert (chart.layout.height, chart.layout.legend.font.size) == (480, None)
    assert sharing.embed_chart(chart, Layout.FULL) is chart


@pytest.mark.parametrize(
    ("page", "query"),
    [("smoothing", {"signal": "upload_csv"}), ("training_curves", {})],
)
def test_an_embed_says_uploads_need_the_full_page_before_a_file_is_picked(page, query, monkeypatch):
    # Inside a blog on another site the upload's PUT has no XSRF cookie and fails with 403.
    # (AppTest has no iframe: the page is told it is embedded, as a browser's would be.)
    monkeypatch.setattr(state, "in_iframe", lambda: True)
    at = open_page(page, {**query, "embed": "true"})
    assert not at.get("file_uploader")
    notes = [i.value for i in at.info if "needs the full page" in i.value]
    assert notes, [i.value for i in at.info]
    assert "open it in EMA Lab" in notes[0]
    assert "embed=true" not in notes[0]
    monkeypatch.undo()
    full = open_page(page, query)
    assert full.get("file_uploader")


@pytest.mark.parametrize(("page", "header"), [("home", "**EMA Lab**"), ("smoothing", None)])
def test_an_embed_names_the_app_once(page, header, monkeypatch):
    # The home page's embed read "EMA Lab · EMA Lab".
    from ema_lab.model.site import BY_NAME

    monkeypatch.setattr(state, "in_iframe", lambda: True)
    at = open_page(page, {"embed": "true"})
    expected = header or f"**EMA Lab** · {BY_NAME[page].title}"
    assert at.caption[0].value == expected
    assert at.caption[0].value.count("EMA Lab") == 1


def test_the_offline_figure_links_back_to_the_view_it_was_made_from(monkeypatch):
    # The file is built on click, outside the page's run: the home figure's "Open in EMA
    # Lab" lost its view (and its host) when the link was looked up then.
    made = {}

    def capture(label, data, **kwargs):
        if kwargs.get("key") == "home_offline":
            made["build"] = data

    monkeypatch.setattr(sharing.st, "download_button", capture)
    open_page("home", {"decay": "0.95"}, unfold=True)
    views = []
    monkeypatch.setattr(sharing, "offline_html", lambda view: views.append(view) or "")
    made["build"]()  # later, as Streamlit does, with no page run around it
    assert "decay=0.95" in views[0].link


def test_an_embeds_key_is_its_charts_own_legend(monkeypatch):
    # The key was Markdown in Streamlit's named colours: orange lines keyed red, sky blue
    # keyed mid-blue. The chart's own legend draws each line's own colour and dash.
    monkeypatch.setattr(state, "in_iframe", lambda: True)
    at = open_page("smoothing", {"embed": "true"})
    spec = json.loads(at.get_by_key("smoothing_chart").proto.spec)
    assert spec["layout"].get("showlegend") is not False
    shown = [t for t in spec["data"] if t.get("showlegend") is not False and t.get("name")]
    assert {t["name"] for t in shown} >= {"signal", "EMA (biased)", "EMA (debiased)"}
    assert not any("━" in c.value for c in at.caption)  # no second, approximate key
