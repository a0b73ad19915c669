"""The plain-Python number types themselves: construction, fields, N partials, nesting, NumPy."""
import copy
import math
import pickle

import numpy as np
import pytest

import dualad as da

D = da.Dual
H = da.HyperDual


# ----------------------------------------------------------- construction ---

def test_dual_fields():
    d = D(2.0, 3.0)
    assert (d.value, d.eps, d.partials, d.n, d.tag) == (2.0, 3.0, (3.0,), 1, 0)
    d = D(2.0, (1.0, -1.0, 0.5))
    assert d.n == 3 and d.eps == 1.0
    assert isinstance(d.partials, np.ndarray) and d.partials.dtype == np.float64
    assert d.partials.tolist() == [1.0, -1.0, 0.5]
    assert D(2.0, [4.0]).partials == (4.0,)  # one partial is the classic dual
    assert D(2.0, np.array([4.0])).n == 1


def test_hyperdual_fields():
    h = H(1.5, 2.0, 3.0, 4.0)
    assert (h.re, h.eps1, h.eps2, h.eps1eps2, h.tag) == (1.5, 2.0, 3.0, 4.0, 0)
    assert h.value == 1.5
    assert (H(1.5).eps1, H(1.5).eps2, H(1.5).eps1eps2) == (0.0, 0.0, 0.0)


def test_partials_are_copied_from_the_callers_array():
    p = np.array([1.0, 2.0])
    d = D(1.0, p)
    p[0] = 99.0
    assert d.partials[0] == 1.0


def test_float32_components_stay_float32():
    f32 = np.float32
    d = D(f32(1.5), (f32(1.0), f32(2.0)))
    assert type(d.value) is f32 and d.partials.dtype == np.float32
    h = H(f32(1.5), f32(1.0), f32(1.0), f32(0.0))
    r = (h * h + 2 * h - 1.0) / (h + 3)
    for part in (r.re, r.eps1, r.eps2, r.eps1eps2):
        assert type(part) is f32
    r = da.exp(d) * d ** 2 - d / 3
    assert type(r.value) is f32 and r.partials.dtype == np.float32
    # a float64 NumPy operand promotes, as in NumPy
    r = D(f32(1.5), f32(1.0)) * np.float64(2.0)
    assert r.value.dtype == np.float64


def test_repr_round_trips():
    for x in (D(1.5, 2.0), D(1.5, (1.0, 2.0)), H(1.0, 2.0, 3.0, 4.0), D(1.0, 1.0, tag=3),
              H(0.5, 1.0, 0.0, 0.0, tag=2)):
        y = eval(repr(x), {"Dual": D, "HyperDual": H})
        assert type(y) is type(x) and repr(y) == repr(x)
    nested = D(D(1.0, 1.0, tag=1), D(1.0, 0.0, tag=1), tag=2)
    assert repr(nested) == "Dual(Dual(1.0, 1.0, tag=1), Dual(1.0, 0.0, tag=1), tag=2)"


def test_copy_and_pickle():
    for x in (D(1.5, (1.0, 2.0)), H(1.0, 2.0, 3.0, 4.0, tag=5)):
        for y in (copy.copy(x), copy.deepcopy(x), pickle.loads(pickle.dumps(x))):
            assert type(y) is type(x) and repr(y) == repr(x)


def test_slots_keep_the_types_small():
    with pytest.raises(AttributeError):
        D(1.0, 1.0).something = 1
    with pytest.raises(AttributeError):
        H(1.0).something = 1


def test_hand_built_nesting_gets_an_outer_tag():
    inner = D(1.0, 1.0)
    outer = D(inner, 1.0)
    assert inner.tag == 0 and outer.tag > inner.tag
    # two hand-built duals around the same inner tag are one perturbation
    assert D(inner, 2.0).tag == outer.tag
    assert H(inner, 1.0, 1.0, 0.0).tag == outer.tag
    assert D(outer, 1.0).tag > outer.tag
    # explicit tags are kept
    assert D(inner, 1.0, tag=9).tag == 9
    # ((3 + e1) + e2)**2 = (3 + e1)**2 + 2 (3 + e1) e2: e1 inner, e2 outer
    r = D(D(3.0, 1.0), D(1.0, 0.0)) * D(D(3.0, 1.0), D(1.0, 0.0))
    assert r.eps.eps == 2.0 and r.value.eps == 6.0 and r.eps.value == 6.0


# -------------------------------------------------------- gradients: N > 1 ---

def test_gradient_with_n_partials():
    # Rosenbrock: f = (1 - x)**2 + 100 (y - x**2)**2
    x, y = 0.3, -0.4
    X, Y = D(x, (1.0, 0.0)), D(y, (0.0, 1.0))
    f = (1 - X) ** 2 + 100 * (Y - X ** 2) ** 2
    gx = -2 * (1 - x) - 400 * x * (y - x * x)
    gy = 200 * (y - x * x)
    assert f.partials.tolist() == pytest.approx([gx, gy], rel=1e-15)


def test_directional_second_derivatives_with_hyperduals():
    # mixed second derivative of f(x, y) = x**2 y**3 + sin(x y)
    x, y = 0.7, 1.3
    X, Y = H(x, 1.0, 0.0, 0.0), H(y, 0.0, 1.0, 0.0)
    f = X ** 2 * Y ** 3 + da.sin(X * Y)
    fxy = 6 * x * y ** 2 + math.cos(x * y) - x * y * math.sin(x * y)
    assert f.eps1eps2 == pytest.approx(fxy, rel=1e-14)
    assert f.eps1 == pytest.approx(2 * x * y ** 3 + y * math.cos(x * y), rel=1e-14)
    assert f.eps2 == pytest.approx(3 * x ** 2 * y ** 2 + x * math.cos(x * y), rel=1e-14)


def test_nested_duals_give_the_hessian():
    # Dual of Duals, N = 2 at both levels: the full Hessian of f(x, y) = x**3 y + y**2
    x, y = 1.2, -0.5
    ix = D(x, (1.0, 0.0), tag=1)
    iy = D(y, (0.0, 1.0), tag=1)
    zero = D(0.0, (0.0, 0.0), tag=1)
    one = D(1.0, (0.0, 0.0), tag=1)
    X = D(ix, (one, zero), tag=2)
    Y = D(iy, (zero, one), tag=2)
    f = X ** 3 * Y + Y * Y
    hess = [p.partials[j] for p in f.partials for j in range(2)]
    assert hess == pytest.approx([6 * x * y, 3 * x * x, 3 * x * x, 2.0], rel=1e-15)
    assert f.value.partials.tolist() == pytest.approx([3 * x * x * y, x ** 3 + 2 * y], rel=1e-15)


def test_mixing_partials_of_floats_and_duals():
    # partials are floats; a lower-tag dual among them makes an object array
    inner = D(2.0, 1.0, tag=1)
    d = D(1.0, (inner, 3.0), tag=2)
    assert d.partials.dtype == object
    r = d * d
    assert isinstance(r.partials[0], D) and r.partials[0].value == 4.0
    assert r.partials[1] == 6.0


# --------------------------------------------------------------- NumPy ---

def test_numpy_scalars_on_either_side_give_duals():
    d = D(1.5, 1.0)
    for c in (np.float64(2.0), np.float32(2.0), np.int64(2), np.int8(2)):
        for r in (c + d, d + c, c * d, d * c, c - d, d - c, c / d, d / c, c ** d, d ** c):
            assert type(r) is D, (type(c), r)
        assert (c * d).eps == 2.0 and (c - d).eps == -1.0


def test_numpy_scalar_comparisons_and_zero_d_arrays():
    d = D(1.5, 1.0)
    assert bool(np.float64(2.0) > d) and not bool(np.float64(2.0) < d)
    assert bool(np.float32(1.5) == d) and bool(np.int64(1) < d)
    assert bool(np.array(2.0) > d)
    r = np.add(np.array(2.0), d)
    assert type(r) is D and r.value == 3.5


def test_numpy_functions_on_scalars():
    d = D(0.5, 1.0)
    assert type(np.round(d)) is D
    assert np.square(d).eps == 1.0 and np.reciprocal(d).eps == -4.0
    assert np.negative(d).eps == -1.0 and np.positive(d).eps == 1.0
    r = np.sin(H(0.5, 1.0, 1.0, 0.0))
    assert r.eps1eps2 == pytest.approx(-math.sin(0.5), rel=1e-15)


def test_hash_is_by_value_and_consistent_with_eq():
    assert len({D(1.0, 1.0), D(1.0, 2.0), 1.0}) == 1
    assert {D(2.0, 1.0): "a"}[2.0] == "a"


def test_module_exports():
    for name in ("Dual", "HyperDual", "derivative", "sin", "log", "abs", "pow", "where"):
        assert name in da.__all__ and hasattr(da, name)
    assert da.abs is da.fabs
    assert da.log(8.0, 2.0) == 3.0
    assert da.log(da.Dual(8.0, 1.0), 2.0).eps == pytest.approx(1 / (8 * math.log(2)), rel=1e-15)
    r = da.where(True, D(1.0, 1.0), D(2.0, 2.0))
    assert r.eps == 1.0


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's, on inf partials at 0
@pytest.mark.parametrize("v", [0.3, 1.0, 2.5, 1e-3, 7e5, -1.7, 0.0, -0.0, math.nan])
@pytest.mark.parametrize("c", [2, 3, -1, 0, 0.5, 1.5, -2.25, 2.0])
def test_float_power_fast_path_equals_the_general_rule(v, c):
    """``Dual(v, 1.0) ** c`` takes a shortcut for float partials (v > 0, squares);
    two partials go through the rule table's ladder: both agree to rounding, and
    where the shortcut does not apply (a negative base to a fractional power) they
    fail alike."""
    try:
        fast = da.Dual(v, 1.0) ** c
    except (ValueError, ZeroDivisionError) as e:
        with pytest.raises(type(e)):
            da.Dual(v, [1.0, 0.0]) ** c
        return
    slow = da.Dual(v, [1.0, 0.0]) ** c
    np.testing.assert_allclose([fast.value, fast.eps], [slow.value, slow.partials[0]],
                               rtol=2e-16, atol=0, equal_nan=True)
