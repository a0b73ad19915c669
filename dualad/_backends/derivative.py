"""``da.derivative`` of a numba dispatcher: the whole evaluation runs compiled.

For a scalar ``x`` the user's ``f`` is called from Python on a dual seeded
``order`` times (a nested ``Dual[Dual[...]]``; order 2 uses ``HyperDual``,
which carries the same four numbers without the nesting), so the machine
code is f's own specialisation, cached on disk with f; the derivative is
read off by structure. For an ndarray ``x`` one compiled loop (``prange``, parallel from
``PARALLEL_MIN_SIZE`` elements on) writes f^(order) of every element into an
output of ``x``'s shape.

Kernels are generated once per (f, order) and kept, so later calls (and
later dtypes) reuse them; numba compiles one specialisation per input type.
"""
import numbers

import numpy as np

import numba
from numba import prange
from numba.core.errors import TypingError
from numba.extending import overload

from .._core.base import DualNumber
from .._jit.api import lift as _lift, partial_at
from .._jit.intrinsics import make_hyperdual
from .._jit.operators import jitable
from .._jit.types import OVERLOAD, HyperDualType, is_real
from .._numbers import HyperDual, make_dual
from .lifted import enclosing_tag, lifted_jvp
from .read import hyper_second, outer_partials

# ------------------------------------------------------- seeds and readers --
# lift(x) = Dual(x, 1): one more level of perturbation (x a real or a dual).
# partial_at(y, level) reads the derivative along the perturbation of nesting
# depth ``level``; a y of lower depth is a constant there (derivative 0).


def _seed_second(x):
    return make_hyperdual(x, 1.0, 1.0, 0.0)


jitable(_seed_second)


def second_of(y):
    """f'' read from a HyperDual result (0 for a constant)."""


@overload(second_of, **OVERLOAD)
def _second_of(y):
    if isinstance(y, HyperDualType) and y.depth == 1:
        return lambda y: y.eps1eps2
    if is_real(y):
        return lambda y: 0.0 * y
    raise TypingError(
        f"da.derivative: f must return a real number (or a dual of its input), got {y}")


def _chain_of(k, fn):
    # fn applied k times, as nested jitable closures (no code generation).
    if k == 0:
        def ident(x):
            return x
        return jitable(ident)
    inner = _chain_of(k - 1, fn)

    def step(x):
        return fn(inner(x))
    return jitable(step)


_SEEDERS = {}
_READERS = {}


def _seeder(order):
    s = _SEEDERS.get(order)
    if s is None:
        s = _SEEDERS[order] = _seed_second if order == 2 else _chain_of(order, _lift)
    return s


def _reader(order):
    return second_of if order == 2 else _nested_reader(order)


def _nested_reader(order):
    """Reads f^(order) from f at a Dual nested ``order`` deep: outermost level first."""
    r = _READERS.get(order)
    if r is None:
        if order == 1:
            def read(y):
                return partial_at(y, 1)
        else:
            inner = _nested_reader(order - 1)

            def read(y):
                return inner(partial_at(y, order))
        r = _READERS[order] = jitable(read)
    return r


# -------------------------------------------------------------- kernels ---

_KERNELS = {}


def _kernels(f, order):
    key = (f, order)
    k = _KERNELS.get(key)
    if k is None:
        k = _KERNELS[key] = _build_kernels(f, order)
    return k


PARALLEL_MIN_SIZE = 50_000
"""Arrays smaller than this run in a serial loop (threads cost more than they save)."""


def _build_kernels(f, order):
    seed = _seeder(order) if order else None
    read = _reader(order) if order else None
    if order == 0:
        def elementwise(x, out):
            for i in prange(x.size):
                out[i] = f(x[i])
    else:
        def elementwise(x, out):
            for i in prange(x.size):
                out[i] = read(f(seed(x[i])))
    # prange is a plain range in the serial kernel.
    return numba.njit(parallel=True)(elementwise), numba.njit(elementwise)


def _as_float_array(x):
    if x.dtype.kind == "f" and x.dtype.itemsize in (4, 8):
        return x
    if x.dtype.kind in "biu":
        return x.astype(np.float64)
    raise TypeError(f"derivative(): array input must be real, got dtype {x.dtype}")


def _scalar_derivative(f, order, x):
    """f^(order)(x) for a scalar x: the user's dispatcher called from Python on a
    seeded dual, so the compiled code is f's own specialisation (cached with f
    on disk when f has cache=True); the perturbation is read back by structure."""
    if not isinstance(x, (float, np.floating)):
        raise TypeError(f"derivative(): x must be a real number or an array, "
                        f"got {type(x).__name__}")
    one = x.dtype.type(1) if isinstance(x, np.floating) else 1.0
    if order == 0:
        return f(x)
    if order == 2:
        return hyper_second(f(HyperDual(x, one, one, 0 * one)), 0 * one)
    d = x
    for _ in range(order):
        d = make_dual(d, one, 0)
    return outer_partials(f(d), order, 0 * one)


def _enclosed_derivative(f, order, x):
    """f'(x) at a dual x of an enclosing Python transform: a jvp along 1, lifted
    (``lifted``), element by element for an array of duals."""
    tag = enclosing_tag((x,))
    if order != 1:
        raise NotImplementedError(
            f"derivative(f, order={order}) of a numba function inside another transform "
            "is not compiled; take the order in one transform, "
            f"da.derivative(f, order={order + 1}), or write f in plain Python")
    if x._rank == 1:
        return lifted_jvp(f, (x,), (1.0,), tag)[1]
    flat = x.reshape(-1)
    parts = [lifted_jvp(f, (flat[i],), (1.0,), tag)[1] for i in range(flat.shape[0])]
    return np.stack(parts).reshape(x.shape) if parts else x * 0.0


def compiled_derivative(f, order):
    """Return a function computing f^(order) with f compiled on dual numbers.

    >>> import numba, dualad as da
    >>> da.derivative(numba.njit(lambda x: x ** 3), order=2)(2.0)
    12.0
    """
    parallel_k, serial_k = _kernels(f, order)

    def df(x):
        if isinstance(x, np.ndarray):
            xa = np.ascontiguousarray(_as_float_array(x))
            flat = xa.reshape(-1)
            out = np.empty(flat.shape, dtype=xa.dtype)
            if flat.size >= PARALLEL_MIN_SIZE and numba.get_num_threads() > 1:
                parallel_k(flat, out)
            else:
                serial_k(flat, out)
            return out.reshape(x.shape)
        if isinstance(x, (bool, np.bool_, numbers.Integral)):
            x = float(x)
        elif isinstance(x, (list, tuple)):
            return df(np.asarray(x))
        elif isinstance(x, DualNumber):  # inside a Python transform
            return _enclosed_derivative(f, order, x)
        return _scalar_derivative(f, order, x)

    name = getattr(f, "__name__", "f")
    df.__name__ = f"derivative({name}, order={order})"
    df.__doc__ = f"Derivative of order {order} of the compiled function {name!r}."
    return df
