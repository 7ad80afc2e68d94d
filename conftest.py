"""Doctests see ``np`` and the public API without importing them."""

import numpy as np
import pytest

import ema_core


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["np"] = np
    for name in ema_core.__all__:
        doctest_namespace[name] = getattr(ema_core, name)
