"""Every rule of the table against mpmath and central differences, on the plain-Python path.

Generated from ``dualad._rules.RULES``: a new entry is tested here without
touching this file (``test_every_rule_has_a_reference`` fails until
tests/reference.py knows its mpmath counterpart). Each rule is checked

* through ``da.<name>`` and through its NumPy ufuncs,
* with ``Dual`` (first derivatives), ``HyperDual`` (first and second),
  nested Duals via ``da.derivative`` (second, and third as a spot check),
* for binary rules with each argument dual alone and both dual,
* in float64 and float32 (float32 inputs keep float32 results),

against mpmath at 40 digits (tolerances in tests/reference.py) and, as an
independent check of the reference, against central finite differences.
"""
import math

import mpmath
import numpy as np
import pytest

import dualad as da
from dualad._rules import FUNCTIONS, KINK, RULES, RULES_BY_UFUNC, SMOOTH, STEP
from reference import (
    KINK_DISTANCE, KINK_MARGIN, MP_FUNCTIONS, OPERATORS, assert_close, assert_dtype,
    central_difference,
    public_function, reference_derivatives, sample_points, tolerance,
)

D = da.Dual
H = da.HyperDual
N_POINTS = 5
DTYPES = [np.float64, np.float32]
DTYPE_IDS = ["f64", "f32"]

by_rule = pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
by_dtype = pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
UNARY = [r for r in RULES if r.arity == 1]
BINARY = [r for r in RULES if r.arity == 2]
by_unary = pytest.mark.parametrize("rule", UNARY, ids=[r.name for r in UNARY])
by_binary = pytest.mark.parametrize("rule", BINARY, ids=[r.name for r in BINARY])


def points(rule, dtype, n=N_POINTS, seed=1):
    return sample_points(rule, n, seed, dtype)


def assert_combination(got, ref, terms, dtype, what):
    """got == sum(c * partial(index)), the tolerance summed the same way."""
    exact = sum(c * ref.partial(*ix) for c, ix in terms)
    tol = sum(abs(c) * tolerance(ref, ix, dtype) for c, ix in terms)
    err = abs(float(got) - exact)
    assert err <= tol, (f"{what} at {ref.args}: got {float(got)!r}, exact {exact!r}, "
                        f"error {err:.3g} > {tol:.3g}")


# ------------------------------------------------------------- the table ---

def test_every_rule_has_a_reference():
    missing = [r.name for r in RULES if r.name not in MP_FUNCTIONS]
    assert not missing, f"rules without an mpmath reference in tests/reference.py: {missing}"


def test_every_nonsmooth_rule_says_where_its_kinks_are():
    missing = [r.name for r in RULES if r.kind != SMOOTH and r.name not in KINK_DISTANCE]
    assert not missing, f"kink/step rules without KINK_DISTANCE in tests/reference.py: {missing}"


@by_rule
def test_rule_entry_is_consistent(rule):
    assert rule.arity in (1, 2)
    assert len(rule.domain) == rule.arity
    assert all(lo < hi for lo, hi in rule.domain)
    assert rule.kind in (SMOOTH, KINK, STEP)
    assert len(rule.argnames) == rule.arity
    if rule.kind != SMOOTH:
        assert rule.note, "a kink or step rule documents its convention"
    assert FUNCTIONS[rule.name].rule is rule
    if rule.name != "log_base":
        assert getattr(da, rule.name) is FUNCTIONS[rule.name]
        assert rule.name in da.__all__
    for u in rule.ufuncs:
        assert RULES_BY_UFUNC[getattr(np, u)] is rule


# ---------------------------------------------------------------- values ---

@by_rule
@by_dtype
def test_value(rule, dtype):
    fn = public_function(rule)
    zero = (0,) * rule.arity
    for args in points(rule, dtype):
        ref = reference_derivatives(rule, args)
        if dtype is np.float64:
            got = fn(*(float(a) for a in args))  # Python floats: math semantics
            assert type(got) is float, f"{rule.name} of floats gave {type(got).__name__}"
            assert_close(got, ref, zero, dtype, f"{rule.name}(float)")
        got = fn(*args)  # NumPy scalars
        assert_dtype(got, dtype, f"{rule.name}({np.dtype(dtype).name})")
        assert_close(got, ref, zero, dtype, rule.name)
        assert_close(rule.primal(*(float(a) for a in args)), ref, zero, np.float64,
                     f"{rule.name} primal")


@by_rule
def test_ints_are_promoted(rule):
    # ints (and int partials) are float64, never refused; beside a float32
    # operand they are weak, as in NumPy
    fn = public_function(rule)
    base = [float(a) for a in sample_points(rule, 1, 7)[0]]
    checked = 0
    for i, (lo, hi) in enumerate(rule.domain):
        for k in range(math.ceil(lo), math.floor(hi) + 1):
            args = list(base)
            args[i] = k
            fargs = list(base)
            fargs[i] = float(k)
            got = fn(*args)
            assert type(got) is float and got == fn(*fargs), (args, got)
            args[i] = D(k, 1)
            fargs[i] = D(float(k), 1.0)
            d = fn(*args)
            assert type(d.value) is float and type(d.eps) is float
            assert (d.value, d.eps) == (fn(*fargs).value, fn(*fargs).eps)
            if rule.arity == 2:
                other = 1 - i
                args[other] = np.float32(base[other])
                args[i] = k
                assert_dtype(fn(*args), np.float32, f"{rule.name} of an int and a float32")
            checked += 1
    assert checked > 0
    d = D(3, 1)
    assert type(d.value) is float and type(d.eps) is float


# ---------------------------------------------------------- Dual: first ---

@by_unary
@by_dtype
def test_dual_unary(rule, dtype):
    fn = public_function(rule)
    for (x,) in points(rule, dtype):
        ref = reference_derivatives(rule, (x,))
        y = fn(D(x, dtype(1.0)))
        assert type(y) is D
        assert_close(y.value, ref, (0,), dtype, f"{rule.name}(Dual).value")
        assert_close(y.eps, ref, (1,), dtype, f"{rule.name}(Dual).eps")
        assert_dtype(y.value, dtype, f"{rule.name}(Dual).value")
        assert_dtype(y.eps, dtype, f"{rule.name}(Dual).eps")
        # N partials: each is f' times its seed
        y = fn(D(x, (dtype(1.0), dtype(-2.0), dtype(0.0))))
        assert y.partials.dtype == dtype
        assert_close(y.partials[0], ref, (1,), dtype, f"{rule.name} partial 0")
        assert_close(-0.5 * y.partials[1], ref, (1,), dtype, f"{rule.name} partial 1")
        assert y.partials[2] == 0.0
        # first derivative through da.derivative
        assert_close(da.derivative(fn)(x), ref, (1,), dtype, f"derivative({rule.name})")


@by_binary
@by_dtype
def test_dual_binary(rule, dtype):
    fn = public_function(rule)
    one, zero = dtype(1.0), dtype(0.0)
    for x, y in points(rule, dtype):
        ref = reference_derivatives(rule, (x, y))
        name = rule.name
        r = fn(D(x, one), y)  # first argument dual alone
        assert_close(r.value, ref, (0, 0), dtype, f"{name}(Dual, c).value")
        assert_close(r.eps, ref, (1, 0), dtype, f"{name}(Dual, c).eps")
        assert_dtype(r.eps, dtype, f"{name}(Dual, c).eps")
        r = fn(x, D(y, one))  # second argument dual alone
        assert_close(r.value, ref, (0, 0), dtype, f"{name}(c, Dual).value")
        assert_close(r.eps, ref, (0, 1), dtype, f"{name}(c, Dual).eps")
        assert_dtype(r.eps, dtype, f"{name}(c, Dual).eps")
        r = fn(D(x, (one, zero)), D(y, (zero, one)))  # both: the gradient
        assert_close(r.value, ref, (0, 0), dtype, f"{name}(Dual, Dual).value")
        assert_close(r.partials[0], ref, (1, 0), dtype, f"{name} d/d{rule.argnames[0]}")
        assert_close(r.partials[1], ref, (0, 1), dtype, f"{name} d/d{rule.argnames[1]}")
        assert r.partials.dtype == dtype
        r = fn(D(x, one), D(y, one))  # both along one direction
        assert_combination(r.eps, ref, [(1, (1, 0)), (1, (0, 1))], dtype, f"{name} diagonal")
        r = fn(D(x, one), D(y, zero))  # the second a same-tag Dual constant
        assert_close(r.eps, ref, (1, 0), dtype, f"{name}(Dual, Dual const)")
        assert_close(da.derivative(lambda t: fn(t, y))(x), ref, (1, 0), dtype,
                     f"derivative of {name} in {rule.argnames[0]}")
        assert_close(da.derivative(lambda t: fn(x, t))(y), ref, (0, 1), dtype,
                     f"derivative of {name} in {rule.argnames[1]}")


# ----------------------------------------------------- HyperDual: second ---

@by_unary
@by_dtype
def test_hyperdual_unary(rule, dtype):
    fn = public_function(rule)
    one, zero = dtype(1.0), dtype(0.0)
    for (x,) in points(rule, dtype):
        ref = reference_derivatives(rule, (x,))
        h = fn(H(x, one, one, zero))
        assert type(h) is H
        assert_close(h.re, ref, (0,), dtype, f"{rule.name}(HyperDual).re")
        assert_close(h.eps1, ref, (1,), dtype, f"{rule.name}(HyperDual).eps1")
        assert_close(h.eps2, ref, (1,), dtype, f"{rule.name}(HyperDual).eps2")
        assert_close(h.eps1eps2, ref, (2,), dtype, f"{rule.name}(HyperDual).eps1eps2")
        for part in ("re", "eps1", "eps2", "eps1eps2"):
            assert_dtype(getattr(h, part), dtype, f"{rule.name}(HyperDual).{part}")
        # a seeded eps1eps2 adds f' times it (the chain rule's second term)
        h = fn(H(x, one, one, one))
        assert_combination(h.eps1eps2, ref, [(1, (1,)), (1, (2,))], dtype,
                           f"{rule.name}(HyperDual, eps1eps2 = 1)")


@by_binary
@by_dtype
def test_hyperdual_binary(rule, dtype):
    fn = public_function(rule)
    one, zero = dtype(1.0), dtype(0.0)
    name = rule.name
    for x, y in points(rule, dtype):
        ref = reference_derivatives(rule, (x, y))
        h = fn(H(x, one, one, zero), y)
        assert_close(h.re, ref, (0, 0), dtype, f"{name}(HyperDual, c).re")
        assert_close(h.eps1, ref, (1, 0), dtype, f"{name}(HyperDual, c).eps1")
        assert_close(h.eps1eps2, ref, (2, 0), dtype, f"{name}(HyperDual, c).eps1eps2")
        assert_dtype(h.eps1eps2, dtype, f"{name}(HyperDual, c).eps1eps2")
        h = fn(x, H(y, one, one, zero))
        assert_close(h.eps2, ref, (0, 1), dtype, f"{name}(c, HyperDual).eps2")
        assert_close(h.eps1eps2, ref, (0, 2), dtype, f"{name}(c, HyperDual).eps1eps2")
        assert_dtype(h.eps1eps2, dtype, f"{name}(c, HyperDual).eps1eps2")
        h = fn(H(x, one, zero, zero), H(y, zero, one, zero))  # mixed
        assert_close(h.re, ref, (0, 0), dtype, f"{name} mixed .re")
        assert_close(h.eps1, ref, (1, 0), dtype, f"{name} mixed .eps1")
        assert_close(h.eps2, ref, (0, 1), dtype, f"{name} mixed .eps2")
        assert_close(h.eps1eps2, ref, (1, 1), dtype, f"{name} mixed .eps1eps2")
        h = fn(H(x, one, one, zero), H(y, zero, zero, zero))  # same-type constant
        assert_close(h.eps1eps2, ref, (2, 0), dtype, f"{name}(HyperDual, HyperDual const)")
        h = fn(H(x, one, one, zero), H(y, one, one, zero))  # both, one direction
        assert_combination(h.eps1eps2, ref, [(1, (2, 0)), (2, (1, 1)), (1, (0, 2))],
                           dtype, f"{name} diagonal second derivative")


# ------------------------------------------------- nested Duals: second ---

@by_unary
@by_dtype
def test_nested_second_unary(rule, dtype):
    fn = public_function(rule)
    d2 = da.derivative(fn, order=2)
    for (x,) in points(rule, dtype):
        ref = reference_derivatives(rule, (x,))
        got = d2(x)
        assert_dtype(got, dtype, f"derivative({rule.name}, 2)")
        assert_close(got, ref, (2,), dtype, f"derivative({rule.name}, 2)")
        # by hand: a Dual whose value and partial are Duals of a lower tag
        inner = D(x, dtype(1.0), tag=1)
        y = fn(D(inner, D(dtype(1.0), dtype(0.0), tag=1), tag=2))
        assert_close(y.value.value, ref, (0,), dtype, f"nested {rule.name} f")
        assert_close(y.value.eps, ref, (1,), dtype, f"nested {rule.name} f' (inner)")
        assert_close(y.eps.value, ref, (1,), dtype, f"nested {rule.name} f' (outer)")
        assert_close(y.eps.eps, ref, (2,), dtype, f"nested {rule.name} f''")


@by_binary
@by_dtype
def test_nested_second_binary(rule, dtype):
    fn = public_function(rule)
    name = rule.name
    for x, y in points(rule, dtype):
        ref = reference_derivatives(rule, (x, y))
        got = da.derivative(lambda t: fn(t, y), order=2)(x)
        assert_dtype(got, dtype, f"{name} f_xx")
        assert_close(got, ref, (2, 0), dtype, f"nested {name} f_xx")
        got = da.derivative(lambda t: fn(x, t), order=2)(y)
        assert_close(got, ref, (0, 2), dtype, f"nested {name} f_yy")
        got = da.derivative(lambda s: da.derivative(lambda t: fn(t, s))(x))(y)
        assert_close(got, ref, (1, 1), dtype, f"nested {name} f_xy")
        got = da.derivative(lambda s: da.derivative(lambda t: fn(s, t))(y))(x)
        assert_close(got, ref, (1, 1), dtype, f"nested {name} f_yx")
        got = da.derivative(lambda t: fn(x + t, y + t), order=2)(dtype(0.0))
        assert_combination(got, ref, [(1, (2, 0)), (2, (1, 1)), (1, (0, 2))], dtype,
                           f"nested {name} diagonal")


# third derivatives: two points per rule, each argument alone
@by_rule
@by_dtype
def test_nested_third_spot_check(rule, dtype):
    fn = public_function(rule)
    for args in points(rule, dtype, n=2, seed=3):
        ref = reference_derivatives(rule, args, order=3)
        if rule.arity == 1:
            got = da.derivative(fn, order=3)(args[0])
            assert_dtype(got, dtype, f"derivative({rule.name}, 3)")
            assert_close(got, ref, (3,), dtype, f"derivative({rule.name}, 3)")
            # HyperDual inside a Dual: the outer derivative of f''
            got = da.derivative(lambda t: fn(H(t, 1.0, 1.0, 0.0)).eps1eps2)(args[0])
            assert_close(got, ref, (3,), dtype, f"d/dx {rule.name}(HyperDual).eps1eps2")
        else:
            x, y = args
            got = da.derivative(lambda t: fn(t, y), order=3)(x)
            assert_close(got, ref, (3, 0), dtype, f"{rule.name} f_xxx")
            got = da.derivative(lambda t: fn(x, t), order=3)(y)
            assert_close(got, ref, (0, 3), dtype, f"{rule.name} f_yyy")
            got = da.derivative(lambda s: da.derivative(lambda t: fn(t, s), 2)(x))(y)
            assert_close(got, ref, (2, 1), dtype, f"{rule.name} f_xxy")


# ---------------------------------------------------------------- ufuncs ---

def _ufunc_ids():
    return [(r, u) for r in RULES for u in r.ufuncs]


@pytest.mark.parametrize("rule,ufunc", _ufunc_ids(),
                         ids=[f"{r.name}-{u}" for r, u in _ufunc_ids()])
@by_dtype
def test_numpy_ufunc(rule, ufunc, dtype):
    uf = getattr(np, ufunc)
    one, zero = dtype(1.0), dtype(0.0)

    def check_dtype(v, what):
        # NumPy's float_power computes in float64 whatever its inputs; on duals
        # it is the pow rule, which keeps float32 (not asserted either way)
        if ufunc != "float_power":
            assert_dtype(v, dtype, what)

    for args in points(rule, dtype, n=3, seed=5):
        ref = reference_derivatives(rule, args)
        what = f"np.{ufunc}"
        if rule.arity == 1:
            (x,) = args
            y = uf(D(x, one))
            assert type(y) is D
            assert_close(y.value, ref, (0,), dtype, f"{what}(Dual).value")
            assert_close(y.eps, ref, (1,), dtype, f"{what}(Dual).eps")
            check_dtype(y.value, f"{what}(Dual).value")
            h = uf(H(x, one, one, zero))
            assert type(h) is H
            assert_close(h.eps1eps2, ref, (2,), dtype, f"{what}(HyperDual).eps1eps2")
            got = da.derivative(uf, order=2)(x)
            assert_close(got, ref, (2,), dtype, f"derivative({what}, 2)")
        else:
            x, yv = args
            r = uf(D(x, one), yv)
            assert_close(r.value, ref, (0, 0), dtype, f"{what}(Dual, c).value")
            assert_close(r.eps, ref, (1, 0), dtype, f"{what}(Dual, c)")
            check_dtype(r.value, f"{what}(Dual, c).value")
            r = uf(x, D(yv, one))
            assert_close(r.eps, ref, (0, 1), dtype, f"{what}(c, Dual)")
            r = uf(float(x), D(yv, one))  # a Python float beside a Dual
            assert_close(r.eps, ref, (0, 1), dtype, f"{what}(float, Dual)")
            r = uf(D(x, (one, zero)), D(yv, (zero, one)))
            assert_close(r.partials[0], ref, (1, 0), dtype, f"{what}(Dual, Dual)[0]")
            assert_close(r.partials[1], ref, (0, 1), dtype, f"{what}(Dual, Dual)[1]")
            h = uf(H(x, one, zero, zero), H(yv, zero, one, zero))
            assert_close(h.eps1eps2, ref, (1, 1), dtype, f"{what}(HyperDual, HyperDual)")


# ---------------------------------------------------- finite differences ---
# An independent check of the whole chain (including the mpmath reference):
# central differences of the float primitive, step h chosen for the
# truncation/rounding balance (first order: error ~ h**2 f''' + eps/h with
# h = 1e-5; second order: h**2 f'''' + eps/h**2 with h = 1e-4).

FD_H1, FD_RTOL1 = 1e-5, 1e-7
FD_H2, FD_RTOL2 = 1e-4, 2e-5


def _fd_close(got, fd, scale, rtol, what):
    assert abs(float(got) - fd) <= rtol * (1.0 + scale), f"{what}: {float(got)!r} vs FD {fd!r}"


@by_rule
def test_first_derivative_against_finite_differences(rule):
    fn = public_function(rule)
    for args in points(rule, np.float64, seed=11):
        args = tuple(float(a) for a in args)
        n = rule.arity
        seeds = [tuple(1.0 if k == i else 0.0 for k in range(n)) for i in range(n)]
        if n == 1:
            grad = (fn(D(args[0], 1.0)).eps,)
        else:
            grad = tuple(fn(D(args[0], seeds[0]), D(args[1], seeds[1])).partials)
        scale = max(abs(g) for g in grad) + abs(rule.primal(*args))
        for i in range(n):
            index = tuple(1 if k == i else 0 for k in range(n))
            fd = central_difference(rule.primal, args, index, FD_H1)
            _fd_close(grad[i], fd, scale, FD_RTOL1, f"{rule.name} d/d{rule.argnames[i]} at {args}")


@by_rule
def test_second_derivative_against_finite_differences(rule):
    fn = public_function(rule)
    for args in points(rule, np.float64, seed=13):
        args = tuple(float(a) for a in args)
        if rule.arity == 1:
            pairs = {(2,): fn(H(args[0], 1.0, 1.0, 0.0)).eps1eps2}
        else:
            x, y = args
            pairs = {
                (2, 0): fn(H(x, 1.0, 1.0, 0.0), y).eps1eps2,
                (0, 2): fn(x, H(y, 1.0, 1.0, 0.0)).eps1eps2,
                (1, 1): fn(H(x, 1.0, 0.0, 0.0), H(y, 0.0, 1.0, 0.0)).eps1eps2,
            }
        scale = max(abs(v) for v in pairs.values()) + abs(rule.primal(*args))
        for index, got in pairs.items():
            fd = central_difference(rule.primal, args, index, FD_H2)
            _fd_close(got, fd, scale, FD_RTOL2, f"{rule.name} {index} at {args}")


# ------------------------------------------------------------------- nan ---

# Rules whose first derivative is a constant: a nan value cannot reach it.
CONSTANT_DERIVATIVE = {"degrees", "radians"}


def test_constant_derivative_rules_are_linear():
    for name in CONSTANT_DERIVATIVE:
        fn = getattr(da, name)
        assert fn(D(-2.5, 1.0)).eps == fn(D(1e300, 1.0)).eps == fn(D(0.0, 1.0)).eps


@by_rule
def test_nan_propagates(rule):
    fn = public_function(rule)
    nan = math.nan
    args = tuple(float(a) for a in points(rule, np.float64, n=1, seed=17)[0])
    for i in range(rule.arity):
        fargs = list(args)
        fargs[i] = nan
        want = rule.primal(*fargs)  # IEEE: nan, except e.g. copysign(x, nan)
        a = list(args)
        for a[i] in (D(nan, 1.0), H(nan, 1.0, 1.0, 0.0)):
            r = fn(*a)
            assert math.isnan(r.value) == math.isnan(want), f"{rule.name}: {r!r} vs {want!r}"
            if (rule.kind == SMOOTH and math.isnan(want)
                    and rule.name not in CONSTANT_DERIVATIVE):
                first = r.eps if type(r) is D else r.eps1
                assert math.isnan(first), f"{rule.name}: nan in argument {i} gave {r!r}"
                if type(r) is H:
                    assert math.isnan(r.eps1eps2), f"{rule.name}: {r!r}"
        # a nan partial (not value) reaches the result's partial, whatever the
        # kind of rule (0 * nan is nan)
        a[i] = D(args[i], nan)
        r = fn(*a)
        assert not math.isnan(r.value)
        assert math.isnan(r.eps), f"{rule.name}: nan partial in argument {i} lost: {r!r}"


# ------------------------------------------------------- kink conventions ---

def test_abs_at_zero_has_derivative_zero():
    for x in (0.0, -0.0):
        for f in (abs, da.abs, da.fabs, np.abs, np.fabs, np.absolute):
            d = f(D(x, 1.0))
            assert d.value == 0.0 and d.eps == 0.0, (f, d)
            h = f(H(x, 1.0, 1.0, 0.0))
            assert (h.re, h.eps1, h.eps2, h.eps1eps2) == (0.0, 0.0, 0.0, 0.0)
        assert da.derivative(abs)(x) == 0.0
        assert da.derivative(abs, 2)(x) == 0.0
    assert da.derivative(abs)(-2.0) == -1.0
    assert da.derivative(abs)(np.float32(2.0)) == 1.0


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_ties_take_the_first_arguments_derivative(name):
    fn = getattr(da, name)
    for v in (1.5, 0.0, -2.0):
        r = fn(D(v, (1.0, 0.0)), D(v, (0.0, 1.0)))
        assert r.value == v and tuple(r.partials) == (1.0, 0.0)
        r = fn(D(v, (0.0, 1.0)), D(v, (1.0, 0.0)))
        assert tuple(r.partials) == (0.0, 1.0)
        assert fn(D(v, 1.0), v).eps == 1.0
        assert fn(v, D(v, 1.0)).eps == 0.0
        h = fn(H(v, 1.0, 0.0, 0.0), H(v, 0.0, 1.0, 0.0))
        assert (h.eps1, h.eps2, h.eps1eps2) == (1.0, 0.0, 0.0)
        ufunc = getattr(np, name)
        assert tuple(ufunc(D(v, (1.0, 0.0)), D(v, (0.0, 1.0))).partials) == (1.0, 0.0)
    # away from ties the larger (smaller) argument's derivative
    big, small = D(2.0, (1.0, 0.0)), D(1.0, (0.0, 1.0))
    want = (1.0, 0.0) if name == "maximum" else (0.0, 1.0)
    assert tuple(fn(big, small).partials) == want
    assert tuple(fn(small, big).partials) == want


def test_maximum_with_nan_takes_the_nan_arguments_derivative():
    for fn in (da.maximum, da.minimum, np.maximum, np.minimum):
        r = fn(D(math.nan, (1.0, 0.0)), D(1.0, (0.0, 1.0)))
        assert math.isnan(r.value) and tuple(r.partials) == (1.0, 0.0)
        r = fn(D(1.0, (1.0, 0.0)), D(math.nan, (0.0, 1.0)))
        assert math.isnan(r.value) and tuple(r.partials) == (0.0, 1.0)


def test_fmax_ignores_nan_like_numpy():
    assert np.fmax(np.nan, 2.0) == 2.0
    for fmax in (np.fmax, da.fmax):
        r = fmax(D(math.nan, 1.0), 2.0)
        assert r.value == 2.0 and r.eps == 0.0
        r = fmax(D(1.0, 1.0), math.nan)
        assert r.value == 1.0 and r.eps == 1.0
    r = da.fmin(D(math.nan, 1.0), D(3.0, 2.0))
    assert r.value == 3.0 and r.eps == 2.0


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "round", "sign"])
def test_step_functions_have_derivative_zero(name):
    fn = getattr(da, name)
    # at the jumps (integers, half-integers, 0) and between them
    for x in (-2.0, -1.5, -0.5, 0.0, 0.5, 1.0, 1.5, 2.5, 0.3, -2.7):
        expect = MP_FUNCTIONS[name](x) if name != "round" else round(x)
        d = fn(D(x, 1.0))
        assert d.value == expect and d.eps == 0.0, (x, d)
        assert type(d.value) is float, f"{name}: value {d.value!r} is not a float"
        h = fn(H(x, 1.0, 1.0, 0.0))
        assert (h.eps1, h.eps2, h.eps1eps2) == (0.0, 0.0, 0.0)
        assert da.derivative(fn)(x) == 0.0
        assert da.derivative(fn, 2)(x) == 0.0
        assert type(fn(x)) is float


def test_round_half_to_even():
    for x, want in ((0.5, 0.0), (1.5, 2.0), (2.5, 2.0), (-0.5, -0.0), (-1.5, -2.0)):
        assert da.round(x) == want
        assert round(D(x, 1.0)).value == want
        assert np.rint(D(x, 1.0)).value == want
        assert np.round(D(x, 1.0)).value == want


def test_hypot_at_origin_has_derivative_zero():
    r = da.hypot(D(0.0, (1.0, 0.0)), D(0.0, (0.0, 1.0)))
    assert r.value == 0.0 and tuple(r.partials) == (0.0, 0.0)
    assert da.hypot(D(0.0, 1.0), 0.0).eps == 0.0
    h = da.hypot(H(0.0, 1.0, 1.0, 0.0), H(0.0, 0.0, 0.0, 0.0))
    assert all(np.isfinite([h.re, h.eps1, h.eps2, h.eps1eps2]))
    assert (h.eps1, h.eps1eps2) == (0.0, 0.0)


def test_copysign_derivative_sign():
    assert da.copysign(D(2.0, 1.0), -1.0).eps == -1.0
    assert da.copysign(D(-2.0, 1.0), -1.0).eps == 1.0
    assert da.copysign(D(-2.0, 1.0), 3.0).eps == -1.0
    assert da.copysign(2.0, D(-1.0, 1.0)).eps == 0.0


# -------------------------------------------------------- pow edge cases ---

def test_pow_dual_base():
    x = 1.7
    for c in (2, 3, -1, 0.5, -2.5, 1, 0):
        for base in (D(x, 1.0), H(x, 1.0, 1.0, 0.0)):
            ref = [c * (c - 1) * x ** (c - 2), c * x ** (c - 1)]
            r = base ** c
            assert r.value == pytest.approx(x ** c, rel=1e-15)
            if type(r) is D:
                assert r.eps == pytest.approx(ref[1], rel=1e-14)
            else:
                assert r.eps1eps2 == pytest.approx(ref[0], rel=1e-14, abs=1e-15)
        assert da.derivative(lambda t: t ** c, 2)(x) == pytest.approx(
            c * (c - 1) * x ** (c - 2), rel=1e-14, abs=1e-15)
    # a negative base with an integer exponent
    assert (D(-2.0, 1.0) ** 3).eps == 12.0
    assert (D(-2.0, 1.0) ** 2.0).eps == -4.0
    assert da.derivative(lambda t: t ** 3, 2)(-2.0) == -12.0


def test_pow_dual_exponent():
    for c, y in ((2.0, 1.5), (0.3, -1.2), (5, 2)):
        r = c ** D(y, 1.0)
        assert r.value == pytest.approx(c ** y, rel=1e-15)
        assert r.eps == pytest.approx(c ** y * math.log(c), rel=1e-14)
        assert da.derivative(lambda t: c ** t, 2)(y) == pytest.approx(
            c ** y * math.log(c) ** 2, rel=1e-14)


def test_pow_both_dual():
    x, y = 1.3, 2.2
    r = D(x, (1.0, 0.0)) ** D(y, (0.0, 1.0))
    assert tuple(r.partials) == pytest.approx((y * x ** (y - 1), x ** y * math.log(x)), rel=1e-14)
    # d/dx x**x = x**x (1 + log x)
    want = x ** x * (1 + math.log(x))
    assert da.derivative(lambda t: t ** t)(x) == pytest.approx(want, rel=1e-14)


@pytest.mark.parametrize("c,d1,d2", [
    (2.0, 0.0, 2.0), (2, 0.0, 2.0), (3.0, 0.0, 0.0), (1.0, 1.0, 0.0), (0.0, 0.0, 0.0),
    (1.5, 0.0, math.inf), (2.5, 0.0, 0.0), (0.5, math.inf, None),
])
def test_pow_at_zero_base(c, d1, d2):
    # x**c at x == 0: derivatives are the one-sided limits from x > 0, never
    # nan from 0 * inf, and exact zeros where the coefficient vanishes.
    # (For c = 0.5 the hyper-dual f'' is f' * eps1eps2 + f'' * eps1 * eps2 =
    # inf * 0 + ...: nan, IEEE arithmetic; not checked.)
    r = D(0.0, 1.0) ** c
    assert r.value == (1.0 if c == 0 else 0.0)
    assert r.eps == d1
    h = H(0.0, 1.0, 1.0, 0.0) ** c
    assert h.eps1 == d1
    assert da.derivative(lambda t: t ** c)(0.0) == d1
    if d2 is not None:
        assert h.eps1eps2 == d2
        assert da.derivative(lambda t: t ** c, 2)(0.0) == d2
    if c in (2, 3.0, 2.5):  # third derivative: 0, 6, +inf
        assert da.derivative(lambda t: t ** c, 3)(0.0) == {2: 0.0, 3.0: 6.0, 2.5: math.inf}[c]


def test_pow_at_zero_base_dual_exponent():
    # d/dy 0**y = 0 for y > 0 (the limit), not 0 * log(0) = nan
    r = 0.0 ** D(2.0, 1.0)
    assert (r.value, r.eps) == (0.0, 0.0)
    r = D(0.0, (1.0, 0.0)) ** D(2.0, (0.0, 1.0))
    assert r.value == 0.0 and tuple(r.partials) == (0.0, 0.0)
    r = D(0.0, (1.0, 0.0)) ** D(1.0, (0.0, 1.0))
    assert tuple(r.partials) == (1.0, 0.0)
    h = H(0.0, 1.0, 0.0, 0.0) ** H(3.0, 0.0, 1.0, 0.0)
    assert (h.re, h.eps1, h.eps2, h.eps1eps2) == (0.0, 0.0, 0.0, 0.0)
    assert da.derivative(lambda y: 0.0 ** y)(1.5) == 0.0
    r = 0.0 ** D(-1.0, 1.0)  # 0**negative is inf (IEEE), no exception
    assert r.value == math.inf


def test_pow_negative_base_dual_exponent_follows_the_namespace():
    # d/dy (-2)**y needs log(-2): math semantics raise, NumPy semantics give nan
    with pytest.raises(ValueError):
        (-2.0) ** D(2.0, 1.0)
    with np.errstate(invalid="ignore"):
        r = np.power(-2.0, D(2.0, 1.0))
    assert r.value == 4.0 and math.isnan(r.eps)


# ----------------------------------------------- accuracy at the extremes ---

def test_quotient_never_forms_b_squared_float32():
    f32 = np.float32
    with np.errstate(over="ignore"):  # (a/b)'' = 4/b**2 overflows float32 for tiny b
        _check_float32_quotients(f32)
    # float64 at the edge of the range: b*b would underflow to 0
    a, bb = D(1e-200, 1.0), D(1e-200, 2.0)
    q = a / bb
    assert q.value == 1.0 and q.eps == pytest.approx(-1e200, rel=1e-15)
    assert da.derivative(lambda t: (t + 1e-200) / (2 * t + 1e-200))(0.0) == pytest.approx(
        -1e200, rel=1e-15)


def _check_float32_quotients(f32):
    for b in (1e-20, 1e-30, 1e-10, 1e10, 1e20):
        a, bb = D(f32(b), f32(1.0)), D(f32(b), f32(2.0))
        q = a / bb  # d(a/b) = (a' b - a b') / b**2 = (1 - 2) / b
        assert type(q.value) is f32 and type(q.eps) is f32
        assert q.value == 1.0
        assert np.isfinite(q.eps)
        assert q.eps == pytest.approx(-1.0 / f32(b), rel=1e-6)
        q = a / a
        assert (q.value, q.eps) == (1.0, 0.0)
        h = H(f32(b), f32(1), f32(1), f32(0)) / H(f32(b), f32(2), f32(2), f32(0))
        assert type(h.eps1eps2) is f32 and h.eps1 == pytest.approx(-1.0 / f32(b), rel=1e-6)
        # (a/b)'' = (a'' - 2 (a/b)' b' - (a/b) b'') / b = 4 / b**2 here
        second = 4.0 / float(f32(b)) ** 2
        if 1e-37 < second < 1e37:  # representable in float32
            assert h.eps1eps2 == pytest.approx(second, rel=1e-6)


def test_hypot_tiny_and_huge():
    s = 1.0 / math.sqrt(2.0)
    for v in (1e-300, 1e-200, 1.0, 1e200, 1e300):
        r = da.hypot(D(v, (1.0, 0.0)), D(v, (0.0, 1.0)))
        assert r.value == pytest.approx(v * math.sqrt(2.0), rel=1e-15)
        assert tuple(r.partials) == pytest.approx((s, s), rel=1e-15)
        h = da.hypot(H(v, 1.0, 1.0, 0.0), v)  # d2/dx2 = y**2 / h**3 = 1 / (2 sqrt 2 v)
        assert h.eps1 == pytest.approx(s, rel=1e-15)
        assert h.eps1eps2 == pytest.approx(1.0 / (2.0 * math.sqrt(2.0) * v), rel=1e-14)
    f32 = np.float32
    r = da.hypot(D(f32(1e30), f32(1.0)), f32(1e30))  # h**2 = 2e60 overflows float32
    assert type(r.eps) is f32 and r.eps == pytest.approx(s, rel=1e-6)


def test_atan2_tiny_and_huge():
    for v in (1e-300, 1e-150, 1e150, 1e300):
        r = da.atan2(D(v, (1.0, 0.0)), D(v, (0.0, 1.0)))
        assert r.value == pytest.approx(math.pi / 4, rel=1e-15)
        assert tuple(r.partials) == pytest.approx((0.5 / v, -0.5 / v), rel=1e-14)


def _mp(f, x):
    with mpmath.workdps(40):
        return float(f(mpmath.mpf(x)))


@pytest.mark.parametrize("x", [1e-300, 1e-20, 1e-10, -1e-12, 0.0, -0.0])
def test_log1p_expm1_tiny(x):
    # the value and derivatives keep full relative accuracy at tiny x
    # (log(1 + x) or exp(x) - 1 would lose every digit)
    for fn in (da.log1p, np.log1p):
        r = fn(D(x, 1.0))
        assert r.value == pytest.approx(_mp(mpmath.log1p, x), rel=2e-16, abs=0.0)
        assert r.eps == pytest.approx(_mp(lambda t: 1 / (1 + t), x), rel=2e-16)
        h = fn(H(x, 1.0, 1.0, 0.0))
        assert h.eps1eps2 == pytest.approx(_mp(lambda t: -1 / (1 + t) ** 2, x), rel=4e-16)
    for fn in (da.expm1, np.expm1):
        r = fn(D(x, 1.0))
        assert r.value == pytest.approx(_mp(mpmath.expm1, x), rel=2e-16, abs=0.0)
        assert r.eps == pytest.approx(_mp(mpmath.exp, x), rel=2e-16)
    f32 = np.float32
    for fn, mpf in ((np.log1p, mpmath.log1p), (np.expm1, mpmath.expm1)):
        r = fn(D(f32(x), f32(1)))
        assert type(r.value) is f32
        assert r.value == pytest.approx(_mp(mpf, float(f32(x))), rel=4 * 2.0 ** -23, abs=0.0)


def test_log1p_expm1_huge():
    r = da.log1p(D(1e300, 1.0))
    assert r.value == pytest.approx(math.log(1e300), rel=1e-15)
    assert r.eps == pytest.approx(1e-300, rel=1e-14)
    assert da.log1p(H(1e300, 1.0, 1.0, 0.0)).eps1eps2 == 0.0  # -1e-600 underflows
    r = da.expm1(D(700.0, 1.0))
    assert r.value == pytest.approx(math.expm1(700.0), rel=1e-15)
    assert r.eps == pytest.approx(math.exp(700.0), rel=1e-15)
    r = da.log1p(D(-1.0 + 1e-15, 1.0))  # near the pole: 1/(1+x) from the exact 1+x
    assert r.eps == pytest.approx(1.0 / ((-1.0 + 1e-15) + 1.0), rel=1e-15)


def test_tanh_derivative_keeps_its_digits_for_large_x():
    # 1 - tanh**2 would be exactly 0 here
    for x in (20.0, 40.0, -30.0, 300.0):
        want = _mp(lambda t: mpmath.sech(t) ** 2, x)
        assert da.tanh(D(x, 1.0)).eps == pytest.approx(want, rel=1e-14)
        assert da.derivative(da.tanh, 2)(x) == pytest.approx(
            _mp(lambda t: -2 * mpmath.tanh(t) * mpmath.sech(t) ** 2, x), rel=1e-14)


def test_tanh_of_huge_duals_is_finite():
    # tanh(x) = +-1 there: no cosh(x) overflow (OverflowError / inf * 0 = nan)
    for x in (400.0, 800.0, -1e300, 1e308):
        r = da.tanh(D(x, 1.0))
        assert (r.value, r.eps) == (math.copysign(1.0, x), 0.0)
        h = da.tanh(H(x, 1.0, 1.0, 0.0))
        assert (h.eps1, h.eps1eps2) == (0.0, 0.0)
        assert [da.derivative(da.tanh, k)(x) for k in (1, 2, 3)] == [0.0, 0.0, 0.0]
    assert da.derivative(da.tanh, 2)(np.float32(60.0)) == 0.0
    # and exact at 0, where |x| inside the ladder must not lose derivatives
    assert [da.derivative(da.tanh, k)(0.0) for k in (1, 2, 3, 4, 5)] == [1.0, 0.0, -2.0, 0.0, 16.0]
    assert da.derivative(da.tanh, 3)(np.float32(0.0)) == -2.0


# ------------------------------------------------------------- operators ---
# + - * / // % ** unary - + abs round() math.floor/ceil/trunc on Dual and
# HyperDual, with floats, ints and NumPy scalars on either side, against mpmath.

BINARY_OPS = [op for op in OPERATORS if op.arity == 2]
UNARY_OPS = [op for op in OPERATORS if op.arity == 1]


def _ints_in(box):
    lo, hi = box
    return list(range(math.ceil(lo), math.floor(hi) + 1))


def _operand_cases(op, a, b, dtype):
    """(label, left operand, right operand, the point of the reference)."""
    one, zero = dtype(1.0), dtype(0.0)
    fa, fb = float(a), float(b)
    # a Python float or int beside a float32 dual is weak (NumPy's rule): float32 stays
    cases = [
        ("Dual, Dual", D(a, (one, zero)), D(b, (zero, one)), (a, b)),
        ("Dual, float", D(a, one), fb, (a, b)),
        ("float, Dual", fa, D(b, one), (a, b)),
        ("Dual, NumPy scalar", D(a, one), dtype(b), (a, b)),
        ("NumPy scalar, Dual", dtype(a), D(b, one), (a, b)),
    ]
    for k in _ints_in(op.domain[1]):
        if op.kind == SMOOTH or KINK_DISTANCE[op.name](fa, k) >= KINK_MARGIN:
            cases.append((f"Dual, int {k}", D(a, one), k, (a, k)))
    for k in _ints_in(op.domain[0]):
        if op.kind == SMOOTH or KINK_DISTANCE[op.name](k, fb) >= KINK_MARGIN:
            cases.append((f"int {k}, Dual", k, D(b, one), (k, b)))
    return cases


def _dual_slots(left, right):
    return [isinstance(left, D), isinstance(right, D)]


@pytest.mark.parametrize("op", BINARY_OPS, ids=[op.name for op in BINARY_OPS])
@by_dtype
def test_binary_operator(op, dtype):
    for a, b in sample_points(op, 4, 21, dtype):
        for label, left, right, args in _operand_cases(op, a, b, dtype):
            ref = reference_derivatives(op, args)
            what = f"{label} {op.name} at {args}"
            r = op.apply(left, right)
            assert type(r) is D, f"{what}: got {type(r).__name__}"
            assert_close(r.value, ref, (0, 0), dtype, what + " value")
            slots = _dual_slots(left, right)
            if all(slots):
                assert_close(r.partials[0], ref, (1, 0), dtype, what + " d/da")
                assert_close(r.partials[1], ref, (0, 1), dtype, what + " d/db")
            else:
                assert_close(r.eps, ref, (1, 0) if slots[0] else (0, 1), dtype, what + " eps")
            assert_dtype(r.value, dtype, what + " value")
            assert_dtype(r.eps if not all(slots) else r.partials[0], dtype, what)


@pytest.mark.parametrize("op", BINARY_OPS, ids=[op.name for op in BINARY_OPS])
@by_dtype
def test_binary_operator_second_derivatives(op, dtype):
    one, zero = dtype(1.0), dtype(0.0)
    for a, b in sample_points(op, 4, 23, dtype):
        ref = reference_derivatives(op, (a, b))
        what = f"{op.name} at {(a, b)}"
        h = op.apply(H(a, one, one, zero), b)
        assert type(h) is H
        assert_close(h.eps1eps2, ref, (2, 0), dtype, what + " HyperDual, const")
        assert_dtype(h.eps1eps2, dtype, what)
        h = op.apply(a, H(b, one, one, zero))
        assert_close(h.eps1eps2, ref, (0, 2), dtype, what + " const, HyperDual")
        h = op.apply(float(a), H(b, one, one, zero))
        assert_close(h.eps1eps2, ref, (0, 2), dtype, what + " float, HyperDual")
        h = op.apply(H(a, one, zero, zero), H(b, zero, one, zero))
        assert_close(h.eps1, ref, (1, 0), dtype, what + " mixed eps1")
        assert_close(h.eps2, ref, (0, 1), dtype, what + " mixed eps2")
        assert_close(h.eps1eps2, ref, (1, 1), dtype, what + " mixed eps1eps2")
        got = da.derivative(lambda t: op.apply(t, b), 2)(a)
        assert_close(got, ref, (2, 0), dtype, what + " nested d2/da2")
        got = da.derivative(lambda t: op.apply(a, t), 2)(b)
        assert_close(got, ref, (0, 2), dtype, what + " nested d2/db2")
        got = da.derivative(lambda s: da.derivative(lambda t: op.apply(t, s))(a))(b)
        assert_close(got, ref, (1, 1), dtype, what + " nested mixed")


@pytest.mark.parametrize("op", UNARY_OPS, ids=[op.name for op in UNARY_OPS])
@by_dtype
def test_unary_operator(op, dtype):
    one, zero = dtype(1.0), dtype(0.0)
    for (a,) in sample_points(op, 5, 25, dtype):
        ref = reference_derivatives(op, (a,))
        what = f"{op.name}({a})"
        r = op.apply(D(a, one))
        assert type(r) is D, f"{what}: got {type(r).__name__} (a dual must stay a dual)"
        assert_close(r.value, ref, (0,), dtype, what)
        assert_close(r.eps, ref, (1,), dtype, what)
        assert_dtype(r.value, dtype, what)
        assert_dtype(r.eps, dtype, what)
        h = op.apply(H(a, one, one, zero))
        assert type(h) is H
        assert_close(h.eps1, ref, (1,), dtype, what)
        assert_close(h.eps1eps2, ref, (2,), dtype, what)
        assert_close(da.derivative(op.apply, 2)(a), ref, (2,), dtype, what + " nested")


def test_operators_are_in_the_documented_list():
    # the table's list of hand-written arithmetic (used by the docs)
    from dualad._rules import OPERATORS as DOCUMENTED
    for sym in ("+", "-", "*", "/", "//", "%", "**", "abs"):
        assert sym in DOCUMENTED


def test_round_with_digits_and_divmod():
    r = round(D(2.456, 1.0), 2)
    assert type(r) is D and r.value == pytest.approx(2.46, abs=1e-15) and r.eps == 0.0
    r = np.round(D(2.456, 1.0), 1)
    assert r.value == pytest.approx(2.5, abs=1e-15) and r.eps == 0.0
    q, m = divmod(D(7.5, 1.0), 2)
    assert (q.value, q.eps, m.value, m.eps) == (3.0, 0.0, 1.5, 1.0)
    q, m = divmod(7.5, D(2.0, 1.0))  # d/db (a mod b) = -floor(a/b)
    assert (q.value, q.eps, m.value, m.eps) == (3.0, 0.0, 1.5, -3.0)
    q, m = divmod(D(-7.5, 1.0), D(2.0, 0.0))
    assert (q.value, m.value, m.eps) == (-4.0, 0.5, 1.0)


def test_division_by_negative_and_reflected_division():
    for b in (-0.7, -2.0, -3):
        r = D(1.5, 1.0) / b
        assert (r.value, r.eps) == (1.5 / b, 1.0 / b)
        r = 1.5 / D(b, 1.0)
        assert r.value == 1.5 / b and r.eps == pytest.approx(-1.5 / b ** 2, rel=1e-15)
        h = 1.5 / H(b, 1.0, 1.0, 0.0)
        assert h.eps1eps2 == pytest.approx(3.0 / b ** 3, rel=1e-15)
    with pytest.raises(ZeroDivisionError):
        D(1.0, 1.0) / 0.0
    with pytest.raises(ZeroDivisionError):
        1.0 / D(0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.divide(1.0, D(0.0, 1.0))  # NumPy semantics: inf, no exception
    assert r.value == math.inf


def test_in_place_operators_and_sum():
    x = D(2.0, 1.0)
    y = x
    y += 1.0
    y *= x
    y -= 1
    y /= 2
    y **= 2
    # y = (((x + 1) x - 1) / 2)**2: dy/dx = 2 * 2.5 * (2x + 1) / 2 = 12.5
    assert y.value == 6.25 and y.eps == pytest.approx(12.5, rel=1e-15)
    assert x.value == 2.0 and x.eps == 1.0  # the original is untouched
    s = sum(D(float(k), 1.0) * k for k in range(4))  # starts from int 0
    assert (s.value, s.eps) == (14.0, 6.0)
    s = 0.0
    s += H(1.5, 1.0, 1.0, 0.0) ** 2
    assert s.eps1eps2 == 2.0


def test_comparisons_are_by_value():
    makers = {
        "Dual": lambda v: D(v, 1.0),
        "HyperDual": lambda v: H(v, 1.0, 1.0, 0.0),
        "nested Dual": lambda v: D(D(v, 1.0, tag=1), 2.0, tag=2),
        "float": float,
        "int": int,
        "np.float64": np.float64,
        "np.float32": np.float32,
    }
    duals = ("Dual", "HyperDual", "nested Dual")
    vals = (-2.0, 0.0, 2.0)
    for la, ma in makers.items():
        for lb, mb in makers.items():
            if la not in duals and lb not in duals:
                continue
            if {la, lb} == {"Dual", "HyperDual"}:
                continue  # a Dual and a HyperDual of one tag do not mix (test_errors)
            for a in vals:
                for b in vals:
                    x, y = ma(a), mb(b)
                    what = f"{la} {a} vs {lb} {b}"
                    assert bool(x < y) == (a < b) and bool(x <= y) == (a <= b), what
                    assert bool(x > y) == (a > b) and bool(x >= y) == (a >= b), what
                    assert bool(x == y) == (a == b) and bool(x != y) == (a != b), what
    assert D(1.0, 1.0) == 1 and 1 == D(1.0, 5.0)
    assert D(1.0, 1.0) == D(1.0, 2.0)  # values equal, partials ignored
    assert hash(D(2.0, 1.0)) == hash(2.0)
    assert max(D(1.0, 1.0), D(3.0, 2.0), D(2.0, 3.0)).eps == 2.0
    assert sorted([D(3.0, 1.0), 1.0, D(2.0, 1.0)])[0] == 1.0
    nan = D(math.nan, 1.0)
    assert not (nan < 1.0) and not (nan == nan) and nan != nan


@pytest.mark.filterwarnings("error")
def test_numpy_comparison_ufuncs_on_duals():
    pairs = [(a, b) for a in (0.5, 1.0, 1.5) for b in (0.5, 1.0, 1.5)]
    for ufunc, op in ((np.less, "<"), (np.less_equal, "<="), (np.greater, ">"),
                      (np.greater_equal, ">="), (np.equal, "=="), (np.not_equal, "!=")):
        for a, b in pairs:
            want = eval(f"a {op} b")
            for x, y in ((D(a, 1.0), np.float32(b)), (np.float32(a), D(b, 1.0)),
                         (D(a, 1.0), b), (a, H(b, 1.0, 0.0, 0.0)), (D(a, 1.0), D(b, 2.0))):
                got = ufunc(x, y)
                assert type(got) is np.bool_ and got == want, (ufunc, x, y)
    assert np.less(D(1.0, 1.0), 2.0) and np.greater(2.0, D(1.0, 1.0))
    assert np.equal(D(1.0, 1.0), np.float32(1.0)) and np.isfinite(D(1.0, 1.0))
    assert np.isnan(D(math.nan, 1.0)) and not np.isinf(H(1.0, 1.0, 0.0, 0.0))
