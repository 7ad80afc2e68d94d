"""The lesson's controls, each declared once (`ema_lab.model.params.Control`)."""

from __future__ import annotations

from ema_lab.model.params import Control

DEFAULT_MOMENTUM = {"pytorch": 0.1, "keras": 0.99}
"""Each framework's own default momentum (PyTorch's ``BatchNorm*d``, Keras'
``BatchNormalization``)."""

CONVENTION = Control(
    "convention",
    "framework",
    "radio",
    default="pytorch",
    options=("pytorch", "keras"),
    format_func=lambda c: c,
    extra={
        "horizontal": True,
        "help": "Whose meaning of momentum: PyTorch's (the weight of the new batch) or "
        "Keras' and TensorFlow's (the weight kept, the decay β).",
    },
)
MOMENTUM = Control(
    "momentum",
    "momentum",
    "number",
    default=0.1,  # the page gives each framework's own (DEFAULT_MOMENTUM)
    low=0.0,
    high=1.0,
    step=0.01,
    extra={"format": "%.4f"},
)
BATCH_SIZE = Control(
    "batch_size",
    "batch size",
    "select_slider",
    default=32,
    options=(2, 4, 8, 16, 32, 64, 128, 256),
    extra={"help": "Samples a batch: small batches give noisy batch statistics."},
)
DRIFT = Control(
    "drift",
    "drift of the true mean",
    "slider",
    default=1.0,
    low=0.0,
    high=3.0,
    step=0.1,
    extra={"help": "How far the activations' true mean moves during the run, as a layer "
           "before it trains (its spread grows by half as much)."},
)  # fmt: skip
SPREAD = Control("spread", "true std σ at the start", "slider", 1.0, low=0.1, high=3.0, step=0.1)
BATCHES = Control(
    "batches",
    "batches",
    "select_slider",
    default=1000,
    options=(100, 200, 500, 1000, 2000, 5000, 10000),
)
