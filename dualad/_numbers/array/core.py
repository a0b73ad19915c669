"""``DualArray``: arrays of dual numbers for NumPy code, stored as float arrays.

A ``DualArray`` holds ``values`` (shape S) and ``partials`` (shape S + (N,)):
the N partial derivatives of every element sit on a trailing axis, so each
operation is a few vectorised NumPy calls, never an object array of scalar
duals. ``values`` and ``partials`` may themselves be DualArrays of a lower
perturbation tag: that is how second derivatives of NumPy code are carried.
All arithmetic is written on such *components* generically (``p * f1[...,
None]`` works for an ndarray and for a lower-tag DualArray alike).

This module owns the class, its constructors (``DualArray(...)``,
``from_any``, the internal ``_new``) and the helpers on its components, and
the conversion of operands (``_operand``). Its behaviour is defined by the
modules above, each adding its methods to the class with ``@method`` when
the package is imported: ``arith`` (operators, comparisons), ``chain`` (the
chain rule that the elementary functions call), ``indexing``, ``methods``
(ndarray's methods), ``linalg`` (``@``) and ``ufuncs`` (``__array_ufunc__``).
``__array_function__`` looks its handlers up in ``registry`` at call time.
The class therefore imports none of them, and the imports point one way.

Conventions: results never share partials memory with their operands
(``x + 1`` copies), while indexing and reshaping give views as in NumPy;
comparisons, ``argmax`` & co. look at the innermost values; ``max``/``min``
and ``maximum``/``minimum`` take the derivative of the first maximal element.
"""
import numbers

import numpy as np

from ..._core.base import DualNumber, lead, scipy_hint
from ..components import _tag_around
from .registry import _HANDLED, _call_handler, _foreign, no_rule

_object_new = object.__new__


def method(func):
    """Add ``func`` to DualArray as the method of its name (for the modules above this one)."""
    func.__qualname__ = f"DualArray.{func.__name__}"
    setattr(DualArray, func.__name__, func)
    return func


# ------------------------------------------------------------ components ---

def _new(values, partials, tag):
    """A DualArray from checked components (the fast internal constructor)."""
    d = _object_new(DualArray)
    d.values = values
    d.partials = partials
    d.tag = tag
    return d


def _col(a):
    """``a`` with a trailing axis of length 1, so that it scales the partials of its element."""
    t = type(a)
    if t is float or t is int or t is complex:
        return a
    return a[..., None]


def _primal(x):
    """The innermost plain values of x (for comparisons, argmax, ...)."""
    while isinstance(x, DualNumber):
        x = x._primal()
    return x


class ComparisonMask(np.ndarray):
    """The bool array of a comparison of DualArrays (by value): an ndarray whose
    truth value, when ambiguous, says how to branch on duals elementwise."""

    def __bool__(self):
        if self.size > 1:
            raise ValueError(
                f"dualad: the truth value of a comparison of {self.size} elements of a "
                "DualArray is ambiguous (an `if` on it chooses one branch for every "
                "element). Choose per element with np.where(cond, a, b) or "
                "da.where(cond, a, b), which keep the derivatives of the branch each "
                "element takes, or reduce the condition with .any() / .all()")
        return super().__bool__()


def by_value(result):
    """A comparison's result: bool arrays become ComparisonMasks, scalars stay."""
    if isinstance(result, np.ndarray) and result.dtype == np.bool_:
        return result.view(ComparisonMask)
    return result


def _split(top, x):
    """(values, partials) of operand x relative to the leading dual ``top``.

    partials is None when x is a constant with respect to top's perturbation.
    """
    if type(x) is DualArray and x.tag == top.tag:
        return x.values, x.partials
    return x, None


def _check_n(px, py):
    if px.shape[-1] != py.shape[-1]:
        raise ValueError(
            f"cannot combine DualArrays with {px.shape[-1]} and {py.shape[-1]} partials "
            "(same perturbation tag): seed all inputs with the same N")


def _finish(values, partials, tag):
    """A DualArray, broadcasting the partials to the shape of the values if needed."""
    shape = values.shape
    if partials.shape[:-1] != shape:
        partials = np.broadcast_to(partials, shape + partials.shape[-1:]).copy()
    return _new(values, partials, tag)


def _map(a, fv, fp):
    """A DualArray with fv applied to the values and fp to the partials."""
    return _new(fv(a.values), fp(a.partials), a.tag)


def _map_both(a, f, *args, **kwargs):
    """A DualArray with ``f(component, *args, **kwargs)`` applied to the values and the
    partials alike (for linear rearrangements whose axes never name the partials axis)."""
    return _new(f(a.values, *args, **kwargs), f(a.partials, *args, **kwargs), a.tag)


def _lead_of(items):
    """The outermost dual among ``items`` (None if there is none)."""
    top = None
    for x in items:
        if isinstance(x, DualNumber):
            top = x if top is None else lead(top, x)
    return top


# -------------------------------------------------------------- operands ---

def _float_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind in "fc":
        return dtype
    if dtype.kind in "biu":
        return np.dtype(np.float64)
    raise TypeError(f"DualArray holds real or complex floating-point numbers, got dtype {dtype}")


def _float_array(x):
    a = np.asarray(x)
    if a.dtype.kind not in "fc":
        a = a.astype(_float_dtype(a.dtype))
    return a


def is_complex_array(x):
    """True if the innermost values of x (a DualArray or an array) are complex."""
    if type(x) is np.ndarray:
        return x.dtype.kind == "c"
    while isinstance(x, DualNumber):
        x = x._primal()
    if isinstance(x, (np.ndarray, np.generic)):  # (dependency sets too: never dispatched)
        return x.dtype.kind == "c"
    return isinstance(x, complex)


def _values_component(x):
    """x as the values of a DualArray: a DualArray if it is dual, else a float array."""
    if isinstance(x, DualNumber):
        return DualArray.from_any(x)
    return _float_array(x)


def _holds(seq, types):
    """True if ``seq``, or a list or tuple nested in it, holds an instance of ``types``."""
    for s in seq:
        if isinstance(s, types):
            return True
        if isinstance(s, (list, tuple)) and _holds(s, types):
            return True
    return False


def _from_sequence(seq):
    """A (possibly nested) list as an operand: an ndarray, or a DualArray if it holds duals."""
    if not _holds(seq, DualNumber):
        a = np.asarray(seq)
        if a.dtype.kind not in "biufc":
            raise TypeError(f"cannot use a sequence of {a.dtype} as a numeric array")
        return a
    items = [_from_sequence(s) if isinstance(s, (list, tuple))
             else DualArray.from_any(s) if isinstance(s, DualNumber) else s
             for s in seq]
    return np.stack(items)


def _operand(x):
    """x as an operand of DualArray arithmetic (DualArray, ndarray or real or complex
    scalar), or None."""
    t = type(x)
    if t is DualArray or t is float or t is int or t is complex:
        return x
    if isinstance(x, np.ndarray):
        kind = x.dtype.kind
        if kind in "biufc":
            return x
        if kind == "O":
            return _from_sequence(x.tolist()) if x.ndim else _operand(x[()])
        return None
    if isinstance(x, DualNumber):
        return x if isinstance(x, DualArray) else DualArray.from_any(x)
    if isinstance(x, np.generic):
        return x if x.dtype.kind in "biufc" else None
    if isinstance(x, numbers.Real):
        return float(x)
    if isinstance(x, numbers.Complex):
        return complex(x)
    if isinstance(x, (list, tuple)):
        return _from_sequence(x)
    return None


def _operands(name, xs):
    out = []
    for x in xs:
        o = _operand(x)
        if o is None:
            raise TypeError(f"{name}: cannot use a {type(x).__name__} with a DualArray")
        out.append(o)
    return out


# ------------------------------------------------------------ DualArray ---

class DualArray(DualNumber):
    """An array of dual numbers: ``values`` (shape S) and ``partials`` (shape S + (N,)).

    NumPy code runs on it unchanged (ufuncs, operators, ``@``, reductions,
    ``np.linalg.solve``, indexing and slice assignment), carrying the N
    partial derivatives of every element exactly. Comparisons compare values.
    Indexing one element gives a scalar :class:`dualad.Dual`. ``values`` and
    ``partials`` may be DualArrays of a lower ``tag`` (nested duals, for
    higher derivatives). Values and partials are real (float32, float64) or
    complex (complex64, complex128) and share one dtype: complex partials make
    the values complex (guides/complex.md).

    >>> import numpy as np
    >>> import dualad as da
    >>> x = da.DualArray(np.array([0.0, 1.0]), np.ones((2, 1)))
    >>> y = np.sin(x) * x
    >>> y.partials[:, 0].tolist() == (np.cos(x.values) * x.values + np.sin(x.values)).tolist()
    True
    """

    __slots__ = ("values", "partials", "tag")
    _rank = 2

    def __init__(self, values, partials, tag=0):
        values = _values_component(values)
        dtype = values.dtype
        shape = values.shape
        if isinstance(partials, DualNumber):
            partials = DualArray.from_any(partials)
        else:
            partials = np.asarray(partials)
            if partials.dtype.kind not in "biufc":
                raise TypeError(f"DualArray partials must be real or complex numbers, got "
                                f"dtype {partials.dtype}")
            if partials.dtype.kind == "c" and dtype.kind != "c":
                # complex partials make a complex array (values and partials share a dtype)
                dtype = np.result_type(dtype, partials.dtype)
                values = values.astype(dtype)
            partials = partials.astype(dtype, copy=partials.dtype != dtype)
        pshape = partials.shape
        if pshape == shape:  # one partial per element, given without its axis
            partials = partials[..., None]
        elif pshape[:-1] != shape or len(pshape) != len(shape) + 1 or pshape[-1] < 1:
            raise ValueError(f"DualArray partials must have shape values.shape + (N,) = "
                             f"{shape} + (N,), got {pshape}")
        self.values = values
        self.partials = partials
        # Built by hand (tag 0) around duals: the outer number, as for Dual.
        self.tag = tag or _tag_around(values, partials)

    @classmethod
    def from_any(cls, x):
        """x as a DualArray.

        A DualArray is returned as is; a scalar ``Dual`` becomes a 0-d
        DualArray with the same tag and partials; a list may hold duals (they
        are stacked). Anything else (arrays, numbers) becomes a constant: tag
        0 and one zero partial per element.
        """
        if isinstance(x, DualArray):
            return x
        if isinstance(x, DualNumber):
            return _from_scalar_dual(x)
        if isinstance(x, (list, tuple)) or (isinstance(x, np.ndarray) and x.dtype == object):
            o = _operand(x)
            if isinstance(o, DualArray):
                return o
            x = o
        values = _float_array(x)
        return _new(values, np.zeros(values.shape + (1,), values.dtype), 0)

    # ---- attributes ------------------------------------------------------
    @property
    def shape(self):
        return self.values.shape

    @property
    def ndim(self):
        return self.values.ndim

    @property
    def size(self):
        return self.values.size

    @property
    def dtype(self):
        """The floating type (real or complex) of the values (innermost when nested)."""
        return self.values.dtype

    @property
    def n(self):
        """The number of partials N."""
        return self.partials.shape[-1]

    @property
    def value(self):
        """Same as ``values`` (for code written for scalar duals)."""
        return self.values

    @property
    def T(self):
        return np.transpose(self)

    def _primal(self):
        return self.values

    def __len__(self):
        shape = self.values.shape
        if not shape:
            raise TypeError("len() of unsized object")
        return shape[0]

    def __iter__(self):
        if not self.values.shape:
            raise TypeError("iteration over a 0-d array")
        for i in range(self.values.shape[0]):
            yield self[i]

    def __repr__(self):
        tag = f", tag={self.tag}" if self.tag else ""
        return f"DualArray({self.values!r}, {self.partials!r}{tag})"

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "a DualArray cannot become a plain NumPy array: that would drop its "
            "derivatives. This happens when a dual result is stored into a float "
            "array: allocate that array from a dual input instead (np.zeros_like(x), "
            "np.empty_like(x), np.zeros(n, like=x)), collect results with np.stack, "
            "or read the values explicitly with .values" + scipy_hint())

    # Comparisons are elementwise (``arith``): unhashable, as an ndarray.
    __hash__ = None

    def copy(self, order="K"):
        return _new(self.values.copy(), self.partials.copy(), self.tag)

    def astype(self, dtype, copy=True):
        dtype = np.dtype(dtype)
        if dtype.kind not in "fc":
            raise TypeError(f"astype({dtype}) of a DualArray would drop its derivatives; "
                            "read .values explicitly")
        if dtype.kind == "f" and is_complex_array(self):
            raise TypeError(f"astype({dtype}) of a complex DualArray would drop the imaginary "
                            "parts (and their derivatives); take .real explicitly")
        if dtype == self.dtype and not copy:
            return self
        return _new(self.values.astype(dtype), self.partials.astype(dtype), self.tag)

    def _extract_tag(self, tag):
        """The derivative along the single perturbation ``tag`` (for da.derivative)."""
        if self.tag == tag:
            p = self.partials
            if p.shape[-1] != 1:
                raise ValueError(f"derivative() seeds one partial; f returned a DualArray "
                                 f"with {p.shape[-1]} partials")
            r = p[..., 0]
            return r[()] if type(r) is np.ndarray and not r.shape else r
        if self.tag < tag:
            return np.zeros(self.shape, self.dtype)
        return _new(_extract_component(self.values, tag),
                    _extract_component(self.partials, tag), self.tag)

    # ---- NumPy functions: the handlers registered in ``registry`` -----------
    def __array_function__(self, func, types, args, kwargs):
        handler = _HANDLED.get(func)
        if handler is None:
            raise no_rule(f"{func.__module__}.{func.__name__}")
        if _foreign(types):
            return NotImplemented
        return _call_handler(handler, self, func, args, kwargs)


def _from_scalar_dual(d):
    if not hasattr(d, "_p"):
        raise TypeError(f"a {type(d).__name__} cannot be an element of a DualArray; "
                        "use Dual numbers (or DualArray directly)")
    values = _values_component(d.value)
    dtype = values.dtype
    p = d._p
    if isinstance(p, DualNumber):
        partials = DualArray.from_any(p)[None]
    elif isinstance(p, np.ndarray):  # floats, or dependency sets
        if p.dtype == object:
            partials = _operand(list(p))
            if not isinstance(partials, DualArray):
                partials = partials.astype(dtype)
        else:
            partials = p.astype(dtype)
    else:
        partials = np.array([p], dtype=dtype)
    return _new(values, partials, d.tag)


def _extract_component(c, tag):
    if isinstance(c, DualArray):
        return c._extract_tag(tag)
    return np.zeros(np.shape(c), np.result_type(c, np.float32))
