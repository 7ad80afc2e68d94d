"""The pages of EMA Lab, declared once: the router, the sidebar, the home page's cards,
the share panel and the tests all read this list."""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page: where its file is, what its URL calls it, and how it is introduced."""

    name: str  # its URL path ("" for home): /smoothing
    file: str  # pages/smoothing.py
    label: str  # in the sidebar and on the home page's card
    title: str  # above the page and in the browser's tab
    icon: str
    description: str  # the home page's card
    embed_height: int  # px: the iframe that holds its embedded layout at 360 to 860 px wide
    lead: str = ""  # what to look at, one sentence under the title: the path's guide
    formula: str = ""  # LaTeX: the one formula the presenter view shows beside the title
    main_chart: str = ""  # the key of its main chart: the one an embed and a slide show
    decay_control: str = "decay_by"  # the key of the control its lesson turns on, first
    # A link's query that moves its decay off the default, as a blogger's would.
    sample_query: str = "decay=0.95"


PAGES: tuple[Page, ...] = (
    Page(
        "",
        "pages/home.py",
        "Home",
        "EMA Lab",
        "📈",
        "",
        640,
        "Move the decay β and watch the EMA trade noise for delay: the closer β is to 1, "
        "the smoother the line and the later it follows.",
        r"\mathrm{ema}_t = \beta\,\mathrm{ema}_{t-1} + (1-\beta)\,x_t",
        main_chart="home_chart",
    ),
    Page(
        "smoothing",
        "pages/smoothing.py",
        "Smoothing a signal",
        "Smoothing a signal",
        "〰️",
        "Any signal, any decay: raw, biased, debiased and TensorFlow's EMA, with the "
        "effective window drawn.",
        790,
        "Look at the shaded window: about 1/(1 − β) steps hold 63% of the weight, and a "
        "step takes about that long to show.",
        r"\frac{1}{1-\beta}\ \text{steps hold}\ \approx 1 - e^{-1} = 63\%",
        main_chart="smoothing_chart",
        sample_query="decay=0.95&signal=step",
    ),
    Page(
        "bias_correction",
        "pages/bias_correction.py",
        "Bias correction",
        "Bias correction",
        "⚖️",
        "Why a zero start drags the average to 0, and how dividing by 1 − βᵗ fixes it (Adam).",
        710,
        "Look at the first steps: started at 0, the EMA is dragged towards 0 until 1 − βᵗ "
        "is close to 1; the debiased line is not.",
        r"\hat s_t = \frac{s_t}{1-\beta^t}",
        main_chart="bias_chart",
    ),
    Page(
        "tf_dynamic_decay",
        "pages/tf_dynamic_decay.py",
        "TensorFlow decay",
        "TensorFlow's dynamic decay",
        "⏱️",
        "TensorFlow's min(β, (1+t)/(10+t)), replayed step by step.",
        650,
        "Look at where TensorFlow's solid line meets the dotted constant β: before that "
        "step t*, TensorFlow's rule uses a shorter memory.",
        r"\beta_t = \min\!\left(\beta,\ \frac{1+t}{10+t}\right)",
        main_chart="schedule_chart",
    ),
    Page(
        "choosing_decay",
        "pages/choosing_decay.py",
        "Choosing a decay",
        "Choosing a decay",
        "🎚️",
        "Compare decays: weights, step and frequency responses, noise against lag.",
        710,
        "Compare the decays side by side: each step towards 1 buys less noise with more lag.",
        r"\text{lag} = \frac{\beta}{1-\beta},\quad "
        # On one line: a root over a fraction was taller than the old variance ratio and
        # pushed the presenter's chart 12 px below a 720 px projector's fold.
        r"\sigma_{out}/\sigma_{in} = \sqrt{(1-\beta)/(1+\beta)}",
        main_chart="compare_chart",
        decay_control="decays",
        sample_query="decays=0.9&decays=0.99",
    ),
    Page(
        "weights_lab",
        "pages/weights_lab.py",
        "Weights lab",
        "Weights lab",
        "🧪",
        "An EMA of model weights, trained live: every decay strategy side by side.",
        810,
        "Watch the averaged weights settle where the raw ones keep bouncing, and which "
        "strategy beats them from when.",
        r"\bar\theta_t = \beta\,\bar\theta_{t-1} + (1-\beta)\,\theta_t",
        main_chart="contour_chart",
        decay_control="decay",
    ),
    Page(
        "adam",
        "pages/adam.py",
        "Adam's EMAs",
        "Momentum and Adam",
        "🏃",
        "The EMAs inside the optimizer: Adam's two moments, and why their zero start is "
        "divided out.",
        790,
        "Move β₁ (the decay) and β₂ and watch the first steps: without the correction they "
        "are (1 − β₁)/√(1 − β₂) times as long as Adam's.",
        r"\hat m_t = \frac{m_t}{1-\beta_1^t},\quad \hat v_t = \frac{v_t}{1-\beta_2^t}",
        main_chart="adam_steps_chart",
        sample_query="decay=0.95&beta2=0.99",
    ),
    Page(
        "batch_norm",
        "pages/batch_norm.py",
        "Batch norm",
        "Batch norm's running statistics",
        "🧮",
        "The EMA inside every CNN: never debiased, and a momentum PyTorch and Keras read "
        "in opposite ways.",
        890,
        "Look at the start and at the names: every framework's running mean starts at 0, "
        "and PyTorch's momentum is Keras' 1 − β.",
        r"\mu_{\text{run}} \leftarrow (1-m)\,\mu_{\text{run}} + m\,\mu_{\text{batch}}",
        main_chart="batchnorm_mean_chart",
        decay_control="convention",
        sample_query="convention=keras&momentum=0.95",
    ),
    Page(
        "training_curves",
        "pages/training_curves.py",
        "Training curves",
        "Reading training curves",
        "📉",
        "TensorBoard's and W&B's smoothing slider, exactly: what it draws and what it hides.",
        790,
        "Move the smoothing and watch the best step of each curve move with it: the "
        "smoothed minimum comes later.",
        r"\text{shown}_t = \frac{s_t}{1-w^t},\quad s_t = w\,s_{t-1} + (1-w)\,x_t",
        main_chart="curves_chart",
        decay_control="smoothing",
        sample_query="smoothing=0.9",
    ),
)

BY_NAME: dict[str, Page] = {p.name: p for p in PAGES}
HOME = BY_NAME[""]

EMBED_MAX_WIDTH = 860
"""The widest an embed grows in a wide column: the layout is made for 360 to 860 px."""

WORKER_ENV = "EMA_LAB_WORKER"
"""The environment variable in which the lecture hall's launcher names each process as
nginx names it to browsers (`worker_name`): a page learns where its session runs."""


def worker_name(number: int) -> str:
    """The hall's name for its ``number``-th process (from 1, in port order)."""
    return f"worker-{number}"


class Layout(enum.Enum):
    """How a page is shown, decided once a run from the link and the browser
    (`ema_lab.ui.state.enter`)."""

    FULL = "full"  # a tab of its own
    EMBED = "embed"  # in an iframe (?embed=true): the decay and the chart, in a blog's column
    PRESENT = "present"  # ?present=true: a slide for a projector, in big type

    @property
    def compact(self) -> bool:
        """The key controls and the main chart, nothing below them (embedded or presenting)."""
        return self is not Layout.FULL
