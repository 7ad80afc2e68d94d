"""Weights lab: an EMA of model weights, trained live, with every decay strategy side by side."""

import streamlit as st

from ema_lab.lessons import weights_lab as lesson
from ema_lab.model.site import BY_NAME
from ema_lab.ui import cache, controls, frame, sharing, state, widgets

frame.rerun_unless_routed()

LAYOUT = state.layout()

PAGE = BY_NAME["weights_lab"]
run_for = cache.shared(32, "Training…")(lesson.view.run)


@cache.shared(16, "Storing snapshots…")
def study_for(_run, run_key: tuple, tracked: tuple, per_track: int) -> lesson.posthoc.Study:
    return lesson.posthoc.study(_run, tracked, per_track)


@cache.shared(32)
def view_for(_run, run_key: tuple, settings: lesson.view.EmaSettings) -> lesson.view.WeightsView:
    return lesson.view.weights_view(_run, settings)


frame.page_title(PAGE)
# The EMA's decay first after the title (for a keyboard too) and the chart beside it; the
# prose under them: above, it pushed the decay below a 1280×720 projector's fold.
left, main = frame.columns([4, 11])
with left:
    ema_box = st.container()  # alone when embedded: the one control a reader moves
    # Embedded, everything else folds into a pop-over (expanders cannot hold expanders).
    more = st.popover("training and strategies") if LAYOUT.compact else st.container()
with more:
    st.markdown("**Training**")
    lr, batch, steps = (
        widgets.draw(lesson.controls.LR),
        widgets.draw(lesson.controls.BATCH),
        widgets.draw(lesson.controls.STEPS),
    )
    seed = widgets.draw(controls.SEED)
with ema_box:
    if not LAYOUT.compact:
        st.markdown("**EMA**")
    decay = widgets.draw(controls.decay_controls().decay, default=0.99)
with more if LAYOUT.compact else ema_box:
    # Pills wrap in a narrow column; a multiselect's chips ran past its edge.
    names = tuple(widgets.draw(lesson.controls.NAMES))
    with st.expander("warm-up (timm, ema-pytorch, diffusers)"):
        inv_gamma = widgets.draw(lesson.controls.INV_GAMMA)
        power, min_decay = (
            widgets.draw(lesson.controls.POWER),
            widgets.draw(lesson.controls.MIN_DECAY),
        )
    with st.expander("as real trainers do"):
        start = widgets.draw(lesson.controls.START_AFTER, high=int(steps))
        every = widgets.draw(lesson.controls.EVERY)
        overwrite = widgets.draw(lesson.controls.OVERWRITE, high=int(steps))
settings, problem = lesson.view.settings(
    decay, inv_gamma=inv_gamma, power=power, min_decay=min_decay, start_after=start,
    every=every, overwrite=overwrite,
)  # fmt: skip
if problem:
    st.warning(problem)
run_key = (float(lr), int(steps), int(batch), int(seed), settings, names)
run = run_for(*run_key)
view = view_for(run, run_key, settings)

with main:
    sharing.main_chart_may_stop(view.contour, PAGE, embed_height=360)
    frame.stop_if_compact()
    frame.prose(
        "Diffusion models, BYOL and mean-teacher training, and many strong recipes evaluate an "
        "**EMA of the weights** instead of the weights themselves. Here a small model trains "
        "live: mini-batch SGD on a noisy least-squares problem with two weights, so the loss is "
        "a bowl you can see. With a constant learning rate SGD never settles; it bounces around "
        "the bottom. The EMA averages the bounce away."
    )
    sharing.share_panel(PAGE)
    # A static table wraps its cells: every column fits, on a phone too.
    st.container(key="strategies_table").table(view.table, hide_index=True)
    for note in view.notes:
        st.caption(note)
    sharing.show(view.loss_chart, "loss_chart")
    if view.decay_chart is not None:
        sharing.show(view.decay_chart, "decay_chart")


# Moving σ_rel (or the snapshots) reruns only this section: no retraining, no redrawing.
@st.fragment
def after_training(run, run_key: tuple) -> None:
    st.markdown(
        "EDM2 (Karras et al. 2024) does not pick a decay before training. It tracks two "
        "**power-function EMAs**, whose width grows with training (a fixed fraction σ_rel of it), "
        "stores snapshots of them now and then, and afterwards **rebuilds the EMA of any width** "
        "as a least-squares combination of the snapshots, with no retraining. Move σ_rel: "
        "the rebuilt average is drawn beside the one a run that tracked that width would hold."
    )
    knobs, sweep_col = st.columns([4, 11], gap="large")
    with knobs:
        tracked = tuple(widgets.draw(control) for control in lesson.controls.TRACKED)
        per_track = widgets.draw(lesson.controls.SNAPSHOTS)
    tracked, problem = lesson.view.tracked_widths(*tracked)
    if problem:
        st.warning(problem)
    study = study_for(run, run_key, tracked, int(per_track))
    sigma = widgets.draw(lesson.controls.SIGMA, knobs)
    ph = lesson.posthoc.view(run, study, float(sigma))
    charts = lesson.posthoc.charts(run, study, ph)
    with sweep_col:
        st.markdown(ph.summary)
        st.caption(ph.translation)
        sharing.show(charts.pop("posthoc_sweep_chart"), "posthoc_sweep_chart")
    # Two to a row: three side by side cut two legends and a title at a 1024 px projector.
    cells = [cell for _ in range(0, len(charts), 2) for cell in st.columns(2)]
    for where, (key, fig) in zip(cells, charts.items(), strict=False):
        sharing.show(fig, key, where)


frame.folded(
    "**Choose the length after training**: EDM2's post-hoc EMA, rebuilt from snapshots",
    "posthoc",
    lambda: after_training(run, run_key),
    (*lesson.controls.TRACKED, lesson.controls.SNAPSHOTS, lesson.controls.SIGMA),
)
st.subheader("Why, in formulas")
a, b, c = st.columns(3)
with a:
    frame.formula(r"\bar w_t = \beta_t\,\bar w_{t-1} + (1-\beta_t)\,w_t")
    st.markdown(
        "A long window averages more SGD noise away (the variance of white noise shrinks by "
        "$(1-\\beta)/(1+\\beta)$), but trails a model that is still moving by about "
        "$\\beta/(1-\\beta)$ steps: early in training the average sits back where the weights were."
    )
with b:
    frame.formula(r"\beta_t = \min\!\left(\beta, \frac{1+t}{10+t}\right)")
    frame.formula(r"\beta_t = 1 - (1 + t/\gamma^{-1})^{-p}")
    st.markdown(
        "That is why warm-ups exist: TensorFlow's rule and timm's schedule start with a short "
        "window, $(10+t)/9$ or $(1+t/\\gamma^{-1})^p$ steps, that grows with training, so the "
        "average keeps up early and smooths late. Keras copies the weights at the first step; "
        "a zero start with exact debiasing gets the same effect from the formula."
    )
with c:
    frame.formula(r"\beta_{kB} = \beta_B^{\,k}")
    st.markdown(lesson.view.scaling(decay, batch, widgets.draw(lesson.controls.FACTOR)))
