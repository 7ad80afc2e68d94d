"""ema_update: dtypes, scalars and the in-place path."""

import numpy as np
import pytest

from ema_core import ema_update


def test_scalars_give_a_plain_float():
    out = ema_update(1, 3, 0.5)
    assert type(out) is float
    assert out == 2.0


def test_float32_stays_float32_everything_else_float64():
    f32 = np.ones(4, np.float32)
    assert ema_update(f32, f32, 0.9).dtype == np.float32
    assert ema_update(f32, 2.0, 0.9).dtype == np.float32
    assert ema_update(f32, f32.astype(np.float64), 0.9).dtype == np.float64
    assert ema_update([1, 2], [3, 4], 0.5).dtype == np.float64
    assert ema_update(np.ones(2, np.float16), 1.0, 0.5).dtype == np.float64


def test_in_place_update_of_shadow_weights():
    rng = np.random.default_rng(0)
    shadow = rng.normal(size=(64, 33)).astype(np.float32)
    weights = rng.normal(size=(64, 33)).astype(np.float32)
    d = np.float32(0.999)
    expected = d * shadow + (np.float32(1) - d) * weights
    returned = ema_update(shadow, weights, 0.999, out=shadow)
    assert returned is shadow
    np.testing.assert_array_equal(shadow, expected)


def test_in_place_on_a_strided_view_touches_only_the_view():
    base = np.zeros((10, 10))
    view = base[::2, 1::3]
    ema_update(view, 1.0, 0.25, out=view)
    assert np.all(base[::2, 1::3] == 0.75)
    assert base.sum() == pytest.approx(0.75 * view.size)


def test_out_with_a_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"out must have the broadcast shape \(3,\)"):
        ema_update(np.zeros(3), np.ones(3), 0.5, out=np.zeros(4))
    with pytest.raises(TypeError, match="out must be a float32 or float64"):
        ema_update(np.zeros(3), np.ones(3), 0.5, out=[0.0, 0.0, 0.0])


def test_no_full_size_temporary_in_place():
    # tracemalloc sees NumPy's allocations: an in-place update of 8 MB allocates ~nothing.
    import tracemalloc

    shadow = np.zeros(1_000_000)
    weights = np.ones(1_000_000)
    ema_update(shadow, weights, 0.5, out=shadow)  # warm
    tracemalloc.start()
    ema_update(shadow, weights, 0.5, out=shadow)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < shadow.nbytes / 10
