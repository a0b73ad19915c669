"""Complex inputs of the Python transforms, with JAX's conventions (guides/complex.md).

* ``holomorphic=True`` (jacobian, grad, value_and_grad) and ``derivative`` at
  a complex point: every differentiated input complex, the result the complex
  derivative f'(z). f is run seeded along 1 and along 1j; the two partials
  of a holomorphic f satisfy Cauchy-Riemann, d/dy = 1j * d/dx, and a
  function that breaks it (conj, abs, .real on the way) raises ValueError
  rather than returning a "derivative" that does not exist.
* ``grad`` without it, of a real-valued f of complex inputs: JAX's
  d/dx - 1j * d/dy per complex input (2 * conj(z) for abs(z)**2).
* ``jacobian`` without it refuses complex inputs, as JAX's jacfwd.
"""
import numpy as np

from .._core.base import next_tag
from .._numbers import make_dual, partial_along
from .._numbers.components import is_complex_value
from .traceable import python_callable

_HINT = "For holomorphic differentiation, pass holomorphic=True"


def _is_complex(v):
    return np.iscomplexobj(v) or is_complex_value(v)


def _tolerance(*arrays):
    single = any(_values(a, cast=False).dtype in (np.complex64, np.float32) for a in arrays)
    return 1e-4 if single else 1e-10


def check_cauchy_riemann(d_re, d_im, who, values=None):
    """Refuse f unless d_im == 1j * d_re (the two seeded partials), within rounding.

    Rounding is taken relative to each entry, to the largest entry of the array
    (an entry that is 0 in exact arithmetic carries the rounding of the others'
    scale) and, given f's output ``values``, to 100 ulps of their largest
    magnitude (a derivative that is 0 in exact arithmetic everywhere, as the
    Hessian of a linear f, is the rounding of f's values alone)."""
    a = _values(d_re)
    b = _values(d_im)
    gap = np.abs(b - 1j * a)
    scale = np.abs(a) + np.abs(b)
    whole = float(np.max(scale[np.isfinite(scale)], initial=0.0))
    tol = _tolerance(d_re, d_im)
    floor = 0.0
    if values is not None:
        v = np.abs(_values(values))
        eps = np.finfo(np.float32 if tol > 1e-6 else np.float64).eps
        floor = 100 * eps * float(np.max(v[np.isfinite(v)], initial=0.0))
    bad = gap > tol * (scale + 1e-3 * whole) + floor
    if np.any(bad & np.isfinite(gap)):
        raise ValueError(
            f"{who}: f is not holomorphic at this point (Cauchy-Riemann fails: df/dy "
            f"{complex(b[bad].flat[0])} != 1j * df/dx {complex(a[bad].flat[0])}); conj, "
            ".real, .imag and abs() are not holomorphic. Differentiate a real-valued "
            "function of z with da.grad (no holomorphic=True: JAX's conjugate form) or "
            "write f over (z.real, z.imag)")


def holomorphic_derivative(f, z):
    """f'(z) for a complex scalar z (a complex value or a dual around one)."""
    g = python_callable(f)
    tag = next_tag()
    d_re = partial_along(g(make_dual(z, 1.0, tag)), tag)
    tag = next_tag()
    d_im = partial_along(g(make_dual(z, 1j, tag)), tag)
    check_cauchy_riemann(_value(d_re), _value(d_im), "derivative()")
    return d_re


def _values(x, cast=True):
    """x (partials: an array, an object array of duals or a DualArray of an enclosing
    transform) as a complex array of its values."""
    x = np.asarray(_value(x))
    if x.dtype == object:
        return np.vectorize(lambda e: complex(_value(e)), otypes=[complex])(x)
    return x.astype(complex) if cast else x


def _value(x):
    while hasattr(x, "_primal"):
        x = x._primal()
    return x


def complex_evaluate(transform, inputs, evaluate, args, nums):
    """(inputs, treedef, values, jac) of a transform with complex inputs or
    ``holomorphic=True``: two evaluations (seeds 1 and 1j) combined per convention."""
    who = transform.kind
    cols = inputs.complex_columns
    if transform.holomorphic:
        if len(cols) != inputs.n:
            raise TypeError(f"{who} with holomorphic=True requires inputs with complex "
                            "dtype (complex, np.complex64, np.complex128), got a real input")
    elif who == "jacobian":
        raise TypeError(f"{who} requires real-valued inputs, got a complex one. {_HINT}. "
                        "For a real-valued function of complex inputs use da.grad")
    f, chunk = transform.f, transform.chunk
    _, treedef, values, jac = evaluate(f, args, nums, chunk, who, inputs)
    _, _, _, jac_im = evaluate(f, args, nums, chunk, who, inputs, 1j)
    scalar_out = who != "jacobian"
    complex_out = any(_is_complex(v) for v in values)
    if scalar_out and transform.holomorphic and not complex_out:
        raise TypeError(f"{who} with holomorphic=True requires outputs with complex dtype, "
                        "got a real-valued f")
    if scalar_out and not transform.holomorphic and complex_out:
        raise TypeError(f"{who} requires real-valued outputs, got a complex one. {_HINT}")
    out = []
    inputs.real_gradient = not transform.holomorphic
    for j, ji, v in zip(jac, jac_im, values):
        if isinstance(j, np.ndarray) and j.dtype != object:
            j = np.array(j, dtype=np.result_type(j, ji, np.complex64))
        if transform.holomorphic:
            check_cauchy_riemann(j, ji, who, v)
        else:  # real-valued f: d/dx - 1j d/dy on the complex columns (JAX's grad)
            if isinstance(ji, np.ndarray) and ji.dtype != object:
                ji = np.asarray(ji)
            if not isinstance(j, np.ndarray) or j.dtype == object:
                j = j + 0j * ji  # a dual Jacobian (nested): made complex, then assigned
            j[..., cols] = j[..., cols] - 1j * ji[..., cols]
        out.append(j)
    return inputs, treedef, values, out


# ------------------------------------------------- numba dispatchers ---
# The same conventions, each evaluation compiled (``_backends.complex_point``).

def has_complex_input(args, nums):
    """True if a differentiated argument is complex (a scalar or an array)."""
    from .._backends.complex_point import is_complex_input
    return any(is_complex_input(args[a]) for a in nums)


def compiled_complex_evaluate(transform, args, nums):
    """(inputs, treedef, values, jac) of a transform of a dispatcher at complex inputs
    (or with ``holomorphic=True``), by ``complex_evaluate`` over compiled evaluations."""
    from .._backends.complex_point import compiled_evaluate
    from .._backends.point import CompiledInputs
    inputs = CompiledInputs(args, nums, transform.kind, complex_ok=True)
    return complex_evaluate(transform, inputs, compiled_evaluate, args, nums)


def compiled_holomorphic_derivative(f, order, z):
    """f^(order)(z) of a dispatcher f at a complex scalar z, with the Cauchy-Riemann
    check of f (and of its derivatives up to order - 1)."""
    from .._backends.complex_point import dual_along, hyper_along
    if order == 1:
        d_re = dual_along(f, z, 1.0)
        check_cauchy_riemann(d_re, dual_along(f, z, 1j), "derivative()")
        return d_re
    if order >= 3:
        return compiled_holomorphic_series(f, order, z, "derivative")[1][-1]
    f_x, f_y, f_xy = hyper_along(f, z, 1.0, 1j)   # f_y = 1j f', f_xy = 1j f''
    _, _, f_xx = hyper_along(f, z, 1.0, 1.0)
    check_cauchy_riemann(f_x, f_y, "derivative()")
    check_cauchy_riemann(f_xx, f_xy, "derivative()")
    return f_xx


NESTED_MAX = 6
"""The highest order compiled at a complex point: ``order`` nested complex duals
carry 2**order components, and their compile grows with them (about 3 s at order
3, 10 s at order 6 on a 2-core machine)."""


def compiled_holomorphic_series(f, order, z, who):
    """(f(z), [f'(z), ..., f^(order)(z)]) of a dispatcher f at a complex scalar z on
    ``order`` nested complex duals, evaluated twice (the outermost direction
    along 1, then along 1j) for the Cauchy-Riemann check of f, f', ...,
    f^(order-1)."""
    from .._backends.complex_point import nested_along
    if order > NESTED_MAX:
        raise NotImplementedError(
            f"{who}() of order {order} of a numba function at a complex point is compiled "
            f"up to order {NESTED_MAX} (nested complex duals; compiled Taylor numbers are "
            "real); call it on f's Python source (f.py_func), whose Taylor numbers take "
            "complex values")
    value, d_x = nested_along(f, z, order, 1.0)
    _, d_y = nested_along(f, z, order, 1j)
    for a, b in zip(d_x, d_y):
        check_cauchy_riemann(a, b, f"{who}()", value)
    return value, d_x


def compiled_holomorphic_taylor(f, order, x):
    """taylor(f, order)(x) of a dispatcher f at a complex scalar or array x: f^(k)/k!
    from ``compiled_holomorphic_series`` (point by point for an array)."""
    import math
    xs = np.asarray(x)
    dtype = xs.dtype if xs.dtype in (np.complex64, np.complex128) else np.dtype(np.complex128)
    out = np.empty(xs.shape + (order + 1,), dtype)
    flat = out.reshape(-1, order + 1)
    for i, z in enumerate(xs.astype(dtype).reshape(-1)):
        z = complex(z) if dtype == np.complex128 else z
        if order == 0:
            flat[i, 0] = f(z)
            continue
        value, d = compiled_holomorphic_series(f, order, z, "taylor")
        flat[i] = [value] + [dk / math.factorial(k) for k, dk in enumerate(d, 1)]
    return out


def compiled_holomorphic_elementwise(f, order, x):
    """f'(z) at every element of a complex array x, f a dispatcher of one complex
    scalar (order 1: one compiled loop taking d/dx and d/dy, and the
    Cauchy-Riemann check; order 2: point by point)."""
    x = np.asarray(x)
    if x.dtype not in (np.complex64, np.complex128):
        x = x.astype(np.complex128)
    if order != 1:
        out = [compiled_holomorphic_derivative(f, order, z) for z in x.reshape(-1)]
        return np.array(out, dtype=x.dtype).reshape(x.shape)
    from .._backends.complex_point import elementwise_partials
    d_re, d_im = elementwise_partials(f, x)
    check_cauchy_riemann(d_re, d_im, "derivative()")
    return d_re


def compiled_holomorphic_hessian(grad, args):
    """hessian(f, holomorphic=True) of a dispatcher f at complex inputs (``grad`` the
    holomorphic Grad of f): f's gradient from its compiled evaluations (seeds 1
    and 1j, Cauchy-Riemann checked, outputs checked), then the second derivatives
    on nested complex duals with the inner seed along 1 and the outer along 1 and
    along 1j: d/dy_j (df/dx_k) == 1j d/dx_j (df/dx_k) is checked for every entry,
    as the Python path checks the Jacobian of the gradient. Several argnums give
    the mixed blocks, ``h[i][j]`` shaped ``args[i].shape + args[j].shape``."""
    from .._core.spec import normalize_argnums
    single, nums = normalize_argnums(grad.argnums, len(args), "hessian")
    inputs, _, values, jac = compiled_complex_evaluate(grad, args, nums)
    if np.size(values[0]) != 1 or len(values) != 1:
        raise ValueError("hessian: f must return a scalar (or an array of size 1); use "
                         "da.jacobian(da.jacobian(f, holomorphic=True)) for vector outputs")
    _, out = _second_along(grad.f, grad.chunk, "hessian", inputs, jac)
    t = out[0].reshape(out[0].shape[-2:])
    return _blocks(t, inputs, nums, single, nums, single)


def _second_along(f, chunk, who, inputs, jac):
    """(treedef, [T per output leaf]), T shaped leaf shape + (n, n) over the n
    columns of ``inputs``, ``T[..., k, j] = d/dz_j (df/dz_k)``: nested complex duals
    along 1 and 1j, the Cauchy-Riemann check on every entry (f's first
    derivatives ``jac`` setting the rounding floor)."""
    from .._backends.complex_point import complex_second
    treedef, t_xx = complex_second(f, inputs, chunk, 1.0, who)
    _, t_xy = complex_second(f, inputs, chunk, 1j, who)
    for xx, xy, j in zip(t_xx, t_xy, jac):
        check_cauchy_riemann(xx, xy, who, j)
    return treedef, t_xx


def _blocks(t, inputs, rows, single_rows, cols, single_cols):
    """The blocks of T (lead + (n, n) over ``inputs``' columns) for the argnums
    ``rows`` (the inner derivative, k) and ``cols`` (the outer, j): one array
    ``lead + shape_k + shape_j`` per pair, nested as JAX nests them (rows outer),
    a tuple level dropped where its argnums was a single int."""
    lead = t.shape[:-2]
    where = {a: leaf for a, leaf in zip(inputs.argnums, inputs.leaves)}

    def block(r, c):
        xr, _, o_r, n_r = where[r]
        xc, _, o_c, n_c = where[c]
        b = t[..., o_r:o_r + n_r, o_c:o_c + n_c].reshape(lead + np.shape(xr) + np.shape(xc))
        return b[()] if b.ndim == 0 else b

    out = tuple(tuple(block(r, c) for c in cols) for r in rows)
    if single_cols:
        out = tuple(o[0] for o in out)
    return out[0] if single_rows else out


def compiled_holomorphic_second(outer, inner, args):
    """jacobian(jacobian(f, holomorphic=True), holomorphic=True) (or of grad) of a
    dispatcher f at complex inputs (or under holomorphic=True), any argnums in
    either; other compositions at complex inputs refused. f's Jacobian over the
    argnums of both from its compiled evaluations (Cauchy-Riemann checked), then
    ``_second_along`` over them, cut into the blocks asked for."""
    from .._core.spec import normalize_argnums
    from .._core.trees import unflatten
    single_o, nums_o = normalize_argnums(outer.argnums, len(args), outer.kind)
    single_i, nums_i = normalize_argnums(inner.argnums, len(args), inner.kind)
    if not outer.holomorphic and has_complex_input(args, nums_o):
        raise TypeError("jacobian requires real-valued inputs, got a complex one (as "
                        f"jax.jacfwd). {_HINT}")
    if not (outer.holomorphic and inner.holomorphic):
        raise NotImplementedError(
            f"jacobian({inner.kind}(njit_f)) at complex inputs is compiled when both "
            "transforms take holomorphic=True; write f in plain Python for this composition")
    if inner.kind == "grad" and nums_o == nums_i and single_o == single_i:
        return compiled_holomorphic_hessian(inner, args)
    both = tuple(sorted(set(nums_i) | set(nums_o)))
    inputs, _, values, jac = compiled_complex_evaluate(inner, args, both)
    if inner.kind == "grad" and (len(values) != 1 or np.size(values[0]) != 1):
        raise ValueError("grad: f must return a scalar (or an array of size 1); use "
                         "da.jacobian for vector-valued functions")
    treedef, out = _second_along(inner.f, inner.chunk or outer.chunk,
                                 f"jacobian({inner.kind})", inputs, jac)
    if inner.kind == "grad":   # a gradient of a size-1 output has no leading axes
        out = [o.reshape(o.shape[-2:]) for o in out]
    out = [_blocks(t, inputs, nums_i, single_i, nums_o, single_o) for t in out]
    return unflatten(treedef, out)


BATCH_MIN = 64
"""Fewer complex points than this loop over them (``batched``): the real batch loop
of f's real form is a compile of its own (seconds for a Hessian), which pays for
itself only on larger batches."""


def batched(g, args, mapped, batch):
    """vmap of the transform g of a dispatcher at complex points (``jacobian``, ``grad``
    or ``hessian``, one mapped argnum, ``BATCH_MIN`` points or more) from one real
    batch loop over (Re, Im)
    (``_backends.complex_batch``), with this module's conventions and the
    Cauchy-Riemann check at every point; NotImplemented where it does not apply."""
    from .._backends.complex_batch import complex_parts_vmap
    from .._core.spec import normalize_argnums
    single, nums = normalize_argnums(g.argnums, len(args), g.kind)
    if g.kind not in ("jacobian", "grad", "hessian") or not single or not mapped[nums[0]]:
        return NotImplemented
    if not g.holomorphic and g.kind != "grad":
        return NotImplemented   # (the point path says why: jacfwd's refusal)
    X = np.asarray(args[nums[0]])
    if X.dtype not in (np.complex64, np.complex128) or X.ndim not in (1, 2) \
            or batch < BATCH_MIN:
        return NotImplemented
    # the first point by the point path: its errors, and the shape of one result
    reference = g(*[a[0] if m else a for a, m in zip(args, mapped)])
    if not isinstance(reference, (np.ndarray, np.generic, complex, float)):
        return NotImplemented
    if g.kind == "hessian":
        return _batched_hessian(g, args, mapped, batch, nums[0], X, reference)
    parts = complex_parts_vmap(g.f, nums[0], args, mapped, batch, g.chunk)
    if parts is NotImplemented:
        return NotImplemented
    re_x, im_x, re_y, im_y = parts
    if g.holomorphic:
        d_x = re_x + 1j * im_x
        check_cauchy_riemann(d_x, re_y + 1j * im_y, f"vmap({g.kind})")
        out = d_x
    else:   # grad of a real-valued f: JAX's d/dx - 1j d/dy
        out = re_x - 1j * re_y
    return out.reshape((batch,) + np.shape(reference)).astype(X.dtype)


def _batched_hessian(g, args, mapped, batch, K, X, reference):
    """vmap of hessian(f, holomorphic=True) at complex points: the real Hessians of
    Re f and Im f over (x, y); d2f/dx_j dx_k is the complex Hessian, and
    d2f/dy_j dx_k == 1j d2f/dx_j dx_k is checked for every entry (as the point path)."""
    from .._backends.complex_batch import complex_hessian_parts_vmap
    parts = complex_hessian_parts_vmap(g.f, K, args, mapped, batch, g.chunk)
    if parts is NotImplemented:
        return NotImplemented
    H_re, H_im = parts
    n = H_re.shape[-1] // 2
    d_xx = H_re[:, :n, :n] + 1j * H_im[:, :n, :n]
    d_yx = H_re[:, n:, :n] + 1j * H_im[:, n:, :n]
    check_cauchy_riemann(d_xx, d_yx, "vmap(hessian)")
    return d_xx.reshape((batch,) + np.shape(reference)).astype(X.dtype)
