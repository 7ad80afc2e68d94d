"""/weights_lab: a small model trained live, an EMA of its weights by every strategy, what
each one buys, and how to scale a decay with the batch size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import plotly.graph_objects as go

import ema_core as ec
from ema_core.training import EmaSettings, WeightsRun, beats_from, simulate, trailing_mean
from ema_lab.lessons.weights_lab import figures
from ema_lab.lessons.weights_lab.controls import POWERS
from ema_lab.model import strategies
from ema_lab.model.numbers import count, readable, signed_percent


def settings(
    decay: float,
    *,
    inv_gamma: float,
    power: str,
    min_decay: float,
    start_after: int,
    every: int,
    overwrite: int,
) -> tuple[EmaSettings, str]:
    """The strategies' settings from the page's controls, and a warning if one is unusable.

    Examples
    --------
    >>> s, problem = settings(0.9, inv_gamma=1, power="2/3", min_decay=0.95, start_after=0,
    ...                       every=1, overwrite=0)
    >>> s.min_decay, problem
    (0.9, 'min_decay 0.95 is above the decay 0.9; using 0.9.')
    """
    problem = (
        f"min_decay {min_decay:g} is above the decay {decay:g}; using {decay:g}."
        if min_decay > decay
        else ""
    )
    return (
        EmaSettings(
            decay=decay,
            inv_gamma=inv_gamma,
            power=POWERS[power],
            min_decay=min(min_decay, decay),
            start_after=int(start_after),
            every=int(every),
            keras_overwrite=int(overwrite),
        ),
        problem,
    )


def run(
    lr: float, steps: int, batch: int, seed: int, settings: EmaSettings, names: Sequence[str]
) -> WeightsRun:
    """Train and follow the weights with the strategies ``names`` (the registry's order)."""
    return simulate(
        learning_rate=lr,
        steps=steps,
        batch_size=batch,
        seed=seed,
        settings=settings,
        strategies=strategies.chosen(names),
    )


@dataclass(frozen=True)
class WeightsView:
    """What the weights lab shows of one run."""

    names: tuple[str, ...]  # the strategies drawn, in the registry's order
    contour: go.Figure
    table: list[dict[str, str]]
    notes: tuple[str, ...]
    run: WeightsRun
    every: int  # steps between EMA updates

    # The charts below the map are built when first drawn: a session's first run stops at
    # the map (first_paint).
    @cached_property
    def loss_chart(self) -> go.Figure:
        """Held-out loss of the raw weights and of every average."""
        return figures.weights_loss_figure(self.run, self.names)

    @cached_property
    def decay_chart(self) -> go.Figure | None:
        """The decay each strategy has in effect at every step (None without strategies)."""
        if not self.names:
            return None
        return figures.decay_in_effect_figure(self.run, self.names, every=self.every)


TABLE_NOTE = (
    "Held-out loss early on (where the warm-ups differ) and averaged over the last 10% of the "
    "steps (single steps are noisy); “beats raw from step”: the first step from which the "
    "EMA's loss stays below the raw weights', each averaged over the last 100 steps."
)


BEATS_WINDOW = 100
"""Steps over which both losses are averaged before "beats raw from step" compares them:
an EMA's loss is noisy too (at β = 0.9 it was 24.8% below raw on average, yet its single
steps kept crossing raw's average until step 1,940 of 2,000)."""


def weights_view(run: WeightsRun, settings: EmaSettings) -> WeightsView:
    """The paths, the table of what each strategy buys, the loss and the decays in effect."""
    names = tuple(n for n in strategies.STRATEGIES if n in run.tracks)
    raw_loss = run.test_loss("raw")
    tail = max(1, len(raw_loss) // 10)
    early = max(1, len(raw_loss) // 20)
    base = raw_loss[-tail:].mean()
    rows = []
    for n in ["raw", *names]:
        loss = run.test_loss(n)
        late = loss[-tail:].mean()
        step = None if n == "raw" else beats_from(trailing_mean(loss, BEATS_WINDOW), raw_loss)
        rows.append(
            {
                "weights": strategies.label(n),
                f"loss at step {early:,}": f"{loss[early]:.4f}",
                "loss, last 10%": f"{late:.4f}",
                "vs raw": "" if n == "raw" else signed_percent((late - base) / base),
                "beats raw from step": ""
                if n == "raw"
                else ("never" if step is None else f"{step:,}"),
            }
        )
    notes = [TABLE_NOTE]
    if run.keras_weights is not None:
        notes.append(
            f"Keras overwrites its weights with the average every {settings.keras_overwrite} "
            f"steps: its training run differs; its own raw weights end at held-out loss "
            f"{run.test_loss('keras raw')[-1]:.5f}."
        )
    return WeightsView(
        names=names,
        contour=figures.weights_contour_figure(run, names),
        table=rows,
        notes=tuple(notes),
        run=run,
        every=settings.every,
    )


def scaling(decay: float, batch: int, factor: int) -> str:
    """How to keep an EMA's horizon when the batch grows by ``factor`` (Busbridge et al.).

    Examples
    --------
    >>> "**0.996006**" in scaling(0.999, 8, 4)
    True
    """
    scaled = ec.strategies.scaled_decay(decay, factor)
    return (
        f"**Batch-size scaling** (Busbridge et al. 2023, *How to Scale Your EMA*): with batch "
        f"{batch} → {batch * factor}, decay {decay:g} → **{scaled:.6g}** keeps the half-life in "
        f"samples: {count(ec.half_life(decay) * batch, 'sample')} before, "
        f"{readable(ec.half_life(scaled) * batch * factor)} after."
    )


def tracked_widths(a: float, b: float) -> tuple[tuple[float, float], str]:
    """The two widths the post-hoc section tracks, and why, if they are not ``a`` and ``b``.

    Examples
    --------
    >>> tracked_widths(0.05, 0.2)
    ((0.05, 0.2), '')
    >>> tracked_widths(0.1, 0.1)[0]
    (0.05, 0.1)
    """
    if round(a, 6) != round(b, 6):
        return (a, b), ""
    return (0.05, 0.10), (
        f"The two tracked widths are both {a:.3f}: two snapshots with the same step and width "
        "carry the same information. Using 0.05 and 0.10 instead."
    )
