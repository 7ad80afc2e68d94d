"""How fast is ema_core's hot path? Times in one run, as ratios to a memory copy.

    python benchmarks/bench_core.py [--n 10000000] [--weights 100000000] [--repeat 5]

The machines are shared and noisy, so every figure is the best of ``--repeat``
runs and is reported beside ``np.copy`` of the same array, measured in the same
run: the ratio is what to compare between machines, not the seconds.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from scipy.signal import lfilter
from timing import best_of

from ema_core import _kernels, ema_series, ema_update, tf_decay


def python_loop(x: np.ndarray, decay: float) -> list[float]:
    s, out = 0.0, []
    for v in x:
        s = decay * s + (1 - decay) * v
        out.append(s)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="series length")
    parser.add_argument(
        "--weights", type=int, default=100_000_000, help="float32 weights updated in place"
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n, repeat = args.n, args.repeat

    _kernels.warm_up()  # compiled or loaded from numba's cache, not timed
    x = np.random.default_rng(0).normal(size=n)
    b = 0.999
    per_step = tf_decay(b, np.arange(n))
    rows: list[tuple[str, float]] = []
    copy = best_of(lambda: np.copy(x), repeat)
    rows.append(("np.copy(x)  [baseline]", copy))
    rows.append(("ema_series, constant decay", best_of(lambda: ema_series(x, b), repeat)))
    rows.append(
        ("ema_series, per-step decays (tf_decay)", best_of(lambda: ema_series(x, per_step), repeat))
    )
    rows.append(("ema_series, debias=True", best_of(lambda: ema_series(x, b, debias=True), repeat)))
    rows.append(
        (
            "scipy.signal.lfilter([1-b], [1, -b], x)",
            best_of(lambda: lfilter([1 - b], [1, -b], x), repeat),
        )
    )
    series = pd.Series(x)
    rows.append(
        (
            "pandas ewm(alpha=1-b, adjust=False).mean()",
            best_of(lambda: series.ewm(alpha=1 - b, adjust=False).mean(), max(1, repeat // 2)),
        )
    )
    part = min(n, 200_000)
    loop = best_of(lambda: python_loop(x[:part], b), 1) * n / part
    rows.append((f"plain Python loop (on {part:,}, scaled)", loop))

    print(f"EMA of {n:,} float64 samples (best of {repeat}):")
    for name, t in rows:
        print(f"  {name:<46} {t * 1e3:10.1f} ms  {t / copy:7.2f}x copy")

    w = args.weights
    shadow = np.zeros(w, np.float32)
    weights = np.ones(w, np.float32)
    copyto = best_of(lambda: np.copyto(shadow, weights), repeat)
    inplace = best_of(lambda: ema_update(shadow, weights, 0.999, out=shadow), repeat)
    print(f"\nIn-place update of {w:,} float32 weights (best of {repeat}):")
    for name, t in [
        ("np.copyto(shadow, weights)  [baseline]", copyto),
        ("ema_update(shadow, weights, b, out=shadow)", inplace),
    ]:
        print(f"  {name:<46} {t * 1e3:10.1f} ms  {t / copyto:7.2f}x copyto")


if __name__ == "__main__":
    main()
