"""Complex duals inside numba (issue 10, item 4; guides/complex.md, "inside numba").

The compiled path against the Python complex path (itself checked against
mpmath in test_complex.py) and central differences: every holomorphic rule
through its cmath/NumPy spelling, arithmetic with every kind of operand, the
real/imag/conj/abs parts, first order (Dual, vector partials) and second
order (HyperDual), complex128 and complex64; the transforms of dispatchers
at complex points with JAX's conventions; the refusals. Few dispatchers,
each exercising many functions (compile time).
"""
import cmath
import math

import numpy as np
import pytest

numba = pytest.importorskip("numba")
from numba import njit  # noqa: E402

import dualad as da  # noqa: E402
from dualad import Dual, HyperDual  # noqa: E402

QUADRANTS = [0.7 + 0.4j, -0.6 + 0.8j, -0.5 - 0.9j, 0.8 - 0.3j]
CMATH = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
         "acosh", "atanh", "exp", "log", "log10", "sqrt"]
NUMPY_ONLY = ["exp2", "log2", "expm1", "log1p"]
BASE = 2.0 + 1.0j


@njit
def spelled(z):
    """Every holomorphic rule, spelled as user code spells it (cmath, then NumPy)."""
    return (cmath.sin(z), cmath.cos(z), cmath.tan(z), cmath.asin(z), cmath.acos(z),
            cmath.atan(z), cmath.sinh(z), cmath.cosh(z), cmath.tanh(z), cmath.asinh(z),
            cmath.acosh(z), cmath.atanh(z), cmath.exp(z), cmath.log(z), cmath.log10(z),
            cmath.sqrt(z), np.exp2(z), np.log2(z), np.expm1(z), np.log1p(z),
            cmath.log(z, 2.0 + 1.0j), np.sin(z) + np.arctanh(z))


def python_spelled(z):
    """The same functions on the Python path (dualad's functions)."""
    out = [getattr(da, name)(z) for name in CMATH + NUMPY_ONLY]
    return tuple(out) + (da.log(z, BASE), da.sin(z) + da.atanh(z))


def plain(name):
    """The function on plain complex numbers, for central differences."""
    if name == "log_base":
        return lambda z: cmath.log(z) / cmath.log(BASE)
    return getattr(cmath, name, None) or getattr(np, {"exp2": "exp2"}.get(name, name))


def _components(x):
    if isinstance(x, Dual):
        p = x._p
        return [x.value] + (list(np.atleast_1d(p)) if not isinstance(p, Dual) else [p])
    if isinstance(x, HyperDual):
        return [x.re, x.eps1, x.eps2, x.eps1eps2]
    return [x]


def assert_same(got, want, rtol):
    """Two numbers (or tuples of them) of the same structure, component by component."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            assert_same(g, w, rtol)
        return
    assert type(got) is type(want), (got, want)
    for g, w in zip(_components(got), _components(want)):
        if isinstance(w, (Dual, HyperDual)):
            assert_same(g, w, rtol)
        else:
            assert abs(complex(g) - complex(w)) <= rtol * (1.0 + abs(complex(w))), (got, want)


# complex128 first and second order (vector partials too), complex64 likewise
SEEDS = {
    "Dual[complex128, 1]": (lambda z: Dual(z, 1.0), 1e-13),
    "Dual[complex128, 2]": (lambda z: Dual(z, (1.0, 1j)), 1e-13),
    "HyperDual[complex128]": (lambda z: HyperDual(z, 1.0, 1j, 0.0), 1e-12),
    "Dual[Dual[complex128, 1], 1]": (lambda z: Dual(Dual(z, 1.0), Dual(1.0, 0.0)), 1e-12),
    "Dual[complex64, 2]": (lambda z: Dual(np.complex64(z), np.array([1, 1j], np.complex64)),
                           2e-5),
    "HyperDual[complex64]": (lambda z: HyperDual(np.complex64(z), np.complex64(1),
                                                 np.complex64(1), np.complex64(0)), 1e-4),
}


@pytest.mark.parametrize("seed", list(SEEDS))
def test_holomorphic_rules_match_the_python_path(seed):
    make, rtol = SEEDS[seed]
    for z in QUADRANTS:
        d = make(z)
        assert numba.typeof(d).short == seed
        got = spelled(d)
        assert_same(got, python_spelled(d), rtol)
        if "complex64" in seed:
            assert all(isinstance(g.value if isinstance(g, Dual) else g.re, np.complex64)
                       for g in got)


def test_first_derivatives_against_central_differences():
    h = 1e-6
    for z in QUADRANTS:
        got = spelled(Dual(z, 1.0))
        for name, y in zip(CMATH + NUMPY_ONLY + ["log_base"], got):
            f = plain(name)
            cd = (complex(f(z + h)) - complex(f(z - h))) / (2 * h)
            assert abs(y.eps - cd) <= 1e-7 * (1 + abs(cd)), (name, z, y.eps, cd)


@njit
def arithmetic(x, y, n):
    a = x
    a += y
    a *= 2.0
    return (x + y, x - y, x * y, x / y, x + 2, 2 - x, 3 * x, x / 2, 1j * x, x / (1 - 2j),
            (2 + 1j) - x, 1.5 / x, (0.5 - 1j) / x, -x, +x, x ** 2, x ** 3, x ** -1, x ** 0.5,
            x ** (0.5 + 1j), x ** y, 2.0 ** x, (1 + 1j) ** x, x ** n, a)


ARITHMETIC_CASES = {
    "complex, complex": (Dual(0.7 + 0.4j, 1.0), Dual(-0.6 + 0.8j, 1j)),
    "complex vector, complex constant": (Dual(0.7 + 0.4j, (1.0, 1j)), -0.6 + 0.8j),
    "real dual, complex constant": (Dual(0.7, 1.0), -0.6 + 0.8j),
    "complex constant, real vector dual": (-0.6 + 0.8j, Dual(0.7, (1.0, 2.0))),
    "real and complex duals": (Dual(0.7, 1.0), Dual(-0.6 + 0.8j, 1.0)),
    "hyperduals": (HyperDual(0.7 + 0.4j, 1.0, 1.0, 0.0), HyperDual(0.8 - 0.3j, 1j, 0.0, 0.0)),
    "nested": (Dual(Dual(0.7 + 0.4j, 1.0), Dual(1.0, 0.0)), Dual(Dual(0.3 - 0.2j, 1j),
                                                               Dual(0.5, 0.0))),
    "complex64": (Dual(np.complex64(0.7 + 0.4j), np.complex64(1)), np.complex64(-0.6 + 0.8j)),
}


@pytest.mark.parametrize("case", list(ARITHMETIC_CASES))
def test_arithmetic_with_every_operand_matches_the_python_path(case):
    x, y = ARITHMETIC_CASES[case]
    rtol = 2e-5 if case == "complex64" else 1e-13
    if not isinstance(x, (Dual, HyperDual)):  # a complex constant first: swap the roles
        got, want = arithmetic(y, x, -3), arithmetic.py_func(y, x, -3)
    else:
        got, want = arithmetic(x, y, -3), arithmetic.py_func(x, y, -3)
    assert_same(got, want, rtol)


@njit
def parts(z):
    return (z.real, z.imag, z.conjugate(), z.conj(), abs(z), np.real(z), np.imag(z),
            np.conjugate(z), cmath.phase(z), np.abs(z), z == z, z != 1j)


def python_parts(z):
    return (z.real, z.imag, z.conjugate(), z.conjugate(), abs(z), z.real, z.imag,
            z.conjugate(), da.atan2(z.imag, z.real), abs(z), True, True)


@pytest.mark.parametrize("make", [lambda z: Dual(z, (1.0, 1j)),
                                  lambda z: HyperDual(z, 1.0, 1j, 0.0)],
                         ids=["Dual[complex128, 2]", "HyperDual[complex128]"])
def test_real_imag_conj_abs_phase(make):
    for z in QUADRANTS:
        d = make(z)
        got = parts(d)
        want = python_parts(d)
        assert_same(got[:-2], want[:-2], 1e-13)
        assert got[-2:] == (True, True)
        assert numba.typeof(got[0]).short.startswith(("Dual[float64", "HyperDual[float64"))
    # |z| of w = Dual(3 + 4j, (d/dx, d/dy)): (x/|z|, y/|z|); 0 at the origin, as hypot
    assert parts(Dual(3 + 4j, (1.0, 1j)))[4] == Dual(5.0, (0.6, 0.8))
    assert tuple(njit(lambda z: abs(z))(Dual(0j, (1.0, 1j)))._p) == (0.0, 0.0)


# ------------------------------------------------------------- refusals ---

def test_ordering_and_non_holomorphic_rules_refuse_complex_duals():
    z = Dual(1 + 1j, 1.0)
    with pytest.raises(TypeError, match="'<' is not supported for complex"):
        njit(lambda a, b: a < b)(z, 1.0)
    with pytest.raises(TypeError, match="'>=' is not supported for complex"):
        njit(lambda a, b: a >= b)(Dual(1.0, 1.0), 1j)
    with pytest.raises(TypeError, match=r"floor\(\) of a complex Dual.*not holomorphic"):
        njit(lambda a: da.floor(a))(z)
    with pytest.raises(TypeError, match=r"fabs\(\).*not holomorphic"):
        njit(lambda a: np.fabs(a))(HyperDual(1j, 1.0, 1.0, 0.0))
    with pytest.raises(TypeError, match=r"maximum\(\).*not holomorphic"):
        njit(lambda a: max(a, 0.5))(z)
    with pytest.raises(TypeError, match=r"math.sin\(\) takes real numbers.*cmath.sin"):
        njit(lambda a: math.sin(a))(z)
    with pytest.raises(TypeError, match=r"math.log\(\) takes real numbers"):
        njit(lambda a: math.log(a, 2.0))(z)


# ------------------------------------------------------------ transforms ---

@njit
def poly_sin(z):
    return z ** 3 * cmath.sin(z) + cmath.exp(1j * z) / (1.0 + z)


def py_poly_sin(z):
    return z ** 3 * da.sin(z) + da.exp(1j * z) / (1.0 + z)


@pytest.mark.parametrize("dtype", [complex, np.complex64])
def test_derivative_of_a_dispatcher_at_complex_points(dtype):
    rtol = 1e-12 if dtype is complex else 1e-4
    for z in QUADRANTS:
        z = dtype(z)
        for order in (1, 2):
            got = da.derivative(poly_sin, order=order)(z)
            want = da.derivative(py_poly_sin, order=order)(complex(z))
            assert abs(got - want) <= rtol * (1 + abs(want)), (order, z, got, want)
            if dtype is np.complex64:
                assert isinstance(got, np.complex64)
    with pytest.raises(ValueError, match="not holomorphic"):
        da.derivative(njit(lambda z: z * z.conjugate()))(1 + 1j)
    with pytest.raises(ValueError, match="not holomorphic"):  # f holomorphic, f' not
        da.derivative(njit(lambda z: z + 0.5 * (z * z).real), order=2)(0.5 + 1j)


def test_derivative_over_complex_arrays_and_jvp():
    zs = np.array(QUADRANTS)
    got = da.derivative(poly_sin)(zs)
    want = [da.derivative(py_poly_sin)(z) for z in QUADRANTS]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    with pytest.raises(ValueError, match="not holomorphic"):
        da.derivative(njit(lambda z: abs(z) + 0j))(zs)
    # jvp: complex primals and tangents, a real argument among them
    g = njit(lambda z, x: z * z * x + cmath.exp(1j * x))
    py_g = lambda z, x: z * z * x + da.exp(1j * x)  # noqa: E731
    for tangents in ((1j, 0.0), (0.0, 1.0), (0.5 - 1j, 2.0)):
        v, t = da.jvp(g, (1 + 1j, 0.5), tangents)
        pv, pt = da.jvp(py_g, (1 + 1j, 0.5), tangents)
        assert abs(v - pv) < 1e-14 and abs(t - pt) < 1e-14
    v, t = da.jvp(njit(lambda v: v * v), (zs,), (np.array([1.0, 1j, 0.0, 2.0]),))
    np.testing.assert_allclose(t, 2 * zs * np.array([1.0, 1j, 0.0, 2.0]), rtol=1e-14)


@njit
def mix(z):
    """A holomorphic map of a complex vector: a loop, indexing, an output array."""
    out = np.empty_like(z)
    for i in range(z.size):
        out[i] = cmath.exp(z[i]) * z[(i + 1) % z.size] + cmath.sqrt(z[i]) ** 3
    return out


@njit
def energy(z, t):
    """A real-valued f of complex inputs: |z - i t|^2 + Re(z^2), summed."""
    s = 0.0
    for i in range(z.size):
        s += abs(z[i] - 1j * t) ** 2 + (z[i] * z[i]).real
    return s


def test_holomorphic_jacobian_and_grad_of_dispatchers():
    z = np.array([0.1 + 0.2j, -0.3 + 0.5j, 0.7 - 0.1j])
    J = da.jacobian(mix, holomorphic=True)(z)
    want = da.jacobian(lambda v: np.array([
        da.exp(v[i]) * v[(i + 1) % 3] + da.sqrt(v[i]) ** 3 for i in range(3)]),
        holomorphic=True)(list(z))
    assert J.shape == (3, 3) and J.dtype == np.complex128
    np.testing.assert_allclose(J, np.stack(want, axis=-1), rtol=1e-12)  # per input z_k
    np.testing.assert_array_equal(da.jacobian(mix, holomorphic=True, chunk=2)(z), J)
    J64 = da.jacobian(mix, holomorphic=True)(z.astype(np.complex64))
    assert J64.dtype == np.complex64
    np.testing.assert_allclose(J64, J, rtol=1e-5)
    g = da.grad(njit(lambda a, b: a * cmath.exp(b)), argnums=(0, 1), holomorphic=True)
    a, b = 0.5 + 1.0j, 1j
    got = g(a, b)
    assert abs(got[0] - cmath.exp(b)) < 1e-14 and abs(got[1] - a * cmath.exp(b)) < 1e-14
    with pytest.raises(TypeError, match="holomorphic=True"):
        da.jacobian(mix)(z)
    with pytest.raises(TypeError, match="requires inputs with complex dtype"):
        da.jacobian(mix, holomorphic=True)(z.real.copy())
    with pytest.raises(ValueError, match="Cauchy-Riemann"):
        da.jacobian(njit(lambda v: v * np.conj(v)), holomorphic=True)(z)
    with pytest.raises(TypeError, match="hessian requires real-valued inputs"):
        da.hessian(energy)(z, 0.4)


def test_grad_of_real_valued_dispatchers_follows_jax():
    z = np.array([0.1 + 0.2j, -0.3 + 0.5j, 0.7 - 0.1j])
    t = 0.4
    got = da.grad(energy)(z, t)
    # JAX's d/dx - 1j d/dy: 2 conj(z - i t) + 2 z
    np.testing.assert_allclose(got, 2 * np.conj(z - 1j * t) + 2 * z, rtol=1e-13)
    h = 1e-6
    for k in range(z.size):   # central differences along re and im of z[k]
        e = np.zeros(3, complex)
        e[k] = h
        dx = (energy(z + e, t) - energy(z - e, t)) / (2 * h)
        dy = (energy(z + 1j * e, t) - energy(z - 1j * e, t)) / (2 * h)
        assert abs(got[k] - (dx - 1j * dy)) < 1e-7
    # array expressions on arrays of complex duals: parts, |z|, a sum
    vec = njit(lambda v: np.sum(np.abs(v) ** 2 + np.real(v * v) + np.imag(np.conj(v))))
    np.testing.assert_allclose(da.grad(vec)(z), 2 * np.conj(z) + 2 * z + 1j, rtol=1e-13)
    # the parts of an array of real duals, as NumPy's of a real array
    parts = njit(lambda v: np.sum(np.real(v * np.conj(v)) + np.imag(v) ** 2 + np.real(v)))
    np.testing.assert_allclose(da.grad(parts)(z), 2 * np.conj(z) - 2j * z.imag + 1,
                               rtol=1e-13)   # x**2 + 2 y**2 + x: d/dx - 1j d/dy
    x = np.array([0.5, -1.5, 2.0])
    np.testing.assert_allclose(da.grad(parts)(x), 2 * x + 1, rtol=1e-14)
    # plain arrays keep numba's own attributes and methods
    plain = njit(lambda c, r: c.real.sum() + c.conj().imag.sum() + r.real.sum() + r.conj().sum())
    assert plain(np.array([1 + 2j]), np.array([3.0])) == 1 - 2 + 3 + 3
    v, g2 = da.value_and_grad(energy, argnums=(0, 1))(z, t)
    assert abs(v - energy(z, t)) < 1e-14
    np.testing.assert_allclose(g2[0], got, rtol=1e-13)
    assert abs(g2[1] - (energy(z, t + h) - energy(z, t - h)) / (2 * h)) < 1e-7
    g64 = da.grad(energy)(z.astype(np.complex64), np.float32(t))
    assert g64.dtype == np.complex64
    np.testing.assert_allclose(g64, got, rtol=1e-5)
    # a complex scalar input, float32 -> complex64 widths kept
    zs = np.complex64(1 + 2j)
    gs = da.grad(njit(lambda z: abs(z) ** 2))(zs)
    assert abs(gs - 2 * np.conj(zs)) < 1e-5
    with pytest.raises(TypeError, match="real-valued outputs"):
        da.grad(njit(lambda z: z * z))(1 + 1j)


@njit
def poly_sin_sum(v):
    s = 0j
    for i in range(v.size):
        s += poly_sin(v[i]) * v[(i + 1) % v.size]
    return s


def test_vmap_over_complex_points():
    zs = np.array([0.7 + 0.4j, -0.6 + 0.8j, 0.8 - 0.3j])
    got = da.vmap(da.grad(njit(lambda z: abs(z) ** 2)))(zs)
    np.testing.assert_allclose(got, 2 * np.conj(zs), rtol=1e-14)
    got = da.vmap(da.grad(poly_sin, holomorphic=True))(zs)
    want = [da.derivative(py_poly_sin)(complex(z)) for z in zs]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    # jacobian and grad at complex points: one real batch loop over (Re, Im), the
    # same values as point by point, complex64 kept, Cauchy-Riemann over the batch
    from dualad._transforms.holomorphic import batched
    rng = np.random.default_rng(3)
    B = batched.__globals__["BATCH_MIN"]   # the smallest batch that takes the batch loop
    Z = rng.uniform(0.2, 1.0, (B, 3)) + 1j * rng.uniform(-0.5, 0.5, (B, 3))
    for kind, f, args in (("jacobian", mix, (Z,)), ("grad", energy, (Z, 0.4))):
        for dtype, rtol in ((np.complex128, 1e-13), (np.complex64, 1e-5)):
            t = getattr(da, kind)(f, holomorphic=kind == "jacobian")
            a = (args[0].astype(dtype),) + args[1:]
            got = da.vmap(t, in_axes=(0,) + (None,) * (len(a) - 1))(*a)
            want = np.stack([t(z, *a[1:]) for z in a[0]])
            assert got.shape == want.shape and got.dtype == dtype
            mapped = [True] + [False] * (len(a) - 1)
            assert batched(t, a, mapped, B) is not NotImplemented   # not the loop
            assert batched(t, [v[:3] if m else v for v, m in zip(a, mapped)], mapped,
                           3) is NotImplemented   # a small batch: the point loop
            np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol)
    with pytest.raises(ValueError, match="Cauchy-Riemann"):
        da.vmap(da.jacobian(njit(lambda v: v * np.conj(v)), holomorphic=True))(Z)
    h = da.hessian(poly_sin_sum, holomorphic=True)   # the real Hessians of Re f and Im f
    got = da.vmap(h)(Z)
    assert got.shape == (B, 3, 3)
    np.testing.assert_allclose(got, [h(z) for z in Z], rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="not holomorphic"):
        da.vmap(da.hessian(njit(lambda v: np.sum(v * np.conj(v))), holomorphic=True))(Z)
    out = np.empty((B, 3, 3), complex)
    assert da.vmap(da.jacobian(mix, holomorphic=True), out=out)(Z) is out
    np.testing.assert_allclose(out, [da.jacobian(mix, holomorphic=True)(z) for z in Z],
                               rtol=1e-13)
    # vmap(derivative(njit_f)) of a scalar f: the compiled elementwise loop, the
    # Cauchy-Riemann check over the batch; the same values as point by point
    for order in (1, 2):
        d = da.derivative(poly_sin, order=order)
        got = da.vmap(d)(zs)
        assert got.shape == (3,) and got.dtype == np.complex128
        np.testing.assert_allclose(got, [d(z) for z in zs], rtol=1e-14)
        x = zs.real.copy()   # real points, complex values: point by point
        np.testing.assert_allclose(da.vmap(d)(x), [d(v) for v in x], rtol=1e-14)
    with pytest.raises(ValueError, match="not holomorphic"):
        da.vmap(da.derivative(njit(lambda z: z * z.conjugate())))(zs)


# ------------------------------------------- user code, unchanged ---

@njit
def impedance(w, R, L, C):
    """|Z| of a series RLC circuit at angular frequency w."""
    Z = R + 1j * w * L + 1 / (1j * w * C)
    return abs(Z)


@njit
def amplitude(phi, k):
    """|1 + k e^(i phi)|^2: the interference of two paths."""
    a = 1.0 + k * cmath.exp(1j * phi)
    return (a * a.conjugate()).real


def test_user_code_with_complex_arithmetic_differentiates_unchanged():
    args = (2.0, 1.0, 0.5, 0.1)
    g = da.grad(impedance, argnums=(0, 1, 2, 3))(*args)
    h = 1e-6
    for i in range(4):
        up, dn = list(args), list(args)
        up[i] += h
        dn[i] -= h
        cd = (impedance(*up) - impedance(*dn)) / (2 * h)
        assert abs(g[i] - cd) < 1e-7 * (1 + abs(cd))
    phi, k = 0.3, 0.7
    d1 = da.grad(amplitude)(phi, k)
    assert abs(d1 - (-2 * k * np.sin(phi))) < 1e-14     # |1 + k e^{i phi}|^2 = 1 + k^2 + 2k cos
    H = da.hessian(amplitude)(phi, k)
    assert abs(H - (-2 * k * np.cos(phi))) < 1e-13
