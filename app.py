"""EMA Lab: the router. It declares the pages (from `ema_lab.site`), sets up what every
page shares once, and runs the page the URL names."""

import streamlit as st

from ema_lab import first_paint, frame, memory, url

memory.keep_lean()  # once per process: what a class used goes back to the system
routes = frame.routes()
current = st.navigation(
    {"📈 EMA Lab": [route for route, _ in routes]},
    position="hidden" if frame.embedded() else "sidebar",
)
frame.start(next(page for route, page in routes if route is current))
with frame.routing(), first_paint.stage():
    try:
        current.run()
    finally:  # embedded pages stop early (st.stop): their link is checked all the same
        url.show_notice()
