"""What a page shows, computed without Streamlit: series, readings, titles with their numbers.

Each module here serves one page (or one section of a page); its functions take plain
parameters and return frozen records that the page only lays out, so every number a
learner reads can be tested without a browser or a Streamlit run.
"""
