r"""Post-hoc EMA: choose the averaging length after training (EDM2, Algorithm 3).

Training stores, now and then, snapshots of a few power-function EMAs (see
`ema_core.power`); each is the data weighted by its profile :math:`p_i`. Any
other profile :math:`p` is then approximated by a combination
:math:`\sum_i c_i p_i`, with the coefficients that minimise
:math:`\lVert \sum_i c_i p_i - p \rVert^2` in :math:`L^2([0, \infty))`: the
normal equations :math:`A c = b` with :math:`A_{ij} = \langle p_i, p_j\rangle`
and :math:`b_i = \langle p_i, p\rangle`. Because an average is linear in the
weights it averages, :math:`\sum_i c_i \cdot \text{snapshot}_i` is then the
average the target profile would have produced, with no retraining.

The inner product of two profiles has a closed form (EDM2's eq. 151): for
:math:`t_a \le t_b`,

.. math:: \langle p_a, p_b\rangle = \frac{(\gamma_a+1)(\gamma_b+1)}{(\gamma_a+\gamma_b+1)\,t_b}
          \left(\frac{t_a}{t_b}\right)^{\gamma_b}.

During training, `power_snapshots` keeps those snapshots of a weight path, and
`power_ema_track` follows one power-function EMA directly, to check a rebuilt one against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ema_core._validation import as_real_array, check_at_least, check_whole, data_dtype
from ema_core.power import _check_sigma_rel, power_decay, sigma_rel_to_gamma
from ema_core.series import ema_series

__all__ = [
    "PowerSnapshots",
    "posthoc_coefficients",
    "posthoc_ema",
    "power_ema_track",
    "power_snapshots",
    "profile_inner_product",
]


def profile_inner_product(
    t_a: ArrayLike, gamma_a: ArrayLike, t_b: ArrayLike, gamma_b: ArrayLike
) -> np.ndarray:
    r""":math:`\int_0^\infty p_a(\tau)\,p_b(\tau)\,d\tau` for two power-function profiles.

    Broadcasts its arguments; see the module for the formula. Finite only when
    :math:`\gamma_a + \gamma_b > -1`, which every profile with a valid
    :math:`\sigma_\text{rel}` (:math:`\gamma \ge \gamma^* \approx -0.382`) meets.

    Examples
    --------
    >>> float(profile_inner_product(10.0, 0.0, 10.0, 0.0))  # two means over [0, 10]
    0.1
    >>> float(profile_inner_product(5.0, 0.0, 10.0, 0.0))  # overlap on [0, 5]: 5 * 0.2 * 0.1
    0.1
    """
    ta, ga, tb, gb = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (t_a, gamma_a, t_b, gamma_b))
    )
    if not ((ga + gb > -1) & (ta > 0) & (tb > 0)).all():
        raise ValueError(
            "profile_inner_product needs t_a, t_b > 0 and gamma_a + gamma_b > -1 "
            "(otherwise the product of the profiles is not integrable at 0)"
        )
    a_first = ta <= tb
    # Written with the ratio of the shorter to the longer profile's end, at most 1,
    # so that no power overflows for long runs.
    ratio = np.where(a_first, ta / tb, tb / ta)
    exponent = np.where(a_first, gb, ga)
    longer = np.maximum(ta, tb)
    return (ga + 1) * (gb + 1) * ratio**exponent / ((ga + gb + 1) * longer)


def _snapshot_profiles(steps: ArrayLike, sigma_rels: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t = check_at_least(steps, "snapshot_steps", 1).astype(np.float64).reshape(-1)
    s = _check_sigma_rel(sigma_rels, "snapshot_sigma_rels").reshape(-1)
    if s.size == 1:
        s = np.broadcast_to(s, t.shape)
    if t.shape != s.shape:
        raise ValueError(
            f"snapshot_steps and snapshot_sigma_rels must have the same length (or one "
            f"sigma_rel for all), got {t.size} and {s.size}"
        )
    if t.size == 0:
        raise ValueError("at least one snapshot is needed, got none")
    return t, np.asarray(sigma_rel_to_gamma(s)).reshape(-1)


def posthoc_coefficients(
    snapshot_steps: ArrayLike,
    snapshot_sigma_rels: ArrayLike,
    target_step: ArrayLike,
    target_sigma_rel: ArrayLike,
) -> np.ndarray:
    r"""The least-squares coefficients that rebuild a target EMA from stored snapshots.

    Solves :math:`A c = b` (see the module) and normalises :math:`c` to sum to 1,
    as EDM2's ``solve_posthoc_coefficients`` does, so that a constant stays
    constant.

    Parameters
    ----------
    snapshot_steps : array_like, shape (n,)
        The step :math:`t_i \ge 1` at which each snapshot was taken; its profile
        covers :math:`[0, t_i]` (EDM2's ``ofs``).
    snapshot_sigma_rels : array_like, shape (n,) or scalar
        The :math:`\sigma_\text{rel}` of the power-function EMA each snapshot holds.
    target_step : float or array_like, shape (m,)
        The step at which the average is wanted, usually the last snapshot's.
    target_sigma_rel : float or array_like, shape (m,)
        The wanted width(s), in :math:`(0, \varphi^{-5/2}]`; broadcast against
        ``target_step``.

    Returns
    -------
    ndarray, shape (n,) or (n, m)
        One coefficient per snapshot (per target), each column summing to 1.

    Raises
    ------
    ValueError
        For steps below 1, widths outside their range, mismatched lengths, or a
        singular system (two snapshots with the same step and width carry the same
        information, so no unique combination exists).

    Examples
    --------
    >>> c = posthoc_coefficients([100, 100], [0.05, 0.10], 100, 0.10)
    >>> np.round(c, 12) + 0.0
    array([0., 1.])
    >>> c = posthoc_coefficients([50, 100, 50, 100], [0.05, 0.05, 0.1, 0.1], 100, 0.07)
    >>> round(float(c.sum()), 12)
    1.0
    """
    t, g = _snapshot_profiles(snapshot_steps, snapshot_sigma_rels)
    pairs = np.stack([t, g], axis=1)
    if len(np.unique(pairs, axis=0)) < len(pairs):
        raise ValueError(
            "the snapshot system is singular: two snapshots have the same step and "
            "sigma_rel; keep one of each"
        )
    target_t = check_at_least(target_step, "target_step", 0, strict=True)
    target_s = _check_sigma_rel(target_sigma_rel, "target_sigma_rel")
    target_t, target_s = np.broadcast_arrays(target_t.astype(np.float64), target_s)
    if target_t.ndim > 1:
        raise ValueError(
            f"target_step and target_sigma_rel must be scalars or 1-D, got shape {target_t.shape}"
        )
    target_g = np.asarray(sigma_rel_to_gamma(target_s))

    a = profile_inner_product(t[:, None], g[:, None], t[None, :], g[None, :])
    b = profile_inner_product(
        t[:, None], g[:, None], target_t.reshape(1, -1), target_g.reshape(1, -1)
    )
    try:
        c = np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        raise ValueError(
            "the snapshot system is singular: the snapshots' profiles are linearly "
            "dependent; use snapshots at different steps or widths"
        ) from None
    total = c.sum(axis=0)
    if not (np.isfinite(c).all() and (total != 0).all()):
        raise ValueError(
            "the snapshot system is singular to working precision: the snapshots' "
            "profiles are nearly linearly dependent"
        )
    c = c / total
    return c[:, 0] if target_t.ndim == 0 else c


def posthoc_ema(
    snapshots: ArrayLike,
    snapshot_steps: ArrayLike,
    snapshot_sigma_rels: ArrayLike,
    target_step: ArrayLike,
    target_sigma_rel: ArrayLike,
) -> np.ndarray:
    r"""The average a power-function EMA of width ``target_sigma_rel`` would hold, rebuilt.

    .. math:: \hat\theta = \sum_i c_i\,\theta_i

    with :math:`c` from `posthoc_coefficients` and :math:`\theta_i` the snapshots.

    Parameters
    ----------
    snapshots : array_like, shape (n, ...)
        The stored averages, stacked along axis 0, with any trailing shape (a weight
        vector, a matrix, a whole model's flat weights).
    snapshot_steps, snapshot_sigma_rels, target_step, target_sigma_rel
        As in `posthoc_coefficients`.

    Returns
    -------
    ndarray, shape (...) or (m, ...)
        The rebuilt average (one per target); float32 for float32 snapshots. One
        pass over the snapshots (a matrix-vector product).

    Examples
    --------
    >>> snaps = np.array([[1.0, 0.0], [3.0, 2.0]])  # two snapshots of two weights
    >>> posthoc_ema(snaps, [100, 100], [0.05, 0.10], 100, 0.10).round(12) + 0.0
    array([3., 2.])
    """
    theta = as_real_array(snapshots, "snapshots")
    if theta.ndim == 0:
        raise ValueError("snapshots must be stacked along axis 0, got a scalar")
    c = posthoc_coefficients(snapshot_steps, snapshot_sigma_rels, target_step, target_sigma_rel)
    if c.shape[0] != theta.shape[0]:
        raise ValueError(
            f"snapshots must have one entry per snapshot step along axis 0 ({c.shape[0]}), "
            f"got {theta.shape[0]}"
        )
    dtype = data_dtype(theta)
    flat = theta.reshape(theta.shape[0], -1)
    # Coefficients in the snapshots' precision: a float64 vector against float32
    # snapshots would make NumPy copy all of them to float64 first.
    out = c.T.astype(dtype) @ flat.astype(dtype, copy=False)
    return out.reshape(c.shape[1:] + theta.shape[1:])


def power_ema_track(weights: ArrayLike, sigma_rel: float) -> np.ndarray:
    """The power-function EMA of a weight path after every step, tracked directly.

    ``weights[0]`` are the initial weights (the track starts there) and
    ``weights[t]`` those after step ``t``; update ``t`` uses `power_decay` ``(t, γ)``,
    so the first update copies the weights, as EDM2's ``PowerFunctionEMA`` does.

    Examples
    --------
    >>> w = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> power_ema_track(w, 1 / np.sqrt(12))[:, 0]  # gamma 0: the running mean
    array([0. , 1. , 1.5, 2. ])
    """
    w = np.asarray(weights, dtype=np.float64)
    steps = w.shape[0] - 1
    check_whole(steps, "number of steps (len(weights) - 1)")
    track = np.empty_like(w)
    track[0] = w[0]
    decay = power_decay(np.arange(1, steps + 1), sigma_rel_to_gamma(sigma_rel))
    track[1:] = ema_series(w[1:], decay, initial=w[0])
    return track


@dataclass(frozen=True)
class PowerSnapshots:
    """Snapshots of power-function EMAs stored during training (EDM2's post-hoc set-up).

    ``steps[i]`` is when snapshot ``i`` was taken, ``sigma_rels[i]`` the width of
    the EMA it holds, ``averages[i]`` the average itself.
    """

    steps: np.ndarray
    sigma_rels: np.ndarray
    averages: np.ndarray

    def rebuild(self, sigma_rel: ArrayLike, step: int | None = None) -> np.ndarray:
        """The EMA of width ``sigma_rel`` at ``step`` (the last snapshot's by default),
        rebuilt from the snapshots taken up to then (see `ema_core.posthoc_ema`)."""
        step = int(self.steps.max()) if step is None else step
        known = self.steps <= step
        return posthoc_ema(
            self.averages[known], self.steps[known], self.sigma_rels[known], step, sigma_rel
        )

    def rebuild_path(self, sigma_rel: float) -> tuple[np.ndarray, np.ndarray]:
        """The rebuilt EMA at every snapshot step, from what was stored up to then:
        the steps and the averages, (k,) and (k, ...)."""
        at = np.unique(self.steps)
        return at, np.stack([self.rebuild(sigma_rel, int(t)) for t in at])


def power_snapshots(
    weights: ArrayLike, sigma_rels: Sequence[float] = (0.05, 0.10), *, every: int
) -> PowerSnapshots:
    """Track one power-function EMA per width over a weight path, storing a snapshot
    of each every ``every`` steps and at the last step.

    Examples
    --------
    >>> w = np.cumsum(np.ones((101, 2)), axis=0)
    >>> snaps = power_snapshots(w, every=25)
    >>> snaps.steps.tolist()
    [25, 50, 75, 100, 25, 50, 75, 100]
    >>> bool(np.allclose(snaps.rebuild(0.10), power_ema_track(w, 0.10)[-1]))
    True
    """
    w = np.asarray(weights, dtype=np.float64)
    every = check_whole(every, "every")
    total = w.shape[0] - 1
    taken = np.unique(np.append(np.arange(every, total + 1, every), total))
    tracks = [power_ema_track(w, s)[taken] for s in sigma_rels]
    return PowerSnapshots(
        steps=np.tile(taken, len(tracks)),
        sigma_rels=np.repeat(np.asarray(sigma_rels, dtype=np.float64), len(taken)),
        averages=np.concatenate(tracks),
    )
