"""Truncated Taylor series as coefficient arrays: the O(K²) recurrences.

A series of degree K is an ndarray ``c`` of shape ``(K + 1, ...)``: the
normalised coefficients ``c[k] = y^(k)(t0) / k!`` on the *leading* axis, one
series per element of the other axes (a scalar series has shape ``(K + 1,)``).
Coefficient-major, each step of a recurrence is a few contiguous vector
operations over all elements (the trailing-axis layout users see, from
``Taylor.coefficients``, was 5-10x slower here at 1e5 elements). Every
function takes and returns such arrays (the element axes broadcast, see
``align``) and costs O(K²) operations per element: products are
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


def lift(a, element_ndim):
    """Series a with at least ``element_ndim`` element axes: new axes of length 1
    inserted after the coefficient axis (element shapes broadcast from the right)."""
    pad = element_ndim - (a.ndim - 1)
    return a.reshape(a.shape[:1] + (1,) * pad + a.shape[1:]) if pad > 0 else a


def align(*arrays):
    """The series given, their element axes padded to one number of dimensions
    (a (K+1,) scalar series meets a (K+1, n) one as (K+1, 1))."""
    nd = max(a.ndim for a in arrays) - 1
    return [lift(a, nd) for a in arrays]


def element_shape(*arrays):
    """The broadcast shape of the elements of the series given."""
    return np.broadcast_shapes(*(a.shape[1:] for a in align(*arrays)))


def weak_dtype(dtype, c):
    """The dtype of dtype combined with c, a Python scalar counting as weak (NumPy's
    promotion: a float32 series stays float32, a complex constant makes it complex)."""
    return np.result_type(dtype, c if isinstance(c, (int, float, complex)) else np.asarray(c))


def constant(c, like):
    """The series of the constant c (a scalar or an array of element shape) of like's degree."""
    # a Python scalar is weak (NumPy's promotion): float32 series stay float32
    dtype = weak_dtype(like.dtype, c)
    c = np.asarray(c)
    shape = np.broadcast_shapes(c.shape, like.shape[1:])
    out = np.zeros(like.shape[:1] + shape, dtype)
    out[0] = c
    return out


def _dot(a, b):
    """sum_j a[j] * b[j] (b already reversed)."""
    return (a * b).sum(0)


def _weights(n, like):
    """1..n-1 as a column that broadcasts against the element axes of ``like``."""
    return np.arange(1, n, dtype=like.dtype).reshape((n - 1,) + (1,) * (like.ndim - 1))


def mul(a, b):
    """The Cauchy product: (a*b)_k = sum_{j=0..k} a_j b_{k-j}."""
    n = a.shape[0]
    if a.ndim == 1 and b.ndim == 1:
        return np.convolve(a, b)[:n]
    a, b = align(a, b)
    out = np.empty(a.shape[:1] + element_shape(a, b), np.result_type(a, b))
    for k in range(n):
        out[k] = _dot(a[:k + 1], b[k::-1])
    return out


def div(a, b):
    """q = a / b from a = q * b: q_k = (a_k - sum_{j<k} q_j b_{k-j}) / b_0 (no b*b)."""
    n = a.shape[0]
    a, b = align(a, b)
    q = np.empty(a.shape[:1] + element_shape(a, b), np.result_type(a, b))
    b0 = b[0]
    q[0] = a[0] / b0
    for k in range(1, n):
        q[k] = (a[k] - _dot(q[:k], b[k:0:-1])) / b0
    return q


def _derivative_weights(x):
    """j * x_j for j = 1..K: the coefficients of x' (times t^(j-1))."""
    return x[1:] * _weights(x.shape[0], x)


def _empty_like(x, y0, *others):
    dtype = weak_dtype(x.dtype, y0)
    y0 = np.asarray(y0)
    shape = np.broadcast_shapes(element_shape(x, *others), y0.shape)
    out = np.empty(x.shape[:1] + shape, dtype)
    out[0] = y0
    return out


def _dot_present(a, b):
    """sum_j a[j] * b[j], where a term whose a[j] is exactly 0 counts 0.

    ``a`` holds the input's coefficients j x_j: a term the input series does
    not have contributes nothing, even against an infinite coefficient of
    f'(x) (t**2.5 at 0: f'' is inf there, and t has no t² term). Without this
    0 * inf = nan would spoil the pow convention's +inf."""
    with np.errstate(invalid="ignore"):
        p = a * b
    if np.isnan(p).any():
        p = np.where(a == 0, 0.0, p)
    return p.sum(0)


def integrate(y0, *terms):
    """y from y' = sum_i g_i x_i' (``terms`` = pairs (x_i, g_i), each g_i known to
    degree K - 1, each x_i of degree K), y_0 = y0, all coefficients at once:
    ``k y_k = sum_i sum_{j=1..k} j x_ij g_i,{k-j}``, O(K²) per term."""
    xds = [_derivative_weights(x) for x, _ in terms]
    gs = [g for _, g in terms]
    arrays = align(*xds, *gs)
    xds, gs = arrays[:len(terms)], arrays[len(terms):]
    x = terms[0][0]
    y = _empty_like(x, y0, *(xd[:1] for xd in xds), *(g[:1] for g in gs))
    y = align(y, *xds, *gs)[0]
    for k in range(1, x.shape[0]):
        acc = 0.0
        for xd, g in zip(xds, gs):
            acc = acc + _dot_present(xd[:k], g[k - 1::-1])
        y[k] = acc / k
    return y


def exp(x, y0, scale=None):
    """y = exp(scale * x) (y0 = its value): k y_k = scale sum_j j x_j y_{k-j}.

    ``scale`` (a constant, or an array of the element shape) defaults to 1."""
    xd = _derivative_weights(x)
    if scale is not None:
        scale = np.asarray(scale, weak_dtype(xd.dtype, scale))
        xd = lift(xd, scale.ndim) * scale
    y = _empty_like(x, y0)
    xd = align(xd, y)[0]
    for k in range(1, x.shape[0]):
        y[k] = _dot(xd[:k], y[k - 1::-1]) / k
    return y


def log(x, y0, scale=1.0):
    """y = scale * log(x): x y' = scale x', so
    y_k = (scale x_k - (1/k) sum_{j=1..k-1} j y_j x_{k-j}) / x_0."""
    y = _empty_like(x, y0)
    x = align(x, y)[0]
    x0 = x[0]
    j = _weights(x.shape[0], y)
    for k in range(1, x.shape[0]):
        s = _dot(j[:k - 1] * y[1:k], x[k - 1:0:-1]) / k if k > 1 else 0.0
        y[k] = (scale * x[k] - s) / x0
    return y


def power(x, y0, r):
    """y = x**r for a constant r and x_0 != 0: x y' = r y x', so
    y_k = sum_{j=0..k-1} (r (k - j) - j) x_{k-j} y_j / (k x_0)."""
    y = _empty_like(x, y0)
    x = align(x, y)[0]
    x0 = x[0]
    r = np.asarray(r, y.dtype)
    n = x.shape[0]
    for k in range(1, n):
        j = np.arange(k, dtype=y.dtype).reshape((k,) + (1,) * (y.ndim - 1))
        w = r * (k - j) - j
        y[k] = _dot(w * y[:k], x[k:0:-1]) / (k * x0)
    return y


def sqrt(x, y0):
    """y = sqrt(x) from y*y = x: y_k = (x_k - sum_{j=1..k-1} y_j y_{k-j}) / (2 y_0)."""
    y = _empty_like(x, y0)
    x = align(x, y)[0]
    two_y0 = 2.0 * y[0]
    for k in range(1, x.shape[0]):
        s = _dot(y[1:k], y[k - 1:0:-1]) if k > 1 else 0.0
        y[k] = (x[k] - s) / two_y0
    return y


def sin_cos(x, s0, c0, sign=-1.0):
    """(sin x, cos x) together: s' = c x', c' = -s x'. ``sign=+1``: (sinh, cosh)."""
    s = _empty_like(x, s0, np.asarray(c0)[None])
    c = _empty_like(x, c0, s)
    xd = align(_derivative_weights(x), s)[0]
    for k in range(1, x.shape[0]):
        a = xd[:k]
        s[k] = _dot(a, c[k - 1::-1]) / k
        c[k] = sign * _dot(a, s[k - 1::-1]) / k
    return s, c


def tan_like(x, y0, w0, sign):
    """y = tan x (sign +1: y' = (1 + y²) x') or tanh x (sign -1: y' = (1 - y²) x').

    w = 1 ± y² is carried along, its zeroth coefficient ``w0`` given by the
    caller (for tanh, sech² from exp(-2|x|): 1 - tanh² would lose every digit
    for large |x|); its higher coefficients are ±(y*y)_k, with no cancellation.
    """
    y = _empty_like(x, y0)
    w = np.empty_like(y)
    w[0] = w0
    xd = align(_derivative_weights(x), y)[0]
    for k in range(1, x.shape[0]):
        y[k] = _dot(xd[:k], w[k - 1::-1]) / k
        w[k] = sign * _dot(y[:k + 1], y[k::-1])
    return y


def compose(x, d):
    """y = sum_k d_k (x - x_0)^k: f(x) from f's normalised Taylor coefficients d at
    x_0 (``d`` of x's degree, d_k = f^(k)(x_0) / k!), for the functions that obey no
    differential equation of low degree (lgamma, polygamma: Hölder's theorem).

    Horner's scheme on s = x - x_0 (s_0 = 0): K Cauchy products, each only to the
    degree still needed, O(K³) operations but O(K²) vector operations over the
    elements; an affine x (x_k = 0 for k >= 2, a seed x_0 + t x_1) takes
    y_k = d_k x_1^k, O(K)."""
    n = x.shape[0]
    x, d = align(x, d)
    shape = x.shape[:1] + element_shape(x, d)
    dtype = np.result_type(x, d)
    if n <= 2 or not np.any(x[2:]):
        k = np.arange(n).reshape((n,) + (1,) * (x.ndim - 1))
        with np.errstate(invalid="ignore", over="ignore"):
            p = x[1] ** k if n > 1 else np.ones_like(x[:1])
        return np.broadcast_to(d * p, shape).astype(dtype, copy=True)
    s = np.broadcast_to(x, shape).astype(dtype, copy=True)
    s[0] = 0.0
    y = np.zeros(shape, dtype)
    y[0] = d[n - 1]
    for k in range(n - 2, -1, -1):
        # y = y s + d_k, needed to degree n - 1 - k (it is multiplied by s^k after)
        m = n - k
        t = np.zeros(shape, dtype)
        for j in range(1, m):
            t[j] = _dot(s[1:j + 1], y[j - 1::-1])
        y = t
        y[0] = d[k]
    return y
