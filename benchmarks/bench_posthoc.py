"""How fast is a post-hoc EMA? Coefficients and the rebuilt average, as ratios to a copy.

    python benchmarks/bench_posthoc.py [--params 10000000] [--snapshots 64] [--repeat 5]

Solving for the coefficients of ``--snapshots`` stored averages (two tracked widths,
half each) costs a small dense solve; rebuilding the average reads every snapshot
once (a matrix-vector product). Both are reported beside ``np.copy`` of one
snapshot's worth of float32 parameters, measured in the same run: reading
``--snapshots`` arrays cannot cost less than about ``snapshots / 2`` copies (a copy
reads one array and writes one).
"""

from __future__ import annotations

import argparse

import numpy as np
from timing import best_of

from ema_core import posthoc_coefficients, posthoc_ema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=int, default=10_000_000, help="float32 parameters")
    parser.add_argument("--snapshots", type=int, default=64, help="stored snapshots, even")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n, repeat, per_track = args.params, args.repeat, args.snapshots // 2

    taken = np.arange(1, per_track + 1) * 4096
    steps = np.concatenate([taken, taken])
    widths = np.repeat([0.05, 0.10], per_track)
    snapshots = np.random.default_rng(0).standard_normal((2 * per_track, n), dtype=np.float32)
    one = snapshots[0]

    copy = best_of(lambda: np.copy(one), repeat)
    coefficients = best_of(lambda: posthoc_coefficients(steps, widths, taken[-1], 0.07), repeat)
    sweep = best_of(
        lambda: posthoc_coefficients(steps, widths, taken[-1], np.linspace(0.01, 0.25, 200)),
        repeat,
    )
    rebuild = best_of(lambda: posthoc_ema(snapshots, steps, widths, taken[-1], 0.07), repeat)

    print(
        f"Post-hoc EMA from {2 * per_track} snapshots of {n:,} float32 parameters "
        f"(best of {repeat}):"
    )
    for name, t in [
        ("np.copy(one snapshot)  [baseline]", copy),
        (f"posthoc_coefficients, 1 target ({2 * per_track} snapshots)", coefficients),
        ("posthoc_coefficients, 200 targets", sweep),
        ("posthoc_ema (coefficients + rebuild)", rebuild),
    ]:
        print(f"  {name:<52} {t * 1e3:10.2f} ms  {t / copy:8.3f}x copy")


if __name__ == "__main__":
    main()
