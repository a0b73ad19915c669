"""Errors the plain-Python path raises, and the messages that say what to do instead."""
import math
import operator

import numpy as np
import pytest

import dualad as da

D = da.Dual
H = da.HyperDual

DUALS = [
    pytest.param(D(1.5, 1.0), id="Dual"),
    pytest.param(D(1.5, (1.0, 2.0)), id="Dual-N2"),
    pytest.param(H(1.5, 1.0, 1.0, 0.0), id="HyperDual"),
    pytest.param(D(D(1.5, 1.0, tag=1), 1.0, tag=2), id="nested"),
    pytest.param(D(np.float32(1.5), np.float32(1.0)), id="Dual-f32"),
]


# ------------------------------------------------- dropping the derivative ---

@pytest.mark.parametrize("d", DUALS)
def test_float_refuses_and_says_what_to_do(d):
    with pytest.raises(TypeError, match=r"float\(\) of a \w+ would drop its derivative") as e:
        float(d)
    assert ".value" in str(e.value) and "da.sin" in str(e.value)
    with pytest.raises(TypeError, match="drop its derivative"):
        complex(d)


@pytest.mark.parametrize("d", DUALS)
def test_int_refuses_and_says_what_to_do(d):
    with pytest.raises(TypeError, match=r"int\(\) of a \w+ would drop its derivative") as e:
        int(d)
    assert ".value" in str(e.value) and "da.floor" in str(e.value)
    for use in (operator.index, lambda v: [1, 2, 3][v], range):
        with pytest.raises(TypeError, match="drop its derivative"):
            use(d)


@pytest.mark.parametrize("d", DUALS)
def test_bool_refuses_and_says_compare(d):
    with pytest.raises(TypeError, match=r"truth value of a \w+ is ambiguous; compare it"):
        bool(d)
    with pytest.raises(TypeError, match="ambiguous"):
        if d:
            pass
    assert bool(d > 0) is True  # what the message suggests works


def test_branching_on_an_array_comparison_says_use_where():
    def f(x):
        return x if x > 0 else -x   # an `if` on a whole array

    x = np.array([1.0, -2.0])
    with pytest.raises(ValueError, match=r"comparison of 2 elements .* np\.where\(cond, a, b\)"):
        da.grad(lambda x: (f(x) ** 2).sum())(x)
    with pytest.raises(ValueError, match="da.where"):
        da.jacobian(lambda x: x if np.greater(x, 0) else x)(x)
    # what the message suggests works, with the derivative of each element's branch
    g = da.grad(lambda x: (da.where(x > 0, x, -x) ** 3).sum())(x)
    np.testing.assert_array_equal(g, [3.0, -12.0])
    # a comparison of one element still decides an `if`; masks stay masks
    assert da.grad(lambda x: (x if x[0] > 0 else -x).sum())(np.array([2.0])) == [1.0]
    assert isinstance(da.DualArray(x, np.eye(2)) > 0, np.ndarray)


@pytest.mark.parametrize("fn", [math.sin, math.exp, math.sqrt, math.log, math.erf, math.gamma,
                                math.isfinite])
@pytest.mark.parametrize("d", DUALS)
def test_math_functions_refuse_duals_in_plain_python(fn, d):
    # math.* converts its argument with __float__, which refuses; the message
    # points to da.sin / np.sin (math.* works on duals only inside @njit code)
    with pytest.raises(TypeError, match="drop its derivative") as e:
        fn(d)
    assert "math.*" in str(e.value) and "np.sin" in str(e.value)


def test_math_floor_ceil_trunc_are_supported():
    # unlike math.sin, these call the type's __floor__/__ceil__/__trunc__
    for fn in (math.floor, math.ceil, math.trunc):
        r = fn(D(2.5, 1.0))
        assert type(r) is D and r.eps == 0.0


# ---------------------------------------------------------- bad arguments ---

# (complex is supported for scalar duals: tests/test_complex.py)
BAD = [pytest.param(v, id=type(v).__name__) for v in ("1.0", None, object(), b"1")]


@pytest.mark.parametrize("bad", BAD)
def test_elementary_functions_name_the_bad_argument(bad):
    with pytest.raises(TypeError, match=r"sin\(\) argument 'x' must be a real number"):
        da.sin(bad)
    with pytest.raises(TypeError, match=r"atan2\(\) argument 'y' must be"):
        da.atan2(bad, 1.0)
    with pytest.raises(TypeError, match=r"atan2\(\) argument 'x' must be"):
        da.atan2(1.0, bad)
    with pytest.raises(TypeError, match=r"atan2\(\) argument 'x' must be"):
        da.atan2(D(1.0, 1.0), bad)
    with pytest.raises(TypeError, match=r"hypot\(\) argument 'x' must be"):
        da.hypot(bad, H(1.0, 1.0))
    if bad is not None:  # da.log(x, None) is the natural logarithm
        with pytest.raises(TypeError, match=r"log_base\(\) argument 'base' must be"):
            da.log(2.0, bad)
    with pytest.raises(TypeError, match=r"pow\(\) argument 'y' must be"):
        da.pow(np.float32(2.0), bad)


def test_string_message_shows_the_value():
    with pytest.raises(TypeError, match=r"got str \('0.5'\)"):
        da.sin("0.5")


@pytest.mark.parametrize("bad", BAD)
def test_constructors_name_the_bad_argument(bad):
    with pytest.raises(TypeError, match="Dual value must be a real or complex number or a dual number"):
        D(bad, 1.0)
    with pytest.raises(TypeError, match="Dual partials? must be a real or complex number"):
        D(1.0, bad)
    with pytest.raises(TypeError, match="Dual partial must be a real or complex number"):
        D(1.0, [1.0, bad])
    for i, field in enumerate(("re", "eps1", "eps2", "eps1eps2")):
        args = [1.0, 0.0, 0.0, 0.0]
        args[i] = bad
        with pytest.raises(TypeError, match=f"HyperDual {field} must be a real or complex number"):
            H(*args)


def test_constructor_shape_errors():
    with pytest.raises(ValueError, match="at least one partial"):
        D(1.0, [])
    with pytest.raises(ValueError, match="1-D"):
        D(1.0, np.ones((2, 2)))


@pytest.mark.parametrize("bad", BAD)
def test_derivative_names_the_bad_argument(bad):
    with pytest.raises(TypeError, match=r"derivative\(\) argument 'x' must be a real number"):
        da.derivative(da.sin)(bad)
    with pytest.raises(TypeError, match=r"derivative\(\) needs a callable f"):
        da.derivative(bad)


def test_operators_with_bad_operands_raise_type_error():
    d = D(1.0, 1.0)
    for bad in ("a", None, object()):
        for op in (operator.add, operator.sub, operator.mul, operator.truediv,
                   operator.floordiv, operator.mod, operator.pow):
            with pytest.raises(TypeError):
                op(d, bad)
            with pytest.raises(TypeError):
                op(bad, d)


def test_numpy_ufunc_without_a_rule_says_how_to_add_one():
    with pytest.raises(TypeError, match=r"no derivative rule for numpy.spacing; register one"):
        np.spacing(D(1.0, 1.0))


# -------------------------------------------------------- ints: promoted ---

def test_ints_are_promoted_to_float64_never_refused():
    assert type(da.sin(1)) is float and da.sin(1) == math.sin(1.0)
    assert type(da.atan2(1, 2)) is float
    assert type(da.log(8, 2)) is float and da.log(8, 2) == 3.0
    d = D(2, 1)
    assert type(d.value) is float and type(d.eps) is float
    d = D(2, (1, 0))
    assert d.partials.dtype == np.float64
    h = H(2, 1, 1, 0)
    assert all(type(v) is float for v in (h.re, h.eps1, h.eps2, h.eps1eps2))
    assert da.derivative(lambda x: x ** 3)(2) == 12.0
    assert type(da.derivative(lambda x: x ** 3)(2)) is float
    assert da.derivative(lambda x: x ** 3, 2)(np.int64(2)) == 12.0
    assert da.derivative(da.sin, np.int32(2))(0) == 0.0
    assert (D(1.0, 1.0) * 3).eps == 3.0 and (3 - D(1.0, 1.0)).eps == -1.0
    assert (D(2.0, 1.0) ** np.int64(2)).eps == 4.0
    assert da.sin(True) == math.sin(1.0)


# ------------------------------------------- domain errors: the namespace ---

@pytest.mark.parametrize("name,x", [("log", -1.0), ("log", 0.0), ("sqrt", -1.0), ("asin", 2.0),
                                    ("acosh", 0.5), ("atanh", 1.5), ("log1p", -2.0),
                                    ("log2", -1.0), ("log10", -1.0), ("acos", -1.5)])
def test_domain_errors_follow_the_namespace(name, x):
    fn = getattr(da, name)
    ufunc = getattr(np, {"asin": "arcsin", "acosh": "arccosh", "atanh": "arctanh",
                         "acos": "arccos"}.get(name, name))
    # Python floats, and duals of them: math semantics (ValueError)
    for arg in (x, int(x) if x == int(x) else x, D(x, 1.0), H(x, 1.0, 1.0, 0.0),
                D(D(x, 1.0, tag=1), 1.0, tag=2)):
        with pytest.raises(ValueError, match="math domain error"):
            fn(arg)
    # NumPy: nan (or -inf at a pole), never an exception
    with np.errstate(invalid="ignore", divide="ignore"):
        want = ufunc(np.float64(x))
        for arg in (D(x, 1.0), H(x, 1.0, 1.0, 0.0)):
            r = ufunc(arg)
            assert type(r) is type(arg)
            assert np.isnan(r.value) if np.isnan(want) else r.value == want
        assert np.isnan(fn(np.float64(x))) if np.isnan(want) else fn(np.float64(x)) == want
        r = fn(D(np.float64(x), 1.0))  # a NumPy-typed value: NumPy semantics
        assert np.isnan(r.value) if np.isnan(want) else r.value == want
        r = np.asarray(fn(np.array([x, 0.5])))
        assert r.shape == (2,)


def test_log_of_negative_dual_numpy_gives_nan():
    with np.errstate(invalid="ignore"):
        r = np.log(D(-1.0, 1.0))
    assert type(r) is D and math.isnan(r.value)
    with pytest.raises(ValueError):
        da.log(-1.0)
    with pytest.raises(ValueError):
        da.log(D(-1.0, 1.0))


def test_pole_and_overflow_follow_the_namespace():
    with pytest.raises(ValueError):
        da.gamma(D(-1.0, 1.0))
    with pytest.raises(OverflowError):
        da.exp(D(1000.0, 1.0))
    with np.errstate(over="ignore"):
        r = np.exp(D(1000.0, 1.0))
    assert r.value == math.inf and r.eps == math.inf
    with pytest.raises(ZeroDivisionError):
        D(1.0, 1.0) / D(0.0, 1.0)


# ------------------------------------------------- mixing incompatible duals ---

def test_duals_with_different_n_and_the_same_tag():
    a, b = D(1.0, (1.0, 2.0)), D(2.0, (1.0, 2.0, 3.0))
    c = D(3.0, 1.0)
    for x, y in ((a, b), (b, a), (a, c), (c, b)):
        for op in (operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
                   da.atan2, da.hypot, da.maximum, operator.mod):
            with pytest.raises(ValueError, match=r"cannot combine Duals with \d and \d partials"):
                op(x, y)


def test_duals_with_different_n_and_different_tags_nest():
    # different tags never clash: the outer dual treats the inner one as a constant
    inner = D(2.0, (1.0, 2.0), tag=1)
    outer = D(3.0, 1.0, tag=2)
    r = inner * outer
    assert type(r) is D and r.tag == 2
    assert r.value.value == 6.0 and tuple(r.value.partials) == (3.0, 6.0)
    assert r.eps.value == 2.0 and tuple(r.eps.partials) == (1.0, 2.0)


def test_dual_and_hyperdual_with_the_same_tag():
    d, h = D(1.0, 1.0), H(1.0, 1.0, 1.0, 0.0)
    for x, y in ((d, h), (h, d)):
        for op in (operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
                   operator.mod, operator.floordiv, da.atan2, da.hypot, da.pow, np.add,
                   np.arctan2):
            with pytest.raises(TypeError, match="cannot combine a (Hyper)?Dual and a "
                                                "(Hyper)?Dual with the same perturbation tag"):
                op(x, y)


def test_dual_and_hyperdual_with_different_tags_nest():
    h = H(D(1.0, 1.0, tag=5), 1.0, 1.0, 0.0, tag=6)
    r = D(2.0, 1.0, tag=7) * h  # the Dual (tag 7) is outer
    assert type(r) is D and type(r.value) is H and type(r.value.re) is D
    r = h * D(2.0, 1.0, tag=3)  # the HyperDual (tag 6) is outer
    assert type(r) is H and type(r.re) is D


# ------------------------------------------------------------ order checks ---

@pytest.mark.parametrize("order,exc", [(-1, ValueError), (-5, ValueError), (1.5, TypeError),
                                       (2.0, TypeError), ("2", TypeError), (None, TypeError),
                                       (True, TypeError)])
def test_derivative_order_must_be_a_non_negative_int(order, exc):
    with pytest.raises(exc, match=r"derivative\(\) order must be"):
        da.derivative(da.sin, order=order)


def test_derivative_order_zero_and_numpy_ints():
    assert da.derivative(da.sin, 0)(0.5) == math.sin(0.5)
    assert da.derivative(da.sin, np.int64(2))(0.5) == -math.sin(0.5)


def test_derivative_of_a_function_returning_a_bad_type():
    with pytest.raises(TypeError, match=r"f must return a real number"):
        da.derivative(lambda x: "no")(1.0)
    with pytest.raises(TypeError, match=r"f must return a real number"):
        da.derivative(lambda x: {"a": x})(1.0)
    with pytest.raises(TypeError, match=r"f must return a real number"):
        da.derivative(lambda x: [x, None])(1.0)


# ------------------------------------------- messages a new user met (issue 15) --

def test_a_scipy_ufunc_without_a_rule_is_named_as_the_user_wrote_it():
    special = pytest.importorskip("scipy.special")
    with pytest.raises(TypeError, match=r"no derivative rule for scipy\.special\.kolmogorov.*"
                                         r"da\.register.*docs/rules\.md"):
        special.kolmogorov(da.Dual(0.5, 1.0))


def test_lists_of_numbers_are_arrays_and_tuples_are_structure():
    # A list reaches f as an array (x ** 2 works), as ints become floats.
    assert np.array_equal(da.grad(lambda x: np.sum(x ** 2))([1.0, 2.0]), [2.0, 4.0])
    assert np.array_equal(da.jacobian(lambda x: x ** 2)([[1, 2]]), np.diag([2.0, 4.0])
                          .reshape(1, 2, 1, 2))
    assert da.grad(lambda t: t[0] * t[1])((1.0, 2.0)) == (2.0, 1.0)


def test_fixing_an_argument_of_a_compiled_function_says_what_to_write():
    import numba

    @numba.njit
    def rhs(t, x):
        out = np.empty_like(x)
        for i in range(x.shape[0]):
            out[i] = x[i] * t
        return out

    with pytest.raises(TypeError, match=r"argnums=1.*numba\.njit\(lambda x: rhs\(0\.0, x\)\)"):
        da.check_derivatives(lambda x: rhs(0.5, x), np.ones(3))
    J = da.jacobian(numba.njit(lambda x: rhs(0.5, x)))(np.ones(3))
    assert np.array_equal(J, 0.5 * np.eye(3))
    assert np.array_equal(da.jacobian(rhs, argnums=1)(0.5, np.ones(3)), 0.5 * np.eye(3))


def test_r_c_and_array_of_dual_arrays_say_what_keeps_the_derivatives():
    # np.r_, np.c_ and np.array convert every piece to a plain array (no NumPy
    # dispatch reaches a DualArray): refused, naming the rewrites, which work.
    x = np.array([0.3, 0.7])
    with pytest.raises(TypeError, match=r"np.concatenate\(\[a, b\]\) for np.r_"):
        da.grad(lambda v: np.sum(np.r_[v, v]))(x)
    with pytest.raises(TypeError, match=r"np.column_stack"):
        da.grad(lambda v: np.sum(np.c_[v, v]))(x)
    with pytest.raises(TypeError, match=r"collect results with np.stack"):
        da.grad(lambda v: np.sum(np.array([v, v])))(x)
    np.testing.assert_allclose(da.grad(lambda v: np.sum(np.concatenate([v, 2 * v]) ** 2))(x),
                               10 * x)
    np.testing.assert_allclose(da.grad(lambda v: np.sum(np.column_stack([v, v]) ** 2))(x), 4 * x)
    np.testing.assert_allclose(da.grad(lambda v: np.sum(np.stack([v, v]) ** 2))(x), 4 * x)


def test_negative_base_to_a_fractional_power_says_what_to_do():
    # math semantics on Python duals (a ValueError that names the operation and the
    # complex branch), NumPy's nan through np.power, exact integer powers unchanged
    for f in (lambda x: x ** 0.5, lambda x: da.pow(x, 1.5)):
        with pytest.raises(ValueError, match=r"pow: \(-2.0\) \*\* .*complex\(x\)"):
            da.derivative(f)(-2.0)
    with pytest.raises(ValueError, match="not a real number"):
        H(-2.0, 1.0, 1.0, 0.0) ** 0.5
    with np.errstate(invalid="ignore"):
        assert np.isnan(np.power(D(-2.0, 1.0), 0.5).value)
    assert da.derivative(lambda x: x ** 3.0)(-2.0) == 12.0
    assert da.derivative(lambda x: x ** 0.5)(complex(-2.0)) == pytest.approx(-0.5j / 2 ** 0.5)
