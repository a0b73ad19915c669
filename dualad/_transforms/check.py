"""``da.check_derivatives``: transforms against central finite differences."""
import numpy as np

from .._core.trees import as_float_input
from .multivariate import jacobian


def _richardson(g, h):
    """Central difference of g at 0 with step h, Richardson-extrapolated once (O(h^4))."""
    d1 = (g(h) - g(-h)) / (2.0 * h)
    d2 = (g(h / 2.0) - g(-h / 2.0)) / h
    return (4.0 * d2 - d1) / 3.0


def check_derivatives(f, x, order=1, *, directions=3, rtol=None, atol=None, seed=0):
    """Check dualad's derivatives of ``f`` at ``x`` against finite differences.

    ``order=1`` compares ``jacobian(f)(x) @ v`` with a central difference of
    ``f`` along random directions ``v``; ``order=2`` compares the second
    derivative tensor contracted with ``v`` and ``w`` with a central difference
    of ``jacobian(f)(x + h w) @ v``. Raises AssertionError saying where and by
    how much they differ; returns the largest error relative to the tolerance.

    >>> import numpy as np, dualad as da
    >>> da.check_derivatives(lambda x: np.sin(x) * x[0], np.array([0.3, 0.7])) <= 1.0
    True
    """
    if order not in (1, 2):
        raise ValueError(f"check_derivatives(): order must be 1 or 2, got {order!r}")
    x, scalar = as_float_input(x, "check_derivatives(): x")
    x64 = np.asarray(x, dtype=np.float64)
    single = np.asarray(x).dtype == np.float32
    rtol = rtol if rtol is not None else (2e-3 if single else 1e-6)
    atol = atol if atol is not None else (2e-3 if single else 1e-7)
    rng = np.random.default_rng(seed)
    scale = max(1.0, float(np.max(np.abs(x64)))) if x64.size else 1.0
    h = (1e-2 if single else 2e-3) * scale

    def as_input(z):
        z = np.asarray(z, dtype=np.asarray(x).dtype)
        return z[()] if scalar else z

    def call(z):
        return np.asarray(f(as_input(z)), dtype=np.float64)

    J = jacobian(f)
    JJ = jacobian(jacobian(f)) if order == 2 else None
    worst = 0.0
    for k in range(directions):
        v = rng.standard_normal(x64.shape)
        if order == 1:
            exact = np.tensordot(np.asarray(J(as_input(x64)), np.float64), v, axes=v.ndim)
            approx = _richardson(lambda t: call(x64 + t * v), h)
            what = f"first derivative along direction {k}"
        else:
            w = rng.standard_normal(x64.shape)
            T = np.asarray(JJ(as_input(x64)), np.float64)
            exact = np.tensordot(np.tensordot(T, w, axes=w.ndim), v, axes=v.ndim)
            approx = _richardson(
                lambda t: np.tensordot(np.asarray(J(as_input(x64 + t * w)), np.float64),
                                       v, axes=v.ndim), h)
            what = f"second derivative along directions {k}"
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
        worst = max(worst, ratio)
    return worst
