"""The weights lab's "choose the length after training" section (EDM2's post-hoc EMA).

`study` runs once per training run and tracking set-up (it is what training would
store); `view` answers a move of the width slider from it, with no retraining.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_core.training import PowerSnapshots, WeightsRun, power_ema_track, power_snapshots
from ema_lab.lessons.weights_lab import figures

SWEEP: np.ndarray = np.round(np.arange(0.02, 0.2501, 0.0025), 4)
"""The widths of the "sweep after training" chart: every 0.0025 from 0.02 to 0.25."""

SNAPSHOTS_PER_TRACK: tuple[int, ...] = (8, 16, 32, 64)
"""How many snapshots each tracked EMA stores over the run (EDM2: one every 8 Mimg)."""


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)  # shared by every session through the cache
    return a


@dataclass(frozen=True)
class Study:
    """What training stored, and the sweep it allows: computed once per run."""

    snapshots: PowerSnapshots
    every: int
    sweep: np.ndarray  # widths
    sweep_rebuilt: np.ndarray  # held-out loss of each rebuilt average at the end
    sweep_tracked: np.ndarray  # ... of the power EMA tracked directly (ground truth)
    best: float  # the width with the least rebuilt loss
    best_loss: float


def study(run: WeightsRun, tracked: tuple[float, float], per_track: int) -> Study:
    """Store snapshots of two power EMAs over ``run`` and sweep the width after training."""
    steps = len(run.weights) - 1
    # Rounded up, so that the snapshot at the end is one of ``per_track``, not one more
    # (2,000 steps every 62 took 33 each: "rebuilt from 66" under a control saying 32).
    every = max(1, -(-steps // per_track))
    snaps = power_snapshots(run.weights, tracked, every=every)
    rebuilt = snaps.rebuild(SWEEP)
    final = np.stack([power_ema_track(run.weights, s)[-1] for s in SWEEP])
    loss_rebuilt = run.problem.loss(rebuilt)
    i = int(np.argmin(loss_rebuilt))
    for a in (snaps.steps, snaps.sigma_rels, snaps.averages):
        _frozen(a)
    return Study(
        snapshots=snaps,
        every=every,
        sweep=_frozen(SWEEP.copy()),
        sweep_rebuilt=_frozen(loss_rebuilt),
        sweep_tracked=_frozen(run.problem.loss(final)),
        best=float(SWEEP[i]),
        best_loss=float(loss_rebuilt[i]),
    )


@dataclass(frozen=True)
class View:
    """The section at one width: paths, losses, the profile fit and the words."""

    sigma_rel: float
    gamma: float
    tracked_path: np.ndarray  # (steps + 1, 2), the power EMA tracked directly
    rebuilt_steps: np.ndarray  # snapshot steps
    rebuilt_path: np.ndarray  # (k, 2), rebuilt at each snapshot step from what was stored
    tracked_loss: np.ndarray  # held-out loss after every step
    rebuilt_loss: np.ndarray  # at the snapshot steps
    raw_loss: np.ndarray
    error: float  # distance between the rebuilt and the tracked average at the end
    error_share: float  # ... over the distance from the raw weights to the tracked average
    tau: np.ndarray  # past steps 0..T at which the profiles are drawn
    target_profile: np.ndarray
    rebuilt_profile: np.ndarray
    classic_decay: float
    summary: str
    translation: str


def view(run: WeightsRun, st_: Study, sigma_rel: float) -> View:
    """Rebuild the width ``sigma_rel`` from the stored snapshots and compare with the truth."""
    snaps = st_.snapshots
    steps = len(run.weights) - 1
    gamma = float(ec.sigma_rel_to_gamma(sigma_rel))
    tracked = power_ema_track(run.weights, sigma_rel)
    at, path = snaps.rebuild_path(sigma_rel)
    error = float(np.linalg.norm(path[-1] - tracked[-1]))
    spread = float(np.linalg.norm(run.weights[-1] - tracked[-1]))
    tau = np.linspace(0, steps, 801)
    coefficients = ec.posthoc_coefficients(snaps.steps, snaps.sigma_rels, steps, sigma_rel)
    profiles = ec.power_profile(
        tau, snaps.steps[:, None], ec.sigma_rel_to_gamma(snaps.sigma_rels)[:, None]
    )
    classic = float(ec.decay_from_sigma_rel(sigma_rel, steps))
    tracked_loss = run.problem.loss(tracked)
    rebuilt_end = float(run.problem.loss(path[-1]))
    n_snaps = len(snaps.steps)
    summary = (
        f"σ_rel = {sigma_rel:g} (γ = {gamma:.2f}), rebuilt from {n_snaps} snapshots "
        f"({n_snaps // len(np.unique(snaps.sigma_rels))} of each tracked EMA, one every "
        f"{st_.every:,} steps): held-out loss "
        f"{rebuilt_end:.5f} rebuilt, {tracked_loss[-1]:.5f} tracked directly; the two "
        f"averages differ by {error:.2g} in weight space, "
        f"{error / spread:.2%} of their distance from the raw weights."
        if spread > 0
        else f"σ_rel = {sigma_rel:g} (γ = {gamma:.2f})"
    )
    translation = (
        f"At the end of these {steps:,} steps, σ_rel = {sigma_rel:g} is an average "
        f"{sigma_rel * steps:,.0f} steps wide (its standard deviation): about what a "
        f"constant decay β = {classic:.4f} (window {ec.effective_window(classic):,.0f} steps) "
        f"gives, except that the power EMA's width grows with training."
    )
    return View(
        sigma_rel=sigma_rel,
        gamma=gamma,
        tracked_path=tracked,
        rebuilt_steps=at,
        rebuilt_path=path,
        tracked_loss=tracked_loss,
        rebuilt_loss=run.problem.loss(path),
        raw_loss=run.test_loss("raw"),
        error=error,
        error_share=error / spread if spread > 0 else 0.0,
        tau=tau,
        target_profile=ec.power_profile(tau, steps, gamma),
        rebuilt_profile=coefficients @ profiles,
        classic_decay=classic,
        summary=summary,
        translation=translation,
    )


def charts(run: WeightsRun, st_: Study, v: View) -> dict[str, go.Figure]:
    """The section's charts by key: the sweep, then the paths, the loss and the profiles."""
    return {
        "posthoc_sweep_chart": figures.posthoc_sweep_figure(st_, v.sigma_rel),
        "posthoc_paths_chart": figures.posthoc_paths_figure(run, v),
        "posthoc_loss_chart": figures.posthoc_loss_figure(v),
        "posthoc_profile_chart": figures.posthoc_profile_figure(v),
    }
