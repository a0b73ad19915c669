"""Taylor mode at complex points in Python/NumPy (issue 10; guides/complex.md).

``da.taylor``, ``da.derivative(f, order=k)`` (k >= 3) and ``da.jet`` with complex
values: every holomorphic rule against ``mpmath.taylor`` to order 10 in each
quadrant and just off its branch cuts (both sides), complex128 and complex64;
derivatives against ``mpmath.diff`` and against nested duals; the refusals
(non-holomorphic rules and parts, Cauchy-Riemann, numba functions).
"""
import cmath
import math

import mpmath
import numba
import numpy as np
import pytest

import dualad as da
from dualad._transforms.derivative import _nested
from reference import MP_FUNCTIONS
from test_complex import HOLOMORPHIC_UNARY, POINTS, QUADRANTS

mpmath.mp.dps = 40


def _mp_taylor(mf, z, order):
    return np.array([complex(c) for c in mpmath.taylor(mf, mpmath.mpc(z), order)])


def _assert_rel(got, want, rtol):
    err = np.abs(np.asarray(got) - want)
    assert np.all(err <= rtol * np.abs(want) + 1e-300), (got, want)


@pytest.mark.parametrize("rule", HOLOMORPHIC_UNARY, ids=lambda r: r.name)
def test_unary_rules_to_order_10_against_mpmath(rule):
    f, mf = getattr(da, rule.name), MP_FUNCTIONS[rule.name]
    for z in POINTS:  # each quadrant and both sides of every branch cut
        got = da.taylor(f, 10)(z)
        assert got.dtype == np.complex128
        _assert_rel(got, _mp_taylor(mf, z, 10), 1e-12)
    # complex64 stays complex64; rounding relative to the largest coefficient
    for z in QUADRANTS:
        z32 = np.complex64(z)
        got = da.taylor(f, 6)(z32)
        assert got.dtype == np.complex64
        want = _mp_taylor(mf, complex(z32), 6)
        assert np.max(np.abs(got - want)) <= 2e-6 * np.max(np.abs(want)), rule.name
    # an array of points: elementwise, the same coefficients as one point at a time
    zs = np.array(POINTS)
    np.testing.assert_allclose(da.taylor(f, 5)(zs),
                               np.array([da.taylor(f, 5)(z) for z in POINTS]), rtol=1e-14)


def f_composite(z):
    return da.exp(da.sin(z)) / (1.0 + z * z) + da.sqrt(z) * da.atan(z) ** 2


def mp_composite(z):
    return mpmath.exp(mpmath.sin(z)) / (1 + z * z) + mpmath.sqrt(z) * mpmath.atan(z) ** 2


@pytest.mark.parametrize("z", QUADRANTS + [-2.0 + 1e-3j, -2.0 - 1e-3j])
def test_derivatives_against_mpmath_and_nested_duals(z):
    for k in range(3, 11):
        want = complex(mpmath.diff(mp_composite, mpmath.mpc(z), k))
        got = da.derivative(f_composite, order=k)(z)
        assert type(got) is complex
        assert abs(got - want) <= 1e-11 * abs(want), (k, got, want)
    for k in (3, 4):  # Taylor mode against nested duals (order 2 by HyperDual-like nesting)
        nested = _nested(f_composite, k)(z)
        assert abs(da.derivative(f_composite, order=k)(z) - nested) <= 1e-12 * abs(nested)
    for k in (1, 2):  # the orders below TAYLOR_MIN_ORDER agree with a Taylor pass
        c = da.taylor(f_composite, 2)(z)
        assert abs(da.derivative(f_composite, order=k)(z) - c[k] * math.factorial(k)) \
            <= 1e-13 * abs(c[k] * math.factorial(k))
    z32 = np.complex64(z)
    d32 = da.derivative(f_composite, order=3)(z32)
    assert type(d32) is np.complex64
    want = complex(mpmath.diff(mp_composite, mpmath.mpc(complex(z32)), 3))
    assert abs(d32 - want) <= 1e-4 * abs(want)


POWERS = [
    (lambda x: x ** 2.5, lambda x: x ** 2.5),
    (lambda x: x ** (1.0 + 1.0j), lambda x: x ** mpmath.mpc(1, 1)),
    (lambda x: (1.0 + 1.0j) ** x, lambda x: mpmath.mpc(1, 1) ** x),
    (lambda x: 2.0 ** x, lambda x: mpmath.mpf(2) ** x),
    (lambda x: x ** x, lambda x: x ** x),
    (lambda x: da.log(x, 3.0 + 1.0j), lambda x: mpmath.log(x) / mpmath.log(mpmath.mpc(3, 1))),
    (lambda x: x ** -3, lambda x: x ** -3),
]


@pytest.mark.parametrize("case", range(len(POWERS)))
def test_powers_against_mpmath(case):
    f, mf = POWERS[case]
    for z in QUADRANTS + [-2.0 + 1e-3j, -2.0 - 1e-3j]:
        _assert_rel(da.taylor(f, 10)(z), _mp_taylor(mf, z, 10), 1e-11)


def test_real_point_complex_function():
    # f of a real x with complex constants: complex coefficients
    got = da.taylor(lambda x: da.exp(1j * x), 8)(0.5)
    want = [np.exp(0.5j) * 1j ** k / math.factorial(k) for k in range(9)]
    np.testing.assert_allclose(got, want, rtol=1e-14)
    assert da.derivative(lambda x: x ** 3 * (2 + 1j), order=3)(1.5) == 6 * (2 + 1j)
    np.testing.assert_allclose(da.derivative(lambda x: x * np.exp(1j * x), order=4)(
        np.array([0.0, 1.0])), [(4 * 1j ** 3 + x * 1j ** 4) * np.exp(1j * x)
                                for x in (0.0, 1.0)], rtol=1e-14)


def test_jet_with_complex_primals_and_series():
    # x(t) = x0 + x1 t + x2 t²/2! + x3 t³/3!, every term complex; y = f(x(t))
    x0, x1, x2, x3 = 0.6 - 0.3j, 1.0 + 0.5j, -0.2j, 0.3
    y0, ys = da.jet(f_composite, (x0,), ([x1, x2, x3],))

    def mg(t):
        return mp_composite(mpmath.mpc(x0) + mpmath.mpc(x1) * t + mpmath.mpc(x2) * t ** 2 / 2
                            + mpmath.mpc(x3) * t ** 3 / 6)
    want = [complex(c) * math.factorial(k) for k, c in enumerate(mpmath.taylor(mg, 0, 3))]
    assert abs(y0 - want[0]) <= 1e-14 * abs(want[0])
    for k, term in enumerate(ys, 1):
        assert type(term) is complex
        assert abs(term - want[k]) <= 1e-12 * abs(want[k]), k
    # a real primal with complex series, two arguments, complex64 arrays
    y0, ys = da.jet(lambda p, q: p * da.exp(q), (1.0, 0.5), ([1j, 0.0], [0.0, 1.0]))
    # p = 1 + 1j t, q = 0.5 + t²/2: y1 = p1 e^q0, y2 = p0 q2 e^q0
    np.testing.assert_allclose(ys, [1j * np.exp(0.5), np.exp(0.5)], rtol=1e-14)
    a = np.array([0.5 + 1j, -1.0 + 0.2j], np.complex64)
    y0, ys = da.jet(da.sin, (a,), ([np.ones(2, np.complex64)] * 2,))
    assert ys[0].dtype == np.complex64
    np.testing.assert_allclose(ys[1], -np.sin(a) + np.cos(a), rtol=1e-5)


def test_non_holomorphic_refused_by_name():
    z = 0.7 + 0.4j
    for f, name in [(lambda w: abs(w) * w, "fabs"), (lambda w: w.conjugate() * w, "conjugate"),
                    (lambda w: w.real + w, "real"), (lambda w: w.imag * w, "imag"),
                    (lambda w: da.erf(w), "erf"),
                    (lambda w: da.cbrt(w), "cbrt"), (lambda w: da.floor(w), "floor"),
                    (lambda w: da.hypot(w, 2.0), "hypot"), (lambda w: da.atan2(1.0, w), "atan2")]:
        for run in (da.derivative(f, order=3), da.taylor(f, 4),
                    lambda v: da.jet(f, (v,), ([1.0, 0.0],))):
            with pytest.raises(TypeError, match=rf"{name}\(\) is not holomorphic"):
                run(z)
    with pytest.raises(TypeError, match="numpy.real is not supported on Taylor numbers"):
        da.taylor(lambda w: np.real(w) * w, 3)(z)
    with pytest.raises(TypeError, match="numpy.conjugate has no derivative rule"):
        da.taylor(lambda w: np.conjugate(w) * w, 3)(z)
    with pytest.raises(TypeError, match="not ordered"):
        da.taylor(lambda w: w if w > 0 else -w, 3)(z)
    # real series keep their parts (a real perturbation of a real value)
    np.testing.assert_allclose(da.taylor(lambda x: x.real * x.conj() + x.imag, 3)(2.0),
                               [4.0, 4.0, 1.0, 0.0])


def test_cauchy_riemann_catches_what_bypasses_the_rules():
    # conj(z) built from the coefficients directly: the rules never see it
    def sneaky(w):
        return da.Taylor(np.conj(w.coefficients), w.tag) * w
    with pytest.raises(ValueError, match="not holomorphic at this point"):
        da.taylor(sneaky, 3)(0.5 + 0.5j)
    with pytest.raises(ValueError, match="not holomorphic at this point"):
        da.derivative(sneaky, order=3)(np.array([0.5 + 0.5j, 1j]))


@numba.njit
def _nb_series(z):
    """A holomorphic dispatcher: cmath, a power, a quotient, a loop."""
    t = cmath.exp(z) * cmath.sin(z) / (1 + z * z)
    for k in range(2):
        t += cmath.log(z + k + 1) * z ** 3
    return t


def _mp_series(w):
    return mpmath.exp(w) * mpmath.sin(w) / (1 + w * w) + sum(
        mpmath.log(w + k + 1) * w ** 3 for k in range(2))


def test_numba_functions_at_complex_points_on_nested_complex_duals():
    """taylor(njit_f, K) and derivative(njit_f, order=K >= 3) at complex points: K
    nested complex duals (compiled Taylor numbers are real), against mpmath.taylor
    in the four quadrants, arrays, complex64; the Cauchy-Riemann check
    at every order; orders above NESTED_MAX and jet refused."""
    from dualad._transforms.holomorphic import NESTED_MAX
    for z in (0.3 + 0.7j, -0.8 + 0.4j, -0.5 - 0.6j, 0.9 - 0.2j):
        c = da.taylor(_nb_series, 4)(z)
        assert c.shape == (5,) and c.dtype == np.complex128
        _assert_rel(c, _mp_taylor(_mp_series, z, 4), 1e-13)
        d3 = da.derivative(_nb_series, order=3)(z)
        assert abs(d3 - c[3] * 6) <= 1e-13 * abs(d3)
    zs = np.array([[0.3 + 0.7j, -0.5 - 0.6j]])
    c = da.taylor(_nb_series, 4)(zs)   # elementwise, point by point
    assert c.shape == (1, 2, 5)
    for z, cz in zip(zs[0], c[0]):
        _assert_rel(cz, _mp_taylor(_mp_series, z, 4), 1e-13)
    np.testing.assert_allclose(da.derivative(_nb_series, order=3)(zs), 6 * c[..., 3],
                               rtol=1e-13)
    c32 = da.taylor(_nb_series, 3)(np.complex64(0.3 + 0.7j))
    assert c32.dtype == np.complex64
    _assert_rel(c32, _mp_taylor(_mp_series, 0.3 + 0.7j, 3), 1e-5)
    # w + x**2 y at 0 passes Cauchy-Riemann at orders 1 and 2, not at 3 (d/dy d2/dx2 = 2)
    sneaky = numba.njit(lambda w: w + w.real * w.real * w.imag)
    with pytest.raises(ValueError, match="not holomorphic at this point"):
        da.derivative(sneaky, order=3)(0j)
    with pytest.raises(ValueError, match="not holomorphic at this point"):
        da.taylor(numba.njit(lambda w: w * w.conjugate()), 3)(1 + 1j)
    f = numba.njit(lambda x: x * x * x)
    with pytest.raises(NotImplementedError, match=f"up to order {NESTED_MAX}"):
        da.taylor(f, NESTED_MAX + 1)(1j)
    with pytest.raises(NotImplementedError, match=f"compiled up to order {NESTED_MAX}"):
        da.jet(f, (1j,), ([1.0] * (NESTED_MAX + 1),))
    with pytest.raises(NotImplementedError, match=f"direction at a complex point is "
                                                  f"compiled up to order {NESTED_MAX}"):
        da.derivative(f, order=NESTED_MAX + 1, direction=np.ones(2))(np.array([1j, 2.0]))


@numba.njit
def _nb_along(x):
    """A holomorphic function of a vector: np.exp on an array, a sum, a quotient."""
    return np.sum(np.exp(x) * x[0]) / (1 + x[1] * x[1])


@numba.njit
def _nb_not_holomorphic(x):
    return np.exp(x) * np.abs(x[0]) + np.conj(x) * x


def test_numba_derivative_along_a_direction_at_complex_points():
    """derivative(njit_f, order=K, direction=d) where x or d is complex: K nested
    complex duals seeded along d, d^K/dt^K f(x + t d) for real t; against the
    Python path (complex Taylor numbers) and, for a function that is not
    holomorphic (real t needs none), against central differences."""
    x = np.array([0.3 + 0.1j, -0.5 - 0.2j])
    d = np.array([1.0 - 0.5j, 0.25 + 1j])
    for order in (1, 3, 6):
        for point, direction in ((x, d), (x.real.copy(), d), (x, d.real.copy())):
            got = da.derivative(_nb_along, order=order, direction=direction)(point)
            want = da.derivative(_nb_along.py_func, order=order, direction=direction)(point)
            assert type(got) is complex
            assert abs(got - want) <= 1e-12 * abs(want), (order, got, want)
    z, u = 0.2 - 0.3j, 0.5 + 0.5j
    for order in (2, 5):
        want = complex(mpmath.diff(lambda w: w * mpmath.sin(w), mpmath.mpc(z), order)) \
            * u ** order
        got = da.derivative(numba.njit(lambda w: w * cmath.sin(w)), order=order,
                            direction=u)(z)
        assert abs(got - want) <= 1e-12 * abs(want)
    h, f = 1e-4, _nb_not_holomorphic
    d1 = da.derivative(f, direction=d)(x)
    d2 = da.derivative(f, order=2, direction=d)(x)
    assert d1.shape == (2,) and d1.dtype == np.complex128
    k = 1e-5
    np.testing.assert_allclose(d1, (f(x + k * d) - f(x - k * d)) / (2 * k), rtol=1e-8)
    np.testing.assert_allclose(d2, (f(x + h * d) - 2 * f(x) + f(x - h * d)) / h ** 2,
                               rtol=1e-5)
    x32, d32 = x.astype(np.complex64), d.astype(np.complex64)
    got = da.derivative(_nb_along, order=3, direction=d32)(x32)
    assert isinstance(got, np.complex64)
    want = da.derivative(_nb_along.py_func, order=3, direction=d)(x)
    assert abs(got - want) <= 1e-4 * abs(want)


@numba.njit
def _nb_two_curves(x, y):
    return np.exp(x) * y[0] + np.conj(x) * y


def test_numba_jet_at_complex_points():
    """jet(njit_f) where a primal or a term is complex: every term from one
    evaluation on nested complex duals (``nested_series``); against the Python
    path for a holomorphic f and central differences along t for one that is not."""
    x = np.array([0.3 + 0.1j, -0.5 - 0.2j])
    sx = [np.array([1.0 - 0.5j, 0.25 + 1j]), np.array([0.3, -0.2j]), np.array([0.1, 0.2])]
    y0, ys = da.jet(_nb_along, (x,), (sx,))
    w0, ws = da.jet(_nb_along.py_func, (x,), (sx,))
    assert type(y0) is complex and len(ys) == 3
    for a, b in zip([y0] + ys, [w0] + ws):
        assert abs(a - b) <= 1e-12 * abs(b)
    y = np.array([1.0 + 2j, 0.5])
    sy = [np.array([0.5, 1.0]), np.zeros(2), np.array([1j, 0.0])]
    f = _nb_two_curves
    y0, (y1, y2, _) = da.jet(f, (x, y), (sx, sy))

    def along(t):   # the curves x(t), y(t) of the series
        return f(*(p + s[0] * t + s[1] * t * t / 2 + s[2] * t ** 3 / 6
                   for p, s in ((x, sx), (y, sy))))
    np.testing.assert_array_equal(y0, f(x, y))
    h = 1e-5
    np.testing.assert_allclose(y1, (along(h) - along(-h)) / (2 * h), rtol=1e-8)
    h = 1e-4
    np.testing.assert_allclose(y2, (along(h) - 2 * along(0) + along(-h)) / h ** 2, rtol=1e-5)
    z = np.complex64(0.3 + 0.2j)   # complex64 terms: a complex64 series
    y0, ys = da.jet(numba.njit(lambda w: cmath.exp(w) * w), (z,), ([z, z],))
    assert isinstance(y0, np.complex64) and all(isinstance(t, np.complex64) for t in ys)
    w0, ws = da.jet(lambda w: da.exp(w) * w, (complex(z),), ([complex(z)] * 2,))
    assert abs(ys[1] - ws[1]) <= 1e-5 * abs(ws[1])


def test_a_complex_direction_at_a_real_point_keeps_its_imaginary_part():
    # the Taylor seed's dtype follows the direction too: a complex64/128 series
    f = lambda x: np.sum(np.sin(x) * x)  # noqa: E731
    x = np.array([0.3, 0.5])
    d = np.array([1.0 - 0.5j, 0.25 + 1j])
    want = np.sum((np.cos(x) * x + np.sin(x)) * d)
    assert abs(da.derivative(f, direction=d)(x) - want) <= 1e-15
    got32 = da.derivative(f, direction=d)(x.astype(np.float32))
    assert np.asarray(got32).dtype == np.complex64 and abs(got32 - want) <= 1e-6
    assert np.asarray(da.derivative(f, direction=d.real)(x.astype(np.float32))).dtype \
        == np.float32