"""Weights lab: an EMA of model weights, trained live, with every decay strategy side by side."""

import streamlit as st

import ema_core as ec
from ema_core.training import STRATEGIES, EmaSettings, beats_from, simulate
from ema_lab import figures
from ema_lab.numbers import readable
from ema_lab.style import STRATEGY_LABELS
from ema_lab.views import posthoc
from ema_lab.widgets import (
    DECAY_ALLOWED,
    DECAY_GRID,
    announce_bad_params,
    choice_param,
    columns,
    embed_chart,
    embed_footer,
    embedded,
    end_of_embed,
    fmt_decay,
    number_param,
    page_title,
    prose,
    setup_page,
    share_panel,
    show,
    whole_number_input,
)

RATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
STEPS = (100, 200, 500, 1000, 2000, 5000, 10000)
POWERS = {"1/2": 0.5, "2/3": 2 / 3, "3/4": 0.75, "1": 1.0}
EVERY = (1, 2, 5, 10, 20, 50)
TRACKED_RANGE = (0.01, 0.25)

setup_page("Weights lab", "🧪")
announce_bad_params(
    [
        choice_param("lr", [f"{r:g}" for r in RATES], once=True),
        choice_param("batch", [str(b) for b in BATCHES], once=True),
        choice_param("steps", [str(s) for s in STEPS], once=True),
        number_param("seed", 0, 2**31 - 1, whole=True),
        choice_param("decay", [fmt_decay(d) for d in DECAY_GRID], allowed=DECAY_ALLOWED, once=True),
        choice_param("strategies", STRATEGIES, many=True),
        number_param("inv_gamma", 0.01, 1e6),
        choice_param("power", list(POWERS), once=True),
        number_param("min_decay", 0.0, 0.9999),
        number_param("start_after", 0, max(STEPS), whole=True),
        choice_param("every", [str(k) for k in EVERY], once=True),
        number_param("overwrite", 0, max(STEPS), whole=True),
        number_param("tracked_a", *TRACKED_RANGE),
        number_param("tracked_b", *TRACKED_RANGE),
        choice_param("snapshots", [str(k) for k in posthoc.SNAPSHOTS_PER_TRACK], once=True),
        choice_param(
            "posthoc_sigma",
            [f"{s:g}" for s in posthoc.SWEEP],
            allowed="a width on the slider, from 0.02 to 0.25 in steps of 0.0025",
            once=True,
        ),
    ]
)
page_title("🧪 Weights lab")
prose(
    "Diffusion models, BYOL and mean-teacher training, and many strong recipes evaluate an "
    "**EMA of the weights** instead of the weights themselves. Here a small model trains live: "
    "mini-batch SGD on a noisy least-squares problem with two weights, so the loss is a bowl you "
    "can see. With a constant learning rate SGD never settles; it bounces around the bottom. "
    "The EMA averages the bounce away."
)


@st.cache_data(max_entries=32, show_spinner="Training…")
def lab_run(lr: float, steps: int, batch: int, seed: int, settings: EmaSettings, names: tuple):
    return simulate(
        learning_rate=lr,
        steps=steps,
        batch_size=batch,
        seed=seed,
        settings=settings,
        strategies=names,
    )


controls, main = columns([4, 11])
with controls:
    decay_box = st.container()  # first when embedded: the one control a reader moves
    # Embedded, everything else folds into a pop-over (expanders cannot hold expanders).
    more = st.popover("training and strategies") if embedded() else st.container()
with more:
    st.markdown("**Training**")
    lr = st.select_slider(
        "learning rate",
        RATES,
        value=0.3,
        format_func=lambda r: f"{r:g}",
        key="lr",
        bind="query-params",
    )
    batch = st.select_slider("batch size", BATCHES, value=1, key="batch", bind="query-params")
    steps = st.select_slider("steps", STEPS, value=2000, key="steps", bind="query-params")
    seed = whole_number_input("seed", 0, 2**31 - 1, 0, key="seed")
with decay_box if embedded() else more:
    if not embedded():
        st.markdown("**EMA**")
    decay = st.select_slider(
        "decay β", DECAY_GRID, value=0.99, format_func=fmt_decay, key="decay", bind="query-params"
    )
with more:
    # Pills wrap in a narrow column; a multiselect's chips ran past its edge.
    names = st.pills(
        "strategies",
        STRATEGIES,
        selection_mode="multi",
        default=STRATEGIES,
        key="strategies",
        bind="query-params",
        help="; ".join(f"{k}: {STRATEGY_LABELS[k]}" for k in STRATEGIES),
    )
    with st.expander("warm-up (timm, ema-pytorch, diffusers)"):
        inv_gamma = st.number_input(
            "inv_gamma", 0.01, 1e6, 1.0, 1.0, key="inv_gamma", bind="query-params"
        )
        power = st.select_slider(
            "power", list(POWERS), value="2/3", key="power", bind="query-params"
        )
        min_decay = st.number_input(
            "min_decay", 0.0, 0.9999, 0.0, 0.01, key="min_decay", bind="query-params"
        )
    with st.expander("as real trainers do"):
        start = whole_number_input(
            "start the EMA after step",
            0,
            int(steps),
            0,
            step=10,
            key="start_after",
            help="Copy the weights until then (ema-pytorch's update_after_step).",
        )
        every = st.select_slider(
            "update every k steps",
            EVERY,
            value=1,
            key="every",
            bind="query-params",
            help="Between updates the average holds; each update uses β^k to keep the horizon.",
        )
        overwrite = whole_number_input(
            "Keras: overwrite the weights with the EMA every k steps (0: never)",
            0,
            int(steps),
            0,
            step=10,
            key="overwrite",
        )

names = [n for n in STRATEGIES if n in names]
settings = EmaSettings(
    decay=decay,
    inv_gamma=inv_gamma,
    power=POWERS[power],
    min_decay=min(min_decay, decay),
    start_after=int(start),
    every=int(every),
    keras_overwrite=int(overwrite),
)
if min_decay > decay:
    st.warning(f"min_decay {min_decay:g} is above the decay {decay:g}; using {decay:g}.")
run = lab_run(float(lr), int(steps), int(batch), int(seed), settings, tuple(names))

with main:
    contour = figures.weights_contour_figure(run, names)
    show(embed_chart(contour, 360), "contour_chart")
    embed_footer(contour, "weights_lab")
    end_of_embed()
    share_panel("weights_lab")
    raw_loss = run.test_loss("raw")
    tail = max(1, len(raw_loss) // 10)
    early = max(1, len(raw_loss) // 20)
    rows = []
    for n in ["raw", *names]:
        loss = run.test_loss(n)
        step = None if n == "raw" else beats_from(loss, raw_loss)
        late, base = loss[-tail:].mean(), raw_loss[-tail:].mean()
        rows.append(
            {
                "weights": STRATEGY_LABELS[n],
                f"loss at step {early:,}": f"{loss[early]:.4f}",
                "loss, last 10%": f"{late:.4f}",
                "vs raw": "" if n == "raw" else f"{(late - base) / base:+.1%}",
                "beats raw from step": ""
                if n == "raw"
                else ("never" if step is None else f"{step:,}"),
            }
        )
    # A static table wraps its cells: every column fits, on a phone too.
    st.table(rows, hide_index=True)
    st.caption(
        "Held-out loss early on (where the warm-ups differ) and averaged over the last 10% "
        "of the steps (single steps are noisy); “beats raw from step”: the first step from "
        "which the EMA's loss stays below the raw weights' loss averaged over 100 steps."
    )
    if run.keras_weights is not None:
        st.caption(
            f"Keras overwrites its weights with the average every {overwrite} steps: its "
            f"training run differs; its own raw weights end at held-out loss "
            f"{run.test_loss('keras raw')[-1]:.5f}."
        )
    show(figures.weights_loss_figure(run, names), "loss_chart")
    if names:
        show(figures.decay_in_effect_figure(run, names, every=int(every)), "decay_chart")


@st.cache_resource(max_entries=16, show_spinner="Storing snapshots…")
def posthoc_study(_run, run_key: tuple, tracked: tuple, per_track: int) -> posthoc.Study:
    return posthoc.study(_run, tracked, per_track)


st.subheader("Choose the length after training")
st.markdown(
    "EDM2 (Karras et al. 2024) does not pick a decay before training. It tracks two "
    "**power-function EMAs**, whose width grows with training (a fixed fraction σ_rel of it), "
    "stores snapshots of them now and then, and afterwards **rebuilds the EMA of any width** "
    "as a least-squares combination of the snapshots, with no retraining. Move σ_rel: "
    "the rebuilt average is drawn beside the one a run that tracked that width would hold."
)
knobs, sweep_col = st.columns([4, 11], gap="large")
with knobs:
    tracked_a = st.number_input(
        "tracked σ_rel (1)", *TRACKED_RANGE, 0.05, 0.005, format="%.3f",
        key="tracked_a", bind="query-params",
    )  # fmt: skip
    tracked_b = st.number_input(
        "tracked σ_rel (2)", *TRACKED_RANGE, 0.10, 0.005, format="%.3f",
        key="tracked_b", bind="query-params",
    )  # fmt: skip
    per_track = st.select_slider(
        "snapshots per tracked EMA",
        posthoc.SNAPSHOTS_PER_TRACK,
        value=32,
        key="snapshots",
        bind="query-params",
        help="EDM2 stores one every 8 Mimg of a 2,147 Mimg run, about 270 per EMA; "
        "32 here is one every 1/32 of the run.",
    )
if round(tracked_a, 6) == round(tracked_b, 6):
    st.warning(
        f"The two tracked widths are both {tracked_a:.3f}: two snapshots with the same step "
        "and width carry the same information. Using 0.05 and 0.10 instead."
    )
    tracked_a, tracked_b = 0.05, 0.10
run_key = (float(lr), int(steps), int(batch), int(seed), settings, tuple(names))
study = posthoc_study(run, run_key, (tracked_a, tracked_b), int(per_track))
with knobs:
    sigma = st.select_slider(
        "σ_rel to rebuild",
        posthoc.SWEEP.tolist(),
        value=0.07,
        format_func=lambda s: f"{s:g}",
        key="posthoc_sigma",
        bind="query-params",
    )
ph = posthoc.view(run, study, float(sigma))
with sweep_col:
    st.markdown(ph.summary)
    st.caption(ph.translation)
    show(figures.posthoc_sweep_figure(study, ph.sigma_rel), "posthoc_sweep_chart")
left, middle, right = st.columns(3)
show(figures.posthoc_paths_figure(run, ph), "posthoc_paths_chart", left)
show(figures.posthoc_loss_figure(ph), "posthoc_loss_chart", middle)
show(figures.posthoc_profile_figure(ph), "posthoc_profile_chart", right)

st.subheader("Why, in formulas")
a, b, c = st.columns(3)
with a:
    st.latex(r"\bar w_t = \beta_t\,\bar w_{t-1} + (1-\beta_t)\,w_t")
    st.markdown(
        "A long window averages more SGD noise away (the variance of white noise shrinks by "
        "$(1-\\beta)/(1+\\beta)$), but trails a model that is still moving by about "
        "$\\beta/(1-\\beta)$ steps: early in training the average sits back where the weights were."
    )
with b:
    st.latex(r"\beta_t = \min\!\left(\beta, \tfrac{1+t}{10+t}\right)")
    st.latex(r"\beta_t = 1 - (1 + t/\gamma^{-1})^{-p}")
    st.markdown(
        "That is why warm-ups exist: TensorFlow's rule and timm's schedule start with a short "
        "window, $(10+t)/9$ or $(1+t/\\gamma^{-1})^p$ steps, that grows with training, so the "
        "average keeps up early and smooths late. Keras copies the weights at the first step; "
        "a zero start with exact debiasing gets the same effect from the formula."
    )
with c:
    st.latex(r"\beta_{kB} = \beta_B^{\,k}")
    factor = st.select_slider(
        "batch grows by a factor",
        (2, 4, 8, 16, 32, 64),
        value=8,
        key="batch_factor",
        bind="query-params",
    )
    scaled = ec.strategies.scaled_decay(decay, factor)
    st.markdown(
        f"**Batch-size scaling** (Busbridge et al. 2023, *How to Scale Your EMA*): with batch "
        f"{batch} → {batch * factor}, decay {decay:g} → **{scaled:.6g}** keeps the half-life in "
        f"samples: {readable(ec.half_life(decay) * batch)} samples before, "
        f"{readable(ec.half_life(scaled) * batch * factor)} after."
    )
