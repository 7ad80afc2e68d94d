r"""The EMAs inside the optimizers: Adam's two moments and SGD's momentum.

Adam (Kingma & Ba 2015, Algorithm 1) keeps two zero-started EMAs of the gradients
:math:`g_t`, and divides each by its bias correction (§3):

.. math::

    m_t = \beta_1 m_{t-1} + (1-\beta_1)\,g_t, \qquad
    v_t = \beta_2 v_{t-1} + (1-\beta_2)\,g_t^2, \qquad
    \hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad \hat v_t = \frac{v_t}{1-\beta_2^t}

Without the correction, :math:`v_1 = (1-\beta_2)\,g_1^2` is 1,000 times too small at
:math:`\beta_2 = 0.999` and the first step :math:`1/\sqrt{1-\beta_2} \approx 31.6` times
too long (with :math:`\beta_1 = 0.9` the smaller :math:`m_1` takes a factor 10 back).

The frameworks agree on the moments and place :math:`\epsilon` in two ways:

=======================================  =====================================================
convention                               update (added to the parameters)
=======================================  =====================================================
``"pytorch"``: PyTorch ``Adam``, optax   :math:`-\eta\,\hat m_t / (\sqrt{\hat v_t} + \epsilon)`
``scale_by_adam`` (``eps_root=0``), the
paper's Algorithm 1
``"keras"``: Keras 3 and TensorFlow      :math:`-\alpha_t\, m_t / (\sqrt{v_t} + \epsilon)`, with
``Adam``, the paper's §2 "more            :math:`\alpha_t = \eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)`
efficient" order
=======================================  =====================================================

The two are equal at :math:`\epsilon = 0`. Otherwise Keras' :math:`\epsilon` acts as
:math:`\epsilon/\sqrt{1-\beta_2^t}` in PyTorch's: 31.6 times larger at step 1 with
:math:`\beta_2 = 0.999`, which shows where :math:`\sqrt{v}` is as small as
:math:`\epsilon` (gradients near zero). The bias corrections are
:math:`1 - \beta^t` with the platform's ``pow``, as every framework computes them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ema_core._validation import (
    as_real_array,
    check_below_one,
    check_nonnegative,
    check_scalar_decay,
    check_whole,
)
from ema_core.series import ema_series

__all__ = [
    "ADAM_CONVENTIONS",
    "AdamRun",
    "AdamTrack",
    "adam_descent",
    "adam_moments",
    "momentum_updates",
]

Convention = Literal["pytorch", "keras"]
ADAM_CONVENTIONS: tuple[str, ...] = ("pytorch", "keras")
"""Where `adam_moments` puts :math:`\\epsilon`, by the framework that set it."""


@dataclass(frozen=True)
class AdamTrack:
    """Adam's state after each step, every field of the gradients' shape (float64).

    ``m_hat`` and ``v_hat`` are the bias-corrected moments whether or not the update
    used them (``bias_correction=False``)."""

    m: np.ndarray
    v: np.ndarray
    m_hat: np.ndarray
    v_hat: np.ndarray
    update: np.ndarray


def _gradients(grads: ArrayLike) -> np.ndarray:
    g = as_real_array(grads, "grads").astype(np.float64)
    if g.ndim == 0 or g.size == 0:
        raise ValueError(f"grads must hold at least one step along axis 0, got shape {g.shape}")
    if not np.isfinite(g).all():
        raise ValueError("grads must be finite (no NaN or infinity)")
    return g


def check_convention(convention: str) -> str:
    """``convention`` if `adam_moments` knows it, or a ``ValueError``."""
    if convention not in ADAM_CONVENTIONS:
        raise ValueError(
            f"convention must be one of {', '.join(ADAM_CONVENTIONS)}; got {convention!r}"
        )
    return convention


def _correction(decay: float, like: np.ndarray) -> np.ndarray:
    r""":math:`1 - \beta^t` for each step of ``like``, shaped to broadcast against it.

    With the C library's ``pow``, as Python, PyTorch and the browser compute it: NumPy's
    vectorized power differs from it in the last bit for 5% of the steps at
    :math:`\beta = 0.999999`, which ``1 -`` turns into relative differences of 1e-11.
    """
    steps = like.shape[0]
    factor = np.fromiter((1 - math.pow(decay, t) for t in range(1, steps + 1)), np.float64, steps)
    return factor.reshape((-1,) + (1,) * (like.ndim - 1))


def adam_moments(
    grads: ArrayLike,
    *,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    lr: float = 1e-3,
    convention: Convention = "pytorch",
    bias_correction: bool = True,
) -> AdamTrack:
    r"""Adam's moments and update at every step of a sequence of gradients.

    .. math::

        m_t = \beta_1 m_{t-1} + (1-\beta_1)\,g_t, \quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2)\,g_t^2, \quad m_0 = v_0 = 0

        \text{pytorch:}\ u_t = -\eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}, \qquad
        \text{keras:}\ u_t = -\eta\,\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}\,
        \frac{m_t}{\sqrt{v_t} + \epsilon}

    Parameters
    ----------
    grads : array_like, shape (steps, ...)
        :math:`g_1, \dots, g_T` along axis 0; any further axes are parameters, each
        with its own moments. Finite, at least one step.
    beta1, beta2 : float
        The moments' decays, in :math:`[0, 1)`.
    eps : float
        :math:`\epsilon \ge 0`, placed as ``convention`` says.
    lr : float
        The learning rate :math:`\eta \ge 0`.
    convention : {"pytorch", "keras"}
        ``"pytorch"`` (the paper's Algorithm 1, optax's ``scale_by_adam``) or
        ``"keras"`` (Keras 3 and TensorFlow): see the module's table.
    bias_correction : bool
        ``False`` gives the uncorrected update :math:`-\eta\,m_t/(\sqrt{v_t}+\epsilon)`
        in both conventions.

    Returns
    -------
    AdamTrack
        ``m``, ``v``, ``m_hat``, ``v_hat`` and ``update`` (the step added to the
        parameters, negative for descent), float64 of the gradients' shape.

    Raises
    ------
    ValueError
        Naming the argument: a decay outside :math:`[0, 1)`, a negative or non-finite
        ``eps`` or ``lr``, empty or non-finite ``grads``, an unknown ``convention``.

    Examples
    --------
    By hand, with :math:`\beta_1 = \beta_2 = 0.5`, :math:`\eta = 1`, :math:`\epsilon = 0`
    and gradients 1, −1, 2: :math:`m = 0.5, -0.25, 0.875` and
    :math:`v = 0.5, 0.75, 2.375`; the corrections :math:`1 - 0.5^t` are 0.5, 0.75,
    0.875, so :math:`\hat m = 1, -1/3, 1` and :math:`\hat v = 1, 1, 19/7`, and the steps
    are :math:`-1, 1/3, -\sqrt{7/19}`.

    >>> track = adam_moments([1.0, -1.0, 2.0], beta1=0.5, beta2=0.5, eps=0.0, lr=1.0)
    >>> track.m, track.v
    (array([ 0.5  , -0.25 ,  0.875]), array([0.5  , 0.75 , 2.375]))
    >>> track.m_hat, track.v_hat
    (array([ 1.        , -0.33333333,  1.        ]), array([1.        , 1.        , 2.71428571]))
    >>> track.update
    array([-1.        ,  0.33333333, -0.60697698])

    Uncorrected, the first step is :math:`-0.5/\sqrt{0.5}`; with :math:`\epsilon = 0.1`
    the conventions part: :math:`-1/1.1` against :math:`-\sqrt{0.5}/(\sqrt{0.5}+0.1)`.

    >>> adam_moments([1.0], beta1=0.5, beta2=0.5, eps=0.0, lr=1.0,
    ...              bias_correction=False).update
    array([-0.70710678])
    >>> [float(adam_moments([1.0], beta1=0.5, beta2=0.5, eps=0.1, lr=1.0,
    ...                     convention=c).update[0]) for c in ("pytorch", "keras")]
    [-0.9090909090909091, -0.8761006569007046]
    """
    g = _gradients(grads)
    b1, b2 = check_below_one(beta1, "beta1"), check_below_one(beta2, "beta2")
    eps, lr = check_nonnegative(eps, "eps"), check_nonnegative(lr, "lr")
    check_convention(convention)
    m = ema_series(g, b1, initial=0.0)
    v = ema_series(g * g, b2, initial=0.0)
    corrected1, corrected2 = _correction(b1, g), _correction(b2, g)
    m_hat, v_hat = m / corrected1, v / corrected2
    if not bias_correction:
        update = -lr * m / (np.sqrt(v) + eps)
    elif convention == "pytorch":
        update = -lr * m_hat / (np.sqrt(v_hat) + eps)
    else:
        alpha = lr * np.sqrt(corrected2) / corrected1
        update = -(m * alpha) / (np.sqrt(v) + eps)
    return AdamTrack(m=m, v=v, m_hat=m_hat, v_hat=v_hat, update=update)


@dataclass(frozen=True)
class AdamRun:
    """Adam descending from a start: the parameters before and after every step,
    (steps + 1, ...), the gradient each step took and the step, (steps, ...)."""

    weights: np.ndarray
    grads: np.ndarray
    updates: np.ndarray


def adam_descent(
    gradient: Callable[[int, np.ndarray], ArrayLike],
    start: ArrayLike,
    *,
    steps: int,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    convention: Convention = "pytorch",
    bias_correction: bool = True,
) -> AdamRun:
    r"""Adam in the loop: :math:`\theta_t = \theta_{t-1} + u_t`, where :math:`u_t` is
    `adam_moments`' step for :math:`g_t = \text{gradient}(t, \theta_{t-1})`.

    Each step takes the same operations in the same order as `adam_moments`, so that
    ``adam_moments(run.grads, ...).update`` is ``run.updates`` to the last bit.

    Parameters
    ----------
    gradient : callable
        ``gradient(t, theta)``: the (possibly noisy) gradient at step ``t`` (from 0) at
        the parameters ``theta``, of ``theta``'s shape.
    start : array_like
        :math:`\theta_0`.
    steps : int
        How many steps, at least one.
    lr, beta1, beta2, eps, convention, bias_correction
        As in `adam_moments`.

    Examples
    --------
    On :math:`\tfrac12\theta^2` (gradient :math:`\theta`) from 1: Adam's first step is
    :math:`-\eta` whatever the gradient's size (:math:`\hat m_1/\sqrt{\hat v_1} = 1`).
    At step 2, :math:`g = 0.9`: :math:`\hat m_2 = 0.18/0.19 = 0.9474` and
    :math:`\sqrt{\hat v_2} = \sqrt{0.001809/0.001999} = 0.9513`, a step of 0.09959.

    >>> run = adam_descent(lambda t, theta: theta, 1.0, steps=2, lr=0.1, eps=0.0)
    >>> run.weights
    array([1.        , 0.9       , 0.80041223])
    """
    lr, eps = check_nonnegative(lr, "lr"), check_nonnegative(eps, "eps")
    b1, b2 = check_below_one(beta1, "beta1"), check_below_one(beta2, "beta2")
    check_convention(convention)
    steps = check_whole(steps, "steps")
    theta = np.asarray(start, dtype=np.float64).copy()
    weights = np.empty((steps + 1, *theta.shape))
    grads = np.empty((steps, *theta.shape))
    updates = np.empty_like(grads)
    weights[0] = theta
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for t in range(steps):
        g = np.asarray(gradient(t, theta), dtype=np.float64)
        grads[t] = g
        # adam_moments' operations: the EMAs as ema_series computes them, then the step.
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * (g * g)
        one1, one2 = 1 - math.pow(b1, t + 1), 1 - math.pow(b2, t + 1)
        if not bias_correction:
            step = -lr * m / (np.sqrt(v) + eps)
        elif convention == "pytorch":
            step = -lr * (m / one1) / (np.sqrt(v / one2) + eps)
        else:
            step = -(m * (lr * math.sqrt(one2) / one1)) / (np.sqrt(v) + eps)
        updates[t] = step
        theta = theta + step
        weights[t + 1] = theta
    return AdamRun(weights, grads, updates)


def momentum_updates(
    grads: ArrayLike,
    *,
    lr: float,
    momentum: float = 0.9,
    dampening: float = 0.0,
    nesterov: bool = False,
) -> np.ndarray:
    r"""The steps of PyTorch's ``SGD`` with momentum, for a sequence of gradients.

    .. math::

        b_1 = g_1, \qquad b_t = \mu\,b_{t-1} + (1-\tau)\,g_t, \qquad
        u_t = -\eta\,(g_t + \mu\,b_t) \ \text{(Nesterov)} \ \text{or} \ -\eta\,b_t

    with momentum :math:`\mu` and dampening :math:`\tau`; at :math:`\mu = 0` there is
    no buffer and :math:`u_t = -\eta\,g_t`. With :math:`\tau = \mu` the buffer is an
    EMA of the gradients with decay :math:`\beta = \mu`, started at the first gradient
    (``ema_series(grads, mu, initial=None)``); with PyTorch's default :math:`\tau = 0`
    it is that EMA times :math:`1/(1-\mu)` once the start is forgotten (the heavy ball).

    Parameters
    ----------
    grads : array_like, shape (steps, ...)
        :math:`g_1, \dots, g_T` along axis 0. Finite, at least one step.
    lr : float
        :math:`\eta \ge 0`.
    momentum : float
        :math:`\mu \in [0, 1]`.
    dampening : float
        :math:`\tau \in [0, 1]`.
    nesterov : bool
        Nesterov's look-ahead; as in PyTorch it needs a momentum and zero dampening.

    Returns
    -------
    ndarray
        :math:`u_t`, the step added to the parameters (negative for descent), float64
        of the gradients' shape.

    Examples
    --------
    By hand, gradients 1, 1, 1 at :math:`\mu = 0.9`: the buffer is 1, 1.9, 2.71.

    >>> momentum_updates([1.0, 1.0, 1.0], lr=0.1)
    array([-0.1  , -0.19 , -0.271])
    >>> momentum_updates([1.0, 1.0, 1.0], lr=0.1, nesterov=True)  # 1 + 0.9 b_t
    array([-0.19  , -0.271 , -0.3439])
    >>> momentum_updates([1.0, 3.0], lr=1.0, momentum=0.5, dampening=0.5)  # an EMA
    array([-1., -2.])
    """
    g = _gradients(grads)
    lr = check_nonnegative(lr, "lr")
    mu = check_scalar_decay(momentum, "momentum")
    tau = check_scalar_decay(dampening, "dampening")
    if nesterov and (mu <= 0 or tau != 0):
        raise ValueError(
            f"nesterov needs momentum > 0 and dampening 0, got momentum={momentum!r}, "
            f"dampening={dampening!r}"
        )
    if mu == 0:
        return -lr * g
    buffer = np.empty_like(g)
    buffer[0] = g[0]
    for t in range(1, g.shape[0]):  # PyTorch's own order: mu * b, then + (1 - tau) * g
        buffer[t] = mu * buffer[t - 1] + (1 - tau) * g[t]
    return -lr * (g + mu * buffer if nesterov else buffer)
