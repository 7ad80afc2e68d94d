"""The Plotly kit: every chart's common look, built from what a lesson passes as data."""
