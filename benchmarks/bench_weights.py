"""How long does the weights lab take to train and follow five EMA tracks?

    python benchmarks/bench_weights.py [--steps 10000] [--repeat 5]

Times ``ema_core.training.simulate`` (SGD plus the constant, TensorFlow, warm-up,
Keras and debiased tracks and every held-out loss) beside a baseline measured in the
same run: the same SGD written as a plain Python loop over NumPy arrays, the way a
notebook would. Best of ``--repeat``.
"""

from __future__ import annotations

import argparse

import numpy as np
from timing import best_of

from ema_core.training import least_squares, sgd, simulate


def numpy_loop(problem, steps: int, lr: float = 0.3, batch: int = 1, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng([seed, 1])
    idx = rng.integers(0, len(problem.targets), size=(steps, batch))
    w = np.array([-1.5, 2.0])
    out = [w]
    for rows in idx:
        x, y = problem.features[rows], problem.targets[rows]
        w = w - lr * x.T @ (x @ w - y) / batch
        out.append(w)
    return np.array(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    problem = least_squares(0)
    simulate(steps=100, problem=problem)  # compile or load the kernels
    np.testing.assert_allclose(
        numpy_loop(problem, 200),
        sgd(problem, learning_rate=0.3, steps=200, batch_size=1),
        rtol=1e-12,
    )
    loop = best_of(lambda: numpy_loop(problem, args.steps), args.repeat)
    run = best_of(lambda: simulate(steps=args.steps, problem=problem), args.repeat)
    bare = best_of(
        lambda: sgd(problem, learning_rate=0.3, steps=args.steps, batch_size=1), args.repeat
    )
    print(f"{args.steps:,} SGD steps (best of {args.repeat}):")
    print(f"  {'plain NumPy loop, SGD only  [baseline]':<50} {loop * 1e3:8.1f} ms  {1:6.2f}x")
    print(f"  {'ema_core.training.sgd':<50} {bare * 1e3:8.1f} ms  {bare / loop:6.2f}x")
    label = "simulate: SGD + 5 EMA tracks + held-out losses"
    print(f"  {label:<50} {run * 1e3:8.1f} ms  {run / loop:6.2f}x")


if __name__ == "__main__":
    main()
