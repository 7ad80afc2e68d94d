"""The page frame: page set-up, the sidebar, and the layout helpers every page uses.

A page runs full (a tab of its own), embedded (``?embed=true``, an iframe in a blog post or
a slide) or as the presenter view (``?present=true``, a lecture's projector). Embedded and
presenting, it shows the compact layout: its key controls in a row above the chart, and
nothing below; presenting, in big type under its title, one sentence and its formula,
with the previous and next pages a clicker's PageUp / PageDown away.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from ema_lab.model.params import Control
from ema_lab.model.questions import ANSWER, QUESTIONS
from ema_lab.model.site import PAGES, Layout, Page
from ema_lab.ui import first_paint, state, widgets
from ema_lab.ui.state import layout

IMAGE_FORMAT = Control(
    "image_format",
    "chart images download as",
    "radio",
    default="png",
    options=("png", "svg"),
    extra={
        "horizontal": True,
        "help": "The camera button of every chart's tool bar saves it in this format.",
    },
)
"""The format of every chart's image export (its tool bar's camera button)."""


_ROUTED = contextvars.ContextVar("ema_lab_routed", default=False)


def routes() -> list[tuple[st.Page, Page]]:
    """Streamlit's page of each of `PAGES`, with the page it runs."""
    return [
        (
            st.Page(
                p.file, title=p.label, icon=p.icon, url_path=p.name or None, default=not p.name
            ),
            p,
        )
        for p in PAGES
    ]


@contextmanager
def routing() -> Iterator[None]:
    """The router's run of a page: what `rerun_unless_routed` checks."""
    token = _ROUTED.set(True)
    try:
        yield
    finally:
        _ROUTED.reset(token)


def rerun_unless_routed() -> None:
    """First line of every page: make sure it runs inside the router.

    With a ``pages/`` folder beside ``app.py``, Streamlit runs a link to one of its
    files by itself (its legacy multipage mode) until some session has called
    ``st.navigation``: the first deep link to a freshly started server. Such a run
    calls it (which ends that mode for every session) and reruns, now through
    ``app.py``, on the same page.
    """
    if _ROUTED.get():
        return
    st.navigation([route for route, _ in routes()], position="hidden")
    st.rerun()


def start(page: Page) -> None:
    """What every page has before its own content: its tab title, the sidebar, and the
    place where a link's unusable values are named. The router calls it once per run."""
    st.set_page_config(
        page_title=_named(page),
        page_icon=page.icon,
        layout="wide",
        # 220 px, not Streamlit's 300: its longest link fits, and a 1280 px projector at
        # 150% zoom (853 px) keeps three quarters of its width for the lesson.
        initial_sidebar_state="collapsed" if layout().compact else SIDEBAR_WIDTH,
    )
    if layout() is Layout.PRESENT:
        _presenter(key="presenter", height=0)
    widgets.notice_area()
    first_paint.begin()
    if layout().compact:
        return  # an iframe in a blog post has no room for navigation, a projector no need
    with st.sidebar:
        navigation()
        st.caption("ema = β·ema + (1 − β)·x")
        widgets.draw(IMAGE_FORMAT)
        present_link(page)


SIDEBAR_WIDTH = 220

NAVIGATION_TITLE = "📈 EMA Lab"


def _named(page: Page, *, bold: bool = False) -> str:
    """The page's title with the app's name, once: the home page is "EMA Lab" itself (its
    embed's header read "EMA Lab · EMA Lab")."""
    app = "**EMA Lab**" if bold else "EMA Lab"
    if page.title == "EMA Lab":
        return app
    return f"{app} · {page.title}" if bold else f"{page.title} · EMA Lab"


def navigation() -> None:
    """The way to every page, as links of the app's own: Streamlit's sidebar navigation
    puts ``div`` elements straight inside its ``ul`` and its ``li`` outside any list (axe:
    list, listitem), which a screen reader announces as a broken list."""
    st.markdown(f"**{NAVIGATION_TITLE}**")
    for p in PAGES:
        st.page_link(p.file, label=p.label, icon=p.icon)


def page_title(page: Page) -> None:
    """The page's title, what to look at, and its question; embedded, a one-line caption
    that leaves room for the chart; presenting, the slide's header (`presenter_header`)."""
    if layout() is Layout.EMBED:
        st.caption(_named(page, bold=True))
        return
    if layout() is Layout.PRESENT:
        presenter_header(page)
        question_slide_may_stop(page)
        return
    st.title(f"{page.icon} {page.title}", anchor=False)  # no hidden link before the decay
    if page.lead:
        st.markdown(_italic(page.lead))


def _italic(text: str) -> str:
    """``text`` in italics as Markdown: a star inside it (TensorFlow's t*) is a star."""
    return "*" + text.replace("*", "\\*") + "*"


def predict(page: Page, where=st) -> None:
    """The page's predict-then-check question (`ema_lab.model.questions`), folded until asked
    for, or open when the link carries an answer. It stands under the main chart: above it,
    it pushed a projector's chart below the fold and came before the decay for a keyboard."""
    question = QUESTIONS.get(page.name)
    if question is None or layout().compact:
        return
    opened = state.link_values(ANSWER.key) is not None
    with where.expander("🤔 Predict, then check", expanded=opened):
        st.markdown(question.prompt)
        guess = widgets.draw(ANSWER)
        if guess is None:
            return
        if question.correct(guess):
            st.success(f"Right. {question.worked_answer()}")
            return
        st.warning(f"Not quite ({guess:g}). Hint: {question.hint}")
        if widgets.draw(SHOW_ANSWER):
            st.info(question.worked_answer())


SHOW_ANSWER = Control("show_answer", "show the worked answer", "toggle", default=False)


def path_footer(page: Page) -> None:
    """The path through the lessons (the order of `PAGES`): the previous and the next page,
    at the end of each; the decay goes along (`ema_lab.ui.state`). The compact layouts have
    none: an embed is one chart, the presenter view has them in its header."""
    if layout().compact:
        return
    i = PAGES.index(page)
    st.divider()
    back, forward = st.columns(2)
    if i > 0:
        before = PAGES[i - 1]
        back.page_link(before.file, label=f"← previous: {before.label}", icon=before.icon)
    if i + 1 < len(PAGES):
        after = PAGES[i + 1]
        forward.page_link(after.file, label=f"next: {after.label} →", icon=after.icon)


def columns(spec: Sequence[float], gap: str = "large") -> list:
    """Side-by-side columns; in the compact layout, containers one above the other, so
    that the layout is the same in a 700 px column and a 360 px one (where columns would
    stack anyway). Presenting, the first one is a row: the controls above the chart."""
    if layout() is Layout.PRESENT:
        return [st.container(horizontal=True, gap="medium", vertical_alignment="bottom")] + [
            st.container() for _ in spec[1:]
        ]
    if layout() is Layout.EMBED:
        return [st.container() for _ in spec]
    return st.columns(spec, gap=gap)


def folded_controls(label: str, short: str):
    """Where the compact layout puts the controls it folds away (a signal's length, noise
    and seed): an expander (``label``) when embedded, a pop-over (``short``) in the slide's
    header when presenting, the page itself otherwise."""
    if layout() is Layout.PRESENT and state.current_run().presenter_tools is not None:
        return state.current_run().presenter_tools.popover(short, help=label)
    if layout() is Layout.EMBED:
        return st.expander(label)
    return st


class _CompactPageDone(StopException):
    """A compact page's end (`stop_if_compact`), raised rather than asked of Streamlit
    with ``st.stop()``: a stop Streamlit is asked for also stops every element after it,
    and the router draws the link's notice, the reconnect watcher and the page style
    after the page. A `StopException`, so that Streamlit ends the run quietly."""


def stop_if_compact() -> None:
    """Embedded and presenting, a page stops here: the chart and its controls, no long
    sections."""
    if layout().compact:
        raise _CompactPageDone()


def formula(latex: str, where=st) -> None:
    """A displayed formula. KaTeX's last glyph overhangs its box by a pixel or two, which
    made every formula a scrolling region that a keyboard cannot reach (axe's
    scrollable-region-focusable): a thin space after it keeps it inside its box."""
    where.latex(latex + r"\,")


def prose(text: str) -> None:
    """Explanatory Markdown, left out of the compact layout."""
    if not layout().compact:
        st.markdown(text)


FOLD = "fold_"  # the key of every folded section starts so (and its CSS class, st-key-fold_…)


def folded(
    label: str,
    name: str,
    draw: Callable[[], None],
    controls: Sequence[Control] = (),
    where=st,
) -> None:
    """A lower section folded under ``label``: ``draw`` runs only while a reader has it
    open, so that a first load neither computes nor draws it (a worked example's data
    editor alone brings 1.2 MB of code to the browser; ``bench_first_load.py``).

    A link that sets one of the section's ``controls`` opens it: whoever shares a view
    of the section shares it open.
    """
    linked = any(control.key in st.query_params for control in controls)
    box = where.expander(label, expanded=linked, key=FOLD + name, on_change="rerun")
    if box.open:
        with box:
            draw()


# -- the presenter view ----------------------------------------------------------------------

PRESENT_KEY = {"previous": "present_previous", "next": "present_next"}
"""The keys of the presenter's previous / next links (their CSS classes: st-key-…),
which the clicker's keys follow."""

# Big type: Streamlit sizes its text in rem, so the root's size scales all of it. The
# header bar and the wide layout's top padding (6rem) would take a sixth of a 720 px
# projector.
PRESENTER_STYLE = """
html { font-size: 19px; }
[data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 0.75rem 2rem 0.25rem; max-width: none; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.9rem; padding: 0; }
.st-key-presenter { display: none; }
"""

# A clicker sends PageDown / PageUp (some the arrow keys): they follow the header's next /
# previous link, as a click would, so that the session and its carried decay go along.
# The arrows only while nothing that takes them has the focus (a slider steps with them).
_KEYS_JS = r"""
export default function () {
  const follow = (which) => {
    const link = document.querySelector(`.st-key-present_${which} a`);
    if (link) { link.click(); return true; }
    return false;
  };
  const onKey = (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const focused = event.target instanceof Element
      && event.target.closest('input, textarea, select, [role="slider"], [contenteditable]');
    const which = { PageDown: 'next', PageUp: 'previous' }[event.key]
      || (!focused && { ArrowRight: 'next', ArrowLeft: 'previous' }[event.key]);
    if (which && follow(which)) {
      event.preventDefault();
      event.stopPropagation();
    }
  };
  document.addEventListener('keydown', onKey, true);
  return () => document.removeEventListener('keydown', onKey, true);
}
"""
# Not isolated: its style is the page's while it is mounted (no raw HTML in the app).
_presenter = st.components.v2.component(
    "ema_lab_presenter", css=PRESENTER_STYLE, js=_KEYS_JS, isolate_styles=False
)


def present_link(page: Page, *, exact: bool = False, where=st) -> None:
    """The way into the presenter view: the lesson at the decay carried (the sidebar's,
    drawn before the page's controls write their values into the link), or ``exact``ly
    this view, every control of the link with it (the share panel's, drawn after them)."""
    params = {**state.view_params(), state.PRESENT: "true"} if exact else {state.PRESENT: "true"}
    where.page_link(
        page.file,
        # Short: the sidebar cut "Presenter view (projector, clicker)" at a 1280 px screen.
        label="Present exactly this view" if exact else "Presenter view",
        icon="📽️",  # no help: Streamlit 1.67 then draws the link twice (a reader hears both)
        query_params=params,
    )


SLIDE = "slide"
"""The link's name for a page's question slides in the presenter view: ``slide=question``
(predict), then ``slide=answer`` (check); without it, the lesson's own slide."""
QUESTION_SLIDES = ("question", "answer")


def slides() -> list[tuple[Page, str]]:
    """The presenter's slides in the order a clicker walks them: each page's question, its
    answer, then the lesson itself (a page without a question: the lesson alone)."""
    return [
        (p, kind)
        for p in PAGES
        for kind in ((*QUESTION_SLIDES, "") if p.name in QUESTIONS else ("",))
    ]


def _slide_shown(page: Page) -> str:
    kind = (state.link_values(SLIDE) or [""])[-1]
    return kind if kind in QUESTION_SLIDES and page.name in QUESTIONS else ""


def presenter_header(page: Page) -> None:
    """The slide's header: the title and what to look at, beside the previous / next links
    (PageUp / PageDown) and the page's formula (not over its question: it may answer it)."""
    state.show_in_address(state.PRESENT, "true")
    shown = _slide_shown(page)
    head, side = st.columns([3, 2], gap="medium", vertical_alignment="center")
    head.markdown(f"# {page.icon} {page.title}")
    if page.lead and not shown:
        head.markdown(_italic(page.lead))
    with side:
        order = slides()
        i = order.index((page, shown))
        with st.container(horizontal=True, gap="small", horizontal_alignment="right"):
            state.current_run().presenter_tools = st.container(horizontal=True, width="content")
            for which, other in (("previous", i - 1), ("next", i + 1)):
                if not 0 <= other < len(order):
                    continue
                to, kind = order[other]
                what = {"question": ": predict", "answer": ": the answer"}.get(kind, "")
                with st.container(key=PRESENT_KEY[which], width="content"):
                    st.page_link(
                        to.file,
                        label="← previous" if which == "previous" else "next →",
                        help=f"{to.label}{what} "
                        f"({'PageUp' if which == 'previous' else 'PageDown'})",
                        query_params={state.PRESENT: "true", **({SLIDE: kind} if kind else {})},
                    )
            st.page_link(
                page.file,
                label="✕",
                help="Leave the presenter view",
                query_params={
                    k: v for k, v in state.view_params().items() if k not in (state.PRESENT, SLIDE)
                },
            )
        if page.formula and shown != "question":
            formula(page.formula)


def question_slide_may_stop(page: Page) -> None:
    """On a question slide, the page's predict-then-check question in big type (and on the
    next slide its worked answer), instead of the lesson: the page stops here."""
    shown = _slide_shown(page)
    if not shown:
        return
    question = QUESTIONS[page.name]
    st.markdown(f"## 🤔 Predict: {question.prompt}")
    if shown == "answer":
        st.success(question.worked_answer())
    else:
        st.caption("Next slide (PageDown): the answer.")
    raise _CompactPageDone()
