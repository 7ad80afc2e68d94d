"""EMA Lab: the router. It declares the pages (from `ema_lab.model.site`), sets up what every
page shares once, and runs the page the URL names.

Streamlit runs it as ``__main__`` for every page view.
"""

import streamlit as st

if __name__ == "__main__":
    # Whole before any page: Plotly's validators look pandas up in sys.modules without
    # importing it, and a session that looked while another session's thread was importing
    # it got the half-made module ("partially initialized module 'pandas' has no attribute
    # 'Series'"): 35 of 300 students arriving at a fresh hall saw the app's error page. An
    # import statement waits for the module to be whole.
    import pandas  # noqa: F401

    from ema_lab.server import memory
    from ema_lab.ui import (
        first_paint,
        frame,
        history,
        link_names,
        page_style,
        reconnect,
        sessions,
        state,
        widgets,
    )

    # Once per process: what a class used goes back to the system, the sessions that left
    # with their uploads too.
    memory.keep_lean(
        sessions.tidy_interval(memory.TIDY_EVERY), first=sessions.close_those_that_left
    )
    routes = frame.routes()
    # Hidden: the sidebar's links are the app's own (frame.navigation).
    current = st.navigation([route for route, _ in routes], position="hidden")
    page = next(page for route, page in routes if route is current)
    state.enter(page.name)  # the visit, and its layout (full, embedded, presenting) once
    link_names.drop_unknown()  # before the page offers its link to share
    frame.start(page)
    with frame.routing(), first_paint.stage():
        try:
            current.run()
            frame.path_footer(page)
        finally:  # embedded pages stop early (st.stop): their link is checked all the same
            widgets.show_notice()
            reconnect.watch()
            history.keep_one_entry_per_page()
            page_style.mount()
