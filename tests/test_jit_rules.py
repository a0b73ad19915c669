"""Every rule of the table, compiled: Dual, HyperDual and nested Dual, float32/64.

First and second derivatives are checked against mpmath
(``tests/reference.py``, the same error model as the Python path).
"""
import numba
import numpy as np
import pytest

import dualad._jit  # noqa: F401
from dualad import Dual, HyperDual, _rules
from reference import assert_close, reference_derivatives, sample_points

UNARY = tuple(r for r in _rules.RULES if r.arity == 1)
BINARY = tuple(r for r in _rules.RULES if r.arity == 2)
UNARY_NAMES = tuple(r.name for r in UNARY)
BINARY_NAMES = tuple(r.name for r in BINARY)
POINTS = 2
NAN = np.nan


# ------------------------------------------------------------- kernels ---
# One small kernel per (rule, kind, dtype): measured 3x faster to compile than
# one kernel looping over the table with literal_unroll. Each returns, for
# every sample point, a row of derivatives:
# unary:  (f, f', f'', f' again): nan where the kind carries no f''; the
#         second f' is eps2 of a HyperDual, the outer level's f' of a nested Dual;
# binary: (f, fx, fy, fxx, fxy, fyy, fx (y const), fy (x const),
#          fxx (y const), fyy (x const)).

@numba.njit
def _nested(v, e_inner, e_outer):
    zero = v - v
    return Dual(Dual(v, e_inner), Dual(e_outer + zero, zero))


def _unary_kernel(kind, fn):
    if kind == "dual":
        def kernel(xs, one, out):
            for p in range(xs.shape[0]):
                d = fn(Dual(xs[p, 0], one))
                out[p, 0] = d.value
                out[p, 1] = d.partials
                out[p, 2] = NAN
                out[p, 3] = d.partials
    elif kind == "hyper":
        def kernel(xs, one, out):
            for p in range(xs.shape[0]):
                h = fn(HyperDual(xs[p, 0], one, one, one - one))
                out[p, 0] = h.re
                out[p, 1] = h.eps1
                out[p, 2] = h.eps1eps2
                out[p, 3] = h.eps2
    else:
        def kernel(xs, one, out):
            for p in range(xs.shape[0]):
                d = fn(_nested(xs[p, 0], one, one))
                out[p, 0] = d.value.value
                out[p, 1] = d.value.partials
                out[p, 2] = d.partials.partials
                out[p, 3] = d.partials.value
    return numba.njit(kernel)


def _binary_kernel(kind, fn):
    if kind == "dual":
        def kernel(xs, one, out):
            zero = one - one
            for p in range(xs.shape[0]):
                a = xs[p, 0]
                b = xs[p, 1]
                gx = fn(Dual(a, one), Dual(b, zero))
                gy = fn(Dual(a, zero), Dual(b, one))
                lx = fn(Dual(a, one), b)
                ry = fn(a, Dual(b, one))
                out[p, 0] = gx.value
                out[p, 1] = gx.partials
                out[p, 2] = gy.partials
                out[p, 6] = lx.partials
                out[p, 7] = ry.partials
                for k in (3, 4, 5, 8, 9):
                    out[p, k] = NAN
    elif kind == "hyper":
        def kernel(xs, one, out):
            zero = one - one
            for p in range(xs.shape[0]):
                a = xs[p, 0]
                b = xs[p, 1]
                hx = fn(HyperDual(a, one, one, zero), HyperDual(b, zero, zero, zero))
                hy = fn(HyperDual(a, zero, zero, zero), HyperDual(b, one, one, zero))
                hxy = fn(HyperDual(a, one, zero, zero), HyperDual(b, zero, one, zero))
                lx = fn(HyperDual(a, one, one, zero), b)
                ry = fn(a, HyperDual(b, one, one, zero))
                out[p, 0] = hx.re
                out[p, 1] = hx.eps1
                out[p, 2] = hy.eps1
                out[p, 3] = hx.eps1eps2
                out[p, 4] = hxy.eps1eps2
                out[p, 5] = hy.eps1eps2
                out[p, 6] = lx.eps1
                out[p, 7] = ry.eps1
                out[p, 8] = lx.eps1eps2
                out[p, 9] = ry.eps1eps2
    else:
        def kernel(xs, one, out):
            zero = one - one
            for p in range(xs.shape[0]):
                a = xs[p, 0]
                b = xs[p, 1]
                nx = fn(_nested(a, one, one), _nested(b, zero, zero))
                ny = fn(_nested(a, zero, zero), _nested(b, one, one))
                nxy = fn(_nested(a, one, zero), _nested(b, zero, one))
                lx = fn(_nested(a, one, one), b)
                ry = fn(a, _nested(b, one, one))
                out[p, 0] = nx.value.value
                out[p, 1] = nx.value.partials
                out[p, 2] = ny.value.partials
                out[p, 3] = nx.partials.partials
                out[p, 4] = nxy.partials.partials
                out[p, 5] = ny.partials.partials
                out[p, 6] = lx.value.partials
                out[p, 7] = ry.value.partials
                out[p, 8] = lx.partials.partials
                out[p, 9] = ry.partials.partials
    return numba.njit(kernel)


KINDS = ("dual", "hyper", "nested")
DTYPES = (np.float64, np.float32)
_results = {}


def compiled_results(rule, kind, dtype):
    """(sample points, derivative rows) of one rule, compiled for one kind and dtype."""
    key = (rule.name, kind, np.dtype(dtype))
    if key not in _results:
        pts = sample_points(rule, POINTS, seed=3, dtype=dtype)
        xs = np.array(pts, dtype=dtype)
        make = _unary_kernel if rule.arity == 1 else _binary_kernel
        out = np.full((len(pts), 4 if rule.arity == 1 else 10), -12345.0, dtype=dtype)
        make(kind, _rules.FUNCTIONS[rule.name])(xs, dtype(1.0), out)
        _results[key] = (pts, out)
    return _results[key]


UNARY_SLOTS = ((0, (0,)), (1, (1,)), (2, (2,)), (3, (1,)))
BINARY_SLOTS = ((0, (0, 0)), (1, (1, 0)), (2, (0, 1)), (3, (2, 0)), (4, (1, 1)),
                (5, (0, 2)), (6, (1, 0)), (7, (0, 1)), (8, (2, 0)), (9, (0, 2)))
SLOT_NAMES = {1: ("f", "f'", "f''", "f' (second slot)"),
              2: ("f", "fx", "fy", "fxx", "fxy", "fyy", "fx (y const)", "fy (x const)",
                  "fxx (y const)", "fyy (x const)")}


def _check(rule, kind, dtype):
    pts, out = compiled_results(rule, kind, dtype)
    assert out.dtype == np.dtype(dtype)
    slots = UNARY_SLOTS if rule.arity == 1 else BINARY_SLOTS
    for p, args in enumerate(pts):
        ref = reference_derivatives(rule, args, order=2)
        for slot, index in slots:
            got = out[p, slot]
            if kind == "dual" and sum(index) == 2:
                assert np.isnan(got)
                continue
            assert_close(got, ref, index, dtype,
                         f"compiled {kind} {rule.name} {SLOT_NAMES[rule.arity][slot]}")


# Compile time is the cost of this file (~0.1 s per rule and number type).
# Nested float32 duals run the float32 Dual arithmetic (tested on every rule)
# under the nested calculus (tested on every rule in float64): a third of the
# table checks their combination.
NESTED_F32 = {r.name for r in _rules.RULES[::3]} | {"pow", "gamma"}


def _cases(rules):
    for rule in rules:
        for kind in KINDS:
            for dtype, tag in zip(DTYPES, ("f64", "f32")):
                if kind == "nested" and dtype is np.float32 and rule.name not in NESTED_F32:
                    continue
                yield pytest.param(rule, kind, dtype, id=f"{rule.name}-{kind}-{tag}")


@pytest.mark.parametrize("rule, kind, dtype", list(_cases(UNARY)))
def test_unary_rule_compiled(rule, kind, dtype):
    _check(rule, kind, dtype)


@pytest.mark.parametrize("rule, kind, dtype", list(_cases(BINARY)))
def test_binary_rule_compiled(rule, kind, dtype):
    _check(rule, kind, dtype)


@pytest.mark.parametrize("kind", KINDS)
def test_compiled_matches_python(kind):
    """float64: the compiled calculus is the Python one (same formulas, same order)."""
    import dualad as da
    for rule in UNARY:
        pts, out = compiled_results(rule, kind, np.float64)
        fn = _rules.FUNCTIONS[rule.name]
        for p, (x,) in enumerate(pts):
            x = float(x)
            f1 = da.derivative(fn)(x)
            f2 = da.derivative(fn, 2)(x)
            assert out[p, 1] == pytest.approx(f1, rel=1e-14, abs=1e-300), rule.name
            if kind != "dual":
                assert out[p, 2] == pytest.approx(f2, rel=1e-13, abs=1e-14), rule.name
