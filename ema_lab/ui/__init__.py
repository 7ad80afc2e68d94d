"""The Streamlit kit: the page frame, widgets drawn from controls, the session's state
(`ema_lab.ui.state`, its only owner), links, uploads, and the charts with their sharing."""
