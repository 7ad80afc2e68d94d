"""ema_core: the exponential moving average, exact and fast.

.. math:: \\mathrm{ema} \\leftarrow \\beta\\,\\mathrm{ema} + (1-\\beta)\\,x

Pure functions on scalars and NumPy arrays; ``signals`` holds test signals, a
real data set and a CSV reader.
"""

from ema_core import optimizers, signals, strategies, training
from ema_core.batchnorm import batchnorm_decay, batchnorm_running_stats
from ema_core.bias import bias_correction, debias
from ema_core.optimizers import AdamTrack, adam_moments, momentum_updates
from ema_core.posthoc import posthoc_coefficients, posthoc_ema, profile_inner_product
from ema_core.power import (
    SIGMA_REL_MAX,
    decay_from_sigma_rel,
    gamma_to_sigma_rel,
    power_decay,
    power_profile,
    sigma_rel_to_gamma,
)
from ema_core.readings import (
    DecayReadings,
    center_of_mass,
    decay_from_center_of_mass,
    decay_from_half_life,
    decay_from_span,
    decay_from_window,
    decay_readings,
    effective_window,
    forget_steps,
    half_life,
    noise_variance_ratio,
    span,
    weight_in_last,
)
from ema_core.responses import (
    cutoff_cycles,
    cutoff_frequency,
    frequency_response,
    impulse_response,
    step_response,
)
from ema_core.schedules import tf_crossover, tf_decay, warmup_decay
from ema_core.series import ema_series
from ema_core.smoothing import (
    TENSORBOARD_SCALAR_SAMPLES,
    WANDB_MAX_WEIGHT,
    tensorboard_sample,
    tensorboard_smoothing,
    time_weighted_smoothing,
)
from ema_core.tf_ema import ExponentialMovingAverage
from ema_core.times import ema_at_times, time_decay
from ema_core.update import ema_update

__all__ = [
    "SIGMA_REL_MAX",
    "TENSORBOARD_SCALAR_SAMPLES",
    "WANDB_MAX_WEIGHT",
    "AdamTrack",
    "DecayReadings",
    "ExponentialMovingAverage",
    "adam_moments",
    "batchnorm_decay",
    "batchnorm_running_stats",
    "bias_correction",
    "center_of_mass",
    "cutoff_cycles",
    "cutoff_frequency",
    "debias",
    "decay_from_center_of_mass",
    "decay_from_half_life",
    "decay_from_sigma_rel",
    "decay_from_span",
    "decay_from_window",
    "decay_readings",
    "effective_window",
    "ema_at_times",
    "ema_series",
    "ema_update",
    "forget_steps",
    "frequency_response",
    "gamma_to_sigma_rel",
    "half_life",
    "impulse_response",
    "momentum_updates",
    "noise_variance_ratio",
    "optimizers",
    "posthoc_coefficients",
    "posthoc_ema",
    "power_decay",
    "power_profile",
    "profile_inner_product",
    "sigma_rel_to_gamma",
    "signals",
    "span",
    "step_response",
    "strategies",
    "tensorboard_sample",
    "tensorboard_smoothing",
    "tf_crossover",
    "tf_decay",
    "time_decay",
    "time_weighted_smoothing",
    "training",
    "warmup_decay",
    "weight_in_last",
]

__version__ = "0.1.0"
