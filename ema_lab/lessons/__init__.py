"""One folder per lesson: its controls (``controls.py``), the Streamlit-free view of what
it shows (``view.py``) and the Plotly figures of that view (``figures.py``). The page
under ``pages/`` only lays them out; ``ema_lab.model.site`` lists it."""
