"""A session's first run stops at the main chart (`ema_lab.ui.first_paint`), through AppTest.

The browser half (the watcher, the chart kept in place, the widgets' values once the
page is whole) is in test_browser.py; embedded pages, drawn whole at once (AppTest cannot
open a page embedded), in test_blog_embeds.py.
"""

from __future__ import annotations

import importlib
import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

from app_support import MAIN_CHART, PAGES, assert_clean, chart_specs, open_page, widget
from ema_lab.ui import first_paint


def _widgets(elements) -> list[str]:
    """The kinds of the widgets among ``elements``: every kind AppTest knows, uploaders,
    buttons and data editors too, not a list that a new kind could slip past."""
    return [e.type for e in elements if isinstance(e, Widget)]


def _all(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _all(child)


def _outside_popovers(node):
    for child in getattr(node, "children", {}).values():
        if getattr(child, "type", None) == "popover":
            continue
        yield child
        yield from _outside_popovers(child)


def test_every_page_has_its_main_chart_listed():
    assert set(MAIN_CHART) == set(PAGES)


@pytest.mark.parametrize("page", list(PAGES))
def test_first_run_draws_the_main_chart_of_the_whole_page_and_no_widget(page):
    first = open_page(page, first_run=True)
    assert list(chart_specs(first)) == [MAIN_CHART[page]]  # nothing after it
    whole = open_page(page)
    assert chart_specs(first)[MAIN_CHART[page]] == chart_specs(whole)[MAIN_CHART[page]]
    shown = _widgets(_outside_popovers(first.main))
    assert not shown, f"{page}: widgets in the page on the first run: {shown}"
    # They are all in the closed pop-over in the sidebar, which cannot be opened.
    box = first.sidebar.get("popover")[0]
    assert box.proto.popover.disabled
    assert _widgets(_all(box))
    assert first_paint.PAINTED not in first.session_state  # the watcher has not reported


@pytest.mark.parametrize(
    ("page", "query"),
    [(p, {"signal": "upload_csv"}) for p in ("smoothing", "bias_correction", "tf_dynamic_decay")]
    + [("training_curves", {})],
)
def test_first_run_holds_the_file_uploader_too(page, query):
    # Not a Control, but before the main chart: held in the pop-over like one.
    first = open_page(page, query, first_run=True)
    assert list(chart_specs(first)) == [MAIN_CHART[page]]
    shown = _widgets(_outside_popovers(first.main))
    assert not shown, f"{page}: {shown}"
    whole = open_page(page, query)
    assert whole.get("file_uploader"), "drawn once the chart is painted"


def test_first_run_leaves_no_widget_value_behind():
    # The browser never held those widgets: each must be drawn anew from the link.
    at = open_page("smoothing", {"decay": "0.95", "n": "500"}, first_run=True)
    for key in ("decay", "n", "noise", "seed", "views", "image_format"):
        assert key not in at.session_state, key


@pytest.mark.parametrize(
    ("page", "query", "title"),
    [
        ("smoothing", {"decay": "0.95", "n": "500", "noise": "0.1"}, "β = 0.95"),
        ("weights_lab", {"decay": "0.95", "steps": "500"}, "Weight paths"),
    ],
)
def test_link_values_reach_the_first_chart_and_the_whole_page(page, query, title):
    # AppTest keeps the pop-over's widgets in its tree (a browser never mounts them), so
    # the whole page is a session of its own here, opened as the watcher leaves it.
    first = open_page(page, query, first_run=True)
    whole = open_page(page, query)
    chart = MAIN_CHART[page]
    assert chart_specs(first)[chart] == chart_specs(whole)[chart]
    assert title in json.loads(chart_specs(first)[chart])["layout"]["title"]["text"]
    for key, value in query.items():
        assert widget(whole, key).value == pytest.approx(float(value)), key


def _page_without_chart():
    import streamlit as st

    from ema_lab.model import params
    from ema_lab.ui import first_paint, widgets

    first_paint.begin()
    with first_paint.stage():
        value = widgets.draw(params.Control("level", "level", "slider", 3, low=0, high=9))
        st.write(f"level {value}, no chart")


def test_a_page_without_a_main_chart_is_drawn_whole_at_once():
    at = AppTest.from_function(_page_without_chart)
    at.query_params["level"] = "7"
    at.run()
    assert_clean(at)
    assert at.session_state[first_paint.PAINTED] is True
    assert at.slider[0].value == 7  # drawn in the page, not in the pop-over
    assert not at.sidebar.get("popover")
    assert "level 7, no chart" in at.markdown[0].value


def _page_failing_before_its_chart():
    import streamlit as st

    from ema_lab.ui import first_paint

    first_paint.begin()
    with first_paint.stage():
        if not st.session_state.get(first_paint.PAINTED):
            raise RuntimeError("only on a first run")
        st.write("the whole page")


def test_a_page_failing_on_its_first_run_is_drawn_whole_at_once():
    at = AppTest.from_function(_page_failing_before_its_chart)
    at.run()
    assert_clean(at)
    assert at.session_state[first_paint.PAINTED] is True
    assert "the whole page" in at.markdown[0].value


BELOW_THE_MAIN_CHART = {  # page: the figure builders of the charts drawn below its main chart
    "bias_correction": ["bias_factor_figure"],
    "choosing_decay": ["impulse_figure", "step_figure", "frequency_figure", "tradeoff_figure"],
    "weights_lab": ["weights_loss_figure", "decay_in_effect_figure"],
}


def _count_builds(page, monkeypatch) -> list[str]:
    """The names of the page's below-the-chart figure builders, each time one is called;
    with no view shared yet (views and their figures are shared by sessions)."""
    st.cache_resource.clear()
    built = []
    for name in BELOW_THE_MAIN_CHART[page]:
        figures = importlib.import_module(f"ema_lab.lessons.{page}.figures")
        builder = getattr(figures, name)
        monkeypatch.setattr(
            figures, name, lambda *a, _b=builder, _n=name, **k: built.append(_n) or _b(*a, **k)
        )
    return built


@pytest.mark.parametrize("page", sorted(BELOW_THE_MAIN_CHART))
def test_first_run_builds_no_figure_it_does_not_draw(page, monkeypatch):
    # Building them cost the first chart 30-80 ms of server time (Plotly's figure objects).
    built = _count_builds(page, monkeypatch)
    open_page(page, first_run=True)
    assert built == []
    open_page(page)
    assert sorted(built) == sorted(BELOW_THE_MAIN_CHART[page])


@pytest.mark.parametrize("page", sorted(BELOW_THE_MAIN_CHART))
def test_a_class_on_one_link_builds_each_chart_once(page, monkeypatch):
    # 30 students opening the slide's link: the first builds the charts, the others draw
    # them (phase 2 of the first load was 0.1-0.2 s of figure building on these pages).
    built = _count_builds(page, monkeypatch)
    for _ in range(3):
        open_page(page)
    assert sorted(built) == sorted(BELOW_THE_MAIN_CHART[page])
