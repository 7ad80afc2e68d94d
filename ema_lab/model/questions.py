"""Predict, then check: a question on each page that a student answers before the page
shows it, checked against `ema_core`, with a hint and the worked answer. An answer is a
URL-bound control (``?answer=0.271``), so a lecturer's link carries the class's guess."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import ema_core as ec
from ema_lab.model.numbers import readable
from ema_lab.model.params import Control
from ema_lab.model.readings import whole_steps_to_forget


@dataclass(frozen=True)
class Question:
    prompt: str
    answer: Callable[[], float]  # from ema_core
    hint: str
    worked: str  # the worked answer; "{answer}" stands for it
    rel: float = 0.01  # how close counts as right (relative)

    @property
    def value(self) -> float:
        return float(self.answer())

    def correct(self, guess: float) -> bool:
        return math.isclose(guess, self.value, rel_tol=self.rel, abs_tol=1e-9)

    def worked_answer(self) -> str:
        return self.worked.format(answer=readable(self.value, 4))


ANSWER = Control(
    "answer", "your answer", "number", default=None, low=-1e9, high=1e9, step=None,
    extra={"placeholder": "type a number, then Enter", "format": "%g"},
)  # fmt: skip
"""The answer box: one per page (widgets are per page), its value in the link."""


QUESTIONS: dict[str, Question] = {
    "": Question(
        "β = 0.9, started at 0, and every input is 1: what is the EMA after 3 steps?",
        lambda: ec.ema_series([1.0, 1.0, 1.0], 0.9)[-1],
        "Each step keeps 0.9 of the EMA and adds 0.1 of the input: 0.1, then 0.19, then …",
        "0.1 → 0.19 → 0.271: the EMA is 1 − 0.9³ = {answer}, the weight the data has so far.",
    ),
    "smoothing": Question(
        "At β = 0.99, how many of the last steps hold about 63% (1 − 1/e) of the weight?",
        lambda: ec.effective_window(0.99),
        "The effective window is 1/(1 − β).",
        "1/(1 − 0.99) = {answer} steps: the weights (1 − β)βᵏ of the last N = 1/(1 − β) "
        "steps sum to 1 − β^N ≈ 1 − 1/e.",
    ),
    "bias_correction": Question(
        "Started at 0 with β = 0.99: after how many steps does the zero start hold less than "
        "1% of the weight?",
        lambda: whole_steps_to_forget(0.99, 0.01),
        "The start keeps βᵗ of the weight: solve 0.99ᵗ < 0.01.",
        "t > ln 0.01 / ln 0.99 = 458.2, so {answer} steps: the window is 100 steps, the "
        "start's shadow almost five times longer.",
        rel=0.0,
    ),
    "tf_dynamic_decay": Question(
        "With TensorFlow's num_updates and decay 0.99: from which step does it use 0.99 itself?",
        lambda: ec.tf_crossover(0.99),
        "Solve (1 + t)/(10 + t) = β for t.",
        "t* = (10β − 1)/(1 − β) = 8.9/0.01 = {answer}: before it the rule's smaller decay "
        "gives the start less weight.",
    ),
    "choosing_decay": Question(
        "Which decay β gives a half-life of 10 steps?",
        lambda: ec.decay_from_half_life(10),
        "A value's weight halves in h steps when βʰ = 1/2.",
        "β = 0.5^(1/10) = {answer}.",
        rel=0.001,
    ),
    "weights_lab": Question(
        "An EMA of weights with β = 0.999: about how many updates does its window span?",
        lambda: ec.effective_window(0.999),
        "The window is 1/(1 − β) updates.",
        "1/(1 − 0.999) = {answer} updates: on a run shorter than that, the zero-started "
        "average still leans on its start (warm it up or debias it).",
    ),
    "adam": Question(
        "Adam with β₁ = 0.9 and β₂ = 0.999 (ε aside): without the bias correction, how many "
        "times as long as Adam's is the first step?",
        lambda: (
            ec.adam_moments([1.0], eps=0.0, bias_correction=False).update[0]
            / ec.adam_moments([1.0], eps=0.0).update[0]
        ),
        "At step 1, m₁ = (1 − β₁)g₁ and v₁ = (1 − β₂)g₁², while Adam's corrected m̂₁ = g₁ "
        "and v̂₁ = g₁².",
        "(1 − β₁)/√(1 − β₂) = 0.1/0.0316 = {answer}: v's zero start alone would make it "
        "31.6 times as long, m's takes back a factor of 10.",
    ),
    "batch_norm": Question(
        "PyTorch's BatchNorm default momentum is 0.1: what momentum means the same EMA in Keras?",
        lambda: ec.batchnorm_decay(0.1, convention="pytorch"),
        "PyTorch's momentum is the weight of the new batch, Keras' the weight kept.",
        "Keras momentum = β = 1 − 0.1 = {answer}.",
    ),
    "training_curves": Question(
        "You log the loss every 100 steps and want TensorBoard to average about 10,000 steps: "
        "which smoothing?",
        lambda: ec.decay_from_window(10_000 / 100),
        "TensorBoard's smoothing averages 1/(1 − s) logged points.",
        "10,000 steps are 100 logged points: 1 − 1/100 = {answer}.",
        rel=0.001,
    ),
}
