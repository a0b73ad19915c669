"""DualArray: construction, arithmetic and broadcasting, indexing and assignment,
mixing with scalar duals, nesting, elementwise ``da.derivative`` and the errors."""
import math

import numpy as np
import pytest

import dualad as da
from dualad import Dual, DualArray
from dualad._core.base import next_tag
from array_support import assert_matches, fd_derivative, hessian, jacobian, seed

DTYPES = [np.float64, np.float32]
rng = np.random.default_rng(42)


# --------------------------------------------------------------- basics ---

def test_construction_and_attributes():
    x = DualArray(np.arange(6.0).reshape(2, 3), np.ones((2, 3, 4)), tag=0)
    assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and x.n == 4
    assert x.dtype == np.float64 and len(x) == 2
    assert x.T.shape == (3, 2) and x.T.partials.shape == (3, 2, 4)
    rows = list(x)
    assert len(rows) == 2 and all(isinstance(r, DualArray) and r.shape == (3,) for r in rows)
    # ints become float64; partials without their axis mean N = 1
    y = DualArray([1, 2, 3], [1, 1, 1])
    assert y.dtype == np.float64 and y.partials.shape == (3, 1)
    # float32 stays float32, partials follow the values' type
    z = DualArray(np.ones(3, np.float32), np.eye(3))
    assert z.dtype == np.float32 and z.partials.dtype == np.float32
    with pytest.raises(ValueError, match="partials must have shape"):
        DualArray(np.ones(3), np.ones((2, 3)))
    with pytest.raises(TypeError, match="real or complex"):
        DualArray(np.ones(3, "U1"), np.ones((3, 1)))
    w = DualArray(np.ones(3, np.complex64), np.eye(3))  # complex: tests/test_complex_arrays.py
    assert w.dtype == np.complex64 and w.partials.dtype == np.complex64
    with pytest.raises(TypeError, match="len"):
        len(DualArray(1.0, [1.0]))
    assert "DualArray(" in repr(x)


def test_from_any():
    d = Dual(2.0, (1.0, 3.0), tag=7)
    a = DualArray.from_any(d)
    assert a.shape == () and a.tag == 7 and a.partials.tolist() == [1.0, 3.0]
    c = DualArray.from_any([1, 2])
    assert c.tag == 0 and c.partials.shape == (2, 1) and not c.partials.any()
    s = DualArray.from_any([Dual(1.0, 1.0, tag=3), 2.0, Dual(3.0, 2.0, tag=3)])
    assert s.tag == 3 and s.values.tolist() == [1.0, 2.0, 3.0]
    assert s.partials[:, 0].tolist() == [1.0, 0.0, 2.0]
    with pytest.raises(TypeError, match="HyperDual"):
        DualArray.from_any(da.HyperDual(1.0, 1.0, 1.0, 0.0))


# ------------------------------------------------------------ arithmetic ---

BINARY_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** b,
    "np.add": np.add,
    "np.multiply": np.multiply,
    "np.divide": np.divide,
    "np.subtract": np.subtract,
    "np.power": np.power,
}
SHAPES = [((3,), (3,)), ((4, 3), (3,)), ((3,), (4, 3)), ((4, 1), (1, 3)), ((), (2, 3)),
          ((2, 3), ())]


def _positive(shape):
    return rng.uniform(0.5, 2.0, shape)


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("op", list(BINARY_OPS), ids=str)
def test_binary_arithmetic_broadcasting(op, shapes):
    f = BINARY_OPS[op]
    a, b = _positive(shapes[0]), _positive(shapes[1])
    for wrt in [(0,), (1,), (0, 1)]:
        v, jac = jacobian(f, [a, b], wrt)
        np.testing.assert_allclose(v, f(a, b), rtol=1e-15)
        assert_matches(jac, fd_derivative(f, [a, b], wrt), what=f"{op} wrt {wrt}")
        hess = hessian(f, [a, b], wrt)
        fd = fd_derivative(lambda *args: jacobian(f, list(args), wrt)[1], [a, b], wrt)
        assert_matches(hess, fd, what=f"{op} wrt {wrt} (second order)")


@pytest.mark.parametrize("c", [2, 3, 0, 1, -1, 0.5, 2.5, -2.0, np.float64(3.0)], ids=repr)
def test_power_constant_exponent(c):
    x = _positive((5,))
    f = lambda a: a ** c  # noqa: E731
    v, jac = jacobian(f, [x])
    np.testing.assert_array_equal(v, x ** c)
    np.testing.assert_allclose(np.diagonal(jac), c * x ** (c - 1), rtol=1e-14)
    hess = hessian(f, [x])
    np.testing.assert_allclose(np.einsum("iii->i", hess), c * (c - 1) * x ** (c - 2), rtol=1e-13)


def test_power_at_zero_follows_the_rule():
    x = np.array([0.0, 1.0])
    for c, d1, d2 in [(2, [0.0, 2.0], [2.0, 2.0]), (1, [1.0, 1.0], [0.0, 0.0]),
                      (0, [0.0, 0.0], [0.0, 0.0]), (3, [0.0, 3.0], [0.0, 6.0])]:
        _, jac = jacobian(lambda a: a ** c, [x])
        np.testing.assert_array_equal(np.diagonal(jac), d1)
        np.testing.assert_array_equal(np.einsum("iii->i", hessian(lambda a: a ** c, [x])), d2)
    with np.errstate(all="raise"):
        _, jac = jacobian(lambda a: a ** 0.5, [x])
    assert np.diagonal(jac)[0] == np.inf


@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_operators_and_reflected(dtype):
    x = rng.uniform(0.5, 2, 4).astype(dtype)
    for name, f in {
        "neg": lambda a: -a, "pos": lambda a: +a, "abs": lambda a: abs(-a),
        "rsub": lambda a: 3 - a, "rdiv": lambda a: 2.0 / a, "rpow": lambda a: 2.0 ** a,
        "np-scalar-left": lambda a: np.float64(2.0) * a - np.float32(1.0),
        "ndarray-left": lambda a: np.arange(4.0).astype(dtype) * a + np.ones(4, dtype),
        "list": lambda a: a * [1.0, 2.0, 3.0, 4.0] - [1, 2, 3, 4],
        "int-ops": lambda a: (a * 3 + 1) / 2 - 4,
        "square": np.square, "reciprocal": np.reciprocal, "np.negative": np.negative,
        "np.positive": np.positive, "np.abs": np.abs, "floordiv": lambda a: a // 0.3 + a % 0.3,
    }.items():
        v, jac = jacobian(f, [x])
        fd = fd_derivative(f, [x.astype(np.float64)])
        assert_matches(jac, fd, rtol=1e-6 if dtype == np.float64 else 2e-3, what=name)
        if name not in ("np-scalar-left", "list"):  # float64 operands promote, as in NumPy
            assert v.dtype == dtype and jac.dtype == dtype, name


def test_float32_stays_float32():
    x = np.linspace(0.1, 1, 5, dtype=np.float32)
    X = seed([x])[0]
    y = np.exp(np.sin(X) * 2.5 + X ** 2 / 3) @ np.ones(5, np.float32)
    assert y.values.dtype == np.float32 and y.partials.dtype == np.float32
    Y = seed([X])[0]
    z = np.tanh(Y) * Y
    assert z.dtype == np.float32 and z.partials.partials.dtype == np.float32


def test_comparisons_are_by_value():
    x = seed([np.array([1.0, 2.0, 3.0])])[0]
    assert (x < 2).tolist() == [True, False, False]
    assert (x >= np.array([1.0, 3.0, 3.0])).tolist() == [True, False, True]
    assert (x == x * 1.0).all() and not (x != x).any()
    assert np.greater(x, 1.5).tolist() == [False, True, True]
    assert np.isfinite(x).all() and not np.isnan(x).any()
    assert (Dual(2.0, 1.0) < x).tolist() == [False, False, True]
    with pytest.raises(TypeError, match="ambiguous"):
        bool(x)


def test_n_mismatch_is_an_error():
    t = next_tag()
    a = DualArray(np.ones(2), np.ones((2, 2)), t)
    b = DualArray(np.ones(2), np.ones((2, 3)), t)
    with pytest.raises(ValueError, match="2 and 3 partials"):
        a + b
    with pytest.raises(ValueError, match="partials"):
        a * b


# -------------------------------------------------------------- indexing ---

def test_getitem_matches_numpy_indexing():
    x = rng.standard_normal((3, 4, 5))
    X = seed([x])[0]
    units = np.eye(x.size).reshape((x.size,) + x.shape)  # units[k]: d x / d x_k
    for idx in [1, (1, 2), slice(1, 3), (Ellipsis, 2), (Ellipsis, None), (None, 1),
                (slice(None), None, 2), np.array([0, 2]), x > 0, ([0, 1], slice(None), [2, 3]),
                (1, Ellipsis, [0, 4]), Ellipsis, (slice(None, None, -1), 1)]:
        r = X[idx]
        assert isinstance(r, DualArray)
        np.testing.assert_array_equal(r.values, x[idx])
        want = np.stack([u[idx] for u in units], axis=-1)
        np.testing.assert_array_equal(r.partials, want, err_msg=str(idx))


def test_single_element_is_a_scalar_dual():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    X = seed([x])[0]
    e = X[1, 0]
    assert type(e) is Dual and e.tag == X.tag and e.value == 3.0
    assert e.partials.tolist() == [0.0, 0.0, 1.0, 0.0]
    # scalar-style code works and meets arrays again
    y = X[0, 0] * X[1, 1] + np.sin(X[0, 1])
    assert y.partials.tolist() == [4.0, math.cos(2.0), 0.0, 1.0]
    # N == 1 gives a float-like partial, as a hand-built Dual(v, p)
    one = DualArray(np.array([2.0, 3.0], np.float32), np.ones((2, 1)))[1]
    assert isinstance(one._p, np.float32) and one.eps == 1.0
    # the partials are copied: later writes into the array do not change e
    X[1, 0] = 0.0
    assert e.partials.tolist() == [0.0, 0.0, 1.0, 0.0]
    # 0-d DualArray: x[()] is the element
    assert type(DualArray(2.0, [1.0])[()]) is Dual


def test_nested_single_element():
    x = np.array([0.5, 1.5])
    X = seed(seed([x]))[0]
    e = X[1] * X[1] * X[0]
    assert type(e) is Dual and type(e.value) is Dual
    # d2/dx1^2 (x1^2 x0) = 2 x0; d2/dx0 dx1 = 2 x1
    hess = np.array([[c.partials[k] for k in range(2)] for c in e._p])
    np.testing.assert_allclose(hess, [[0.0, 3.0], [3.0, 1.0]])


@pytest.mark.parametrize("dtype", DTYPES)
def test_setitem(dtype):
    x = rng.standard_normal(6).astype(dtype)
    X = seed([x])[0]
    out = np.zeros_like(X)
    assert isinstance(out, DualArray) and out.dtype == dtype
    out[1:3] = X[0:2] * 2          # a DualArray into a slice
    out[0] = X[5]                  # a scalar Dual into one element
    out[3] = 7.0                   # a constant: zero partials
    out[4:] = np.array([1.0, 2.0])  # a constant array
    out[[5, 4]] += X[[1, 2]]      # fancy in-place (read, add, write back)
    assert out.dtype == dtype and out.partials.dtype == dtype
    want_v = np.array([x[5], 2 * x[0], 2 * x[1], 7.0, 1.0 + x[2], 2.0 + x[1]], dtype)
    np.testing.assert_allclose(out.values, want_v, rtol=1e-6)
    want_p = np.zeros((6, 6))
    want_p[0, 5] = 1
    want_p[1, 0] = want_p[2, 1] = 2
    want_p[4, 2] = want_p[5, 1] = 1
    np.testing.assert_array_equal(out.partials, want_p)
    # broadcasting on assignment, and a mask
    out[...] = X[0]
    assert np.all(out.partials[:, 0] == 1) and not out.partials[:, 1:].any()
    out[out > 0] = 0.0
    assert not out.partials[out.values > 0].any()


def test_setitem_promotes_a_plain_component():
    """Storing a nested dual into an array whose values are plain promotes the values."""
    x = np.array([1.0, 2.0])
    inner = seed([x])[0]
    outer_tag = next_tag()
    out = DualArray(np.zeros(2), np.zeros((2, 2)), outer_tag)
    out[0] = DualArray(inner, np.eye(2), outer_tag)[1] * 3
    assert isinstance(out.values, DualArray) and out.values.tag == inner.tag
    np.testing.assert_array_equal(out.values.partials, [[0.0, 3.0], [0.0, 0.0]])


def test_views_share_memory_as_in_numpy():
    X = seed([np.arange(4.0)])[0]
    out = np.zeros_like(X)
    row = out[1:3]
    row[:] = X[:2]
    row += 1.0
    np.testing.assert_array_equal(out.values, [0.0, 1.0, 2.0, 0.0])
    assert out.partials[1, 0] == 1 and out.partials[2, 1] == 1
    # results are never views of their operands' partials
    y = X + 1.0
    y[0] = 5.0
    assert X.partials[0, 0] == 1.0


def test_storing_a_dual_into_a_float_array_is_refused():
    X = seed([np.arange(3.0)])[0]
    plain = np.zeros(3)
    with pytest.raises(TypeError, match=r"zeros_like\(x\)"):
        plain[0:2] = X[0:2]
    with pytest.raises(TypeError, match=r"zeros_like\(x\)"):
        plain[0] = X[0]
    with pytest.raises(TypeError, match="drop its derivatives"):
        np.asarray(X)
    with pytest.raises(TypeError, match="drop its derivatives"):
        np.array([X, X])
    with pytest.raises(TypeError, match="drop its derivatives"):
        X.astype(int)
    with pytest.raises(TypeError):
        float(X[0:1])
    with pytest.raises(TypeError, match="outer perturbation"):
        X[0] = seed([np.ones(3)])[0][0]


def test_allocation_like_a_dual():
    X = seed([np.arange(3.0, dtype=np.float32)])[0]
    for make in (lambda: np.zeros(3, like=X), lambda: np.empty((3,), like=X),
                 lambda: np.ones(3, like=X), lambda: np.full(3, 2.0, like=X),
                 lambda: np.zeros_like(X), lambda: np.ones_like(X), lambda: np.empty_like(X),
                 lambda: np.full_like(X, 2.0)):
        out = make()
        assert isinstance(out, DualArray) and out.tag == X.tag and out.n == 3
        assert out.dtype == np.float32 and not out.partials.any()
    full = np.full_like(X, X[1])
    assert full.partials[:, 1].tolist() == [1.0, 1.0, 1.0]
    assert isinstance(np.zeros_like(X, dtype=int), np.ndarray)
    arr = np.array([X[0] * 2, 1.0, X[2]], like=X)
    assert isinstance(arr, DualArray) and arr.partials[:, 0].tolist() == [2.0, 0.0, 0.0]
    # nested: the allocation nests like its template
    Y = seed(seed([np.ones(2)]))[0]
    z = np.zeros_like(Y)
    assert isinstance(z.values, DualArray) and isinstance(z.partials, DualArray)


# ------------------------------------------------------ scalar duals meet arrays ---

def test_scalar_dual_with_ndarray_becomes_a_dualarray():
    d = Dual(2.0, 1.0, tag=next_tag())
    a = np.array([1.0, 2.0, 3.0])
    for y in (d * a, a * d, np.multiply(d, a), np.sin(d * a), d + a, a / d, d ** a, a ** d,
              da.atan2(d, a), da.atan2(a, d), np.arctan2(a, d), np.maximum(d, a)):
        assert isinstance(y, DualArray) and y.shape == (3,) and y.tag == d.tag
    np.testing.assert_allclose((d * a).partials[:, 0], a)
    np.testing.assert_allclose(np.sin(d * a).partials[:, 0], a * np.cos(2.0 * a))


def test_scalar_dual_of_same_tag_broadcasts():
    X = seed([np.array([1.0, 2.0])])[0]
    s = X[0] * 2.0                     # Dual with the same tag and N
    y = X * s + s
    np.testing.assert_array_equal(y.values, [4.0, 6.0])
    np.testing.assert_array_equal(y.partials, [[6.0, 0.0], [6.0, 2.0]])
    assert np.all((s + X).partials == (X + s).partials)


def test_perturbations_do_not_mix():
    a = np.array([1.0, 2.0, 3.0])
    # d/dt sum(a * t * d/ds(s * t)) = d/dt (sum(a) t^2) = 2 sum(a) t
    g = da.derivative(lambda t: np.sum(a * t * da.derivative(lambda s: s * t)(1.0)))(1.5)
    assert g == pytest.approx(2 * a.sum() * 1.5)
    # the outer variable captured inside an inner elementwise derivative
    h = da.derivative(lambda t: da.derivative(lambda x: np.sin(x * t))(a).sum())(0.5)
    # d/dt sum(t cos(x t)) = sum(cos(x t) - x t sin(x t))
    assert h == pytest.approx(np.sum(np.cos(a * 0.5) - a * 0.5 * np.sin(a * 0.5)))
    # arrays of different tags: the inner one is a constant for the outer one
    x = DualArray(a, np.ones((3, 1)), next_tag())
    t = DualArray(np.array(2.0), np.ones(1), next_tag())
    y = x * t
    assert y.tag == t.tag and isinstance(y.values, DualArray)
    np.testing.assert_array_equal(y.partials.values[:, 0], a)
    np.testing.assert_array_equal(y.partials.partials[:, 0, 0], [1.0, 1.0, 1.0])


# -------------------------------------------------- elementwise derivative ---

def lab_poly(x):
    return 2 * x ** 3 - 3 * x ** 2 + 5


def test_derivative_over_a_million_points():
    x = np.linspace(-1.0, 1.0, 1_000_001)
    f = lambda v: lab_poly(lab_poly(lab_poly(v)))  # noqa: E731
    d1 = da.derivative(f)(x)
    p1 = lab_poly(x)
    p2 = lab_poly(p1)
    dp = lambda v: 6 * v * v - 6 * v  # noqa: E731
    want = dp(p2) * dp(p1) * dp(x)
    np.testing.assert_allclose(d1, want, rtol=1e-12, atol=1e-9 * np.max(np.abs(want)))
    d2 = da.derivative(lambda v: np.tanh(v) * v ** 2, order=2)(x)
    t = np.tanh(x)
    s = 1 - t * t
    np.testing.assert_allclose(d2, 2 * t + 4 * x * s - 2 * x * x * t * s, atol=1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_derivative_dtypes(dtype):
    x = np.arange(1, 5).astype(dtype)
    want = np.float64 if dtype == np.int64 else dtype
    for order in (1, 2, 3):
        d = da.derivative(lambda v: np.exp(v / 4) + v ** 4, order)(x)
        assert d.dtype == want and d.shape == x.shape
        xf = x.astype(np.float64)
        exact = {1: np.exp(xf / 4) / 4 + 4 * xf ** 3, 2: np.exp(xf / 4) / 16 + 12 * xf ** 2,
                 3: np.exp(xf / 4) / 64 + 24 * xf}[order]
        np.testing.assert_allclose(d, exact, rtol=1e-13 if want == np.float64 else 1e-5)


def test_derivative_of_constant_and_errors():
    x = np.linspace(0, 1, 4).reshape(2, 2)
    assert da.derivative(lambda v: 3.0)(x).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert da.derivative(lambda v: np.ones(2))(x).shape == (2, 2)
    with pytest.raises(ValueError, match="elementwise"):
        da.derivative(lambda v: v.sum())(x)
    with pytest.raises(ValueError, match="elementwise"):
        da.derivative(lambda v: v[0, 0])(x)


def test_elementwise_code_with_selection():
    x = np.linspace(-2, 2, 9)
    f = lambda v: np.where(v > 0, v ** 2, np.sin(v)) + np.clip(v, -1, 1)  # noqa: E731
    # at a bound of clip the derivative is that of x (maximum/minimum: ties take the first)
    want = np.where(x > 0, 2 * x, np.cos(x)) + ((x >= -1) & (x <= 1))
    np.testing.assert_allclose(da.derivative(f)(x), want)


# ------------------------------------------------------------- errors ---

def test_unsupported_numpy_functions_name_themselves():
    X = seed([np.ones(4)])[0]
    for call, name in [(lambda: np.nextafter(X, 2.0), "numpy.nextafter"),
                       (lambda: np.apply_along_axis(np.sum, 0, X), "numpy.apply_along_axis"),
                       (lambda: np.histogram(X), "numpy.histogram"),
                       (lambda: np.add.at(X, [0], 1.0), "numpy.add.at"),
                       (lambda: np.linalg.cond(X.reshape(2, 2)), "numpy.linalg.cond"),
                       (lambda: np.linalg.matrix_rank(X.reshape(2, 2)), "numpy.linalg.matrix_rank")]:
        with pytest.raises(TypeError, match=f"dualad has no rule for {name}"):
            call()


def test_no_silent_object_arrays():
    X = seed([np.ones(3)])[0]
    with pytest.raises(TypeError):
        np.asanyarray(X)
    with pytest.raises(TypeError):
        np.concatenate([np.ones(2), X.values]) + np.array([X], dtype=object)


def test_numpy_functions_on_scalar_duals_give_dual_arrays():
    """np.stack([d1, d2]) & co. use DualArray's rules: never an object array of duals."""
    t = next_tag()
    d1, d2 = Dual(1.0, 1.0, tag=t), Dual(2.0, 3.0, tag=t)
    s = np.stack([d1, d2])
    assert isinstance(s, DualArray) and s.partials[:, 0].tolist() == [1.0, 3.0]
    c = np.concatenate([s, np.ones(2)])
    assert isinstance(c, DualArray) and c.partials[:, 0].tolist() == [1.0, 3.0, 0.0, 0.0]
    v = np.dot(np.array([1.0, 2.0]), s)
    assert isinstance(v, DualArray) and v.partials.tolist() == [7.0]
    m = np.dot(np.eye(2) * 2, d2)
    assert isinstance(m, DualArray) and m.partials[..., 0].tolist() == [[6.0, 0.0], [0.0, 6.0]]
    # scalars alone stay scalars
    for r in (np.sum(d2), np.max(d2), np.clip(d2, 0.0, 1.5), np.where(True, d1, d2)):
        assert type(r) is Dual, type(r)
    assert np.clip(d2, 0.0, 1.5).eps == 0.0 and np.sum(d2).eps == 3.0
    # functions without an array rule keep NumPy's elementwise implementation
    p = np.polyval([1.0, 0.0, 0.0], d2)
    assert _scalar_value(p) == 4.0


def _scalar_value(p):
    p = p[()] if isinstance(p, np.ndarray) else p
    return p.value


def test_ndarray_dot_method_refuses_loudly():
    """ndarray.dot does not dispatch to __array_function__: it must fail, not drop."""
    X = seed([np.ones(3)])[0]
    with pytest.raises(TypeError, match="drop its derivatives"):
        np.ones((2, 3)).dot(X)
    assert isinstance(np.dot(np.ones((2, 3)), X), DualArray)


def test_built_by_hand_around_duals_is_the_outer_number():
    inner = seed([np.array([1.0, 2.0])])[0]
    outer = DualArray(inner, np.ones((2, 1)))      # tag 0 given: placed above inner's
    assert outer.tag > inner.tag
    y = outer * outer
    np.testing.assert_array_equal(y.partials.values[:, 0], [2.0, 4.0])
    np.testing.assert_array_equal(y.partials.partials[:, 0], [[2.0, 0.0], [0.0, 2.0]])
