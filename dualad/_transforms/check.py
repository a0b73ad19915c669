"""``da.check_derivatives``: transforms against central finite differences."""
import numpy as np

from .._core.trees import as_float_input
from .jvp import jvp
from .multivariate import jacobian


def _richardson(g, h):
    """Central difference of g at 0 with step h, Richardson-extrapolated once (O(h^4))."""
    d1 = (g(h) - g(-h)) / (2.0 * h)
    d2 = (g(h / 2.0) - g(-h / 2.0)) / h
    return (4.0 * d2 - d1) / 3.0


def check_derivatives(f, x, order=1, *, directions=3, rtol=None, atol=None, seed=0,
                      holomorphic=False):
    """Check dualad's derivatives of ``f`` at ``x`` against finite differences.

    ``order=1`` compares ``jacobian(f)(x) @ v`` with a central difference of
    ``f`` along random directions ``v``; ``order=2`` compares the second
    derivative tensor contracted with ``v`` and ``w`` with a central difference
    of ``jacobian(f)(x + h w) @ v``. Raises AssertionError saying where and by
    how much they differ; returns the largest error relative to the tolerance.

    A complex ``x``: with ``holomorphic=True`` the complex Jacobian
    (``jacobian(f, holomorphic=True)``) times random complex directions ``v``
    against the difference of ``f(x + t v)`` (t real: f'(z) v for a holomorphic
    f); without it, for any f, ``jvp`` along random real and random imaginary
    directions, separately, against the differences along them.

    >>> import numpy as np, dualad as da
    >>> da.check_derivatives(lambda x: np.sin(x) * x[0], np.array([0.3, 0.7])) <= 1.0
    True
    >>> da.check_derivatives(lambda z: np.exp(z) * z[0], np.array([1j, 2 - 1j]),
    ...                      holomorphic=True) <= 1.0
    True
    """
    if order not in (1, 2):
        raise ValueError(f"check_derivatives(): order must be 1 or 2, got {order!r}")
    x, scalar = as_float_input(x, "check_derivatives(): x", allow_complex=True)
    if np.iscomplexobj(x) or holomorphic:
        return _check_complex(f, x, scalar, order, directions, rtol, atol, seed, holomorphic)
    x64 = np.asarray(x, dtype=np.float64)
    rtol, atol, h, as_input = _settings(x, x64, np.float32, scalar, rtol, atol)
    rng = np.random.default_rng(seed)

    def call(z):
        y = np.asarray(f(as_input(z)))  # complex outputs of real inputs stay complex
        return y.astype(np.result_type(y.dtype, np.float64))

    J = jacobian(f)
    JJ = jacobian(jacobian(f)) if order == 2 else None
    worst = 0.0
    for k in range(directions):
        v = rng.standard_normal(x64.shape)
        if order == 1:
            exact = np.tensordot(_wide(J(as_input(x64))), v, axes=v.ndim)
            approx = _richardson(lambda t: call(x64 + t * v), h)
            what = f"first derivative along direction {k}"
        else:
            w = rng.standard_normal(x64.shape)
            T = _wide(JJ(as_input(x64)))
            exact = np.tensordot(np.tensordot(T, w, axes=w.ndim), v, axes=v.ndim)
            approx = _richardson(
                lambda t: np.tensordot(_wide(J(as_input(x64 + t * w))), v, axes=v.ndim), h)
            what = f"second derivative along directions {k}"
        worst = max(worst, _compare(exact, approx, atol, rtol, what))
    return worst


def _wide(y):
    """y as a float64 (or complex128) array."""
    y = np.asarray(y)
    return y.astype(np.result_type(y.dtype, np.float64))


def _compare(exact, approx, atol, rtol, what):
    """The largest error of exact against approx relative to the tolerance (AssertionError
    saying where, if above 1)."""
    exact, approx = _wide(exact), _wide(approx)
    err = np.abs(exact - approx)
    tol = atol + rtol * np.abs(approx)
    ratio = float(np.max(err / tol)) if np.size(err) else 0.0
    if not np.all(np.isfinite(exact)) and np.all(np.isfinite(approx)):
        raise AssertionError(f"check_derivatives: {what}: dualad gives a non-finite "
                             f"value {exact!r} where finite differences give {approx!r}")
    if ratio > 1.0:
        idx = np.unravel_index(int(np.argmax(err / tol)), np.shape(err)) if np.ndim(err) else ()
        raise AssertionError(
            f"check_derivatives: {what} differs at output index {idx}: dualad "
            f"{np.asarray(exact)[idx]!r}, finite differences {np.asarray(approx)[idx]!r} "
            f"(|diff| {np.asarray(err)[idx]:.3g} > tolerance {np.asarray(tol)[idx]:.3g})")
    return ratio


def _settings(x, wide, single_dtype, scalar, rtol, atol):
    """(rtol, atol, h, as_input) for checking at x: the default tolerances and the
    difference step (looser in single precision, the step scaled by |x|), and the
    map of a wide-precision point back to x's dtype (a scalar for a scalar x)."""
    dtype = np.asarray(x).dtype
    single = dtype == single_dtype
    rtol = rtol if rtol is not None else (2e-3 if single else 1e-6)
    atol = atol if atol is not None else (2e-3 if single else 1e-7)
    scale = max(1.0, float(np.max(np.abs(wide)))) if wide.size else 1.0

    def as_input(z):
        z = np.asarray(z, dtype=dtype)
        return z[()] if scalar else z
    return rtol, atol, (1e-2 if single else 2e-3) * scale, as_input


def _check_complex(f, x, scalar, order, directions, rtol, atol, seed, holomorphic):
    """check_derivatives at a complex x (see there)."""
    if holomorphic and not np.iscomplexobj(x):
        raise TypeError("check_derivatives(holomorphic=True) requires a complex x")
    x128 = np.asarray(x, dtype=np.complex128)
    rtol, atol, h, as_input = _settings(x, x128, np.complex64, scalar, rtol, atol)
    rng = np.random.default_rng(seed)

    def call(z):
        return _wide(f(as_input(z)))

    def normal():
        return rng.standard_normal(x128.shape)

    if holomorphic:
        J = jacobian(f, holomorphic=True)
        JJ = jacobian(J, holomorphic=True) if order == 2 else None

        def along(g, z, v):  # the derivative of g (holomorphic) at z along v
            return np.tensordot(_wide(g(as_input(z))), v, axes=v.ndim)
        first = lambda z, v: along(J, z, v)  # noqa: E731
        second = lambda z, v, w: np.tensordot(along(JJ, z, w), v, axes=v.ndim)  # noqa: E731
        pairs = [(normal() + 1j * normal(), normal() + 1j * normal())
                 for _ in range(directions)]
    else:
        def first(z, v):
            return _wide(jvp(f, (as_input(z),), (as_input(v),))[1])

        def second(z, v, w):
            def g(u):
                return jvp(f, (u,), (as_input(v),))[1]
            return _wide(jvp(g, (as_input(z),), (as_input(w),))[1])
        pairs = [(normal() * unit, normal() * unit2) for _ in range(directions)
                 for unit, unit2 in ((1.0, 1j), (1j, 1.0))]
    worst = 0.0
    for k, (v, w) in enumerate(pairs):
        if order == 1:
            exact = first(x128, v)
            approx = _richardson(lambda t: call(x128 + t * v), h)
            what = f"first derivative along complex direction {k}"
        else:
            exact = second(x128, v, w)
            approx = _richardson(lambda t: first(x128 + t * w, v), h)
            what = f"second derivative along complex directions {k}"
        worst = max(worst, _compare(exact, approx, atol, rtol, what))
    return worst
