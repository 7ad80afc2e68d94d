"""The pure model: what the app knows, as plain data (no Streamlit, no Plotly)."""
