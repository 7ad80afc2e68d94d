"""The page frame: page set-up, the sidebar, and the layout helpers every page uses.

A page runs either full (a tab of its own) or embedded (``?embed=true``, an iframe in a
blog post or a slide), where it shows its key control and chart in one column.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import streamlit as st

from ema_lab import first_paint, state, url
from ema_lab.params import IMAGE_FORMAT, Control
from ema_lab.questions import ANSWER, QUESTIONS
from ema_lab.site import PAGES, Page

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
    """The router's run of a page: what `through_router` checks."""
    token = _ROUTED.set(True)
    try:
        yield
    finally:
        _ROUTED.reset(token)


def through_router() -> None:
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


def embedded() -> bool:
    """Whether the page runs in an iframe (``?embed=true``): a compact layout then."""
    return bool(st.context.is_embedded)


def start(page: Page) -> None:
    """What every page has before its own content: its tab title, the sidebar, and the
    place where a link's unusable values are named. The router calls it once per run."""
    st.set_page_config(
        page_title=f"{page.title} · EMA Lab",
        page_icon=page.icon,
        layout="wide",
        initial_sidebar_state="collapsed" if embedded() else "auto",
    )
    url.notice_area()
    first_paint.begin()
    if embedded():
        return  # an iframe in a blog post has no room for navigation
    with st.sidebar:
        navigation()
        st.caption("ema = β·ema + (1 − β)·x")
        IMAGE_FORMAT.draw()


NAVIGATION_TITLE = "📈 EMA Lab"


def navigation() -> None:
    """The way to every page, as links of the app's own: Streamlit's sidebar navigation
    puts ``div`` elements straight inside its ``ul`` and its ``li`` outside any list (axe:
    list, listitem), which a screen reader announces as a broken list."""
    st.markdown(f"**{NAVIGATION_TITLE}**")
    for p in PAGES:
        st.page_link(p.file, label=p.label, icon=p.icon)


def page_title(page: Page) -> None:
    """The page's title, what to look at, and its question; embedded, a one-line caption
    that leaves room for the chart."""
    if embedded():
        st.caption(f"**EMA Lab** · {page.title}")
        return
    st.title(f"{page.icon} {page.title}")
    if page.lead:
        st.markdown(f"*{page.lead}*")
    predict(page)


def predict(page: Page) -> None:
    """The page's predict-then-check question (`ema_lab.questions`), folded until asked
    for, or open when the link carries an answer."""
    question = QUESTIONS.get(page.name)
    if question is None:
        return
    opened = state.link_values(ANSWER.key) is not None
    with st.expander("🤔 Predict, then check", expanded=opened):
        st.markdown(question.prompt)
        guess = ANSWER.draw()
        if guess is None:
            return
        if question.correct(guess):
            st.success(f"Right. {question.worked_answer()}")
            return
        st.warning(f"Not quite ({guess:g}). Hint: {question.hint}")
        if SHOW_ANSWER.draw():
            st.info(question.worked_answer())


SHOW_ANSWER = Control("show_answer", "show the worked answer", "toggle", default=False)


def path_footer(page: Page) -> None:
    """The path through the lessons (the order of `PAGES`): the previous and the next page,
    at the end of each; the decay goes along (`ema_lab.state`)."""
    if embedded():
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
    """Side-by-side columns; embedded, containers one above the other, so that the layout
    is the same in a 700 px column and a 360 px one (where columns would stack anyway)."""
    if embedded():
        return [st.container() for _ in spec]
    return st.columns(spec, gap=gap)


def end_of_embed() -> None:
    """Embedded pages stop here: the chart and its controls, no long sections."""
    if embedded():
        st.stop()


def formula(latex: str, where=st) -> None:
    """A displayed formula. KaTeX's last glyph overhangs its box by a pixel or two, which
    made every formula a scrolling region that a keyboard cannot reach (axe's
    scrollable-region-focusable): a thin space after it keeps it inside its box."""
    where.latex(latex + r"\,")


def prose(text: str) -> None:
    """Explanatory Markdown, left out of the compact embedded layout."""
    if not embedded():
        st.markdown(text)


FOLD = "fold_"  # the key of every folded section starts so (and its CSS class, st-key-fold_…)


def folded(
    label: str, name: str, draw: Callable[[], None], controls: Sequence[Control] = ()
) -> None:
    """A lower section folded under ``label``: ``draw`` runs only while a reader has it
    open, so that a first load neither computes nor draws it (a worked example's data
    editor alone brings 1.2 MB of code to the browser; ``bench_first_load.py``).

    A link that sets one of the section's ``controls`` opens it: whoever shares a view
    of the section shares it open.
    """
    linked = any(control.key in st.query_params for control in controls)
    box = st.expander(label, expanded=linked, key=FOLD + name, on_change="rerun")
    if box.open:
        with box:
            draw()
