"""/smoothing's claim about the effective window, and the band that illustrates it."""

from __future__ import annotations

from dataclasses import dataclass

import ema_core as ec
from ema_lab.numbers import readable


@dataclass(frozen=True)
class WindowClaim:
    """What the chart's title says of the window, and the shaded band beside it."""

    window: float  # 1/(1 - decay), steps
    share: float  # the weight on the last `window` steps: 1 - decay**window
    claim: str  # "the last 1,000 steps hold 63.2% of the weight"
    first: int  # the band, in steps 1..n
    last: int
    label: str  # the band's label; it says when the band is cut at the start


def window_claim(decay: float, end: int) -> WindowClaim:
    """The title's claim for ``decay`` and the band of the window ending at step ``end``.

    The claim always speaks of the whole window: the share is ``weight_in_last(decay,
    window)`` for the very window it names. The band cannot reach before step 1; when
    it is cut, its label says how many steps it shows.

    Examples
    --------
    >>> c = window_claim(0.999, 500)
    >>> c.claim, c.first, c.label
    ('the last 1,000 steps hold 63.2% of the weight', 1, 'first 500 of 1/(1−β) = 1,000 steps')
    """
    window = float(ec.effective_window(decay))
    share = float(ec.weight_in_last(decay, window))
    first = max(1, round(end - window + 1))
    shown = end - first + 1
    label = (
        "1/(1−β)"
        if shown >= round(window)
        else (f"first {readable(shown)} of 1/(1−β) = {readable(window)} steps")
    )
    return WindowClaim(
        window=window,
        share=share,
        claim=f"the last {readable(window)} steps hold {share:.1%} of the weight",
        first=first,
        last=end,
        label=label,
    )
