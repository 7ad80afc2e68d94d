"""What leaves the page: charts with their image export, links to the exact view, embed
snippets, offline figures and CSV downloads."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from urllib.parse import urlencode

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ema_lab.model.site import EMBED_MAX_WIDTH, Layout, Page
from ema_lab.model.text import escape_html, escape_markdown
from ema_lab.plot import chart_text, figures
from ema_lab.plot.live_lines import LiveLines
from ema_lab.plot.offline import OfflineView, offline_html
from ema_lab.ui import first_paint, state
from ema_lab.ui.frame import IMAGE_FORMAT, folded, predict, present_link
from ema_lab.ui.live_decay import follow_decay
from ema_lab.ui.state import layout


def show(
    fig: go.Figure, key: str, where=st, *, table: bool = True, live: LiveLines | None = None
) -> None:
    """Draw a chart (in ``where``, a container) with its key and its image export name, say
    it in words to a screen reader (`ema_lab.plot.chart_text`), and (``table``) put its
    data a step away, as a table (`data_table`). ``live``: its EMA lines, redrawn in the
    browser while the decay moves (`ema_lab.ui.live_decay`)."""
    fmt = state.widget_value(IMAGE_FORMAT.key, IMAGE_FORMAT.default)
    fmt = fmt if fmt in IMAGE_FORMAT.options else IMAGE_FORMAT.default
    if layout() is not Layout.PRESENT:  # a slide is a projector's width: its legend is short
        fig = figures.with_room_for_legend(fig)
    where.plotly_chart(fig, config=figures.config(f"ema-lab_{key}", fmt), key=key)
    name, description = chart_text.describe(fig)
    with contextlib.nullcontext() if where is st else where:
        _words(
            data={"key": key, "name": name, "description": description},
            key=f"{WORDS}{key}",
            height=0,
        )
    if live is not None:
        follow_decay(key, live, where)
    if table:
        data_table(fig, key, where)


TABLE = "ema_lab_table_"  # the key of each chart's data table starts so


def data_table(fig: go.Figure, key: str, where=st) -> None:
    """The chart's data as a table (`chart_text.data_table`), folded under it: read by a
    screen reader as a table, by anyone as numbers. Folded in the page, not in a pop-over,
    which a short screen cut at its bottom. Built only while open, so that a page's first
    load neither computes nor sends it. Not in the compact layouts: an embed or a slide is
    the picture, and its link opens the full page."""
    if layout().compact:
        return
    box = where.expander("Data table", key=f"{TABLE}{key}", on_change="rerun")
    if not box.open:
        return
    drawn = chart_text.data_table(fig)
    if drawn is None:
        box.caption("This chart draws no lines to list.")
        return
    box.markdown(f"**{escape_markdown(chart_text.describe(fig)[0])}**")
    box.table(drawn.columns, hide_index=True)
    box.caption(drawn.note)


# Plotly draws an SVG that a screen reader reads as a heap of tick labels. The chart's box
# becomes a figure named by its title, described by a visually hidden paragraph; the chart
# itself may arrive later than this (its code loads on demand), so it is waited for.
_WORDS_JS = r"""
export default function ({ data }) {
  let tries = 0;
  const label = () => {
    const box = document.querySelector(`.st-key-${data.key}`);
    const chart = box && box.querySelector('[data-testid="stPlotlyChart"]');
    if (!chart) {
      if (tries++ < 200) setTimeout(label, 50);
      return;
    }
    const id = `ema-lab-words-${data.key}`;
    let words = document.getElementById(id);
    if (!words) {
      words = document.createElement("p");
      words.id = id;
      words.style.cssText = "position:absolute;width:1px;height:1px;margin:-1px;"
        + "overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0;padding:0";
      box.appendChild(words);
    }
    words.textContent = data.description;
    chart.setAttribute("role", "figure");
    chart.setAttribute("aria-label", data.name);
    chart.setAttribute("aria-describedby", id);
  };
  label();
}
"""
WORDS = "ema_lab_words_"  # the key of each chart's words element starts so
# Not isolated, so that its style reaches the page: the element takes no room (a block's gap
# around it moved every layout by a line).
_words = st.components.v2.component(
    "ema_lab_chart_words",
    js=_WORDS_JS,
    # (on two lines: Streamlit takes a one-line string with a "*" or "[" for a file's path)
    css=f'[class*="st-key-{WORDS}"] {{\n  display: none;\n}}',
    isolate_styles=False,
)


PRESENTER_CHART = {"height": 444, "font_size": 16, "title_font_size": 19, "margin_t": 46}
"""The presenter view's main chart: the height that fills a 1280×720 projector under the
slide's header and controls, in type a back row can read."""
PRESENTER_TITLE_CHARS = 80
"""Characters per line of a slide's chart title: a 1024 px projector's chart holds about 80
at 19 px (one line of 120 ran past its chart there)."""
PRESENTER_TITLE_LINE_PX = 24


def embed_chart(fig: go.Figure, shown: Layout, height: int = 300) -> go.Figure:
    """The main chart as the ``shown`` layout wants it: embedded, shorter, with a smaller
    legend; presenting, taller and in big type.

    A copy: ``fig`` may be shared with every other session (`ema_lab.ui.cache`)."""
    if shown is Layout.EMBED:
        # Its own legend, in the lines' own colours and dashes: a key of Streamlit's named
        # Markdown colours showed orange lines as red and sky blue as mid-blue.
        return go.Figure(fig).update_layout(height=height, legend={"font": {"size": 11}})
    if shown is Layout.PRESENT:
        # As few lines as a projector's width allows: a second one is taken from the plot,
        # so that the chart still ends above the fold.
        title = (fig.layout.title.text or "").replace("<br>", " ")
        lines = figures.title_lines(title, PRESENTER_TITLE_CHARS)
        taller = PRESENTER_TITLE_LINE_PX * (len(lines) - 1)
        return go.Figure(fig).update_layout(
            **{**PRESENTER_CHART, "margin_t": PRESENTER_CHART["margin_t"] + taller},
            title_text="<br>".join(lines),
        )
    return fig


def view_link(page: Page, *, embed: bool = False) -> str:
    """The link to this page with every control of the view (and ``embed=true`` if asked)."""
    base = (st.context.url or f"http://localhost:8501/{page.name}").split("?")[0]
    params = [(k, v) for k, values in state.view_params().items() for v in values]
    if embed:
        params.append(("embed", "true"))
    query = urlencode(params)
    return f"{base}?{query}" if query else base


def _markdown_link(page: Page) -> str:
    """The full page's link, safe inside a Markdown link's parentheses."""
    return view_link(page).replace(" ", "%20").replace(")", "%29")


def uploads_here(page: Page, where=st) -> bool:
    """Whether the page may offer a file uploader. Embedded it may not: a blog on another
    site never gets Streamlit's XSRF cookie (SameSite=Lax), so an upload would fail with a
    403 after the reader picked a file; the reader is told first, with the way to the full
    page, where uploads work with XSRF protection on."""
    if layout() is not Layout.EMBED:
        return True
    link = _markdown_link(page)
    where.info(f"Uploading your own file needs the full page: [open it in EMA Lab ↗]({link}).")
    return False


def embed_snippet(src: str, page: Page, title: str) -> str:
    """An iframe that fills its column up to `EMBED_MAX_WIDTH` px, at the page's height."""
    return (
        f'<iframe src="{escape_html(src)}" title="{escape_html(title)}" loading="lazy" '
        f'style="width:100%;max-width:{EMBED_MAX_WIDTH}px;height:{page.embed_height}px;'
        'border:0"></iframe>'
    )


def embed_footer(page: Page, where=st) -> None:
    """Embedded: the way to the full page, under the chart (whose legend is its key)."""
    if layout() is not Layout.EMBED:
        return
    # Not in a caption: its 60% text colour left a link at 3:1 against white.
    where.markdown(f"[Open in EMA Lab ↗]({_markdown_link(page)})")


def main_chart_may_stop(
    fig: go.Figure,
    page: Page,
    *,
    embed_height: int = 360,
    where=st,
    live: LiveLines | None = None,
) -> None:
    """A page's main chart, keyed ``page.main_chart``: shorter when embedded (``embed_height``
    px, its legend included), with the way to the full page under it, or on the full page the
    page's predict-then-check question. ``live``: its EMA lines, redrawn in the browser while
    the decay moves (`ema_lab.ui.live_decay`).

    **It may end the run**: a session's first run stops here (`ema_lab.ui.first_paint`), so
    nothing after it runs until the browser has painted the chart. Every widget drawn
    before it must be a `Control` (drawn by `ema_lab.ui.widgets`), which the first run
    holds in its closed pop-over."""
    shown = embed_chart(fig, layout(), embed_height)
    show(shown, page.main_chart, where, table=False, live=live)
    embed_footer(page, where)
    first_paint.stop_if_first_run()
    data_table(shown, page.main_chart, where)  # a widget: after the first paint's stop
    predict(page, where)


def share_panel(
    page: Page, *, offline: Callable[[str], OfflineView] | None = None, where=st
) -> None:
    """Under the main chart, folded: this view's link, a responsive embed snippet, and the
    chart as one offline HTML file with its own snippet. ``offline(link)`` builds the file's
    view, given this view's link now: the file is built on click, outside the page's run,
    where the page's address is no longer known (a home figure linked to localhost:8501).

    Folded in the page, not a pop-over: under a chart a 720 px screen has no room below
    for a pop-over, which hid its offline figure's button; and built only when opened."""
    if layout().compact:
        return

    def panel() -> None:
        # Taken now: the offline file is built later, on click, outside this run.
        link = view_link(page)
        st.markdown("**A link to exactly this view**: every control is in it.")
        st.code(link, language=None, wrap_lines=True)
        present_link(page, exact=True)
        st.markdown("**Embed it live** in a blog post or a slide (it fits any column):")
        st.code(
            embed_snippet(view_link(page, embed=True), page, "EMA Lab"),
            language="html",
            wrap_lines=True,
        )
        if offline is None:
            return
        name = f"ema-lab_{page.name or 'home'}.html"
        st.markdown(
            "**No server?** Download this chart as one HTML file with a decay slider inside "
            "(every curve precomputed by ema_core), put it next to your post and embed it:"
        )
        st.download_button(
            "⬇️ Offline interactive figure (HTML)",
            data=lambda: offline_html(offline(link)).encode(),
            file_name=name,
            mime="text/html",
            key=f"{page.name or 'home'}_offline",
            on_click="ignore",
        )
        st.code(embed_snippet(name, page, "EMA Lab figure"), language="html", wrap_lines=True)

    folded("🔗 Share, embed or download this view", SHARE, panel, where=where)


SHARE = "share"
"""The share panel's folded section (its key: ``fold_share``)."""


def csv_download(
    columns: Callable[[], dict[str, np.ndarray]], file_name: str, *, key: str, where=st
) -> None:
    """A button that writes the full series as CSV, with a step column ``t``, built on click:
    ``columns`` is a function, so that long series are computed only when asked for."""

    def build() -> bytes:
        import pandas as pd

        table_columns = columns()
        n = len(next(iter(table_columns.values())))
        table = pd.DataFrame({"t": np.arange(1, n + 1), **table_columns})
        return table.to_csv(index=False, float_format="%.10g").encode()

    where.download_button(
        "⬇️ Download the series (CSV)",
        data=build,
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
    )
