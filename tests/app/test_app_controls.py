"""Every slider and number input of every page, at both ends of its range."""

import pytest

from app_support import PAGES, chart_specs, open_page


def _ends(w):
    kind = type(w).__name__
    if kind == "SelectSlider":  # options come back formatted; convert like the value
        return [type(w.value)(w.options[0]), type(w.value)(w.options[-1])]
    if kind in ("Slider", "NumberInput"):
        return [w.min, w.max]
    return []


def _controls(at):
    return [w for kind in ("select_slider", "slider", "number_input") for w in at.get(kind)]


@pytest.mark.parametrize("page", list(PAGES))
def test_both_ends_of_every_control_render_and_change_the_page(page):
    at = open_page(page, unfold=True)
    keys = [w.key for w in _controls(at) if w.key and not w.disabled]
    assert keys
    baseline = chart_specs(at)
    for key in keys:
        # One session per control, moved to one end and then the other, as a reader does.
        at = open_page(page, unfold=True)
        for end in _ends(next(w for w in _controls(at) if w.key == key)):
            w = next(w for w in _controls(at) if w.key == key)
            if end == w.value:
                continue
            w.set_value(end)
            at.run()
            assert not at.exception, (key, end, [e.value for e in at.exception])
            assert not at.error, (key, end, [e.value for e in at.error])
            if key in (
                "table_decay",
                "calc_value",
                "batch_factor",
                "keras_momentum",
                "log_every",
                "average_over",
                "answer",  # the page's question: its feedback, not its chart
            ):
                continue  # these drive a table and a read-out, not a chart
            assert chart_specs(at) != baseline, (key, end)
