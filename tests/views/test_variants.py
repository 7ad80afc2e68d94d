"""The one table of EMA variants: every line, offline figure and CSV column reads from it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ema_lab.lessons.smoothing import view as smoothing
from ema_lab.model.signal import Signal
from ema_lab.model.variants import VARIANTS, computed
from ema_lab.plot import figures as kit
from ema_lab.plot import offline

X = np.array([2.0, 4.0, 8.0])


def test_each_variant_reads_and_looks_unlike_the_others():
    looks = [(v.color, v.dash) for v in VARIANTS.values()]
    labels = [v.label for v in VARIANTS.values()]
    assert len(set(labels)) == len(labels)
    assert len(set(looks)) == len(looks)
    assert all(name == v.name and v.column == f"ema_{name}" for name, v in VARIANTS.items())


@pytest.mark.parametrize(
    ("name", "decay", "initial", "expected"),
    [
        # worked by hand: s = β s + (1 − β) x
        ("biased", 0.5, 0.0, [1.0, 2.5, 5.25]),
        ("first_value", 0.5, 0.0, [2.0, 3.0, 5.5]),
        # the biased values over 1 − βᵗ: 1/0.5, 2.5/0.75, 5.25/0.875
        ("debiased", 0.5, 0.0, [2.0, 10 / 3, 6.0]),
        # TensorFlow's decay min(β, (1+t)/(10+t)) at t = 0, 1, 2: 0.1, 2/11, 0.25
        ("tensorflow", 0.99, 0.0, [1.8, 2 / 11 * 1.8 + 9 / 11 * 4, 0.25 * 3.6 + 0.75 * 8]),
    ],
)
def test_each_variant_computes_what_its_name_says(name, decay, initial, expected):
    got = computed([name], X, decay, initial)[name]
    np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_the_debiased_variant_is_pandas_adjusted_ewm():
    rng = np.random.default_rng(3)
    x = rng.normal(size=200)
    expected = pd.Series(x).ewm(alpha=1 - 0.9, adjust=True).mean().to_numpy()
    np.testing.assert_allclose(computed(["debiased"], x, 0.9)["debiased"], expected, rtol=1e-12)


def test_a_variant_that_does_not_exist_is_none_in_charts_and_gaps_offline():
    assert computed(["debiased"], X, 1.0)["debiased"] is None
    line = offline.MovingLine.of("debiased")
    assert np.isnan(line.series(X, 1.0, 0.0)).all()
    assert (line.name, line.color) == (VARIANTS["debiased"].label, VARIANTS["debiased"].color)


def test_charts_offline_figures_and_csv_columns_take_the_table_words():
    sine = Signal(np.sin(np.arange(300) / 9), "sine")
    lines = kit.smoothing_lines(sine.values, **computed(["biased", "tensorflow"], sine.values, 0.9))
    assert [(ln.name, ln.color, ln.dash) for ln in lines[1:]] == [
        (VARIANTS[k].label, VARIANTS[k].color, VARIANTS[k].dash) for k in ("biased", "tensorflow")
    ]
    moving = offline.standard_moving(["biased", "tensorflow"])
    assert [m.name for m in moving] == [VARIANTS[k].label for k in ("biased", "tensorflow")]
    columns = smoothing.csv_columns(sine, 0.9, 0.0, None)
    assert {c for c in columns if c.startswith("ema_")} == {
        VARIANTS[k].column for k in ("biased", "debiased", "tensorflow")
    }


def test_no_two_variants_differ_by_colour_alone():
    # WCAG 1.4.1: the biased and debiased lines (and the time-aware one) were solid lines of
    # one width, told apart by colour only, and after a few windows they lie together.
    from itertools import combinations

    from ema_lab.model.variants import VARIANTS

    looks = {name: (v.dash, v.width) for name, v in VARIANTS.items()}
    same = [(a, b) for a, b in combinations(looks, 2) if looks[a] == looks[b]]
    assert same == [], same
