"""Truncated Taylor series as coefficient arrays: the O(K²) recurrences.

A series of degree K is an ndarray ``c`` of shape ``(..., K + 1)``: the
normalised coefficients ``c[..., k] = y^(k)(t0) / k!`` on the trailing axis,
one series per element of the leading axes (a scalar series has shape
``(K + 1,)``). Every function here takes and returns such arrays (leading
axes broadcast) and costs O(K²) operations per element: products are
Cauchy products, quotients and the elementary functions below are solved
coefficient by coefficient from the differential equation each one obeys
(Griewank & Walther, *Evaluating Derivatives*, ch. 13), e.g. for y = exp(x),
y' = y x', so ``k y_k = sum_{j=1..k} j x_j y_{k-j}``.

The value ``y0`` of each function is passed in: the caller evaluates it with
the rule table's own function, so the zeroth coefficient is exactly what the
float function returns (and raises where it raises).

Functions without a recurrence here go through ``generic`` (from the rule's
derivative ladder).
"""
import numpy as np


def constant(c, like):
    """The series of the constant c (a scalar or an array of leading shape), shaped as ``like``."""
    c = np.asarray(c)
    shape = np.broadcast_shapes(c.shape, like.shape[:-1]) + like.shape[-1:]
    out = np.zeros(shape, np.result_type(c.dtype, like.dtype))
    out[..., 0] = c
    return out


def _dot(a, b):
    """sum over the trailing axis of a * b (b already reversed)."""
    return (a * b).sum(-1)


def mul(a, b):
    """The Cauchy product: (a*b)_k = sum_{j=0..k} a_j b_{k-j}."""
    n = a.shape[-1]
    if a.ndim == 1 and b.ndim == 1:
        return np.convolve(a, b)[:n]
    shape = np.broadcast_shapes(a.shape, b.shape)
    out = np.empty(shape, np.result_type(a, b))
    for k in range(n):
        out[..., k] = _dot(a[..., :k + 1], b[..., k::-1])
    return out


def div(a, b):
    """q = a / b from a = q * b: q_k = (a_k - sum_{j<k} q_j b_{k-j}) / b_0 (no b*b)."""
    n = a.shape[-1]
    shape = np.broadcast_shapes(a.shape, b.shape)
    q = np.empty(shape, np.result_type(a, b))
    b0 = b[..., 0]
    q[..., 0] = a[..., 0] / b0
    for k in range(1, n):
        q[..., k] = (a[..., k] - _dot(q[..., :k], b[..., k:0:-1])) / b0
    return q


def _derivative_weights(x):
    """j * x_j for j = 1..K: the coefficients of x' (times t^(j-1))."""
    n = x.shape[-1]
    return x[..., 1:] * np.arange(1, n, dtype=x.dtype)


def _empty_like(x, y0):
    y0 = np.asarray(y0)
    out = np.empty(np.broadcast_shapes(x.shape[:-1], y0.shape) + x.shape[-1:],
                   np.result_type(x.dtype, y0.dtype))
    out[..., 0] = y0
    return out


def integrate(x, g, y0):
    """y with y' = g(t) x'(t) and y(0) = y0, g known to degree K - 1.

    ``k y_k = sum_{j=1..k} j x_j g_{k-j}``: the last step of the generic path.
    """
    xd = _derivative_weights(x)
    y = _empty_like(np.broadcast_to(x, np.broadcast_shapes(x.shape[:-1], g.shape[:-1])
                                    + x.shape[-1:]), y0)
    for k in range(1, x.shape[-1]):
        y[..., k] = _dot(xd[..., :k], g[..., k - 1::-1]) / k
    return y


def exp(x, y0, scale=None):
    """y = exp(scale * x) (y0 = its value): k y_k = scale sum_j j x_j y_{k-j}.

    ``scale`` (a constant, or an array of the leading shape) defaults to 1."""
    xd = _derivative_weights(x)
    if scale is not None:
        xd = xd * np.asarray(scale, xd.dtype)[..., None]
    y = _empty_like(x, y0)
    for k in range(1, x.shape[-1]):
        y[..., k] = _dot(xd[..., :k], y[..., k - 1::-1]) / k
    return y


def log(x, y0, scale=1.0):
    """y = scale * log(x): x y' = scale x', so
    y_k = (scale x_k - (1/k) sum_{j=1..k-1} j y_j x_{k-j}) / x_0."""
    y = _empty_like(x, y0)
    x0 = x[..., 0]
    n = x.shape[-1]
    j = np.arange(1, n, dtype=y.dtype)
    for k in range(1, n):
        s = _dot(j[:k - 1] * y[..., 1:k], x[..., k - 1:0:-1]) / k if k > 1 else 0.0
        y[..., k] = (scale * x[..., k] - s) / x0
    return y


def power(x, y0, r):
    """y = x**r for a constant r and x_0 != 0: x y' = r y x', so
    y_k = sum_{j=0..k-1} (r (k - j) - j) x_{k-j} y_j / (k x_0)."""
    y = _empty_like(x, y0)
    x0 = x[..., 0]
    r = np.asarray(r, y.dtype)[..., None]
    n = x.shape[-1]
    for k in range(1, n):
        j = np.arange(k, dtype=y.dtype)
        w = r * (k - j) - j
        y[..., k] = _dot(w * y[..., :k], x[..., k:0:-1]) / (k * x0)
    return y


def sqrt(x, y0):
    """y = sqrt(x) from y*y = x: y_k = (x_k - sum_{j=1..k-1} y_j y_{k-j}) / (2 y_0)."""
    y = _empty_like(x, y0)
    y0 = y[..., 0]
    for k in range(1, x.shape[-1]):
        s = _dot(y[..., 1:k], y[..., k - 1:0:-1]) if k > 1 else 0.0
        y[..., k] = (x[..., k] - s) / (2.0 * y0)
    return y


def sin_cos(x, s0, c0, sign=-1.0):
    """(sin x, cos x) together: s' = c x', c' = -s x'. ``sign=+1``: (sinh, cosh)."""
    xd = _derivative_weights(x)
    s = _empty_like(x, s0)
    c = _empty_like(x, c0)
    for k in range(1, x.shape[-1]):
        a = xd[..., :k]
        s[..., k] = _dot(a, c[..., k - 1::-1]) / k
        c[..., k] = sign * _dot(a, s[..., k - 1::-1]) / k
    return s, c


def tan_like(x, y0, w0, sign):
    """y = tan x (sign +1: y' = (1 + y²) x') or tanh x (sign -1: y' = (1 - y²) x').

    w = 1 ± y² is carried along, its zeroth coefficient ``w0`` given by the
    caller (for tanh, sech² from exp(-2|x|): 1 - tanh² would lose every digit
    for large |x|); its higher coefficients are ±(y*y)_k, with no cancellation.
    """
    xd = _derivative_weights(x)
    y = _empty_like(x, y0)
    w = np.empty_like(y)
    w[..., 0] = w0
    for k in range(1, x.shape[-1]):
        y[..., k] = _dot(xd[..., :k], w[..., k - 1::-1]) / k
        w[..., k] = sign * _dot(y[..., :k + 1], y[..., k::-1])
    return y
