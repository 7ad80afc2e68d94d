"""A session's state, owned here: nothing else in EMA Lab reads or writes
``st.session_state``.

The rules it keeps:

- **The link is the view.** A control's value comes from the link when its widget is
  drawn anew, else from its page's default; the value it shows is written back into the
  link (`publish`), so the address bar always reproduces the page. Widgets are Streamlit's
  own per page (their ids carry the page's script), so nothing leaks into the next page.
- **The decay carries.** The decay a reader chose (by the link or by hand) is the decay
  the next page starts at, unless that page's link names one (`carried_decay`).
- **Notices stay** until the reader changes the value they name (`Visit.notices`).
- **Reconnects and restarts are boring**: nothing here is needed to redraw a view. A
  browser that reconnects to a new server brings its link and its widgets' values; no
  callback reads state that a new session would not have.

A *visit* is the time a session spends on one page: it starts on the session's first run
and each time the reader moves to another page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ema_lab.model.site import Layout

PAINTED = "ema_lab_painted"
"""Set once the browser has painted a session's first chart (`ema_lab.ui.first_paint`)."""

DEFER_FIRST_RUN = "ema_lab_defer_first_run"
"""Set to True (AppTest: ``at.session_state[DEFER_FIRST_RUN] = True``) to give a session
without a browser the browser's first run, which stops at the main chart. Without it, a
session that no browser opened (AppTest, a script) is drawn whole from its first run."""

PRESENT = "present"
"""The link's flag for the presenter view (``?present=true``): `ema_lab.ui.frame`."""

CARRIED = "decay"
"""The control whose value carries from page to page: the decay."""

_VISIT = "_ema_lab_visit"
_DECAY = "_ema_lab_carried_decay"
_RUN = "_ema_lab_run"
_UPLOADS = "_ema_lab_uploads"
_BUDGET = "_ema_lab_upload_budget"
_PLAYING = "_ema_lab_playing"
_OWN = "_ema_lab_own_results"


@dataclass(frozen=True)
class Notice:
    """A link's value that could not be used: what the page says, and the value shown
    instead, as the link writes it (the notice stays while the control still shows it)."""

    message: str
    fallback: tuple[str, ...]


@dataclass
class Visit:
    """What a session knows of the page it is on."""

    page: str
    notices: dict[str, Notice] = field(default_factory=dict)  # by control key
    published: dict[str, tuple[str, ...]] = field(default_factory=dict)  # what we wrote
    last: dict[str, tuple[str, ...]] = field(default_factory=dict)  # shown in the last run
    drawn: dict[str, Any] = field(default_factory=dict)  # what the whole page was drawn for


@dataclass
class CurrentRun:
    """What one script run has drawn and decided so far (the first run's held widgets too)."""

    held_in: Any = None  # the first run's closed pop-over, where its controls are drawn
    held_keys: list[str] = field(default_factory=list)  # widget keys drawn in it
    presets: set[str] = field(default_factory=set)  # widgets given their value by `preset`
    notice_area: Any = None  # where the link's unusable values are named
    presenter_tools: Any = None  # the presenter header's row, where the folded controls go
    layout: Layout = Layout.FULL  # decided once a run, by the router (`enter`)


@dataclass
class Upload:
    """The state of one file uploader: the file last read and the signal it gave."""

    file_id: str | None = None
    signal: Any = None  # the last usable signal read (kept when a new file fails)
    time_columns: tuple[str, ...] = ()
    tried: str | None = None  # the time column last read with (None: counting rows)
    columns: tuple[str, ...] = ()  # the file's numeric columns, when there is a choice
    column: str | None = None  # the value column last read (None: the one the file is about)


@dataclass
class UploadBudget:
    """What a session's uploads have read so far (`ema_lab.ui.uploads`)."""

    files: int = 0
    bytes: int = 0


# -- the visit ---------------------------------------------------------------------------


def enter(page: str) -> None:
    """Called by the router at the start of every full run: the visit to ``page`` (a new
    one if the session comes from another page, or has just started), and how this run
    shows it, decided once (a fragment's rerun keeps it). Embedded wins over the
    presenter view: an iframe stays an embed."""
    if visit().page != page:
        st.session_state[_VISIT] = Visit(page)
    if in_iframe():
        shown = Layout.EMBED
    elif link_values(PRESENT) == ["true"]:
        shown = Layout.PRESENT
    else:
        shown = Layout.FULL
    st.session_state[_RUN] = CurrentRun(layout=shown)


def _kept(name: str, make: Callable[[], Any]) -> Any:
    """The session's record ``name``, made by ``make()`` on first use."""
    if name not in st.session_state:
        st.session_state[name] = make()
    return st.session_state[name]


def visit() -> Visit:
    """The current visit (a page run outside the router has one of its own)."""
    return _kept(_VISIT, lambda: Visit(""))


def current_run() -> CurrentRun:
    """What this run has drawn so far."""
    return _kept(_RUN, CurrentRun)


def in_fragment() -> bool:
    """Whether this is a fragment's own rerun (the page around it stays as it is)."""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def rerun_page_if_changed(name: str, identity: Any) -> None:
    """Say that the page around a fragment was drawn for ``identity`` (a signal's key, say).
    In a fragment's own rerun, a new one reruns the whole page: a control inside the
    fragment has changed what the page outside it shows."""
    drawn = visit().drawn
    changed = drawn.get(name, identity) != identity
    drawn[name] = identity
    if changed and in_fragment():
        st.rerun(scope="app")


# -- the link ------------------------------------------------------------------------------


def link_values(key: str) -> list[str] | None:
    """The link's values for ``key``, or None when it has none."""
    if key not in st.query_params:
        return None
    return st.query_params.get_all(key)


def view_params() -> dict[str, list[str]]:
    """The link's parameters that make the view (all but ``embed``, which says where it is
    shown), each with its values."""
    return {k: st.query_params.get_all(k) for k in st.query_params if k != "embed"}


def in_iframe() -> bool:
    """Whether the browser shows the page inside an iframe (a blog's ``embed=true``)."""
    return bool(st.context.is_embedded)


def layout() -> Layout:
    """How the page is shown in this run (decided by `enter`)."""
    return current_run().layout


def from_link(key: str) -> bool:
    """Whether the link's value for ``key`` was put there by a reader (a link opened or
    typed), rather than written by this session for the value it showed."""
    values = link_values(key)
    return values is not None and tuple(values) != visit().published.get(key)


def publish(key: str, texts: Iterable[str] | None) -> None:
    """Write a control's value into the link (``None``: its default, left out)."""
    published = visit().published
    if texts is None:
        published.pop(key, None)
        if key in st.query_params:
            del st.query_params[key]
        return
    texts = tuple(texts)
    published[key] = texts
    if tuple(st.query_params.get_all(key)) != texts:
        st.query_params[key] = list(texts) if len(texts) != 1 else texts[0]


def show_in_address(key: str, text: str) -> None:
    """Write ``key`` into the link even when the run has it already, so that the browser's
    address shows the run's whole query: a link to the page it is on (a slide's question,
    then its answer) changes the query the page runs with, but Streamlit leaves the
    address as it was."""
    st.query_params[key] = text


def relink_and_rerun(key: str, text: str) -> None:
    """Give the control ``key`` a new value through the link, as if the reader had opened
    a link with it, and draw the page anew (a button that sets another control)."""
    st.query_params[key] = text
    visit().published.pop(key, None)
    st.session_state.pop(key, None)
    st.rerun(scope="app")


def unpublish(keys: Iterable[str]) -> None:
    """Take controls no longer drawn (another unit's amount, say) out of the link."""
    for key in keys:
        publish(key, None)


# -- notices -------------------------------------------------------------------------------


def note(key: str, message: str, fallback: tuple[str, ...]) -> None:
    """Record that the link's value for ``key`` could not be used."""
    visit().notices[key] = Notice(message, fallback)


def record_shown_may_rerun(key: str, value: tuple[str, ...]) -> None:
    """A control now shows ``value`` (as the link writes it): its notice goes once the
    reader has changed it."""
    visit().last[key] = value
    notices = visit().notices
    if key in notices and value != notices[key].fallback:
        del notices[key]
        if in_fragment():  # the notice stands outside the fragment: redraw the page once
            st.rerun(scope="app")


def last_shown(key: str) -> tuple[str, ...] | None:
    """What a control showed in this visit's previous run, as the link writes it (None
    before its first): a page that converts one control when another changes asks it."""
    return visit().last.get(key)


def notices() -> list[str]:
    """The notices to show, in the order they were found."""
    return [n.message for n in visit().notices.values()]


# -- the carried decay -----------------------------------------------------------------------


def carried_decay(default: float) -> float:
    """The decay a page starts at: the one the reader chose on an earlier page, else the
    page's own ``default``."""
    return st.session_state.get(_DECAY, default)


def chose_decay(decay: float, default: float, key: str) -> None:
    """A page's decay is now ``decay``, shown by the control ``key`` (``default`` when
    untouched): it carries once the reader has chosen one, by hand or by a link that names
    it, at any value (an untouched default does not)."""
    if link_values(key) is not None or decay != default or _DECAY in st.session_state:
        st.session_state[_DECAY] = float(decay)


# -- widgets ---------------------------------------------------------------------------------


def widget_value(key: str, default: Any = None) -> Any:
    """A widget's current value (as of this run), or ``default`` if it is not drawn."""
    return st.session_state.get(key, default)


def preset(key: str, value: Any) -> None:
    """Set the value a widget not yet drawn in this run will show."""
    st.session_state[key] = value
    current_run().presets.add(key)


def forget(keys: Iterable[str]) -> None:
    """Drop widgets' values, so that they are drawn anew from the link and defaults."""
    for key in keys:
        st.session_state.pop(key, None)


# -- the first run ---------------------------------------------------------------------------


def painted() -> bool:
    return bool(st.session_state.get(PAINTED, False))


def mark_painted() -> None:
    st.session_state[PAINTED] = True


def from_browser() -> bool:
    """Whether a browser opened this session: it then gets the first run that stops at
    the main chart (a session without one, such as AppTest's, unless it asks for it with
    `DEFER_FIRST_RUN`, is drawn whole at once)."""
    return bool(st.session_state.get(DEFER_FIRST_RUN)) or bool(st.context.headers)


# -- uploads ---------------------------------------------------------------------------------


def upload(key: str, *, forget: bool = False) -> Upload:
    """The state of the current page's file uploader ``key``, one record for the session:
    the page's last good file stays when the reader leaves the page and comes back (the
    uploader is then empty) or a new file fails. ``forget``: the reader asked to drop it."""
    uploads, name = _kept(_UPLOADS, dict), (visit().page, key)
    if forget:
        uploads.pop(name, None)
    return uploads.setdefault(name, Upload())


def upload_budget() -> UploadBudget:
    """The session's upload budget spent so far (all its pages together)."""
    return _kept(_BUDGET, UploadBudget)


# -- results of the session's own files ----------------------------------------------------


def own_result(name: str, identity: tuple, make: Callable[[], Any], keep: int) -> Any:
    """The result ``identity`` of the function ``name``, made by ``make()`` if this session
    has not kept it: a result of the reader's own file (`ema_lab.ui.cache`), kept with the
    session, the latest ``keep`` per function, and gone with it."""
    kept = _kept(_OWN, dict).setdefault(name, {})
    if identity in kept:
        kept[identity] = kept.pop(identity)  # the latest used last
    else:
        kept[identity] = make()
        while len(kept) > keep:
            kept.pop(next(iter(kept)))
    return kept[identity]


# -- a control that plays --------------------------------------------------------------------


def play(key: str) -> None:
    """Start playing the control ``key`` from its first step (a callback: the run it
    triggers draws the first step, and each tick the next, `next_play_step`)."""
    _kept(_PLAYING, dict)[key] = 1


def next_play_step(key: str, last: int) -> int | None:
    """The step the control ``key`` shows on this tick while it plays, else None; the play
    ends after ``last``."""
    playing = _kept(_PLAYING, dict)
    step = playing.pop(key, None)
    if step is not None and step < last:
        playing[key] = step + 1
    return step


def is_playing(key: str) -> bool:
    """Whether the control ``key`` has steps still to play (its page then ticks)."""
    return key in _kept(_PLAYING, dict)
