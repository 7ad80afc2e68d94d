"""A session's state across a class (`ema_lab.ui.state`), through AppTest: page to page at a
non-default decay, notices that stay, and a plain AppTest session with no flag set.

A browser's sidebar link opens the next page without the last one's query string; the
navigation here does the same (AppTest's `switch_page` would keep it).
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from app_support import (
    MAIN_CHART,
    PAGES,
    ROOT,
    assert_clean,
    chart_specs,
    open_page,
    warnings,
    widget,
)
from ema_lab.ui import state

DECAY_PAGES = ["home", "smoothing", "bias_correction", "tf_dynamic_decay", "weights_lab"]
CHOSEN = 0.95  # no page's default


def navigate(at: AppTest, page: str) -> AppTest:
    """Click the sidebar's link to ``page``, as a browser does."""
    at.query_params.clear()
    at.switch_page(PAGES[page] or "pages/home.py")
    at.run()
    assert_clean(at)
    return at


def values(at: AppTest) -> dict[str, object]:
    """Every keyed widget's value, by key."""
    kinds = ("slider", "select_slider", "number_input", "selectbox", "radio", "toggle")
    return {w.key: w.value for kind in kinds for w in at.get(kind) if w.key}


def title(at: AppTest, chart: str) -> str:
    return json.loads(chart_specs(at)[chart])["layout"]["title"]["text"]


@pytest.mark.parametrize(
    ("origin", "target"), [(o, t) for o in DECAY_PAGES for t in PAGES if o != t]
)
def test_the_decay_carries_and_nothing_else_does(origin, target):
    at = open_page(origin)
    widget(at, "decay").set_value(CHOSEN)
    at.run()
    assert_clean(at)
    if "n" in values(at):  # a per-page control moved too: it must not follow
        widget(at, "n").set_value(2000)
        at.run()
    navigate(at, target)
    link = dict(at.query_params)
    if target == "choosing_decay":  # several decays: the carried one among them
        assert CHOSEN in widget(at, "decays").value
        assert link == {"decays": ["0.9", "0.95", "0.99"]}
    elif target == "batch_norm":  # in PyTorch's words (its default framework): 1 − β
        assert widget(at, "momentum").value == pytest.approx(0.05)
        assert link == {"momentum": "0.05"}
    elif target == "training_curves":  # TensorBoard's smoothing is the EMA's β
        assert widget(at, "smoothing").value == CHOSEN
        assert link == {"smoothing": "0.95"}
    else:
        assert widget(at, "decay").value == CHOSEN
        assert link == {"decay": "0.95"}  # the page's own controls at its own defaults
    if "β = " in title(at, MAIN_CHART[target]):
        assert f"β = {CHOSEN:g}" in title(at, MAIN_CHART[target])
    # The address the page shows, opened fresh, draws the same page.
    fresh = open_page(target, link)
    assert chart_specs(fresh) == chart_specs(at)
    assert values(fresh) == values(at)


@pytest.mark.parametrize("target", DECAY_PAGES)
def test_an_untouched_default_does_not_carry(target):
    at = open_page("choosing_decay" if target != "choosing_decay" else "home")
    navigate(at, target)
    assert dict(at.query_params) == {}
    assert chart_specs(at) == chart_specs(open_page(target))


def test_a_momentum_carries_as_its_decay():
    at = open_page("batch_norm", {"convention": "pytorch", "momentum": "0.05"})
    navigate(at, "bias_correction")
    assert widget(at, "decay").value == 0.95
    navigate(at, "batch_norm")
    widget(at, "convention").set_value("keras")
    at.run()
    # Another framework's words for the same EMA (the trap of the number kept is a table).
    assert widget(at, "momentum").value == pytest.approx(0.95)
    assert "decay β 0.95" in " ".join(c.value for c in at.caption)


def test_a_decay_set_by_half_life_carries_to_the_nearest_stop():
    at = open_page("smoothing")
    widget(at, "decay_by").set_value("half-life")
    at.run()
    widget(at, "half_life").set_value(10.0)
    at.run()
    assert dict(at.query_params) == {"decay_by": "half-life", "half_life": "10"}
    navigate(at, "bias_correction")
    assert widget(at, "decay").value == 0.935  # 0.5 ** (1/10) = 0.9330 lies nearest 0.935


def test_switching_the_unit_back_keeps_the_decay_and_cleans_the_link():
    at = open_page("smoothing", {"decay": "0.98"})
    widget(at, "decay_by").set_value("window")
    at.run()
    assert widget(at, "window").value == pytest.approx(50.0)
    assert dict(at.query_params) == {"decay_by": "window", "window": "50"}
    widget(at, "decay_by").set_value("decay")
    at.run()
    assert widget(at, "decay").value == 0.98
    assert dict(at.query_params) == {"decay": "0.98"}


@pytest.mark.parametrize("query", [{"decay": "2"}, {"decay": "abc"}, {"n": "-5"}, {"decay": "1"}])
def test_a_notice_stays_until_its_value_changes(query):
    at = open_page("smoothing", query)
    (key,) = query
    assert key in warnings(at)
    for _ in range(3):  # reruns of the page (the first-paint rerun, an unrelated change)
        at.run()
        assert key in warnings(at)
    widget(at, "seed").set_value(4)
    at.run()
    assert key in warnings(at)
    w = widget(at, key)
    w.set_value(w.options[-2] if key == "n" else 0.9)  # the reader changes the value
    at.run()
    assert_clean(at)
    assert warnings(at) == ""


def test_a_notice_does_not_follow_to_the_next_page():
    at = open_page("smoothing", {"decay": "2"})
    assert "decay" in warnings(at)
    navigate(at, "bias_correction")
    assert warnings(at) == ""


def test_a_plain_apptest_session_works_without_any_flag():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert_clean(at)
    assert state.PAINTED in at.session_state  # drawn whole at once: no browser to wait for
    at.select_slider(key="decay").set_value(0.95)
    at.run()
    assert_clean(at)
    for page in ("smoothing", "weights_lab", "home"):
        at.switch_page(PAGES[page] or "pages/home.py")
        at.run()
        assert_clean(at)
        at.select_slider(key="decay").set_value(0.9)
        at.run()
        assert_clean(at)


@pytest.mark.parametrize(
    "target", ["smoothing", "bias_correction", "weights_lab", "training_curves"]
)
def test_a_decay_a_link_names_carries_even_at_its_pages_default(target):
    # 0.9 is home's own default: a link that says so keeps saying so, and the next page
    # (a presenter's PageDown, a "next" link) starts at it.
    at = open_page("home", {"decay": "0.9"})
    assert dict(at.query_params) == {"decay": "0.9"}
    navigate(at, target)
    key = "smoothing" if target == "training_curves" else "decay"
    assert widget(at, key).value == 0.9
    assert widget(open_page(target, dict(at.query_params)), key).value == 0.9  # its link too


WORDED_OTHERWISE = {  # page: its control for the decay, and 0.95 in its words
    "choosing_decay": ("decays", lambda v: 0.95 in v),
    "batch_norm": ("momentum", lambda v: v == pytest.approx(0.05)),  # PyTorch's 1 − β
    "training_curves": ("smoothing", lambda v: v == 0.95),
}


@pytest.mark.parametrize("page", sorted(WORDED_OTHERWISE))
def test_a_links_decay_is_used_where_the_page_words_it_otherwise(page):
    key, holds = WORDED_OTHERWISE[page]
    at = open_page(page, {"decay": "0.95"})
    assert holds(widget(at, key).value)
    assert not warnings(at)
    link = dict(at.query_params)
    assert "decay" not in link  # in the page's own words now
    assert chart_specs(open_page(page, link)) == chart_specs(at)


@pytest.mark.parametrize("page", sorted(WORDED_OTHERWISE))
def test_an_unusable_decay_in_their_link_is_named(page):
    at = open_page(page, {"decay": "abc"})
    assert "**decay**" in warnings(at)
    assert chart_specs(at) == chart_specs(open_page(page))
