"""Taylor mode: ``da.taylor``, ``da.jet`` and derivatives of high order.

One pass of ``f`` on a ``Taylor`` number seeded as ``x + e`` (e**(K+1) = 0)
carries every derivative up to order K at O(K²) per operation, where
nested duals (``da.derivative(f, order=K)`` below ``TAYLOR_MIN_ORDER``)
cost 2^K. Plain Python and NumPy functions run on ``Taylor`` numbers
(arrays: the coefficients on a trailing axis).
"""
import math

import numpy as np

from .._core.base import DualNumber, bad_argument, next_tag
from .._core.numba_support import is_dispatcher
from .._numbers import Taylor
from .._numbers.components import scalar_constant
from .traceable import python_callable

TAYLOR_MIN_ORDER = 3
"""``da.derivative(f, order=k)`` uses Taylor numbers from this order on.

Measured in bench/bench_taylor.py and with its kernels on one thread
(exp(sin x)/(1 + x²), 1e5 points, interleaved rounds). Python functions: order 2 nested duals (a HyperDual-like pass) are
faster than a Taylor pass; from order 3 on Taylor numbers are, and the gap
doubles with every order. numba functions (recurrences unrolled, f inlined
into the kernel): one thread, Taylor/nested time 0.69 at order 2, 0.52 at
order 3, 0.22 at order 4, and Taylor compiles faster at every order (0.3-0.6 s
against 0.4-2 s). Order 2 of a numba function stays on nested duals all the
same (its kernels serve the rules with no compiled Taylor recurrence, e.g.
scipy.special's, with no failed Taylor attempt first): both paths switch at 3."""


def _check_order(order, who):
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)):
        raise TypeError(f"{who}() order must be an int, got {type(order).__name__}")
    if order < 0:
        raise ValueError(f"{who}() order must be >= 0, got {order}")
    return int(order)


def _float_input(x, who, name="x"):
    """x as a float or complex scalar (Python, or NumPy 32/64 bits) or a float or
    complex ndarray (Taylor coefficients are algebraic: they hold over complex values)."""
    if isinstance(x, DualNumber):
        raise TypeError(f"{who}(): {name} is a {type(x).__name__}; Taylor transforms do not "
                        "take dual numbers (they do not nest inside other transforms): "
                        "differentiate the whole function in one call")
    s = scalar_constant(x)
    if s is not None:
        return np.complex128(s) if type(s) is complex else s
    if isinstance(x, (list, tuple)):
        x = np.asarray(x)
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "biu":
            return x.astype(np.float64)
        if x.dtype.kind in "fc":
            return x
    raise bad_argument(who, name, x, "a real or complex number or an array of them")


def _compiled_complex_jet(f, curves, order):
    """jet of a dispatcher f where a primal or a term is complex: one evaluation on
    ``order`` nested complex duals (``complex_point.nested_series``; compiled Taylor
    numbers are real), up to order ``NESTED_MAX``."""
    _check_nested_order(f, order, "jet")
    from .._backends.complex_point import nested_series
    ys = nested_series(f, curves, order, "jet()")
    if np.ndim(ys[0]):
        return np.asarray(ys[0]), [np.asarray(y) for y in ys[1:]]
    return _scalar(np.asarray(ys[0])), [_scalar(np.asarray(y)) for y in ys[1:]]


def _compiled_complex_direction(f, x, direction, order):
    """derivative(f, order, direction=)(x) of a dispatcher f where x or the direction
    is complex: ``order`` nested complex duals along the direction (compiled Taylor
    numbers are real), up to order ``NESTED_MAX``."""
    _check_nested_order(f, order, "derivative", " along a direction")
    if order == 0:
        return f(x)
    from .._backends.complex_point import nested_direction
    d = nested_direction(f, x, direction, order, "derivative()")
    return d if np.ndim(d) else _scalar(np.asarray(d))


def _check_nested_order(f, order, who, where=""):
    from .holomorphic import NESTED_MAX
    if order > NESTED_MAX:
        raise NotImplementedError(
            f"{who}() of order {order} of the numba function {getattr(f, '__name__', f)!r}"
            f"{where} at a complex point is compiled up to order {NESTED_MAX} (nested "
            "complex duals; compiled Taylor numbers are real); call it on f's Python "
            "source (f.py_func) instead")


def _check_holomorphic(f, x, order, who, c):
    """At a complex x, f^(k)(x) / k! are c's coefficients only for a holomorphic f: run
    f seeded along 1j too, and refuse f unless those are 1j**k times c's (Cauchy-Riemann
    at every order, ``holomorphic.check_cauchy_riemann``). The Taylor numbers refuse
    the non-holomorphic rules already; this catches what bypasses them."""
    if not np.iscomplexobj(x) or order == 0:
        return
    from .holomorphic import check_cauchy_riemann
    c_im = _run(f, x, order, who, unit=1j)
    for k in range(1, order + 1):
        check_cauchy_riemann(c[..., k] * 1j ** (k - 1), c_im[..., k], f"{who}()",
                             c[..., 0])


def _seed(x, order, tag, direction=None):
    """The Taylor number x + direction*e (direction 1 if None) of the given order."""
    return Taylor(_seed_coefficients(x, order, direction), tag)


def _seed_coefficients(x, order, direction=None):
    """The coefficients of x + direction*e on a trailing axis."""
    x = np.asarray(x)
    dtype = x.dtype
    if np.iscomplexobj(direction) and dtype.kind != "c":  # a complex direction stays complex
        dtype = np.result_type(dtype, np.complex64)
    c = np.zeros(x.shape + (order + 1,), dtype)
    c[..., 0] = x
    if order:
        c[..., 1] = 1.0 if direction is None else direction
    return c


def _coefficients_of(y, tag, shape, order, dtype, who):
    """The normalised coefficients of f's output y, shape ``shape + (order + 1,)``."""
    if isinstance(y, Taylor) and y.tag == tag:
        c = y.coefficients
        if c.shape[:-1] != shape:
            c = np.broadcast_to(c, shape + c.shape[-1:]).copy()
        return c
    if isinstance(y, DualNumber):
        raise TypeError(f"{who}(): f returned a {type(y).__name__} that does not carry "
                        "this transform's perturbation")
    v = np.asarray(y)
    if v.dtype.kind not in "biufc":
        raise TypeError(f"{who}(): f must return a number or an array of numbers "
                        f"(a function of the input), got {type(y).__name__}")
    out = np.zeros(np.broadcast_shapes(v.shape, shape) + (order + 1,),
                   np.result_type(v.dtype, dtype))
    out[..., 0] = v  # a constant: every derivative 0
    return out


def _run(f, x, order, who, direction=None, unit=None):
    """f on x seeded to ``order`` (along ``direction``, else along ``unit``, 1 if None):
    the output's normalised coefficients."""
    tag = next_tag()
    xs = np.asarray(x)
    y = python_callable(f)(_seed(x, order, tag, direction if direction is not None else unit))
    if direction is None and isinstance(y, Taylor) and y.tag == tag and y.shape != xs.shape:
        raise ValueError(f"{who}(): for an array x, f must be elementwise, returning x's "
                         f"shape {xs.shape}; it returned shape {y.shape} (for functions of "
                         "a vector use direction=)")
    out_shape = y.shape if isinstance(y, Taylor) else np.shape(y)
    if direction is None:
        out_shape = xs.shape
    return _coefficients_of(y, tag, out_shape, order, xs.dtype, who)


def taylor(f, order):
    """Return a function computing the normalised Taylor coefficients of ``f``.

    ``taylor(f, order)(x)`` is the array ``[f(x), f'(x), f''(x)/2!, ...,
    f^(order)(x)/order!]``, from one pass of ``f`` on a ``Taylor`` number (cost
    O(order²) per operation). For an ndarray ``x`` f is treated as elementwise
    and the coefficients are on a trailing axis: shape ``x.shape + (order + 1,)``.
    A numba dispatcher runs compiled on Taylor numbers (one loop over x).
    At a complex x (plain Python f) the coefficients are the complex ones of a
    holomorphic f, checked by Cauchy-Riemann at every order (guides/complex.md).

    >>> import dualad as da
    >>> da.taylor(da.exp, 4)(0.0).tolist()
    [1.0, 1.0, 0.5, 0.16666666666666666, 0.041666666666666664]
    >>> da.taylor(lambda x: x ** 3, 4)(2.0).tolist()
    [8.0, 12.0, 6.0, 1.0, 0.0]
    >>> da.taylor(lambda z: z ** 3, 3)(1 + 1j).tolist()
    [(-2+2j), 6j, (3+3j), (1+0j)]
    """
    if not callable(f):
        raise TypeError(f"taylor() needs a callable f, got {type(f).__name__}")
    order = _check_order(order, "taylor")
    if is_dispatcher(f):
        from .._backends.taylor import compiled_taylor
        compiled = compiled_taylor(f, order)

        def compiled_coefficients(x):
            if np.iscomplexobj(x):   # holomorphic f: nested complex duals
                from .holomorphic import compiled_holomorphic_taylor
                return compiled_holomorphic_taylor(f, order, x)
            return compiled(x)
        compiled_coefficients.__name__ = compiled.__name__
        return compiled_coefficients

    def coefficients(x):
        x = _float_input(x, "taylor")
        c = _run(f, x, order, "taylor")
        _check_holomorphic(f, x, order, "taylor", c)
        return c

    coefficients.__name__ = f"taylor({getattr(f, '__name__', 'f')}, {order})"
    coefficients.__doc__ = f"Taylor coefficients to order {order} of {getattr(f, '__name__', f)!r}."
    return coefficients


def taylor_derivative(f, order, direction=None):
    """f^(order) by one Taylor pass: the function ``da.derivative`` returns for order >= 3.

    With ``direction`` (an array like x), the ``order``-th derivative of f along
    it: d^k/dt^k f(x + t*direction) at t = 0, for f of a vector. A numba
    dispatcher f runs compiled, on an array of compiled Taylor numbers.

    >>> import numpy as np, dualad as da
    >>> da.derivative(da.sin, order=5)(0.0)
    1.0
    >>> f = lambda v: v[0] ** 2 * v[1]
    >>> float(da.derivative(f, order=3, direction=np.array([1.0, 1.0]))(np.array([1.0, 2.0])))
    6.0
    """
    compiled = is_dispatcher(f)
    if compiled and direction is None:
        from .._backends.taylor import taylor_or_nested
        return taylor_or_nested(f, order)
    fact = float(math.factorial(order))
    if direction is not None:
        direction = _float_input(direction, "derivative", "direction")

    def df(x):
        x = _float_input(x, "derivative")
        if direction is not None and np.shape(direction) != np.shape(x):
            raise ValueError(f"derivative(): direction has shape {np.shape(direction)}, "
                             f"x has shape {np.shape(x)}")
        if compiled and (np.iscomplexobj(x) or np.iscomplexobj(direction)):
            return _compiled_complex_direction(f, x, direction, order)
        if compiled:  # f of an array of compiled Taylor numbers
            from .._backends.taylor import compiled_coefficients
            c = compiled_coefficients(f, [_seed_coefficients(x, order, direction)],
                                      "derivative")
        else:
            c = _run(f, x, order, "derivative", direction)
            if direction is None:
                _check_holomorphic(f, x, order, "derivative", c)
        d = c[..., order] * c.dtype.type(fact)
        return d if d.ndim else _scalar(d)

    df.__name__ = f"derivative({getattr(f, '__name__', 'f')}, order={order})"
    df.__doc__ = f"Derivative of order {order} of {getattr(f, '__name__', f)!r} (Taylor mode)."
    return df


def jet(f, primals, series):
    """Push truncated Taylor series through ``f``: JAX's ``jet`` convention.

    ``primals`` is a tuple of f's arguments (reals or arrays) and ``series`` a
    tuple holding, per argument, its derivative terms ``[x1, ..., xK]`` along a
    curve x(t) = x0 + x1 t + x2 t²/2! + ... (factorial-scaled, as
    ``jax.experimental.jet``). Returns ``(primal_out, series_out)``: f(x0) and
    the terms ``[y1, ..., yK]`` of y(t) = f(x(t)) in the same convention. A
    numba dispatcher f runs compiled, its array arguments arrays of compiled
    Taylor numbers (element access, array arithmetic, the table's ufuncs,
    reductions, ``np.dot``, ``@``, ``np.linalg.solve``/``inv``/``det`` compile).

    >>> import dualad as da
    >>> y0, (y1, y2, y3) = da.jet(da.sin, (0.0,), ([1.0, 0.0, 0.0],))
    >>> y0, y1, y2, y3
    (0.0, 1.0, 0.0, -1.0)
    """
    if not callable(f):
        raise TypeError(f"jet() needs a callable f, got {type(f).__name__}")
    if not isinstance(primals, (tuple, list)) or not isinstance(series, (tuple, list)):
        raise TypeError("jet(): primals and series must be tuples (one entry per argument "
                        "of f)")
    if len(primals) != len(series):
        raise ValueError(f"jet(): {len(primals)} primals but {len(series)} series")
    orders = {len(s) for s in series}
    if len(orders) > 1:
        raise ValueError(f"jet(): every series must have the same number of terms, got "
                         f"{sorted(orders)}")
    order = orders.pop() if orders else 0
    fact = np.array([math.factorial(k) for k in range(order + 1)], np.float64)
    tag = next_tag()
    args, curves = [], []
    for i, (p, terms) in enumerate(zip(primals, series)):
        p = _float_input(p, "jet", f"primals[{i}]")
        pa = np.asarray(p)
        ts = [np.asarray(_float_input(term, "jet", f"series[{i}][{k}]"))
              for k, term in enumerate(terms)]
        c = np.zeros(pa.shape + (order + 1,), np.result_type(pa, *ts))
        c[..., 0] = pa
        for k, t in enumerate(ts, 1):
            if t.shape != pa.shape:
                raise ValueError(f"jet(): series[{i}][{k - 1}] has shape {t.shape}, its "
                                 f"primal has shape {pa.shape}")
            c[..., k] = t / fact[k]
        args.append(c)
        curves.append([pa] + ts)
    dtype = np.result_type(*(a.dtype for a in args)) if args else np.float64
    if is_dispatcher(f):  # compiled: f on (arrays of) compiled Taylor numbers
        if not args:
            raise ValueError("jet(): a numba function needs at least one primal")
        if any(np.iscomplexobj(a) for a in args):
            return _compiled_complex_jet(f, curves, order)
        from .._backends.taylor import compiled_coefficients
        c = compiled_coefficients(f, [a.astype(dtype, copy=False) for a in args], "jet")
        shape = c.shape[:-1]
    else:
        y = python_callable(f)(*(Taylor(a, tag) for a in args))
        shape = y.shape if isinstance(y, Taylor) else np.shape(y)
        c = _coefficients_of(y, tag, shape, order, dtype, "jet")
    c = c * fact.astype(dtype)
    primal_out = c[..., 0]
    terms = [c[..., k] for k in range(1, order + 1)]
    if not shape:
        primal_out = _scalar(primal_out)
        terms = [_scalar(t) for t in terms]
    return primal_out, terms


def _scalar(a):
    if a.dtype == np.float64:
        return float(a)
    return complex(a) if a.dtype == np.complex128 else a[()]


def third_order_tensor(f):
    """The tensor of third derivatives T[i, j, k] of f: R^n -> R, by polarisation.

    One Taylor pass of order 3 per distinct entry (n (n + 1) (n + 2) / 6 in all),
    each the third derivative p(u) = T(u, u, u) along a sum of basis vectors:
    T_iii = p(e_i); T_iij and T_ijj from p(e_i + e_j) and p(e_i - e_j); T_ijk
    (i < j < k) from p(e_i + e_j + e_k) less its known diagonal and mixed terms.
    Not public: measured against da.jacobian(da.hessian(f)) (Python path), it is
    0.8x its time at n = 3, 1.75x at n = 6 and 4x at n = 12 (one pass per entry
    against one vectorised nested pass), so nesting stays the way to get it.
    """
    def tensor(x):
        x = np.asarray(_float_input(x, "third_order_tensor"))
        if x.ndim != 1:
            raise ValueError(f"third_order_tensor(): x must be a vector, got shape {x.shape}")
        n = x.shape[0]
        eye = np.eye(n, dtype=x.dtype)
        fact = x.dtype.type(6.0)

        def p(u):
            return _run(f, x, 3, "third_order_tensor", u)[..., 3] * fact

        t = np.empty((n, n, n), x.dtype)
        for i in range(n):
            t[i, i, i] = p(eye[i])
        for i in range(n):
            for j in range(i + 1, n):
                plus, minus = p(eye[i] + eye[j]), p(eye[i] - eye[j])
                iij = (plus - minus - 2.0 * t[j, j, j]) / 6.0
                ijj = (plus + minus - 2.0 * t[i, i, i]) / 6.0
                for a, b, c in ((i, i, j), (i, j, i), (j, i, i)):
                    t[a, b, c] = iij
                for a, b, c in ((i, j, j), (j, i, j), (j, j, i)):
                    t[a, b, c] = ijj
        for i in range(n):
            for j in range(i + 1, n):
                for k in range(j + 1, n):
                    s = p(eye[i] + eye[j] + eye[k])
                    known = t[i, i, i] + t[j, j, j] + t[k, k, k] + 3.0 * (
                        t[i, i, j] + t[i, i, k] + t[i, j, j] + t[j, j, k] + t[i, k, k]
                        + t[j, k, k])
                    v = (s - known) / 6.0
                    for a, b, c in ((i, j, k), (i, k, j), (j, i, k), (j, k, i), (k, i, j),
                                    (k, j, i)):
                        t[a, b, c] = v
        return t

    tensor.__name__ = f"third_order_tensor({getattr(f, '__name__', 'f')})"
    return tensor
