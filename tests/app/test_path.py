"""The guided path: each page's lead, its predict-then-check question checked against
`ema_core`, and previous / next links in teaching order, the decay carried along."""

from __future__ import annotations

import importlib.util
import json

import pytest

import ema_core as ec
from app_support import MAIN_CHART, PAGES, ROOT, open_page, widget
from ema_lab.model.questions import QUESTIONS
from ema_lab.model.site import BY_NAME
from ema_lab.model.site import PAGES as SITE_PAGES

NAMES = [p.name or "home" for p in SITE_PAGES]


def path_links(at) -> dict[str, str]:
    """The footer's links: "previous" / "next" → the page they lead to."""
    links = {}
    for e in at.get("page_link"):
        label = e.proto.label
        if label.startswith("← previous"):
            links["previous"] = e.proto.page or "home"
        elif label.startswith("next:"):
            links["next"] = e.proto.page or "home"
    return links


@pytest.mark.parametrize("page", NAMES)
def test_previous_and_next_follow_the_teaching_order(page):
    at = open_page(page)
    i = NAMES.index(page)
    want = {}
    if i > 0:
        want["previous"] = NAMES[i - 1]
    if i + 1 < len(NAMES):
        want["next"] = NAMES[i + 1]
    assert path_links(at) == want
    lead = BY_NAME["" if page == "home" else page].lead
    assert any(lead.replace("*", "\\*") in m.value for m in at.markdown)  # t* as a star


def test_the_path_covers_every_page_once_from_home():
    assert NAMES[0] == "home"
    assert set(NAMES) == set(PAGES) == set(MAIN_CHART)
    assert all(p.main_chart for p in SITE_PAGES)


def test_a_new_page_is_in_every_per_page_table_of_the_tests():
    # Adding a lesson is a folder, a page file and one `Page` entry: the sweeps read
    # `site.PAGES`. The few facts only a test knows (a worked answer, the line a keyboard
    # moves) are asked for here, where no Chromium is needed to say so.
    keyboard = _module(ROOT / "tests" / "browser" / "test_browser.py").PAGES
    assert {name or "home" for name in keyboard} == set(NAMES)
    assert set(BY_HAND) == {name or "home" for name in QUESTIONS} == set(NAMES)


def _module(path):
    spec = importlib.util.spec_from_file_location(f"_tables_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Each answer, worked out here by hand (not by the code that checks it).
BY_HAND = {
    "home": 1 - 0.9**3,
    "smoothing": 100,
    "bias_correction": 459,  # 0.99^458 = 0.01003 > 0.01 >= 0.99^459 = 0.00993
    "tf_dynamic_decay": 890,
    "choosing_decay": 0.5 ** (1 / 10),
    "weights_lab": 1000,
    "adam": 0.1 / 0.001**0.5,  # (1 − β₁)/√(1 − β₂) = 3.162
    "batch_norm": 0.9,
    "training_curves": 0.99,
}


def test_every_answer_agrees_with_the_hand_worked_one():
    assert 0.99**458 > 0.01 >= 0.99**459
    for page, question in QUESTIONS.items():
        assert question.value == pytest.approx(BY_HAND[page or "home"], rel=1e-9)
    assert ec.forget_steps(0.99, 0.01) == pytest.approx(458.2, abs=0.05)


@pytest.mark.parametrize("page", NAMES)
def test_a_right_answer_from_the_link_is_confirmed(page):
    answer = BY_HAND[page]
    at = open_page(page, {"answer": f"{answer:.6g}"})
    assert any(s.value.startswith("Right.") for s in at.success), [w.value for w in at.warning]
    assert at.query_params.get("answer") is not None  # the class's guess stays in the link


@pytest.mark.parametrize("page", ["home", "bias_correction", "batch_norm"])
def test_a_wrong_answer_gets_the_hint_then_the_worked_answer(page):
    question = QUESTIONS["" if page == "home" else page]
    at = open_page(page, {"answer": "12345"})
    assert any(question.hint in w.value for w in at.warning)
    assert not any(question.worked_answer() in i.value for i in at.info)
    widget(at, "show_answer").set_value(True).run()
    assert any(question.worked_answer() in i.value for i in at.info)
    widget(at, "answer").set_value(BY_HAND[page]).run()
    assert any(s.value.startswith("Right.") for s in at.success)


# -- the recurrence, step by step (home) ----------------------------------------------------


@pytest.mark.parametrize("decay", [0.5, 0.9, 0.99])
@pytest.mark.parametrize("t", [1, 3, 8])
def test_the_stepper_is_the_recurrence_by_hand(decay, t):
    from ema_lab.lessons.home.view import STEPPER_INPUTS, recurrence
    from ema_lab.model.numbers import readable

    step = recurrence(decay, t)
    ema, by_hand = 0.0, []
    for x in STEPPER_INPUTS[:t]:
        ema = decay * ema + (1 - decay) * x
        by_hand.append(ema)
    assert step.emas.tolist() == pytest.approx(by_hand, rel=1e-12)
    # The weights on the data and on the start sum to one; the EMA is their weighted sum.
    assert step.weights.sum() + step.start_weight == pytest.approx(1, rel=1e-12)
    assert step.weights @ step.inputs == pytest.approx(by_hand[-1], rel=1e-12)
    assert step.weights[-1] == pytest.approx(1 - decay)
    # Debiased: the data's weighted sum over the data's weights alone (Adam's correction).
    assert step.debiased == pytest.approx(by_hand[-1] / (1 - decay**t), rel=1e-12)
    assert f"it is {readable(step.debiased)}, beside {readable(step.moving_average)}" in (
        step.sentence()
    )


def test_the_stepper_plays_from_step_one_to_the_last():
    # A play button (issue #39, item 17): step 1, then one more at each tick, then it stops.
    from ema_lab.lessons.home.controls import STEPPER_INPUTS

    at = open_page("home", {"decay": "0.9", "step": "5"})
    at.button(key="play_steps").click().run()
    shown = [len(at.table[0].value)]
    for _ in STEPPER_INPUTS:  # a full run stands in for each tick of the fragment's timer
        at.run()
        shown.append(len(at.table[0].value))
    assert not at.exception
    assert shown == [*range(1, len(STEPPER_INPUTS) + 1), len(STEPPER_INPUTS)]
    assert widget(at, "step").value == len(STEPPER_INPUTS)
    assert at.query_params.get("step") in (["8"], "8")


def test_the_stepper_on_the_page_follows_its_slider_and_the_link():
    at = open_page("home", {"decay": "0.9", "step": "2"})
    assert at.table[0].value["emaₜ"].tolist() == ["0.4", "0.56"]
    assert any("0.9 \\cdot 0.4 + 0.1 \\cdot 2 = 0.56" in e.value for e in at.latex)
    widget(at, "step").set_value(8).run()
    assert len(at.table[0].value) == 8
    assert at.query_params.get("step") == "8"
    assert any("After 8 steps" in m.value for m in at.markdown)
    # The weights' axis leaves room above 1 for the title (its tick label printed over it).
    bars = next(c for c in at.get("plotly_chart") if c.key == "weights_bar_chart")
    y_axis = json.loads(bars.proto.spec)["layout"]["yaxis"]
    assert y_axis["range"][1] > 1
    assert max(y_axis["tickvals"]) == 1
