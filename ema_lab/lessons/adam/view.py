"""/adam: Adam on the weights lab's bowl and on a noisy 1-D bowl, with and without bias
correction, the two moments' windows, and where PyTorch and Keras put ε. Every number from
`ema_core`."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import plotly.graph_objects as go

import ema_core as ec
from ema_lab.lessons.adam import figures
from ema_lab.model.numbers import readable
from ema_lab.model.readings import whole_steps_to_forget
from ema_lab.model.style import COLORS
from ema_lab.plot.offline import MovingLine, OfflineView

STEPS, BATCH, SEED = 300, 8, 0
EPS = 1e-8  # PyTorch's and optax's default; Keras' is 1e-7, placed elsewhere (`eps_rows`)
NOISE, START_1D = 1.0, 3.0  # the noisy 1-D problem: ½θ² from θ = 3, gradient noise σ = 1
GRADIENTS = {1e-2: "10⁻²", 1e-4: "10⁻⁴", 1e-6: "10⁻⁶", 1e-8: "10⁻⁸", 1e-10: "10⁻¹⁰"}


@dataclass(frozen=True)
class AdamView:
    """What /adam shows for one β₁, β₂ and learning rate."""

    beta1: float
    beta2: float
    learning_rate: float
    corrected: ec.optimizers.AdamRun
    uncorrected: ec.optimizers.AdamRun
    minimum: np.ndarray

    @property
    def first_step_ratio(self) -> float:
        """Step 1 without the correction over step 1 with it: (1 − β₁)/√(1 − β₂), ε aside."""
        return float(self.lengths(self.uncorrected)[0] / self.lengths(self.corrected)[0])

    @staticmethod
    def lengths(run: ec.optimizers.AdamRun) -> np.ndarray:
        return np.linalg.norm(run.updates, axis=1)

    @cached_property
    def chart(self) -> go.Figure:
        title = (
            f"Adam's steps at β₁ = {self.beta1:g}, β₂ = {self.beta2:g}: uncorrected, step 1 "
            f"is {readable(self.first_step_ratio, 3)} times as long"
        )
        return figures.step_lengths_figure(
            self.lengths(self.corrected), self.lengths(self.uncorrected), title
        )

    # Built when first drawn: a session's first run stops at the main chart (first_paint).
    @cached_property
    def paths_chart(self) -> go.Figure:
        return figures.paths_figure(self.corrected.weights, self.uncorrected.weights, self.minimum)

    @cached_property
    def noisy_chart(self) -> go.Figure:
        """Adam on a noisy 1-D bowl, with and without the correction."""
        noise = NOISE * np.random.default_rng([SEED, 2]).standard_normal(STEPS)
        runs = [
            ec.optimizers.adam_descent(
                lambda t, theta: theta + noise[t], START_1D, steps=STEPS,
                lr=self.learning_rate, beta1=self.beta1, beta2=self.beta2, eps=EPS,
                bias_correction=corrected,
            ).weights
            for corrected in (True, False)
        ]  # fmt: skip
        return figures.noisy_figure(*runs, NOISE)

    @property
    def first_step(self) -> str:
        """Why step 1 is off without the correction, in the page's numbers."""
        b1, b2 = self.beta1, self.beta2
        return (
            f"At step 1 the zero-started averages are $m_1 = (1-\\beta_1)\\,g_1$ and "
            f"$v_1 = (1-\\beta_2)\\,g_1^2$: $m_1$ is {readable(1 / (1 - b1), 4)} times too "
            f"small and $v_1$ {readable(1 / (1 - b2), 4)} times, so the uncorrected step "
            f"$m_1/\\sqrt{{v_1}}$ is $(1-\\beta_1)/\\sqrt{{1-\\beta_2}}$ = "
            f"**{readable(self.first_step_ratio, 3)} times** Adam's. The corrections fade as "
            f"$\\beta^t$: both are within 1% of 1 from step "
            f"{whole_steps_to_forget(max(b1, b2), 0.01):,}."
        )

    @property
    def readings(self) -> dict[str, list[str]]:
        b1, b2 = self.beta1, self.beta2
        return {
            "": [
                "β₁'s window 1/(1 − β₁): the gradient's average",
                "β₂'s window 1/(1 − β₂): the squared gradient's average",
                "step 1 uncorrected, against Adam's",
                "steps until 1 − β₂ᵗ is within 1% of 1",
            ],
            "value": [
                f"{readable(ec.effective_window(b1))} steps",
                f"{readable(ec.effective_window(b2))} steps",
                f"{readable(self.first_step_ratio, 3)} ×",
                f"{whole_steps_to_forget(b2, 0.01):,}",
            ],
        }

    @property
    def eps_rows(self) -> dict[str, list[str]]:
        """Step 1 for gradients of several sizes, ε = 10⁻⁸ placed as PyTorch and Keras do."""
        rows: dict[str, list[str]] = {"gradient g₁": [], "PyTorch, optax": [], "Keras": []}
        for g, written in GRADIENTS.items():
            steps = [
                ec.adam_moments(
                    [g], beta1=self.beta1, beta2=self.beta2, eps=EPS, lr=self.learning_rate,
                    convention=convention,
                ).update[0]
                for convention in ("pytorch", "keras")
            ]  # fmt: skip
            rows["gradient g₁"].append(written)
            rows["PyTorch, optax"].append(readable(float(steps[0]), 3))
            rows["Keras"].append(readable(float(steps[1]), 3))
        return rows


def adam_view(beta1: float, beta2: float, learning_rate: float) -> AdamView:
    """Adam from the weights lab's start on its bowl, with and without the correction.

    Examples
    --------
    >>> v = adam_view(0.9, 0.999, 0.05)
    >>> round(v.first_step_ratio, 4), round(0.1 / 0.001**0.5, 4)  # (1 - β₁)/√(1 - β₂)
    (3.1623, 3.1623)
    """
    problem = ec.training.least_squares(SEED)
    runs = [
        ec.training.adam(
            problem, learning_rate=learning_rate, steps=STEPS, batch_size=BATCH, seed=SEED,
            beta1=beta1, beta2=beta2, eps=EPS, bias_correction=corrected,
        )
        for corrected in (True, False)
    ]  # fmt: skip
    return AdamView(beta1, beta2, learning_rate, *runs, problem.minimum())


def offline(beta1: float, beta2: float, learning_rate: float, link: str) -> OfflineView:
    """The main chart as an offline figure whose slider moves β₁ (β₂ and η as on the page):
    both runs are trained again, by `ema_core`, at each of the slider's decays.

    Examples
    --------
    >>> o = offline(0.9, 0.999, 0.05, "")
    >>> off, on = o.lines_at(0.9)
    >>> bool(np.allclose(off[0] / on[0], 0.1 / 0.001**0.5, rtol=1e-6)), o.label_at(0.9)
    (True, 'β₁ = 0.9 · window 10 steps · uncorrected, step 1 is 3.16 times as long')
    """

    @functools.cache  # the read-out asks for the same runs as the frame
    def lines_at(decay: float) -> tuple[np.ndarray, np.ndarray]:
        at = adam_view(decay, beta2, learning_rate)
        return at.lengths(at.uncorrected), at.lengths(at.corrected)

    def label_at(decay: float) -> str:
        off, on = lines_at(decay)
        window = readable(ec.effective_window(decay), 3)
        ratio = readable(float(off[0] / on[0]), 3)
        return (
            f"β₁ = {decay:.6g} · window {window} steps · uncorrected, step 1 is {ratio} "
            "times as long"
        )

    return OfflineView(
        values=np.arange(1.0, STEPS + 1),  # the steps: the lines are Adam's, not a signal's
        decay=beta1,
        initial=None,
        title=f"Adam's step lengths at β₂ = {beta2:g}, η = {learning_rate:g}, with and "
        "without bias correction",
        moving=(  # as the page draws them: uncorrected under Adam's own
            MovingLine("", figures.UNCORRECTED, COLORS["biased"], "dot"),
            MovingLine("", figures.CORRECTED, COLORS["debiased"]),
        ),
        y_title="step length ‖uₜ‖",
        link=link,
        lines_at=lines_at,
        label_at=label_at,
        symbol="β₁",
        log_axes=(True, True),
    )
