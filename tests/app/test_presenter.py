"""The presenter view (``?present=true``) and signals long enough for their decay, in
AppTest: the slide's header and links, the compact layout, the chart's big type, and the
offer to lengthen a signal shorter than a few windows."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import numpy as np
import pytest

import ema_core as ec
from app_support import MAIN_CHART, charts, open_page, widget
from ema_lab.model.questions import QUESTIONS
from ema_lab.model.site import PAGES
from ema_lab.plot import figures
from ema_lab.ui import sharing

NAMES = [p.name or "home" for p in PAGES]
# A clicker's slides: each page's question (predict), its answer (check), then the lesson.
SLIDES = [
    (name, kind)
    for name, p in zip(NAMES, PAGES, strict=True)
    for kind in ((["question", "answer"] if p.name in QUESTIONS else []) + [""])
]


def slide_link(slide: tuple[str, str]) -> tuple[str, dict]:
    name, kind = slide
    return name, {"present": "true", **({"slide": kind} if kind else {})}


def present_links(at) -> dict[str, tuple[str, dict]]:
    """The header's links: previous / next / leave → (page, query parameters)."""
    links = {}
    for e in at.get("page_link"):
        label = e.proto.label
        which = {"← previous": "previous", "next →": "next", "✕": "leave"}.get(label)
        if which:
            links[which] = (e.proto.page or "home", dict(parse_qsl(e.proto.query_string)))
    return links


def chart_layout(at, key: str) -> dict:
    return next(json.loads(e.proto.spec)["layout"] for e in at.get("plotly_chart") if e.key == key)


@pytest.mark.parametrize("page", NAMES)
def test_presenting_shows_the_slide_and_its_way_on(page):
    at = open_page(page, {"present": "true", "decay": "0.95"})
    site_page = PAGES[NAMES.index(page)]
    # The title, the sentence and the page's formula; no question, no share panel, no prose.
    assert any(site_page.title in m.value for m in at.markdown)
    assert any(site_page.lead.replace("*", "\\*") in m.value for m in at.markdown)
    assert any(site_page.formula in e.value for e in at.latex)
    assert not at.expander or all("Predict" not in e.label for e in at.expander)
    assert not any("A link to exactly this view" in m.value for m in at.markdown)
    # Only the main chart: the compact layout stops under it.
    assert list(charts(at)) == [MAIN_CHART[page]]
    layout = chart_layout(at, MAIN_CHART[page])
    assert layout["height"] == sharing.PRESENTER_CHART["height"]
    assert layout["font"]["size"] == sharing.PRESENTER_CHART["font_size"]
    # Its title in as few lines as a 1024 px projector holds (a line of 120 ran past it).
    title = layout["title"]["text"].split("<br>")
    assert all(len(line) <= sharing.PRESENTER_TITLE_CHARS for line in title), title
    assert len(title) == len(figures.title_lines(" ".join(title), sharing.PRESENTER_TITLE_CHARS))
    # Previous / next in teaching order, each keeping the presenter view; a way out that
    # keeps the view's link but the flag.
    links = present_links(at)
    i = SLIDES.index((page, ""))
    if i > 0:
        assert links["previous"] == slide_link(SLIDES[i - 1])
    if i + 1 < len(SLIDES):
        assert links["next"] == slide_link(SLIDES[i + 1])
    assert ("previous" in links) == (i > 0)
    assert ("next" in links) == (i + 1 < len(SLIDES))
    leave_page, leave_query = links["leave"]
    assert leave_page == page
    assert "present" not in leave_query
    assert at.query_params.get("present") == ["true"] or at.query_params.get("present") == "true"


@pytest.mark.parametrize(
    "page", [n for n, p in zip(NAMES, PAGES, strict=True) if p.name in QUESTIONS]
)
def test_a_question_slide_then_its_answer(page):
    # Predict, then check, in front of a class: the question alone in big type, then its
    # worked answer, then the lesson's own slide (issue #39, item 16).
    question = QUESTIONS[PAGES[NAMES.index(page)].name]
    for kind in ("question", "answer"):
        at = open_page(page, {"present": "true", "slide": kind, "decay": "0.95"})
        said = " ".join(m.value for m in at.markdown)
        assert question.prompt.split(":")[0] in said
        assert not charts(at)  # the lesson waits for its own slide
        answered = [e.value for e in at.success]
        assert answered == ([question.worked_answer()] if kind == "answer" else [])
        assert not at.latex if kind == "question" else at.latex  # a formula may answer it
        i = SLIDES.index((page, kind))
        assert present_links(at)["next"] == slide_link(SLIDES[i + 1])
        if i:
            assert present_links(at)["previous"] == slide_link(SLIDES[i - 1])
        assert "slide" not in present_links(at)["leave"][1]


def test_presenting_carries_the_decay_to_the_next_slide():
    at = open_page("smoothing", {"present": "true", "decay": "0.95"})
    at.switch_page("pages/bias_correction.py")
    at.query_params["present"] = "true"
    at.run()
    assert not at.exception
    assert widget(at, "decay").value == 0.95
    assert "β = 0.95" in chart_layout(at, "bias_chart")["title"]["text"]


def test_the_full_page_offers_the_presenter_view_and_this_exact_view():
    at = open_page("smoothing", {"decay": "0.95", "n": "2000"}, unfold=True)
    widget(at, "decay").set_value(0.955).run()  # the link moves on; so must the way in
    links = {e.proto.label: dict(parse_qsl(e.proto.query_string)) for e in at.get("page_link")}
    # The sidebar's: the lesson, at the decay the session carries.
    assert links["Presenter view"] == {"present": "true"}
    # The share panel's: every control of the link as it is now.
    exact = links["Present exactly this view"]
    assert exact == {"present": "true", "decay": "0.955", "n": "2000"}


# -- enough data for the decay --------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "query", "decay", "n", "length"),
    [
        ("smoothing", {"decay": "0.999"}, 0.999, 1000, 5000),
        ("smoothing", {"decay": "0.9999"}, 0.9999, 1000, 50_000),
        ("bias_correction", {"decay": "0.999"}, 0.999, 200, 5000),
        ("tf_dynamic_decay", {"decay": "0.9999"}, 0.9999, 2000, 50_000),
        ("choosing_decay", {"decays": ["0.9", "0.999"]}, 0.999, 1000, 5000),
    ],
)
def test_a_short_signal_says_so_and_offers_five_windows(page, query, decay, n, length):
    """The offer; its click is the browser's (AppTest reruns a page file through the router
    at the start of each run, which drops a button's click)."""
    at = open_page(page, query)
    window = 1 / (1 - decay)
    assert window * 3 > n  # fewer than three windows: the offer is due
    infos = " ".join(i.value for i in at.info)
    assert f"The data ({n:,} steps) holds fewer than three windows" in infos
    assert f"{round(window):,} steps" in infos
    assert widget(at, "lengthen").label == f"Lengthen the signal to {length:,} steps"
    assert length >= 5 * window - 1e-6
    # The length it offers, given by its link, draws five windows and offers no more.
    at = open_page(page, {**query, "n": str(length)})
    assert not [w for w in at.get("button") if w.key == "lengthen"]
    assert not any("fewer than three windows" in i.value for i in at.info)
    if page in ("smoothing", "bias_correction", "choosing_decay"):  # the signal's own chart
        raw = charts(at)[MAIN_CHART[page]][0]
        assert np.max(raw["x"]) == pytest.approx(length, abs=length * 0.002)


def test_a_long_enough_signal_and_a_data_set_get_no_button():
    at = open_page("smoothing", {"decay": "0.99"})
    assert not [w for w in at.get("button") if w.key == "lengthen"]
    assert not any("fewer than three windows" in i.value for i in at.info)
    at = open_page("smoothing", {"decay": "0.999", "signal": "seattle_temperature"})
    assert not [w for w in at.get("button") if w.key == "lengthen"]
    n = len(ec.signals.seattle_weather().values)
    assert n < 3 * 1000
    assert any(f"The data ({n:,} steps)" in i.value for i in at.info)


def _components(at) -> set[str]:
    """The names of the components the run mounted (the page style's, the watchers')."""

    def walk(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)

    return {
        e.proto.component_name
        for e in walk(at._tree)
        if getattr(e, "type", None) == "bidi_component"
    }


@pytest.mark.parametrize("layout", ["present", "embed"])
@pytest.mark.parametrize("page", NAMES)
def test_a_compact_page_keeps_its_style_and_names_a_refused_value(page, layout, monkeypatch):
    # Compact pages end early; what the router draws after the page must still come: the
    # page style (formula fitting, the phone tool bar rule, reduced motion) and the notice.
    from ema_lab.ui import state

    if layout == "embed":
        monkeypatch.setattr(state, "in_iframe", lambda: True)  # AppTest has no iframe
    key = {"choosing_decay": "decays", "batch_norm": "momentum",
           "training_curves": "smoothing"}.get(page, "decay")  # fmt: skip
    at = open_page(page, {layout: "true", key: "abc"})
    assert "ema_lab_page_style" in _components(at)
    assert f"**{key}**" in " ".join(w.value for w in at.warning)
