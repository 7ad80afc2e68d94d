"""The weight-averaging strategies the weights lab shows: one entry each.

An entry pairs `ema_core.training.Strategy` (the decays, the start, Keras' overwrite)
with what a learner sees of it: a label and a colour. Adding a strategy to the page
is adding one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ema_core.training import STRATEGIES as CORE
from ema_core.training import Strategy
from ema_lab.model.style import COLORS


@dataclass(frozen=True)
class Shown:
    """A strategy (or another line of the weights lab) as the page draws it."""

    label: str
    color: str
    strategy: Strategy | None = None  # None: a line that is not an average of the run


_core = {s.name: s for s in CORE}
STRATEGIES: dict[str, Shown] = {
    shown.strategy.name: shown
    for shown in (
        Shown("constant decay", "#0072B2", _core["constant"]),
        Shown("TensorFlow num_updates", COLORS["tensorflow"], _core["tensorflow"]),
        Shown("warm-up (timm, ema-pytorch)", COLORS["reference"], _core["warmup"]),
        Shown("Keras 3 (first step copies)", COLORS["window"], _core["keras"]),
        Shown("zero start, debiased", COLORS["debiased"], _core["debiased"]),
    )
}
"""The strategies of the weights lab, by the name the URL uses (``?strategies=keras``)."""

OTHER_LINES: dict[str, Shown] = {
    "raw": Shown("raw weights", COLORS["raw"]),
    # The post-hoc section shows no strategy, so it reuses two of their colours.
    "power": Shown("power EMA, tracked", "#0072B2"),
    "posthoc": Shown("power EMA, rebuilt post hoc", COLORS["biased"]),
}

_ALL = {**STRATEGIES, **OTHER_LINES}


def label(name: str) -> str:
    """What the weights lab calls the line ``name`` (a strategy, "raw", "power", ...)."""
    return _ALL[name].label


def color(name: str) -> str:
    """The colour of the line ``name`` on every chart of the weights lab."""
    return _ALL[name].color


def chosen(names: list[str] | tuple[str, ...]) -> tuple[Strategy, ...]:
    """The core records of the chosen strategies, in the registry's order."""
    return tuple(s.strategy for n, s in STRATEGIES.items() if n in names and s.strategy)
