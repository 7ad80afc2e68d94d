"""The lesson's controls, each declared once (`ema_lab.model.params.Control`)."""

from __future__ import annotations

from ema_lab.lessons.weights_lab import posthoc
from ema_lab.model import strategies
from ema_lab.model.params import Control

RATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256)

STEP_COUNTS = (100, 200, 500, 1000, 2000, 5000, 10000)

POWERS = {"1/2": 0.5, "2/3": 2 / 3, "3/4": 0.75, "1": 1.0}
EVERY_K = (1, 2, 5, 10, 20, 50)

BATCH_FACTORS = (2, 4, 8, 16, 32, 64)
TRACKED_RANGE = (0.01, 0.25)
"""The widths σ_rel the post-hoc section may track."""

LR = Control("lr", "learning rate", "select_slider", 0.3, RATES, format_func="{:g}".format)

BATCH = Control("batch", "batch size", "select_slider", 1, BATCHES)

STEPS = Control("steps", "steps", "select_slider", 2000, STEP_COUNTS)

NAMES = Control(
    "strategies",
    "strategies",
    "pills",
    tuple(strategies.STRATEGIES),
    tuple(strategies.STRATEGIES),
    extra={"help": "; ".join(f"{k}: {s.label}" for k, s in strategies.STRATEGIES.items())},
)

INV_GAMMA = Control("inv_gamma", "inv_gamma", "number", 1.0, low=0.01, high=1e6, step=1.0)

POWER = Control("power", "power", "select_slider", "2/3", tuple(POWERS))

MIN_DECAY = Control("min_decay", "min_decay", "number", 0.0, low=0.0, high=0.9999, step=0.01)

EVERY = Control(
    "every",
    "update every k steps",
    "select_slider",
    1,
    EVERY_K,
    extra={"help": "Between updates the average holds; each update uses β^k to keep the horizon."},
)

TRACKED = tuple(
    Control(
        f"tracked_{key}",
        f"tracked σ_rel ({i})",
        "number",
        default,
        low=TRACKED_RANGE[0],
        high=TRACKED_RANGE[1],
        step=0.005,
        extra={"format": "%.3f"},
    )
    for i, (key, default) in enumerate((("a", 0.05), ("b", 0.10)), start=1)
)

SNAPSHOTS = Control(
    "snapshots",
    "snapshots per tracked EMA",
    "select_slider",
    32,
    posthoc.SNAPSHOTS_PER_TRACK,
    extra={
        "help": "EDM2 stores one every 8 Mimg of a 2,147 Mimg run, about 270 per EMA; "
        "32 here is one every 1/32 of the run."
    },
)

SIGMA = Control(
    "posthoc_sigma",
    "σ_rel to rebuild",
    "select_slider",
    0.07,
    tuple(posthoc.SWEEP.tolist()),
    format_func="{:g}".format,
    allowed="a width on the slider, from 0.02 to 0.25 in steps of 0.0025",
)

FACTOR = Control("batch_factor", "batch grows by a factor", "select_slider", 8, BATCH_FACTORS)


def _a_step(key: str, label: str, **extra) -> Control:
    # A step of the run, 0 for none: the page bounds it by the steps chosen.
    return Control(key, label, "number", 0, low=0, high=max(STEP_COUNTS), step=10, whole=True,
                   extra=extra)  # fmt: skip


START_AFTER = _a_step(
    "start_after",
    "start the EMA after step",
    help="Copy the weights until then (ema-pytorch's update_after_step).",
)
OVERWRITE = _a_step(
    "overwrite", "Keras: overwrite the weights with the EMA every k steps (0: never)"
)
