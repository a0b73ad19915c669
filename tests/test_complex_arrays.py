"""Complex numbers in the NumPy path: complex DualArrays (issue 10; guides/complex.md).

Every holomorphic rule on complex arrays (the ufuncs) against mpmath, the
scalar path and central differences, at points in each quadrant and just off
the branch cuts (both sides), first and second order, complex128 and
complex64; the non-holomorphic parts (real, imag, conj, abs, angle); the
transforms side by side with JAX; FFT and linear algebra against central
differences; the Cauchy-Riemann refusal on arrays. All plain Python/NumPy: no
compiled signature.

complex64 tolerances: the values carry float32's 6e-8 relative rounding, and
the points 1e-3 off a branch cut sit where the inverse functions' derivatives
are ~1e3 times more sensitive to their argument than elsewhere (1/sqrt(1 - z^2)
at |1 - z^2| ~ 1e-3), so 2e-4 relative (first order) and 2e-3 (second) bound the
rounding there with a margin; complex128 keeps 1e-11 / 1e-9 as the scalar tests.
"""
import mpmath
import numpy as np
import pytest

import dualad as da
from dualad import DualArray
from dualad._rules import RULES

from test_complex import CUTS, HOLOMORPHIC_UNARY, POINTS, QUADRANTS, _mp, _ref

mpmath.mp.dps = 30

Z = np.array(POINTS)
RTOL = {np.complex128: (1e-11, 1e-9), np.complex64: (2e-4, 2e-3)}


def _ufunc(rule):
    return getattr(np, rule.ufuncs[0])


def _assert_close(got, want, rtol, what=""):
    got, want = np.asarray(got), np.asarray(want)
    err = np.abs(got - want) / (1.0 + np.abs(want))
    assert np.all(err <= rtol), (what, float(np.max(err)), got, want)


def holomorphic_central(f, z, h=1e-6):
    """f'(z) elementwise by a central difference along the real axis (a holomorphic f)."""
    return (f(z + h) - f(z - h)) / (2 * h)


def wirtinger_central(f, z, h=1e-6):
    """(d/dx, d/dy) of f at z by central differences along the real and imaginary
    direction of every element: arrays of shape f(z).shape + z.shape."""
    z = np.asarray(z, complex)
    cols_x, cols_y = [], []
    for i in range(z.size):
        e = np.zeros(z.size, complex)
        e[i] = h
        e = e.reshape(z.shape)
        cols_x.append((np.asarray(f(z + e)) - np.asarray(f(z - e))) / (2 * h))
        cols_y.append((np.asarray(f(z + 1j * e)) - np.asarray(f(z - 1j * e))) / (2 * h))
    out_shape = np.shape(cols_x[0])
    dx = np.stack(cols_x, axis=-1).reshape(out_shape + z.shape)
    dy = np.stack(cols_y, axis=-1).reshape(out_shape + z.shape)
    return dx, dy


# ------------------------------------------------------------ the rules ---

@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("rule", HOLOMORPHIC_UNARY, ids=lambda r: r.name)
def test_holomorphic_ufuncs_on_complex_arrays(rule, dtype):
    f = _ufunc(rule)
    r1, r2 = RTOL[dtype]
    z = Z.astype(dtype)
    zc = z.astype(complex)  # the point the rounded input is, for the references
    want1 = np.array([_ref(rule.name, complex(w), 1) for w in zc])
    want2 = np.array([_ref(rule.name, complex(w), 2) for w in zc])
    x = DualArray(z, np.ones(z.shape + (1,), dtype))
    y = f(x)
    assert y.dtype == dtype and y.partials.dtype == dtype
    np.testing.assert_array_equal(y.values, f(z))  # the value: NumPy's, branch cuts included
    _assert_close(y.partials[:, 0], want1, r1, "first vs mpmath")
    scalar = np.array([getattr(da, rule.name)(da.Dual(w, 1.0)).eps for w in zc])
    _assert_close(y.partials[:, 0], scalar, r1, "first vs scalar path")
    if dtype is np.complex128:
        _assert_close(y.partials[:, 0], holomorphic_central(f, zc), 1e-6, "first vs central")
    d2 = da.derivative(f, order=2)(z)  # nested DualArrays
    assert d2.dtype == dtype
    _assert_close(d2, want2, r2, "second vs mpmath")
    scalar2 = np.array([da.derivative(getattr(da, rule.name), order=2)(w) for w in zc])
    _assert_close(d2, scalar2, r2, "second vs scalar path")
    if dtype is np.complex128:  # the difference of the exact first derivative
        _assert_close(d2, holomorphic_central(da.derivative(f), zc), 1e-6, "second vs central")
    _assert_close(da.derivative(f)(z), want1, r1, "derivative()")


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
def test_binary_rules_on_complex_arrays(dtype):
    z = np.array(QUADRANTS + CUTS[:4], dtype)
    w = np.array([1.3 - 0.6j, 0.5 + 0.2j, 1.5j, 0.7, -0.4 + 0.3j, 2.0, 0.5 - 1j, 1j][:z.size],
                 dtype)
    r1, r2 = RTOL[dtype]
    for name, f in (("pow", np.power), ("log_base", lambda a, b: da.log(a, b))):
        n = z.size
        X = DualArray(z, np.concatenate([np.eye(n), np.zeros((n, n))], 1).astype(dtype))
        W = DualArray(w, np.concatenate([np.zeros((n, n)), np.eye(n)], 1).astype(dtype))
        out = f(X, W)
        assert out.dtype == dtype
        mf = _mp(name)
        for i, (a, b) in enumerate(zip(z.astype(complex), w.astype(complex))):
            a, b = mpmath.mpc(a), mpmath.mpc(b)
            fx = complex(mpmath.diff(lambda t: mf(t, b), a))
            fy = complex(mpmath.diff(lambda t: mf(a, t), b))
            _assert_close(out.partials[i, i], fx, r1, name)
            _assert_close(out.partials[i, n + i], fy, r1, name)
            scalar = getattr(da, name)(da.Dual(complex(a), (1.0, 0.0)),
                                       da.Dual(complex(b), (0.0, 1.0))) \
                if name == "pow" else da.log(da.Dual(complex(a), (1.0, 0.0)),
                                             da.Dual(complex(b), (0.0, 1.0)))
            _assert_close(out.partials[i, [i, n + i]], scalar.partials, r1, name)
        fxx = np.array([complex(mpmath.diff(lambda t: mf(t, mpmath.mpc(b)), mpmath.mpc(a), 2))
                        for a, b in zip(z.astype(complex), w.astype(complex))])
        _assert_close(da.derivative(lambda t: f(t, w), order=2)(z), fxx, r2, name)


def test_arithmetic_with_real_and_complex_operands():
    z = np.array([0.7 + 0.4j, -0.6 + 0.8j, -0.5 - 0.9j])
    r = np.array([0.5, -1.5, 2.0])

    def f(z):
        return ((z * r + 1j) / (z - 2.0) - 3j * z ** 2 + z ** (0.5 + 0.25j)
                + 2.0 ** z + np.reciprocal(z) + np.square(z) * (1 + 1j) - z / z[0]
                + np.float32(2) * z + np.complex64(1j) + np.sqrt(z) ** 3)
    J = da.jacobian(f, holomorphic=True)(z)
    dx, dy = wirtinger_central(f, z)
    _assert_close(J, dx, 1e-7)
    _assert_close(1j * J, dy, 1e-7)  # Cauchy-Riemann: d/dy = 1j d/dx
    # a real DualArray meets complex constants: its values become complex
    x = np.array([0.3, 0.9])
    g = lambda x: x * 1j + np.exp(1j * x) - x / (1 + 2j)  # noqa: E731
    J = da.jacobian(g)(x)
    assert J.dtype == np.complex128
    _assert_close(np.diag(J), 1j + 1j * np.exp(1j * x) - 1 / (1 + 2j), 1e-14)
    # complex64 stays complex64 beside Python scalars; float32 * 1j is complex64
    z32 = z.astype(np.complex64)
    assert da.jacobian(lambda z: z * 2.0 + 1j, holomorphic=True)(z32).dtype == np.complex64
    assert da.jacobian(lambda x: x * 1j)(x.astype(np.float32)).dtype == np.complex64


# ------------------------------------------------------ complex parts ---

def test_real_imag_conj_abs_angle_along_directions():
    z = np.array([3 + 4j, -1 + 0.5j, 0j, -2 - 1j])
    t = np.array([0.5 - 1j, 1j, 1 + 1j, -2 + 0.3j])
    cases = {"real": (np.real, lambda z: z.real, t.real),
             "imag": (np.imag, lambda z: z.imag, t.imag),
             "conj": (np.conj, lambda z: z.conj(), t.conj())}
    for name, (fn, method, want) in cases.items():
        for g in (fn, method):
            v, d = da.jvp(g, (z,), (t,))
            np.testing.assert_array_equal(v, fn(z))
            np.testing.assert_array_equal(d, want)
            assert np.iscomplexobj(d) == (name == "conj"), name
    # |z|: d|z| = Re(conj(z) dz) / |z|, 0 at 0 (hypot's convention)
    v, d = da.jvp(np.abs, (z,), (t,))
    np.testing.assert_array_equal(v, np.abs(z))
    nz = np.abs(z) > 0
    _assert_close(d[nz], (z.conj() * t).real[nz] / np.abs(z)[nz], 1e-15)
    assert d[2] == 0.0 and abs(da.DualArray(z, t).values[0]) == 5.0
    # angle: d atan2(y, x) = (x dy - y dx) / |z|^2
    v, d = da.jvp(np.angle, (z,), (t,))
    np.testing.assert_array_equal(v, np.angle(z))
    a2 = np.where(nz, np.abs(z) ** 2, 1.0)
    _assert_close(d[nz], ((z.real * t.imag - z.imag * t.real) / a2)[nz], 1e-15)
    v, d = da.jvp(lambda z: np.angle(z, deg=True), (z,), (t,))
    np.testing.assert_allclose(v, np.angle(z, deg=True), rtol=1e-15)
    # real arrays: NumPy's results (real a copy, imag zeros, angle a step)
    x = DualArray(np.array([1.0, -2.0]), np.ones((2, 1)))
    assert np.real(x).partials.tolist() == [[1.0], [1.0]]
    assert x.imag.partials.tolist() == [[0.0], [0.0]] and np.imag(x).tolist() == [0.0, 0.0]
    assert np.angle(x).tolist() == [0.0, np.pi] and np.conj(x).partials.tolist() == [[1], [1]]


def test_numpy_ufuncs_on_complex_scalar_duals():
    d = da.Dual(3 + 4j, (1.0, 1j))
    assert np.conj(d).value == 3 - 4j and tuple(np.conj(d).partials) == (1.0, -1j)
    assert np.abs(d).value == 5.0 and np.allclose(np.abs(d).partials, (0.6, 0.8))
    assert np.abs(da.Dual(-2.0, 1.0)).eps == -1.0 and np.conj(da.Dual(2.0, 1.0)).eps == 1.0
    a = np.angle(d)
    assert np.isclose(a.value, np.angle(3 + 4j)) and np.allclose(a.partials, (-0.16, 0.12))
    z = DualArray(np.array([1 + 1j, 2j]), np.ones((2, 1)))
    y = np.float_power(z, 2)   # complex128, as NumPy's float_power of complex
    assert y.dtype == np.complex128 and np.allclose(y.partials[:, 0], 2 * z.values)
    assert np.float_power(z.astype(np.complex64), 2).dtype == np.complex128


def test_parts_against_central_differences_second_order():
    z = np.array([0.7 + 0.4j, -0.6 + 0.8j, -0.5 - 0.9j])

    def f(z):  # real-valued
        return np.sum(np.abs(z) ** 3 * np.real(z * z) + np.angle(z) * np.imag(np.exp(z))
                      + np.real(np.conj(z) * np.sin(z)))
    dx, dy = wirtinger_central(f, z)
    _assert_close(da.grad(f)(z), dx - 1j * dy, 1e-8)   # JAX's conjugate form
    # second order: the gradient of a real-valued function of its parts
    g = lambda z: da.grad(f)(z).real  # noqa: E731
    hx, hy = wirtinger_central(g, z)
    H = da.jacobian(lambda z: da.grad(f)(z).real)  # real outputs of complex inputs
    with pytest.raises(TypeError, match="holomorphic=True"):
        H(z)  # as jax.jacfwd: complex inputs need holomorphic=True
    got = da.grad(lambda z: np.sum(da.grad(f)(z).real * np.array([1.0, 2.0, -1.0])))(z)
    want = hx.T @ np.array([1.0, 2.0, -1.0]) - 1j * (hy.T @ np.array([1.0, 2.0, -1.0]))
    _assert_close(got, want, 1e-6)


def test_comparisons_and_non_holomorphic_rules_refuse():
    z = DualArray(np.array([1 + 1j, 2j]), np.ones((2, 1)))
    for cmp in (lambda: z < z, lambda: z >= 1.0, lambda: np.less(z, z),
                lambda: np.greater_equal(z, 0)):
        with pytest.raises(TypeError, match="complex numbers are not ordered"):
            cmp()
    assert (z == z).tolist() == [True, True] and (z != 2j).tolist() == [True, False]
    for f, name in ((np.floor, "floor"), (np.fabs, "fabs"), (np.sign, "sign"),
                    (lambda a: np.maximum(a, a), "maximum"), (np.cbrt, "cbrt"),
                    (lambda a: np.arctan2(a, 1.0), "atan2")):
        with pytest.raises(TypeError, match=f"{name}\\(\\) is not holomorphic"):
            f(z)
    with pytest.raises(TypeError, match="imaginary"):
        z.astype(np.float64)
    assert z.astype(np.complex64).dtype == np.complex64


# ------------------------------------------------------------ transforms ---

def test_cauchy_riemann_refusal_on_arrays():
    z = np.array([1 + 2j, -0.5 + 0.3j])
    for f in (np.conj, np.real, lambda z: z * np.abs(z), lambda z: np.sin(z) + z.imag):
        with pytest.raises(ValueError, match="Cauchy-Riemann"):
            da.jacobian(f, holomorphic=True)(z)
        with pytest.raises(ValueError, match="Cauchy-Riemann"):
            da.derivative(f)(z)
    with pytest.raises(ValueError, match="Cauchy-Riemann"):
        da.grad(lambda z: np.sum(z * z.conj()) * 1j, holomorphic=True)(z)
    with pytest.raises(TypeError, match="complex tangent of a real primal"):
        da.jvp(np.sin, (np.ones(2),), (np.ones(2) * 1j,))
    with pytest.raises(TypeError, match="requires inputs with complex dtype"):
        da.jacobian(np.sin, holomorphic=True)(np.ones(2))


@pytest.fixture(scope="module")
def jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return jax


def test_holomorphic_jacobian_and_hessian_as_jax(jax):
    jnp = jax.numpy
    z = np.array([[1 + 2j, -0.5 + 0.3j, 0.2 - 1.1j], [0.4 + 0.4j, -1.3 - 0.2j, 0.9j]])
    f = lambda z: np.sin(z) * z[0, 0] + np.log(z) / (1 + z ** 2)  # noqa: E731
    g = lambda z: jnp.sin(z) * z[0, 0] + jnp.log(z) / (1 + z ** 2)  # noqa: E731
    J = da.jacobian(f, holomorphic=True)(z)
    Jj = np.asarray(jax.jacfwd(g, holomorphic=True)(z))
    assert J.shape == Jj.shape == (2, 3, 2, 3) and J.dtype == np.complex128
    _assert_close(J, Jj, 1e-14)
    s = lambda z: np.sum(np.tanh(z) * z[1]) + np.prod(np.sqrt(z[0]))  # noqa: E731
    sj = lambda z: jnp.sum(jnp.tanh(z) * z[1]) + jnp.prod(jnp.sqrt(z[0]))  # noqa: E731
    _assert_close(da.grad(s, holomorphic=True)(z), jax.grad(sj, holomorphic=True)(z), 1e-14)
    H = da.hessian(s, holomorphic=True)(z)
    _assert_close(H, jax.hessian(sj, holomorphic=True)(z), 1e-13)
    _assert_close(da.jacobian(da.grad(s, holomorphic=True), holomorphic=True)(z), H, 1e-14)
    J32 = da.jacobian(f, holomorphic=True)(z.astype(np.complex64))
    assert J32.dtype == np.complex64
    _assert_close(J32, Jj, 1e-5)
    with pytest.raises(ValueError, match="Cauchy-Riemann"):
        da.hessian(lambda z: np.sum(z * np.abs(z)), holomorphic=True)(z)


def test_grad_of_real_valued_function_of_complex_arrays_as_jax(jax):
    jnp = jax.numpy
    z = np.array([1 + 2j, -0.5 + 0.3j, 0.2 - 1.1j])
    x = np.array([0.3, -0.7])
    cases = [(lambda m, z: m.sum(m.abs(z) ** 2)),
             (lambda m, z: m.sum(m.real(z * m.sin(z)))),
             (lambda m, z: m.sum(m.angle(z) * m.abs(z))),
             (lambda m, z: m.imag(m.prod(m.exp(z))))]
    for case in cases:
        f, g = (lambda z, c=case: c(np, z)), (lambda z, c=case: c(jnp, z))
        _assert_close(da.grad(f)(z), jax.grad(g)(z), 1e-13)
    np.testing.assert_array_equal(da.grad(lambda z: np.sum(np.abs(z) ** 2))(z), 2 * z.conj())
    # mixed real and complex arguments
    f = lambda z, x: np.sum(np.abs(z * x[0]) ** 2) + x[1] * np.real(z[0])  # noqa: E731
    g = lambda z, x: jnp.sum(jnp.abs(z * x[0]) ** 2) + x[1] * jnp.real(z[0])  # noqa: E731
    got = da.grad(f, argnums=(0, 1))(z, x)
    want = jax.grad(g, argnums=(0, 1))(z, x)
    _assert_close(got[0], want[0], 1e-14)
    _assert_close(got[1], want[1], 1e-14)
    assert got[1].dtype == np.float64
    with pytest.raises(TypeError, match="holomorphic=True"):
        da.grad(lambda z: np.sum(z))(z)


def test_jvp_and_real_to_complex_as_jax(jax):
    jnp = jax.numpy
    z = np.array([1 + 2j, -0.5 + 0.3j, 0.2 - 1.1j])
    t = np.array([0.1 + 0.2j, 1j, 1.0 + 0j])
    for f, g in [(lambda z: np.sin(z) * z[0], lambda z: jnp.sin(z) * z[0]),
                 (lambda z: np.abs(z) + np.angle(z), lambda z: jnp.abs(z) + jnp.angle(z)),
                 (lambda z: np.conj(z) * z[1], lambda z: jnp.conj(z) * z[1])]:
        v, d = da.jvp(f, (z,), (t,))
        vj, dj = jax.jvp(g, (z,), (t,))
        _assert_close(v, vj, 1e-15)
        _assert_close(d, dj, 1e-14)
        assert np.iscomplexobj(d) == np.iscomplexobj(np.asarray(dj))
    x = np.array([0.3, 0.7, -1.2])
    h = lambda x: np.exp(1j * x) * x[0]  # noqa: E731
    hj = lambda x: jnp.exp(1j * x) * x[0]  # noqa: E731
    J = da.jacobian(h)(x)
    assert J.dtype == np.complex128
    _assert_close(J, jax.jacfwd(hj)(x), 1e-15)
    v, d = da.jvp(h, (x,), (np.array([1.0, 0.5, -1.0]),))
    _assert_close(d, jax.jvp(hj, (x,), (np.array([1.0, 0.5, -1.0]),))[1], 1e-15)


# --------------------------------------------------- products, FFT, linalg ---

RNG = np.random.default_rng(10)
A = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3)) + 2 * np.eye(3)
B = RNG.standard_normal((3, 2)) + 1j * RNG.standard_normal((3, 2))
TA = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
V = RNG.standard_normal((4, 3)) + 1j * RNG.standard_normal((4, 3))
TV = RNG.standard_normal((4, 3)) + 1j * RNG.standard_normal((4, 3))


def along(f, z, t, h=1e-6):
    """The derivative of f at z along the complex direction t by a central difference
    (valid for any f: real-linear in t, holomorphic or not)."""
    return (np.asarray(f(z + h * t)) - np.asarray(f(z - h * t))) / (2 * h)


def _check_along(f, z, t, dtype=np.complex128):
    z32, t32 = z.astype(dtype), t.astype(dtype)
    v, d = da.jvp(f, (z32,), (t32,))
    # the values as NumPy's to rounding (eigvalsh is eigh's values, lstsq pinv's product)
    _assert_close(v, f(z32), 1e-13 if dtype == np.complex128 else 1e-5)
    assert np.asarray(d).dtype == np.asarray(f(z32)).dtype
    tol = 1e-7 if dtype == np.complex128 else 2e-4  # complex64: float32 rounding x |f'|
    _assert_close(d, along(f, z, t), tol)


PRODUCTS = {
    "matmul": lambda a: a @ B + a.T @ a @ B,
    "dot": lambda a: np.dot(a, B[:, 0]) * np.dot(B[:, 1], a)[0],
    "vdot": lambda a: np.vdot(a, a * 2j + 1) * a,
    "einsum": lambda a: np.einsum("ij,jk->ik", a, np.conj(a)),
    "tensordot": lambda a: np.tensordot(a, a * 1j, axes=1),
    "inner_outer": lambda a: np.inner(a, B.T).T @ np.outer(a[0], a[1]),
    "norm": lambda a: np.linalg.norm(a) + np.linalg.norm(a, axis=0) + np.linalg.norm(a, 1),
}
LINALG = {
    "solve": lambda a: np.linalg.solve(a, B),
    "solve_vector": lambda a: np.linalg.solve(a, B[:, 0]),
    "inv": np.linalg.inv,
    "det": np.linalg.det,
    "slogdet": lambda a: np.linalg.slogdet(a)[1],
    "slogdet_sign": lambda a: np.linalg.slogdet(a)[0],
    "det_singular": lambda a: np.linalg.det(a[:, [0, 0, 1]]),
    "eigvals": lambda a: np.linalg.eig(a)[0],
    "eigvecs": lambda a: np.linalg.eig(a)[1],
    "eigvecs_of_real": lambda a: np.linalg.eig(a.real)[1],  # complex pairs of a real matrix
}
FFTS = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2", "irfft2",
        "fftn", "ifftn", "rfftn", "irfftn", "fftshift", "ifftshift"]
REAL_INPUT = {"rfft", "ihfft", "rfft2", "rfftn"}  # NumPy takes real arrays there


def _fft_function(name):
    f = getattr(np.fft, name)
    if name in REAL_INPUT:
        return lambda z: f(np.real(z) * np.imag(z))
    return f


# det at an exactly singular matrix in complex128 only: in complex64 the rounded
# matrix is not exactly singular, LAPACK factors it, and the trace formula's
# inverse carries 1/eps32 (as for float32 real matrices).
@pytest.mark.parametrize("name,dtype", [(n, d) for n in sorted(PRODUCTS) + sorted(LINALG)
                                        for d in (np.complex128, np.complex64)
                                        if (n, d) != ("det_singular", np.complex64)])
def test_products_and_linalg_along_complex_directions(name, dtype):
    f = PRODUCTS.get(name) or LINALG[name]
    _check_along(f, A, TA, dtype)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("name", FFTS)
def test_ffts_of_complex_dual_arrays(name, dtype):
    f = _fft_function(name)
    _check_along(f, V, TV, dtype)
    _check_along(lambda z: f(z[:, :2] * z[:, 1:]), V, TV, dtype)  # on a dual expression


def test_complex_linear_ffts_are_holomorphic_the_others_refuse():
    for name in ("fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "fftshift", "ifftshift"):
        f = getattr(np.fft, name)
        J = da.jacobian(f, holomorphic=True)(V)
        dx, _ = wirtinger_central(f, V)
        _assert_close(J, dx, 1e-8)
    for name in ("irfft", "hfft", "irfft2", "irfftn"):  # real-linear only (Hermitian parts)
        with pytest.raises(ValueError, match="Cauchy-Riemann"):
            da.jacobian(getattr(np.fft, name), holomorphic=True)(V)


def test_second_order_through_fft_and_linalg_against_central_differences():
    # grad of a real-valued function (JAX's conjugate form), differentiated again along t
    def f(z):
        return np.sum(np.abs(np.fft.fft(z * np.linalg.det(A + z[:3, :].T @ z[:3, :] * 0.1))) ** 2)
    g = da.grad(f)
    dx, dy = wirtinger_central(f, V)
    _assert_close(g(V), dx - 1j * dy, 1e-6)
    _, d = da.jvp(g, (V,), (TV,))
    _assert_close(d, along(g, V, TV), 1e-6)


def test_linalg_and_fft_hessians_as_jax(jax):
    jnp = jax.numpy
    cases = [(lambda a: np.sum(np.linalg.solve(a, B) * np.linalg.det(a)),
              lambda a: jnp.sum(jnp.linalg.solve(a, B) * jnp.linalg.det(a))),
             (lambda a: np.sum(np.linalg.inv(a) @ a @ a),
              lambda a: jnp.sum(jnp.linalg.inv(a) @ a @ a)),
             (lambda a: np.sum(np.fft.fft2(a) ** 2 * np.fft.ifft(a, axis=0)),
              lambda a: jnp.sum(jnp.fft.fft2(a) ** 2 * jnp.fft.ifft(a, axis=0)))]
    for f, g in cases:
        _assert_close(da.jacobian(f, holomorphic=True)(A),
                      jax.jacfwd(g, holomorphic=True)(A), 1e-12)
        _assert_close(da.hessian(f, holomorphic=True)(A),
                      jax.hessian(g, holomorphic=True)(A), 1e-11)
    # eigenvalues: JAX refuses second derivatives there (they need the eigenvectors')
    f = lambda a: np.sum(np.linalg.eigvals(a) ** 3)  # noqa: E731
    g = lambda a: jnp.sum(jnp.linalg.eigvals(a) ** 3)  # noqa: E731
    _assert_close(da.grad(f, holomorphic=True)(A), jax.grad(g, holomorphic=True)(A), 1e-12)
    dx, _ = wirtinger_central(da.grad(f, holomorphic=True), A)
    _assert_close(da.hessian(f, holomorphic=True)(A), dx, 1e-7)
    # the conjugate-Wirtinger gradient of real-valued functions through FFT and solve
    f = lambda v: np.sum(np.abs(np.fft.fft(v, axis=0)) ** 2 * np.real(np.linalg.solve(A, v[:3].T)).T.sum())  # noqa: E731,E501
    g = lambda v: jnp.sum(jnp.abs(jnp.fft.fft(v, axis=0)) ** 2 * jnp.real(jnp.linalg.solve(A, v[:3].T)).T.sum())  # noqa: E731,E501
    _assert_close(da.grad(f)(V), jax.grad(g)(V), 1e-12)


S = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
HERM = S @ S.conj().T + 3 * np.eye(3)
HDIR = TA + TA.conj().T   # a Hermitian direction (NumPy reads one triangle of HERM)
TALL = RNG.standard_normal((4, 3)) + 1j * RNG.standard_normal((4, 3))
TTALL = RNG.standard_normal((4, 3)) + 1j * RNG.standard_normal((4, 3))
NEG = -np.eye(3) + 0.2 * RNG.standard_normal((3, 3))   # real, with a complex square root


def _projector(q):  # the phase-free quantity of each eigenvector: q_0 q_0^H
    return q[:, :1] @ np.conj(q[:, :1]).T


def _scipy_cases():
    import scipy.linalg as sl
    import dualad.scipy.linalg as dsl
    b = B
    cases = {
        "expm": (dsl.expm, sl.expm, A, TA),
        "sqrtm": (dsl.sqrtm, sl.sqrtm, A, TA),
        "sqrtm_negative_real": (dsl.sqrtm, sl.sqrtm, NEG, RNG.standard_normal((3, 3))),
        "cho_factor_lower": (lambda a: dsl.cho_factor(a, lower=True)[0],
                             lambda a: np.tril(sl.cho_factor(a, lower=True)[0]), HERM, HDIR),
        "cho_factor_upper": (lambda a: dsl.cho_factor(a)[0],
                             lambda a: np.triu(sl.cho_factor(a)[0]), HERM, HDIR),
        "cho_solve": (lambda a: dsl.cho_solve(dsl.cho_factor(a), b),
                      lambda a: sl.cho_solve(sl.cho_factor(a), b), HERM, HDIR)}
    for tr in (0, 1, 2):
        cases[f"solve_triangular_trans{tr}"] = (
            lambda a, tr=tr: dsl.solve_triangular(a, b, trans=tr, lower=True),
            lambda a, tr=tr: sl.solve_triangular(a, b, trans=tr, lower=True), A, TA)
        cases[f"lu_solve_trans{tr}"] = (
            lambda a, tr=tr: dsl.lu_solve(dsl.lu_factor(a), b, trans=tr),
            lambda a, tr=tr: sl.lu_solve(sl.lu_factor(a), b, trans=tr), A, TA)
    return cases


DECOMPOSITIONS = {
    "svdvals": (lambda a: np.linalg.svd(a, compute_uv=False), TALL, TTALL),
    "norm_2": (lambda a: np.linalg.norm(a, 2), TALL, TTALL),
    "qr_q": (lambda a: np.linalg.qr(a)[0], TALL, TTALL),
    "qr_r": (lambda a: np.linalg.qr(a, mode="r"), TALL, TTALL),
    "pinv": (np.linalg.pinv, TALL, TTALL),
    "lstsq": (lambda a: np.linalg.lstsq(a, V[:, 0])[0], TALL, TTALL),
    "lstsq_residual": (lambda a: np.linalg.lstsq(a, V[:, 0])[1], TALL, TTALL),
    "cholesky": (np.linalg.cholesky, HERM, HDIR),
    "cholesky_upper": (lambda a: np.linalg.cholesky(a, upper=True), HERM, HDIR),
    "eigvalsh": (np.linalg.eigvalsh, HERM, HDIR),
    "eigvalsh_any_direction": (np.linalg.eigvalsh, HERM, TA),  # the lower triangle's
    "eigh_projector": (lambda a: _projector(np.linalg.eigh(a)[1]), HERM, HDIR),
    "eigh_upper_projector": (lambda a: _projector(np.linalg.eigh(a, "U")[1]), HERM, TA),
    "matrix_power": (lambda a: np.linalg.matrix_power(a, -3), A, TA),
}


@pytest.mark.parametrize("name", sorted(DECOMPOSITIONS))
def test_complex_decompositions_along_complex_directions(name):
    f, z, t = DECOMPOSITIONS[name]
    _check_along(f, z, t)


@pytest.mark.parametrize("name", sorted(_scipy_cases()))
def test_scipy_linalg_on_complex_matrices(name):
    ours, theirs, z, t = _scipy_cases()[name]
    v, d = da.jvp(ours, (z,), (t,))
    _assert_close(v, theirs(z), 1e-13)
    _assert_close(d, along(theirs, z, t), 1e-7)


def test_eigh_and_svd_vectors_as_jax(jax):
    jnp = jax.numpy
    _, dq = da.jvp(lambda a: np.linalg.eigh(a)[1], (HERM,), (HDIR,))
    _, dqj = jax.jvp(lambda a: jnp.linalg.eigh(a)[1], (HERM,), (HDIR,))
    _assert_close(dq, dqj, 1e-12)   # JAX's gauge: q_i^H dq_i = 0
    q = np.linalg.eigh(HERM)[1]
    np.testing.assert_allclose(np.sum(np.conj(q) * dq, axis=0), 0, atol=1e-13)
    for a, t in ((TALL, TTALL), (TALL.T, TTALL.T), (A, TA)):   # tall, wide, square
        (u, s, vh), (du, ds, dvh) = da.jvp(
            lambda a: tuple(np.linalg.svd(a, full_matrices=False)), (a,), (t,))
        _, want = jax.jvp(lambda a: tuple(jnp.linalg.svd(a, full_matrices=False)), (a,), (t,))
        for got, w in zip((du, ds, dvh), want):
            _assert_close(got, w, 1e-13)
        # whatever the gauge, the product rule of U S Vh gives back the direction
        _assert_close(du @ np.diag(s) @ vh + u @ np.diag(ds) @ vh + u @ np.diag(s) @ dvh,
                      t, 1e-13)


def test_batched_and_second_order_complex_decompositions():
    Ab = np.stack([A, A.T + 1j])
    Tb = np.stack([TA, TA * 1j])
    for f in (lambda a: np.linalg.eig(a)[1], lambda a: np.linalg.eig(a)[0], np.linalg.det,
              np.linalg.inv, lambda a: np.linalg.slogdet(a)[0],
              lambda a: np.linalg.eigh(a @ np.conj(np.swapaxes(a, -1, -2)))[0]):
        _check_along(f, Ab, Tb)
    # second order: the gradient of real losses through the decompositions, along TA
    for loss in (lambda a: np.sum(np.abs(np.linalg.eig(a)[1] @ np.ones(3)) ** 2),
                 lambda a: np.linalg.norm(np.linalg.qr(a)[0] @ np.linalg.cholesky(HERM)),
                 lambda a: np.sum(np.abs(np.linalg.cholesky(a @ np.conj(a.T) + np.eye(3)))),
                 lambda a: np.real(np.linalg.slogdet(a)[0]) + np.abs(np.linalg.det(a))):
        g = da.grad(loss)
        _, d = da.jvp(g, (A,), (TA,))
        _assert_close(d, along(g, A, TA, h=1e-5), 1e-7)
    for loss in (lambda a: np.linalg.norm(a, 2),   # singular values, second order
                 lambda a: np.sum(np.linalg.svd(a, compute_uv=False) ** 2 * np.arange(1, 4)),
                 lambda a: np.sum(np.abs(np.linalg.svd(a, full_matrices=False)[0][:, 0]
                                         @ np.linalg.svd(a, full_matrices=False)[2][0]))):
        g = da.grad(loss)
        _, d = da.jvp(g, (A,), (TA,))
        _assert_close(d, along(g, A, TA, h=1e-5), 1e-7)


def test_eig_follows_numpys_normalisation():
    # unit columns whose largest entry is real: the derivative keeps both (to first order)
    w, v = np.linalg.eig(A)
    _, dv = da.jvp(lambda a: np.linalg.eig(a)[1], (A,), (TA,))
    np.testing.assert_allclose(np.sum(np.conj(v) * dv, axis=0).real, 0, atol=1e-13)
    k = np.argmax(np.abs(v), axis=0)
    np.testing.assert_allclose(dv[k, np.arange(3)].imag, 0, atol=1e-13)


# ------------------------------------------------------ check_derivatives ---

@pytest.mark.parametrize("order", [1, 2])
def test_check_derivatives_on_complex_inputs(order):
    z = np.array([1 + 1j, -0.5 + 2j, 0.3 - 0.2j])
    hol = lambda z: (np.exp(z) * z[0] + np.fft.fft(z) ** 2 / 4  # noqa: E731
                     + np.linalg.solve(4 * np.eye(3) + 0.1 * np.outer(z, z), z))
    assert da.check_derivatives(hol, z, order, holomorphic=True) <= 1.0
    assert da.check_derivatives(lambda w: w ** 3, 1 + 2j, order, holomorphic=True) <= 1.0
    anyf = lambda z: np.abs(z) ** 3 + np.conj(z) * z[1] + np.angle(z) * np.real(np.fft.ifft(z))  # noqa: E731,E501
    assert da.check_derivatives(anyf, z, order) <= 1.0
    assert da.check_derivatives(anyf, z.astype(np.complex64), order) <= 1.0
    assert da.check_derivatives(lambda x: np.exp(1j * x) * x, np.array([0.3, 0.5]), order) <= 1.0


def test_check_derivatives_catches_wrong_complex_derivatives():
    z = np.array([1 + 1j, -0.5 + 2j])

    def wrong(w):  # the dual path differs from the plain one: a "derivative" of 2 for 2 + 1e-3
        return w * 2.0 if isinstance(w, DualArray) else w * (2.0 + 1e-3)
    with pytest.raises(AssertionError, match="complex direction"):
        da.check_derivatives(wrong, z, holomorphic=True)
    with pytest.raises(AssertionError, match="complex direction"):
        da.check_derivatives(wrong, z)

    def wrong_imag(w):  # right along real directions, wrong along imaginary ones
        if isinstance(w, DualArray):
            return w.real + 1j * np.imag(w) * 0.999
        return w
    with pytest.raises(AssertionError, match="differs"):
        da.check_derivatives(wrong_imag, z)
    with pytest.raises(ValueError, match="Cauchy-Riemann"):
        da.check_derivatives(np.conj, z, holomorphic=True)
    with pytest.raises(TypeError, match="requires a complex x"):
        da.check_derivatives(np.sin, np.ones(2), holomorphic=True)


def test_sparsity_refuses_complex_inputs():
    # compressed passes seed real directions: half a Jacobian would be silent, so refused
    z = np.array([1 + 1j, 2 - 1j])
    for call in (lambda: da.jacobian(np.abs, sparsity="auto")(z),
                 lambda: da.jacobian(np.abs, sparsity=np.eye(2, dtype=bool))(z),
                 lambda: da.hessian(lambda z: np.sum(np.abs(z)), sparsity="auto")(z),
                 lambda: da.jacobian(np.abs, sparsity="auto")(1 + 1j)):
        with pytest.raises(TypeError, match="sparsity= of complex inputs"):
            call()
    with pytest.raises(TypeError, match="holomorphic=True"):
        da.jacobian(np.sin, format="csr")(z)  # the dense path's refusal, as jax.jacfwd


def test_vmap_of_transforms_of_complex_arrays():
    Z = np.array([[1 + 1j, 2 - 1j], [0.5j, -1 + 0.2j]])
    f = lambda z: np.sum(np.abs(z) ** 2 * np.real(z))  # noqa: E731
    np.testing.assert_array_equal(da.vmap(da.grad(f))(Z), np.stack([da.grad(f)(z) for z in Z]))
    J = da.vmap(da.jacobian(np.sin, holomorphic=True))(Z)
    np.testing.assert_allclose(J, np.stack([np.diag(np.cos(z)) for z in Z]), rtol=1e-15)


@pytest.mark.parametrize("call", [
    lambda z: np.fft.fft(z, axis=0), lambda z: np.fft.fft(z, n=6, axis=1, norm="ortho"),
    lambda z: np.fft.ifft(z, 2, 0), lambda z: np.fft.fftn(z, axes=(0,)),
    lambda z: np.fft.fftn(z, s=(2, 5), axes=(0, 1)),
    lambda z: np.fft.ifft2(z, axes=(1, 0), norm="forward"),
    lambda z: np.fft.irfftn(z, s=(4, 4), axes=(-2, -1)), lambda z: np.fft.hfft(z, axis=0),
    lambda z: np.fft.rfft(z.real, axis=0), lambda z: np.fft.fftshift(z, axes=1),
    lambda z: np.fft.ifftshift(z, 0), lambda z: np.fft.irfft2(z, s=[3, 4], axes=[0, 1])])
def test_fft_axes_sizes_and_norms(call):
    _check_along(call, V, TV)
    v, d = da.jvp(call, (V,), (TV,))
    np.testing.assert_array_equal(v, call(V))


def test_fft_refusals():
    x = DualArray(V, np.ones(V.shape + (1,)))
    with pytest.raises(TypeError, match="only dual argument"):
        np.fft.fft(x, n=x[0, 0])
    with pytest.raises(TypeError, match="cannot become a plain NumPy array"):
        np.fft.fft(x, out=np.empty(V.shape, complex))   # a float out= would drop them
    out = np.zeros_like(x)
    assert np.fft.fft(x, out=out) is out and np.allclose(out.values, np.fft.fft(V))
    with pytest.raises(np.exceptions.AxisError):
        np.fft.fft(x, axis=2)


def test_cauchy_riemann_check_scales_with_the_function():
    z = np.array([1 + 2j, -0.5 + 0.3j])
    # a tiny non-holomorphic f is still refused (no absolute floor)
    with pytest.raises(ValueError, match="Cauchy-Riemann"):
        da.jacobian(lambda z: 1e-20 * np.conj(z), holomorphic=True)(z)
    # an identically zero Hessian is rounding of f's values only: accepted, and ~0
    H = da.hessian(lambda z: np.sum(np.linalg.inv(np.diag(z + 3)) @ np.diag(z + 3) @ z),
                   holomorphic=True)(z)
    assert np.abs(H).max() < 1e-13


def test_sparsity_through_complex_intermediates():
    # the parts of a complex quantity keep its dependencies (imag of a set is the set)
    x = np.linspace(0.1, 1, 12).reshape(3, 4)
    M = np.array([[0.1, -2, 0, 0], [1, 0.3, 0, 0], [0, 0, 1, 0.5], [0, 0, 0.2, 2]])
    cases = [lambda x: np.fft.fft(x).real, lambda x: np.fft.rfft(x, axis=0).imag,
             lambda x: np.abs(np.fft.fft2(x[:, :2])), lambda x: np.fft.fftshift(x, axes=1),
             lambda x: np.fft.irfft(x, n=5), lambda x: np.linalg.eigvals(M * x[0]).imag,
             lambda x: np.abs(np.linalg.eig(M + x[:2, :2].sum())[1]).ravel(),
             lambda x: np.linalg.slogdet(M + 1j * x[0, 0])[0].imag,
             lambda x: np.angle(x[0] + 1j * x[1]), lambda x: np.conj(x * 1j).imag]
    for f in cases:
        P = da.sparsity(f)(x).toarray()
        J = da.jacobian(f)(x).reshape(P.shape)
        assert np.all(P | (J == 0))   # every nonzero of the Jacobian is in the pattern
    # exact where the transform mixes only along its axis
    P = da.sparsity(lambda x: np.fft.rfft(x, axis=0).imag)(x).toarray()
    assert P.sum() == 3 * 4 * 2   # 2 outputs per column, each of the column's 3 inputs


def test_chunks_trees_and_value_and_grad_on_complex_arrays(jax):
    jnp = jax.numpy
    z = np.array([1 + 2j, -0.5 + 0.3j, 0.2 - 1.1j, 2j, 1.0 + 0j])
    f = lambda z: np.sin(z) * z[0] + np.fft.fft(z)  # noqa: E731
    J = da.jacobian(f, holomorphic=True)(z)
    np.testing.assert_array_equal(da.jacobian(f, holomorphic=True, chunk=2)(z), J)
    _assert_close(J, jax.jacfwd(lambda z: jnp.sin(z) * z[0] + jnp.fft.fft(z),
                                holomorphic=True)(z), 1e-13)
    g = lambda t: np.sum(np.abs(t[0]) ** 2) + np.real(t[1] * t[0][0])  # noqa: E731
    gj = lambda t: jnp.sum(jnp.abs(t[0]) ** 2) + jnp.real(t[1] * t[0][0])  # noqa: E731
    got, want = da.grad(g)((z[:2], 1j)), jax.grad(gj)((z[:2], 1j))
    _assert_close(got[0], want[0], 1e-15)
    _assert_close(got[1], want[1], 1e-15)
    h = lambda z: np.sum(np.exp(z) * z)  # noqa: E731
    v, gr = da.value_and_grad(h, holomorphic=True, chunk=3)(z)
    vj, grj = jax.value_and_grad(lambda z: jnp.sum(jnp.exp(z) * z), holomorphic=True)(z)
    _assert_close(v, vj, 1e-15)
    _assert_close(gr, grj, 1e-14)
