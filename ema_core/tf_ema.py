"""A NumPy twin of ``tf.train.ExponentialMovingAverage``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ema_core._validation import as_real_array, check_at_least, check_scalar_decay, data_dtype
from ema_core.schedules import tf_decay

__all__ = ["ExponentialMovingAverage"]


class ExponentialMovingAverage:
    r"""Shadow copies of named arrays, kept as TensorFlow keeps them.

    Mirrors ``tf.train.ExponentialMovingAverage(decay, num_updates, zero_debias)``
    in TensorFlow 2 eager mode, down to the form of its arithmetic:

    - ``apply(values)`` creates the shadow of a name the first time it sees it,
      from that value, and in every call (the first included) updates each shadow
      once with TensorFlow's ``shadow -= (shadow - value) * (1 - d)``.
    - The decay in effect ``d`` is ``decay``, or ``tf_decay(decay, num_updates)``
      when ``num_updates`` is not None. Like the step variable of TensorFlow's
      examples, ``num_updates`` is an attribute the caller sets between calls;
      ``apply`` never increments it.
    - With ``zero_debias=True`` each name also gets a zero-started ``biased``
      accumulator and a step counter :math:`t` (TensorFlow's ``_zero_debias``):

      .. math::

          b \mathrel{-}= (b - x)(1 - d), \qquad t \mathrel{+}= 1, \qquad
          \text{shadow} = b / (1 - d^t)

    Parameters
    ----------
    decay : float
        :math:`\beta \in [0, 1]`.
    num_updates : int, optional
        The step count that drives `tf_decay`; None for a constant decay.
    zero_debias : bool, default False
        Keep the debiased zero-started average instead of the plain one.

    Notes
    -----
    *zero_debias versus exact debiasing.* TensorFlow divides by :math:`1 - d^t`
    with the decay :math:`d` in effect *now*. While the decay is constant this is
    exactly ``ema_series(x, d, debias=True)``. When it changes (``num_updates``
    set), the exact correction is :math:`1 - \prod_k d_k`, which
    ``ema_series(x, decays, debias=True)`` uses; TensorFlow's shadow then differs
    from it (its weights on the data no longer sum to one) until the decay settles.

    *Precision.* TensorFlow computes the decay in float32 (``num_updates`` is cast
    to float32 first), so its own numbers differ from these float64 ones by about
    1e-7 relative. Shadows keep the dtype of the value that created them: float32
    stays float32.

    Examples
    --------
    The example of TensorFlow's documentation:

    >>> ema = ExponentialMovingAverage(0.99, num_updates=0)
    >>> ema.apply({"v1": 0.0})      # creates the shadow: 0
    >>> ema.apply({"v1": 5.0})      # decay min(0.99, 1/10) = 0.1
    >>> round(ema.average("v1"), 12)
    4.5
    >>> ema.num_updates = 10_000    # decay 0.99 from now on
    >>> ema.apply({"v1": 10.0})
    >>> round(ema.average("v1"), 12)
    4.555
    >>> ema.apply({"v1": 10.0})
    >>> round(ema.average("v1"), 12)
    4.60945
    """

    def __init__(
        self,
        decay: float,
        num_updates: int | None = None,
        zero_debias: bool = False,
    ) -> None:
        self.decay = check_scalar_decay(decay)
        self.num_updates = num_updates
        self.zero_debias = bool(zero_debias)
        self._shadows: dict[str, np.ndarray] = {}
        self._biased: dict[str, np.ndarray] = {}
        self._local_steps: dict[str, int] = {}

    def current_decay(self) -> float:
        """The decay the next `apply` will use."""
        if self.num_updates is None:
            return self.decay
        n = check_at_least(self.num_updates, "num_updates", 0)
        if n.ndim:
            raise ValueError(f"num_updates must be a scalar, got shape {n.shape}")
        return float(tf_decay(self.decay, float(n)))

    def apply(self, values: Mapping[str, ArrayLike] | Sequence[ArrayLike]) -> None:
        """Update every shadow once; create the shadow of a name not seen before.

        Parameters
        ----------
        values : mapping of str to array_like, or sequence of array_like
            The current values. A sequence names its items ``"0"``, ``"1"``, ...
        """
        if isinstance(values, Mapping):
            items = [(str(k), v) for k, v in values.items()]
        elif isinstance(values, Sequence) and not isinstance(values, (str, bytes)):
            items = [(str(i), v) for i, v in enumerate(values)]
        else:
            raise TypeError(
                "values must be a mapping of name to array or a sequence of arrays, "
                f"got {type(values).__name__}"
            )
        decay = self.current_decay()
        arrays = []
        for name, value in items:  # check everything before changing anything
            x = as_real_array(value, f"values[{name!r}]")
            if name in self._shadows:
                x = x.astype(self._shadows[name].dtype, copy=False)
                if x.shape != self._shadows[name].shape:
                    raise ValueError(
                        f"values[{name!r}] has shape {x.shape}, but its shadow has "
                        f"shape {self._shadows[name].shape}"
                    )
            else:
                x = x.astype(data_dtype(x), copy=False)
            arrays.append((name, x))
        for name, x in arrays:
            if name not in self._shadows:
                self._shadows[name] = np.array(x, copy=True)
                if self.zero_debias:
                    self._biased[name] = np.zeros_like(self._shadows[name])
                    self._local_steps[name] = 0
            self._update(name, x, decay)

    def _update(self, name: str, x: np.ndarray, decay: float) -> None:
        shadow = self._shadows[name]
        d = shadow.dtype.type(decay)
        complement = shadow.dtype.type(1) - d
        if not self.zero_debias:
            shadow -= (shadow - x) * complement
            return
        biased = self._biased[name]
        biased -= (biased - x) * complement
        self._local_steps[name] += 1
        factor = 1 - (1 - complement) ** self._local_steps[name]
        if factor == 0:
            raise ValueError(
                "zero_debias needs a decay below 1: at decay 1 the biased "
                "accumulator has no weight on the data"
            )
        shadow[...] = biased / factor

    def average(self, name: str | int) -> Any:
        """A copy of the shadow of ``name`` (a plain float for a scalar)."""
        key = str(name)
        if key not in self._shadows:
            known = ", ".join(repr(k) for k in self._shadows) or "none yet"
            raise KeyError(f"no shadow named {key!r}; known names: {known}")
        shadow = self._shadows[key]
        return float(shadow) if shadow.ndim == 0 else shadow.copy()

    def __repr__(self) -> str:
        return (
            f"ExponentialMovingAverage(decay={self.decay!r}, "
            f"num_updates={self.num_updates!r}, zero_debias={self.zero_debias!r})"
        )
