"""scipy.special inside @njit code: SciPy's kernels on floats, the rule table's ladders on duals.

One compiled function evaluates every compiled scipy.special function at a point
of its rule's sampling domain (one compilation per number type, not one per
function); its Jacobian's diagonal holds the first derivatives, the diagonal of
the compiled jacobian(jacobian) the second ones. Both are checked against the
Python path (itself checked against mpmath in test_scipy_special.py) and the
first ones against central differences of SciPy's float functions.
"""
import subprocess
import sys

import numpy as np
import pytest
from numba import njit

import dualad as da
from reference import central_jacobian

sp = pytest.importorskip("scipy.special")

import dualad.scipy.special as dss  # noqa: E402
from dualad._jit.scipy_special import COMPILED, register_if_imported  # noqa: E402
from dualad._rules.scipy_special import scipy_rules  # noqa: E402

register_if_imported()  # what a transform of a dispatcher does before it compiles

RULES = [r for r in scipy_rules() if r.name in COMPILED and r.arity == 1]
NAMES = [r.name for r in RULES]
POINTS = np.array([lo + 0.37 * (hi - lo) for (lo, hi), in (r.domain for r in RULES)])
BINARY = [r for r in scipy_rules() if r.name in COMPILED and r.arity == 2
          and not r.name.startswith("spherical_")]  # an integer order: in EXTRA below


def _compiled(name, calls):
    src = f"def {name}(x):\n    return np.array([" + ", ".join(calls) + "])\n"
    ns = {"np": np, "sp": sp, "dss": dss}
    exec(src, ns)
    return ns[name]


# sici (two outputs), betainc (three arguments, differentiated in x), the spherical
# Bessel functions (an integer order; at z < 0 reflected, as SciPy's wrappers do) and
# zeta join the same function: (call, point). The Python reference calls
# dualad.scipy.special's spherical functions (SciPy's wrappers convert to floats).
EXTRA = (("sp.sici({})[0]", 1.7), ("sp.sici({})[1]", 2.9), ("sp.betainc(2.0, 3.5, {})", 0.37),
         ("sp.betainc(0.7, 1.3, {})", 0.81), ("sp.spherical_jn(1, {})", 1.7),
         ("sp.spherical_yn(2, {}, True)", -2.3), ("sp.spherical_in(0, {})", 0.9),
         ("sp.spherical_kn(3, {})", 1.4), ("sp.zeta({})", 2.7), ("sp.zeta({})", -1.3))
CALLS = [f"sp.{n}(x[{i}])" for i, n in enumerate(NAMES)] + [
    c.format(f"x[{len(NAMES) + j}]") for j, (c, _) in enumerate(EXTRA)]
every_py = _compiled("every", [c.replace("sp.spherical", "dss.spherical") for c in CALLS])
POINTS = np.concatenate([POINTS, [p for _, p in EXTRA]])
every = njit(_compiled("every", CALLS))
# binary rules at points of their domains: both arguments differentiated, or only
# the last where the first is an order / shape (a constant)
X2 = np.array([lo + f * (hi - lo) for r in BINARY for (lo, hi), f in zip(r.domain, (0.37, 0.71))])
binary_py = _compiled("binary", [
    f"sp.{r.name}({r.domain[0][0] + 0.37 * (r.domain[0][1] - r.domain[0][0])!r}, x[{2 * i + 1}])"
    if r.note.startswith("derivative in") else f"sp.{r.name}(x[{2 * i}], x[{2 * i + 1}])"
    for i, r in enumerate(BINARY)])
binary = njit(binary_py)


def test_the_common_special_functions_compile():
    assert {"j0", "j1", "y0", "i0", "i1", "expit", "logit", "erfinv", "erfcx", "ndtr",
            "ndtri", "log_ndtr", "dawsn", "expi", "exp1", "ellipk"} <= set(NAMES)
    assert {"betainc", "sici", "zeta", "spherical_jn", "spherical_yn", "spherical_in",
            "spherical_kn"} <= set(COMPILED)


def test_values_on_floats_are_scipys():
    # the last one, zeta(-1.3), is 1 + zetac(x) compiled (SciPy's Riemann zeta of x < 0
    # takes another path: a few ulps apart)
    np.testing.assert_array_equal(every(POINTS)[:-1], every_py(POINTS)[:-1])
    np.testing.assert_allclose(every(POINTS)[-1], every_py(POINTS)[-1], rtol=4e-15)
    x32 = POINTS.astype(np.float32)
    got = every(x32)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, every_py(x32.astype(np.float64)), rtol=2e-6, atol=1e-6)


def test_first_and_second_derivatives_match_the_python_path():
    J = da.jacobian(every)(POINTS)
    d1 = np.diag(J)
    np.testing.assert_allclose(d1, np.diag(da.jacobian(every_py)(POINTS)), rtol=1e-13,
                               atol=1e-14)
    np.testing.assert_allclose(J - np.diag(d1), 0.0, atol=0.0)  # elementwise
    fd = np.diag(central_jacobian(every_py, POINTS))
    np.testing.assert_allclose(d1, fd, rtol=1e-6, atol=1e-7)
    H = da.jacobian(da.jacobian(every))(POINTS)
    d2 = np.einsum("iii->i", H)
    ref = np.einsum("iii->i", da.jacobian(da.jacobian(every_py))(POINTS))
    np.testing.assert_allclose(d2, ref, rtol=1e-12, atol=1e-13)
    J32 = da.jacobian(every)(POINTS.astype(np.float32))
    assert J32.dtype == np.float32
    np.testing.assert_allclose(np.diag(J32), d1, rtol=1e-4, atol=1e-5)


def test_functions_of_two_arguments():
    assert {"jv", "yv", "iv", "kv", "xlogy", "xlog1py", "beta", "betaln", "gammainc",
            "gammaincc"} <= {r.name for r in BINARY}
    # SciPy exports no Hurwitz zeta kernel: compiled, zeta(x, q) is dualad's expansion
    others = [i for i, r in enumerate(BINARY) if r.name != "zeta"]
    np.testing.assert_array_equal(binary(X2)[others], binary_py(X2)[others])
    np.testing.assert_allclose(binary(X2), binary_py(X2), rtol=1e-15, atol=0.0)
    J = da.jacobian(binary)(X2)
    np.testing.assert_allclose(J, da.jacobian(binary_py)(X2), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(J, central_jacobian(binary_py, X2), rtol=1e-6, atol=1e-7)
    H = da.jacobian(da.jacobian(binary))(X2)
    np.testing.assert_allclose(H, da.jacobian(da.jacobian(binary_py))(X2), rtol=1e-12,
                               atol=1e-13)
    with pytest.raises(TypeError, match="'v' must be a constant"):
        da.derivative(njit(lambda v: sp.jv(v, 1.0)))(0.5)
    with pytest.raises(TypeError, match="betainc.*differentiates in x only; 'b'"):
        da.derivative(njit(lambda b: sp.betainc(2.0, b, 0.3)))(0.5)


def test_nested_calls_and_vmap():
    @njit
    def f(x):
        return sp.j0(sp.expit(x)) * sp.erfcx(x)

    X = np.linspace(-1.0, 2.0, 7)
    np.testing.assert_allclose(da.derivative(f)(X), da.derivative(f.py_func)(X), rtol=1e-13)
    np.testing.assert_allclose(da.derivative(f, order=2)(X),
                               da.derivative(f.py_func, order=2)(X), rtol=1e-12)


def test_scipy_imported_after_dualad_registers_at_the_first_transform():
    code = ("import dualad as da, numba, scipy.special as sp\n"
            "f = numba.njit(lambda x: sp.expit(x) * x)\n"
            "print(da.derivative(f)(0.5))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    s = sp.expit(0.5)
    assert float(out) == pytest.approx(s + 0.5 * s * (1 - s), rel=1e-14)
