"""The training-curves lesson's calculator: from "average about this many steps of a curve
logged every so many" to TensorBoard's and W&B's slider values, and back in words."""

from __future__ import annotations

import math

import ema_core as ec
from ema_lab.lessons.training_curves.view import (
    WANDB_VIEWPORT_SCALE,
    points_shown,
    tensorboard_window,
)
from ema_lab.model.numbers import readable


def smoothing_for(log_every: int, average_over: int, x_range: float | None = None) -> dict:
    """The calculator: the slider values that average about ``average_over`` steps of a
    curve logged every ``log_every`` steps (W&B's also for a chart showing ``x_range``).

    >>> smoothing_for(100, 10_000)["tensorboard"]
    0.99
    """
    points = average_over / log_every
    tb = 0.0 if points <= 1 else 1 - 1 / points
    shown = round(tb, 3)  # the slider's three decimals
    result = {
        "points": points,
        "tensorboard": shown,
        "tensorboard_points": tensorboard_window(shown),
    }
    if x_range:
        # min(√w, 0.999)^(k·1000/R) = tb  ⇒  w = tb^(2R/(1000 k)), capped at 0.999² per unit
        exponent = 2 * x_range / (WANDB_VIEWPORT_SCALE * log_every)
        wandb = tb**exponent if tb > 0 else 0.0
        result["wandb"] = wandb
        result["wandb_capped"] = math.sqrt(wandb) > ec.WANDB_MAX_WEIGHT
    return result


def calculator_text(found: dict, log_every: int, average_over: int, x_range: float) -> str:
    """The calculator's answer, in words."""
    points = found["points"]
    if points <= 1:
        return (
            f"Averaging over {average_over:,} steps of a curve logged every {log_every:,} "
            "steps is less than one logged point: no smoothing (0) already shows that."
        )
    tb = found["tensorboard"]
    text = (
        f"About **{readable(points)} logged points**: TensorBoard's smoothing "
        f"**{tb:.3f}** (1 − {log_every:,}/{average_over:,}; the slider's three decimals "
        f"average {points_shown(found['tensorboard_points'])})."
    )
    if "wandb" in found:
        wandb = found["wandb"]
        if found["wandb_capped"]:
            text += (
                f" On W&B, with {x_range:,.0f} steps visible, no setting reaches it: its "
                "weight stops at min(√s, 0.999) a thousandth of the range."
            )
        else:
            text += (
                f" On W&B, with {x_range:,.0f} steps visible: about **{readable(wandb, 4)}**, "
                "and another value for every other zoom."
            )
    return text
