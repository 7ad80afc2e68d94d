"""The server survives a burst of reloads and a client that leaves mid-rerun."""

import time

from browser_support import ARTIFACTS, streamlit_server

CHART = ".st-key-smoothing_chart .js-plotly-plot .scatterlayer .trace"


def test_burst_of_reloads_and_a_client_that_leaves_mid_rerun(browser):
    # A server of its own: its log must hold nothing but this test's clients.
    log = ARTIFACTS / "reload-server.log"
    with streamlit_server(log=log) as base:
        page = browser.new_page()
        url = f"{base}/smoothing?n=1000000"
        page.goto(url)
        page.wait_for_selector(CHART, timeout=60_000)
        # a burst of 20 reloads, each cut off by the next
        for _ in range(20):
            page.goto(url, wait_until="commit")
            page.wait_for_timeout(50)
        page.wait_for_selector(CHART, timeout=60_000)
        # a client that leaves while its rerun of a long series runs
        other = browser.new_page()
        other.goto(f"{base}/smoothing?n=10000000&decay=0.95")
        time.sleep(0.3)
        other.close()
        # the server still answers, correctly
        page.goto(f"{base}/smoothing?n=2000&decay=0.9")
        page.wait_for_selector(CHART, timeout=60_000)
        assert page.get_by_text("β = 0.9 · window 10").count() >= 1
        page.close()
    text = log.read_text()
    assert "Traceback" not in text
    assert "Error" not in text
