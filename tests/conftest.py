"""What every test folder shares.

``tests/`` holds the suite by what it exercises: ``core`` (`ema_core` against closed forms,
TensorFlow, Keras and pandas), ``views`` (the Streamlit-free lessons and kits), ``app``
(pages run headless by Streamlit's AppTest), ``browser`` (pages in Debian's Chromium driven
by Playwright) and ``serving`` (the lecture hall behind nginx, each process's memory).
Helpers the tests import live beside this file: ``app_support`` and ``browser_support``.

A test marked ``browser`` (every test under ``browser/``, and those that drive Chromium
elsewhere) is skipped on a machine without Chromium, and fails under CI, which must run it.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from hypothesis import settings
from streamlit.components.v2 import manifest_scanner

from browser_support import ARTIFACTS, CHROMIUM, Tabs, Views, chromium, streamlit_server

BROWSER_FOLDER = Path(__file__).parent / "browser"

# No deadline on any example: timing is the benchmarks' business (benchmarks/), and a
# suite that fills every core made a 30 ms example take 320 ms and fail as "flaky".
settings.register_profile("ema-lab", deadline=None)
settings.load_profile("ema-lab")

# AppTest looks for packaged Streamlit components in every installed distribution on each
# of its runs (0.2 s of a page's 0.28 s here: three quarters of the AppTest tests' time);
# a server looks once, at its start. The installed packages stay as they are for a test
# process: it looks once too.
manifest_scanner.scan_component_manifests = functools.cache(
    manifest_scanner.scan_component_manifests
)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers more than the cores. A browser test waits on its page part of
    the time: on this 2-core machine 3 workers left the cores 12% idle and ran the suite in
    637 s, 4 left them 4% idle and ran it in 587 s (one clean run each)."""
    return (os.cpu_count() or 1) + 2


# The parameter that names a page, in the browser tests that take one.
PAGE_PARAMETERS = ("page", "name", "case", "site_page")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FOLDER in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
        # The checks that share loaded pages (`views`) run page by page on one worker,
        # which then loads each address once.
        if "views" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(_page_of(item)))


def _page_of(item: pytest.Item) -> str:
    params = getattr(item, "callspec", None)
    for name in PAGE_PARAMETERS:
        value = params.params.get(name) if params else None
        if isinstance(value, tuple):  # a case: (page, query)
            value = value[0]
        if value is not None:
            return f"page-{getattr(value, 'name', value) or 'home'}"
    return "pages"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is None or Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise RuntimeError(f"CI needs Debian's Chromium at {CHROMIUM} for the browser tests")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")


# One server and one Chromium per test process (per pytest-xdist worker), shared by every
# browser test that needs a running EMA Lab but not a fresh one: starting them took 3-5 s a
# module, and a test that needs a fresh server (a restart, a first deep link) starts its own.


@pytest.fixture(scope="session")
def server():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with streamlit_server(log=ARTIFACTS / f"server-{worker}.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def views(browser, server):
    pool = Views(browser, server)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def tabs(browser):
    lender = Tabs(browser)
    yield lender
    lender.close()
