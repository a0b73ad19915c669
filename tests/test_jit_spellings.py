"""Every spelling of every rule, inside ``@numba.njit``, against the Python path.

docs/rules.md (generated from the rule table, checked by test_docs) lists each
function under dualad's name (``da.sin``, ``da.log(x, base)``), its ``math``
twin where ``math`` has one and its NumPy ufuncs; it also lists the operators
and ``polygamma``/``digamma``. This file derives that list from the table,
compiles *one* function per number type that evaluates every spelling (one
kernel: compile time is the cost of this file), and checks value, f' and (for
HyperDual) f'' of each spelling against ``dualad.derivative`` of the plain
Python function at one sample point per rule.
"""
import math

import numba
import numpy as np

import dualad as da
from dualad import Dual, HyperDual, _rules
from reference import sample_points


def _spellings(rule):
    """The expressions a user may write for ``rule``, in ``x`` (and ``y``)."""
    name = "log" if rule.name == "log_base" else rule.name
    args = "x" if rule.arity == 1 else "x, y"
    out = [f"da.{name}({args})"]
    if hasattr(math, name):
        out.append(f"math.{name}({args})")
    out += [f"np.{u}({args})" for u in rule.ufuncs]
    return out


# Builtins and operators docs/rules.md lists (each goes through a rule or the
# number type's own calculus), and the functions outside the table.
_EXTRA = (
    ("pow", "x ** y"), ("floordiv", "x // y"), ("mod", "x % y"), ("fabs", "abs(x)"),
    ("round", "round(x)"), ("maximum", "max(x, y)"), ("minimum", "min(x, y)"),
)
_ARITH = (("x + y", lambda x, y: x + y), ("x - y", lambda x, y: x - y),
          ("x * y", lambda x, y: x * y), ("x / y", lambda x, y: x / y),
          ("-x", lambda x, y: -x), ("+x", lambda x, y: +x),
          ("da.polygamma(1, x)", lambda x, y: da.polygamma(1, x)),
          ("da.digamma(x)", lambda x, y: da.digamma(x)))
_ARITH_POINT = (0.7, 1.3)


def _point(rule):
    (point,) = sample_points(rule, 1, seed=11)
    return tuple(float(p) for p in point) + (0.0,) * (2 - rule.arity)


def _as_binary(fn, arity):
    """The Python function as one of (x, y) (a unary one ignores y)."""
    return fn if arity == 2 else (lambda x, y: fn(x))


def _cases():
    """(expression, Python function of (x, y), point, arity, rule name) per spelling."""
    cases = []
    for rule in _rules.RULES:
        fn = _rules.FUNCTIONS["log" if rule.name == "log_base" else rule.name]
        for expr in _spellings(rule):
            cases.append((expr, _as_binary(fn, rule.arity), _point(rule), rule.arity,
                          rule.name))
    for name, expr in _EXTRA:
        rule = _rules.RULES_BY_NAME[name]
        cases.append((expr, _as_binary(_rules.FUNCTIONS[name], rule.arity), _point(rule),
                      rule.arity, name))
    for expr, py in _ARITH:
        cases.append((expr, py, _ARITH_POINT, 2 if "y" in expr else 1, None))
    return cases


CASES = _cases()

# HyperDual: a representative subset. A spelling reaches the same typer for
# every number type (functions.py registers one per spelling, type-generic), and
# test_jit_rules compiles every rule on HyperDual; this checks f'' through each
# kind of spelling (da, math, ufunc, builtin, operator) for unary and binary
# rules and the special cases, at a fraction of the compile time.
_HYPER_RULES = {"sin", "exp", "log", "sqrt", "fabs", "round", "atan2", "pow", "log_base",
                "hypot", "maximum", "mod", None}
HYPER_CASES = [c for c in CASES if c[4] in _HYPER_RULES]


def _kernel(kind, cases):
    """One njit function evaluating every spelling of ``cases`` on duals of ``kind``.

    Row i of ``out``: value, f' and f'' (HyperDual) of case i, differentiated
    along x; for a binary case a second row (i + n) along y.
    """
    n = len(cases)
    if kind == "dual":
        seed = "Dual({v}, {d})"
        read = "out[{row}, 0] = r.value\n    out[{row}, 1] = r.partials"
    else:
        seed = "HyperDual({v}, {d}, {d}, 0.0)"
        read = ("out[{row}, 0] = r.re\n    out[{row}, 1] = r.eps1\n"
                "    out[{row}, 2] = r.eps1eps2")
    lines = ["def kernel(pts, out):"]
    for i, (expr, _, _, arity, _) in enumerate(cases):
        for along in range(arity):
            a = "x" if along == 0 else "y"
            lines.append(f"    {a} = {seed.format(v=f'pts[{i}, {along}]', d='1.0')}")
            other = "y" if along == 0 else "x"
            if arity == 2:
                lines.append(f"    {other} = "
                             f"{seed.format(v=f'pts[{i}, {1 - along}]', d='0.0')}")
            lines.append(f"    r = {expr}")
            lines.append("    " + read.format(row=i + along * n))
    namespace = {"da": da, "math": math, "np": np, "Dual": Dual, "HyperDual": HyperDual}
    # Generated source (a test only: numba's cache=True is not wanted here).
    exec(compile("\n".join(lines), f"<spellings-{kind}>", "exec"), namespace)
    return numba.njit(namespace["kernel"])


_results = {}


def compiled(kind, cases):
    if kind not in _results:
        pts = np.array([c[2] for c in cases])
        out = np.full((2 * len(cases), 3), np.nan)
        _kernel(kind, cases)(pts, out)
        _results[kind] = out
    return _results[kind]


def _python(py, point, along, order):
    """f and its derivative of ``order`` along argument ``along``, by the Python path."""
    x, y = point
    if along == 0:
        g = lambda t: py(t, y)  # noqa: E731
        at = x
    else:
        g = lambda t: py(x, t)  # noqa: E731
        at = y
    return g(at), da.derivative(g, order)(at)



def _check(kind, cases):
    out = compiled(kind, cases)
    n = len(cases)
    bad = []
    for i, (expr, py, point, arity, _) in enumerate(cases):
        for along in range(arity):
            row = out[i + along * n]
            value, d1 = _python(py, point, along, 1)
            got = [(row[0], value, "f"), (row[1], d1, "f'")]
            if kind == "hyper":
                got.append((row[2], _python(py, point, along, 2)[1], "f''"))
            for have, want, what in got:
                if not np.isclose(have, want, rtol=1e-14, atol=1e-14):
                    bad.append(f"{expr} {what} along {'xy'[along]} at {point}: "
                               f"compiled {have!r}, Python {want!r}")
    assert not bad, "\n".join(bad)


def test_every_spelling_on_dual():
    _check("dual", CASES)


def test_spellings_on_hyperdual():
    _check("hyper", HYPER_CASES)


def test_the_spellings_cover_the_table():
    """Every rule, its math twin and every ufunc it names appears once above."""
    exprs = {c[0] for c in CASES}
    for rule in _rules.RULES:
        for s in _spellings(rule):
            assert s in exprs
    assert "np.log(x)" in exprs and "math.log(x, y)" in exprs
