"""The weights lab's post-hoc section: its view without Streamlit, then the page."""

import numpy as np
import pytest

import ema_core as ec
from app_support import charts, open_page, warnings
from ema_core.training import power_ema_track, simulate
from ema_lab.lessons.weights_lab import posthoc


@pytest.fixture(scope="module")
def run():
    return simulate(steps=2000, seed=0)


@pytest.fixture(scope="module")
def study(run):
    return posthoc.study(run, (0.05, 0.10), 32)


def test_study_stores_edm2s_snapshots(run, study):
    snaps = study.snapshots
    assert study.every == -(-2000 // 32)  # 63: the snapshot at the end is the 32nd
    taken = np.unique(snaps.steps)
    assert len(taken) == 32  # as many as the control says, not one more
    assert taken[-1] == 2000  # the last step is always stored
    assert np.all(np.diff(taken)[:-1] == study.every)
    for width in (0.05, 0.10):
        mine = snaps.averages[snaps.sigma_rels == width]
        np.testing.assert_array_equal(mine, power_ema_track(run.weights, width)[taken])
    assert not snaps.averages.flags.writeable  # shared by every session


def test_sweep_is_rebuilt_from_snapshots_and_close_to_the_truth(run, study):
    rebuilt = ec.posthoc_ema(
        study.snapshots.averages, study.snapshots.steps, study.snapshots.sigma_rels, 2000, 0.12
    )
    i = int(np.flatnonzero(study.sweep == 0.12)[0])
    assert study.sweep_rebuilt[i] == pytest.approx(run.problem.loss(rebuilt), rel=1e-12)
    truth = run.problem.loss(power_ema_track(run.weights, 0.12)[-1])
    assert study.sweep_tracked[i] == pytest.approx(truth, rel=1e-12)
    # Inside the tracked range the reconstruction is within 0.01% of the truth's loss.
    inside = (study.sweep >= 0.05) & (study.sweep <= 0.10)
    rel = np.abs(study.sweep_rebuilt - study.sweep_tracked) / study.sweep_tracked
    assert rel[inside].max() < 1e-4
    assert study.best_loss == study.sweep_rebuilt.min()
    assert study.sweep[np.argmin(study.sweep_rebuilt)] == study.best


def test_view_numbers_and_words(run, study):
    v = posthoc.view(run, study, 0.07)
    assert v.gamma == pytest.approx(ec.sigma_rel_to_gamma(0.07))
    np.testing.assert_allclose(v.tracked_path, power_ema_track(run.weights, 0.07))
    assert v.rebuilt_steps[-1] == 2000
    assert v.error == pytest.approx(np.linalg.norm(v.rebuilt_path[-1] - v.tracked_path[-1]))
    assert v.error_share < 0.01
    assert "σ_rel = 0.07 (γ = 11.24)" in v.summary
    assert "rebuilt from 64 snapshots (32 of each tracked EMA" in v.summary  # said 66
    assert f"{v.error / np.linalg.norm(run.weights[-1] - v.tracked_path[-1]):.2%}" in v.summary
    beta = ec.decay_from_sigma_rel(0.07, 2000)
    assert f"β = {beta:.4f}" in v.translation
    assert "140 steps wide" in v.translation  # 0.07 * 2000
    # The rebuilt profile fits the target: relative L2 error below 1%.
    diff = np.trapezoid((v.rebuilt_profile - v.target_profile) ** 2, v.tau)
    assert np.sqrt(diff / np.trapezoid(v.target_profile**2, v.tau)) < 0.01


def test_rebuilt_path_uses_only_what_was_stored_by_then(run, study):
    v = posthoc.view(run, study, 0.08)
    snaps = study.snapshots
    t = int(v.rebuilt_steps[3])
    known = snaps.steps <= t
    expected = ec.posthoc_ema(
        snaps.averages[known], snaps.steps[known], snaps.sigma_rels[known], t, 0.08
    )
    np.testing.assert_allclose(v.rebuilt_path[3], expected)


def test_page_draws_the_view(run, study):
    at = open_page("weights_lab", {"posthoc_sigma": "0.12"})
    v = posthoc.view(run, study, 0.12)
    drawn = charts(at)
    sweep = {t["name"]: t for t in drawn["posthoc_sweep_chart"]}
    np.testing.assert_allclose(sweep["rebuilt post hoc (one run)"]["y"], study.sweep_rebuilt)
    assert f"least loss: σ_rel = {study.best:.4g}" in sweep
    paths = {t["name"]: t for t in drawn["posthoc_paths_chart"]}
    np.testing.assert_allclose(
        np.c_[paths["power EMA, rebuilt post hoc"]["x"], paths["power EMA, rebuilt post hoc"]["y"]],
        v.rebuilt_path,
    )
    assert any(v.summary == m.value for m in at.markdown)


def test_page_controls_reach_the_study():
    at = open_page(
        "weights_lab",
        {"tracked_a": "0.03", "tracked_b": "0.2", "snapshots": "8", "posthoc_sigma": "0.1"},
    )
    assert not warnings(at)
    text = " ".join(m.value for m in at.markdown)
    assert "rebuilt from 16 snapshots (8 of each tracked EMA, one every 250 steps" in text


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"posthoc_sigma": "0.9"}, "posthoc_sigma"),
        ({"snapshots": "7"}, "snapshots"),
        ({"tracked_a": "2"}, "tracked_a"),
        ({"tracked_a": "0.1"}, "both 0.100"),  # the same width twice: a singular system
    ],
)
def test_bad_values_are_announced_and_the_section_still_draws(query, said):
    at = open_page("weights_lab", query)
    assert said in warnings(at)
    assert charts(at)["posthoc_sweep_chart"]


def test_the_loss_chart_draws_the_raw_weights_level_not_a_block_of_spikes(run, study):
    from ema_lab.lessons.weights_lab import figures

    fig = figures.posthoc_loss_figure(posthoc.view(run, study, 0.07))
    raw = next(t for t in fig.data if t.name.startswith("raw"))
    assert "mean of 20 steps" in raw.name
    level = ec.training.trailing_mean(run.test_loss("raw"), 20)
    np.testing.assert_allclose(raw.y, level[np.asarray(raw.x)], rtol=1e-6)
