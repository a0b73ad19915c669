"""Complex numbers in the Python scalar path (issue 10, first slice; guides/complex.md).

Every holomorphic rule against mpmath at points in each quadrant and just off
its branch cuts (both sides), first and second derivatives (nested Dual and
HyperDual), complex128 and complex64; the values against NumPy (branch cuts
as NumPy's); JAX's conventions side by side with jax; the refusals.
"""
import math

import mpmath
import numpy as np
import pytest

import dualad as da
from dualad._rules import RULES, RULES_BY_NAME
from reference import MP_FUNCTIONS

mpmath.mp.dps = 30

HOLOMORPHIC_UNARY = [r for r in RULES if r.holomorphic and r.arity == 1]
QUADRANTS = [0.7 + 0.4j, -0.6 + 0.8j, -0.5 - 0.9j, 0.8 - 0.3j]
OFF = 1e-3
# just off the cuts, both sides: the real axis beyond +-1, below -1 and
# below 0 (log, sqrt, asin, acos, atanh, acosh, log1p) and the imaginary axis
# beyond +-i (atan, asinh)
CUTS = [x + s * OFF * 1j for x in (-2.0, -0.5, 0.5, 2.0) for s in (1, -1)] + \
       [s * OFF + y * 1j for y in (-2.0, 2.0) for s in (1, -1)]
POINTS = QUADRANTS + CUTS


def _mp(name):
    return MP_FUNCTIONS[name]


def _ref(name, z, n):
    return complex(mpmath.diff(_mp(name), mpmath.mpc(z), n))


def _close(got, want, rtol):
    assert abs(got - want) <= rtol * (1.0 + abs(want)), (got, want)


def test_holomorphic_flags_match_the_brief():
    names = {r.name for r in RULES if r.holomorphic}
    assert names == {"sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
                     "asinh", "acosh", "atanh", "exp", "exp2", "expm1", "log", "log2",
                     "log10", "log1p", "sqrt", "pow", "log_base"}
    for r in RULES:
        assert (r.complex_ladder is not None) == r.holomorphic, r.name
        assert (r.complex_float_ladder is not None) == r.holomorphic, r.name


@pytest.mark.parametrize("rule", HOLOMORPHIC_UNARY, ids=lambda r: r.name)
def test_unary_rules_against_mpmath_complex128(rule):
    f = da.FUNCTIONS[rule.name] if hasattr(da, "FUNCTIONS") else getattr(da, rule.name)
    for z in POINTS:
        want_f = complex(_mp(rule.name)(mpmath.mpc(z)))
        # the value: as NumPy (branch cuts) and as mpmath
        _close(f(z), complex(getattr(np, rule.ufuncs[0])(np.complex128(z))), 1e-14)
        _close(f(z), want_f, 1e-13)
        d = f(da.Dual(z, 1.0))
        _close(d.value, want_f, 1e-13)
        _close(d.eps, _ref(rule.name, z, 1), 1e-11)
        d2 = _ref(rule.name, z, 2)
        _close(da.derivative(f, order=2)(z), d2, 1e-10)          # nested Dual
        h = f(da.HyperDual(z, 1.0, 1.0, 0.0))
        _close(h.eps1, _ref(rule.name, z, 1), 1e-11)
        _close(h.eps1eps2, d2, 1e-10)
        _close(da.derivative(f)(z), _ref(rule.name, z, 1), 1e-11)


@pytest.mark.parametrize("rule", HOLOMORPHIC_UNARY, ids=lambda r: r.name)
def test_unary_rules_complex64_stay_complex64(rule):
    f = getattr(da, rule.name)
    for z in QUADRANTS:
        z32 = np.complex64(z)
        d = f(da.Dual(z32, np.complex64(1.0)))
        assert type(d.value) is np.complex64 and type(d.eps) is np.complex64, rule.name
        _close(d.eps, _ref(rule.name, complex(z32), 1), 2e-5)
        h = f(da.HyperDual(z32, np.complex64(1), np.complex64(1), np.complex64(0)))
        assert type(h.eps1eps2) is np.complex64
        _close(h.eps1eps2, _ref(rule.name, complex(z32), 2), 1e-4)


@pytest.mark.parametrize("z,w", [(0.7 + 0.4j, 1.3 - 0.6j), (-0.6 + 0.8j, 0.5 + 0.2j),
                                 (-2.0 + OFF * 1j, 1.5j), (-2.0 - OFF * 1j, 0.7)])
def test_binary_rules_against_mpmath(z, w):
    for name in ("pow", "log_base"):
        mf = _mp(name)
        f = getattr(da, name) if name != "log_base" else (lambda x, b: da.log(x, b))
        out = f(da.Dual(z, (1.0, 0.0)), da.Dual(w, (0.0, 1.0)))
        _close(out.value, complex(mf(mpmath.mpc(z), mpmath.mpc(w))), 1e-13)
        fx = complex(mpmath.diff(lambda a: mf(a, mpmath.mpc(w)), mpmath.mpc(z)))
        fy = complex(mpmath.diff(lambda b: mf(mpmath.mpc(z), b), mpmath.mpc(w)))
        _close(out.partials[0], fx, 1e-11)
        _close(out.partials[1], fy, 1e-11)
        h = f(da.HyperDual(z, 1.0, 1.0, 0.0), w)
        fxx = complex(mpmath.diff(lambda a: mf(a, mpmath.mpc(w)), mpmath.mpc(z), 2))
        _close(h.eps1eps2, fxx, 1e-10)
        h = f(z, da.HyperDual(w, 1.0, 1.0, 0.0))
        fyy = complex(mpmath.diff(lambda b: mf(mpmath.mpc(z), b), mpmath.mpc(w), 2))
        _close(h.eps1eps2, fyy, 1e-10)


def test_arithmetic_and_powers():
    z = da.Dual(1 + 2j, 1.0)
    assert (z + 1j).value == 1 + 3j and (1j * z).eps == 1j
    assert (z * z).eps == 2 * (1 + 2j)
    _close((1 / z).eps, -1 / (1 + 2j) ** 2, 1e-15)
    _close((z ** 3).eps, 3 * (1 + 2j) ** 2, 1e-14)
    _close((2.0 ** z).eps, math.log(2.0) * 2.0 ** (1 + 2j), 1e-14)
    _close(da.derivative(lambda x: x ** 1j)(2.0), 1j * 2.0 ** (1j - 1), 1e-14)  # real x
    zero = da.HyperDual(0j, 1.0, 1.0, 0.0) ** 2
    assert (zero.value, zero.eps1, zero.eps1eps2) == (0, 0, 2)
    assert da.exp(1j) == complex(np.exp(1j)) and da.sqrt(-4 + 0j) == 2j


def test_non_holomorphic_parts():
    z0 = 3 + 4j
    z = da.Dual(z0, (1.0, 1j))   # seeded along 1 and 1j: partials are d/dx, d/dy
    assert tuple(z.real.partials) == (1.0, 0.0) and z.real.value == 3.0
    assert tuple(z.imag.partials) == (0.0, 1.0) and z.imag.value == 4.0
    assert tuple(z.conjugate().partials) == (1.0, -1j)
    a = abs(z)  # d|z| = Re(conj(z) dz) / |z|
    assert a.value == 5.0 and np.allclose(a.partials, (0.6, 0.8))
    h = abs(da.HyperDual(z0, 1.0, 1.0, 0.0))   # d2|z|/dx2 = y^2/|z|^3
    _close(h.eps1eps2, 16 / 125, 1e-15)
    assert abs(da.Dual(0j, 1.0)).eps == 0.0   # hypot's convention at 0
    r = da.Dual(2.0, 1.0)
    assert r.real is r and r.conjugate() is r and r.imag.eps == 0.0


def test_refusals():
    z = da.Dual(1 + 2j, 1.0)
    for f in (da.fabs, da.floor, da.erf, da.cbrt, da.sign, lambda x: da.maximum(x, 1.0),
              lambda x: da.atan2(x, 1.0), lambda x: da.hypot(1.0, x)):
        with pytest.raises(TypeError, match="is not holomorphic"):
            f(z)
    with pytest.raises(TypeError, match="fabs.. is not holomorphic"):
        da.fabs(1j)
    with pytest.raises(TypeError, match="is not holomorphic"):
        da.HyperDual(1j, 1.0, 1.0, 0.0) // 2.0
    for a, b in ((z, 1.0), (da.Dual(np.complex64(1j), 1.0), 0.0)):
        with pytest.raises(TypeError, match="not supported for complex"):
            a < b
    with pytest.raises(ValueError, match="not holomorphic"):
        da.derivative(lambda x: x.conjugate())(1 + 1j)
    with pytest.raises(ValueError, match="Cauchy-Riemann"):
        da.derivative(lambda x: x * x.real)(1 + 1j)


def test_grad_of_a_complex_output_is_refused():
    # complex arrays: tests/test_complex_arrays.py; @njit code: tests/test_jit_complex.py
    with pytest.raises(TypeError, match="requires real-valued outputs"):
        da.grad(lambda x: np.sum(x))(np.array([1j, 2.0]))  # as jax.grad


# ----------------------------------------------------- JAX, side by side ---

@pytest.fixture(scope="module")
def jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return jax


def test_holomorphic_grad_and_jacobian_as_jax(jax):
    jnp = jax.numpy
    z, w = 0.7 - 1.2j, -0.4 + 0.9j
    f = lambda a, b: a * da.sin(b) + da.exp(a * b) / b  # noqa: E731
    g = lambda a, b: a * jnp.sin(b) + jnp.exp(a * b) / b  # noqa: E731
    got = da.grad(f, argnums=(0, 1), holomorphic=True)(z, w)
    want = jax.grad(g, argnums=(0, 1), holomorphic=True)(z, w)
    assert np.allclose(got, want, rtol=1e-13)
    got = da.jacobian(lambda a: (a * a, da.log(a)), holomorphic=True)(z)
    want = jax.jacfwd(lambda a: (a * a, jnp.log(a)), holomorphic=True)(z)
    assert np.allclose(got, want, rtol=1e-13)
    _close(da.derivative(lambda a: da.tanh(a) ** 2)(z),
           complex(jax.grad(lambda a: jnp.tanh(a) ** 2, holomorphic=True)(z)), 1e-13)


@pytest.mark.parametrize("case", ["abs2", "real_sq", "abs", "imag_exp"])
def test_grad_of_real_valued_function_as_jax(jax, case):
    jnp = jax.numpy
    f, g = {"abs2": (lambda z: abs(z) ** 2, lambda z: jnp.abs(z) ** 2),
            "real_sq": (lambda z: (z * z).real, lambda z: (z * z).real),
            "abs": (lambda z: abs(z), lambda z: jnp.abs(z)),
            "imag_exp": (lambda z: da.exp(z).imag, lambda z: jnp.exp(z).imag)}[case]
    for z in (1.0 + 2.0j, -0.3 + 0.5j):
        _close(da.grad(f)(z), complex(jax.grad(g)(z)), 1e-13)
    assert da.grad(lambda z: abs(z) ** 2)(1 + 2j) == 2 * (1 - 2j)   # 2 conj(z)


def test_errors_as_jax(jax):
    jnp = jax.numpy
    cases = [(lambda: da.grad(lambda z: z * z)(1j), lambda: jax.grad(lambda z: z * z)(1j)),
             (lambda: da.jacobian(lambda z: z * z)(1j),
              lambda: jax.jacfwd(lambda z: z * z)(1j)),
             (lambda: da.grad(lambda z: z * z, holomorphic=True)(1.0),
              lambda: jax.grad(lambda z: z * z, holomorphic=True)(1.0))]
    for ours, theirs in cases:
        with pytest.raises(TypeError) as e_ours:
            ours()
        with pytest.raises(TypeError):
            theirs()
        assert "holomorphic=True" in str(e_ours.value)
    # where JAX silently returns 1 for conj under holomorphic=True, dualad refuses
    assert complex(jax.grad(jnp.conj, holomorphic=True)(1j)) == 1
    with pytest.raises(ValueError, match="Cauchy-Riemann"):
        da.grad(lambda z: z.conjugate(), holomorphic=True)(1j)


def test_jvp_as_jax(jax):
    jnp = jax.numpy
    for f, g, z, t in [(lambda z: z * da.sin(z), lambda z: z * jnp.sin(z), 1 + 1j, 0.5 - 2j),
                       (lambda z: abs(z), jnp.abs, 3 + 4j, 1j),
                       (lambda x: x * 1j, lambda x: x * 1j, 2.0, 1.0)]:
        v, d = da.jvp(f, (z,), (t,))
        vj, dj = jax.jvp(g, (z,), (t,))
        _close(v, complex(vj), 1e-14)
        _close(d, complex(dj), 1e-14)
        assert np.iscomplexobj(d) == np.iscomplexobj(np.asarray(dj)), (d, dj)


def test_vmap_of_complex_derivatives():
    z = np.array([1 + 1j, 2 - 1j])
    np.testing.assert_allclose(da.vmap(da.derivative(da.sin))(z), np.cos(z), rtol=1e-15)
    np.testing.assert_allclose(da.vmap(da.grad(lambda w: abs(w) ** 2))(z), 2 * z.conj())


def test_nested_holomorphic_transforms_as_jax_hessian(jax):
    jnp = jax.numpy
    z = 0.3 + 0.8j
    want = complex(jax.hessian(lambda w: w ** 3 * jnp.sin(w), holomorphic=True)(z))
    f = lambda w: w ** 3 * da.sin(w)  # noqa: E731
    _close(da.jacobian(da.grad(f, holomorphic=True), holomorphic=True)(z), want, 1e-13)
    _close(da.derivative(da.grad(f, holomorphic=True))(z), want, 1e-13)
    _close(da.grad(da.derivative(f), holomorphic=True)(z), want, 1e-13)
    with pytest.raises(ValueError, match="Cauchy-Riemann"):
        da.jacobian(da.grad(lambda w: w * w.conjugate() * 1j, holomorphic=True),
                    holomorphic=True)(z)
