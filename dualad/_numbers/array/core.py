"""``DualArray``: arrays of dual numbers for NumPy code, stored as float arrays.

A ``DualArray`` holds ``values`` (shape S) and ``partials`` (shape S + (N,)):
the N partial derivatives of every element sit on a trailing axis, so each
operation is a few vectorised NumPy calls, never an object array of scalar
duals. ``values`` and ``partials`` may themselves be DualArrays of a lower
perturbation tag: that is how second derivatives of NumPy code are carried.
All arithmetic here is written on such *components* generically (``p * f1[...,
None]`` works for an ndarray and for a lower-tag DualArray alike).

NumPy code runs unchanged on it: ``__array_ufunc__`` (``ufuncs``) covers
every ufunc of the rule table, the arithmetic, comparisons (by value) and
``matmul``; ``__array_function__`` the functions registered in
``functions`` and ``linalg`` (reductions, shape manipulation,
``where``, ``einsum``, ``linalg.solve``, ...). A NumPy function without a rule
raises a TypeError naming it; nothing is ever converted to a plain or an object
array silently.

Conventions: results never share partials memory with their operands
(``x + 1`` copies), while indexing and reshaping give views as in NumPy;
comparisons, ``argmax`` & co. look at the innermost values; ``max``/``min``
and ``maximum``/``minimum`` take the derivative of the first maximal element.
"""
import numbers

import numpy as np

from ... import _rules
from ..._core.base import DualNumber, bad_argument, lead
from ..components import _tag_around
from ..dual import make_dual

_object_new = object.__new__

# Arithmetic operation codes of ``_arith``.
_ADD, _SUB, _MUL, _DIV = 0, 1, 2, 3

# NumPy functions with a rule: func -> handler (filled by ``implements``).
_HANDLED = {}
# Creation functions reached through ``like=``: the handler gets the DualArray first.
_LIKE = set()


def implements(*funcs, like=False):
    """Register a handler of ``__array_function__`` for the NumPy functions ``funcs``."""
    def register(handler):
        for f in funcs:
            if f is not None:
                _HANDLED[f] = handler
                if like:
                    _LIKE.add(f)
        return handler
    return register


def no_rule(name, detail=""):
    """The TypeError for a NumPy function without a dual rule."""
    return TypeError(
        f"dualad has no rule for {name}{detail}; it would drop the derivatives of a "
        "DualArray. Write the computation with supported NumPy functions and "
        "operators (see docs/rules.md and the array functions listed there), or give it a rule with "
        "da.register(func, derivs)")


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
    if t is float or t is int:
        return a
    return a[..., None]


def _primal(x):
    """The innermost plain values of x (for comparisons, argmax, ...)."""
    while isinstance(x, DualNumber):
        x = x._primal()
    return x


def _coef(f1, like):
    """A ladder coefficient in the float type of ``like``.

    A ladder may build coefficients with ``where(c, 1.0, 0.0)``: a float64
    array, which must not promote float32 partials.
    """
    if type(f1) is np.ndarray and f1.dtype != like.dtype:
        return f1.astype(like.dtype)
    return f1


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


def _lead_of(items):
    """The outermost dual among ``items`` (None if there is none)."""
    top = None
    for x in items:
        if isinstance(x, DualNumber):
            top = x if top is None else lead(top, x)
    return top


def _float_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return dtype
    if dtype.kind in "biu":
        return np.dtype(np.float64)
    raise TypeError(f"DualArray holds real floating-point numbers, got dtype {dtype}")


def _float_array(x):
    a = np.asarray(x)
    if a.dtype.kind != "f":
        a = a.astype(_float_dtype(a.dtype))
    return a


def _contains_dual(seq):
    for s in seq:
        if isinstance(s, DualNumber):
            return True
        if isinstance(s, (list, tuple)) and _contains_dual(s):
            return True
    return False


def _from_sequence(seq):
    """A (possibly nested) list as an operand: an ndarray, or a DualArray if it holds duals."""
    if not _contains_dual(seq):
        a = np.asarray(seq)
        if a.dtype.kind not in "biuf":
            raise TypeError(f"cannot use a sequence of {a.dtype} as a real array")
        return a
    items = [_from_sequence(s) if isinstance(s, (list, tuple))
             else DualArray.from_any(s) if isinstance(s, DualNumber) else s
             for s in seq]
    return np.stack(items)


def _operand(x):
    """x as an operand of DualArray arithmetic (DualArray, ndarray or real scalar), or None."""
    t = type(x)
    if t is DualArray or t is float or t is int:
        return x
    if isinstance(x, np.ndarray):
        kind = x.dtype.kind
        if kind in "biuf":
            return x
        if kind == "O":
            return _from_sequence(x.tolist()) if x.ndim else _operand(x[()])
        return None
    if isinstance(x, DualNumber):
        return x if isinstance(x, DualArray) else DualArray.from_any(x)
    if isinstance(x, np.generic):
        return x if x.dtype.kind in "biuf" else None
    if isinstance(x, numbers.Real):
        return float(x)
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


# ------------------------------------------------------------ arithmetic ---

def _arith(op, x, y):
    """x op y (op one of _ADD, _SUB, _MUL, _DIV) for operands at least one of which is dual."""
    top = lead(x, y)
    tag = top.tag
    xv, px = _split(top, x)
    yv, py = _split(top, y)
    if px is not None and py is not None:
        _check_n(px, py)
        if op == _ADD:
            return _new(xv + yv, px + py, tag)
        if op == _SUB:
            return _new(xv - yv, px - py, tag)
        if op == _MUL:
            return _new(xv * yv, px * _col(yv) + py * _col(xv), tag)
        # Quotient rule without forming y*y: d(x/y) = (dx - q dy) / y.
        q = xv / yv
        return _new(q, (px - py * _col(q)) / _col(yv), tag)
    if px is not None:
        if op == _ADD:
            v = xv + yv
            return _finish(v, px.copy(), tag) if v.shape == xv.shape else _finish(v, px, tag)
        if op == _SUB:
            v = xv - yv
            return _finish(v, px.copy(), tag) if v.shape == xv.shape else _finish(v, px, tag)
        if op == _MUL:
            return _finish(xv * yv, px * _col(yv), tag)
        return _finish(xv / yv, px / _col(yv), tag)
    if op == _ADD:
        v = xv + yv
        return _finish(v, py.copy(), tag) if v.shape == yv.shape else _finish(v, py, tag)
    if op == _SUB:
        return _finish(xv - yv, -py, tag)
    if op == _MUL:
        return _finish(xv * yv, py * _col(xv), tag)
    q = xv / yv
    return _finish(q, py * _col(-(q / yv)), tag)


def _pow_const(x, c):
    """x ** c for a DualArray x and a constant real scalar c."""
    v = x.values
    p = x.partials
    if c == 0:
        return _new(v ** c, np.zeros_like(p), x.tag)
    t = type(c)
    if c == 2 and (t is int or t is float):
        return _new(v * v, p * _col(v * 2.0), x.tag)
    f = v ** c
    with np.errstate(all="ignore"):
        f1 = v * c if c - 1 == 1 else v ** (c - 1) * c
        return _new(f, p * _col(f1), x.tag)


def _is_scalar_constant(c):
    t = type(c)
    return t is int or t is float or (isinstance(c, np.generic) and c.dtype.kind in "biuf")


def _power(x, y):
    if type(x) is DualArray and _is_scalar_constant(y):
        return _pow_const(x, y)
    return _rules.FUNCTIONS["pow"](x, y)


def _as_float64(x):
    if isinstance(x, DualArray):
        return x.astype(np.float64)
    if isinstance(x, (np.ndarray, np.generic)):
        return x.astype(np.float64)
    return x


def _matmul(a, b):
    return _array_linalg.matmul(a, b)  # the module is imported at the bottom


# ------------------------------------------------------------- indexing ---

def _partials_index(idx):
    """The index of the partials that selects what ``idx`` selects of the values."""
    if type(idx) is tuple:
        for i in idx:
            if i is Ellipsis:
                return idx + (slice(None),)
        return idx
    if idx is Ellipsis:
        return (Ellipsis, slice(None))
    return idx


def _scalar_dual(value, partials, tag):
    """The scalar ``Dual`` of one element (partials: shape (N,), ndarray or DualArray)."""
    n = partials.shape[-1]
    if type(partials) is np.ndarray:
        return make_dual(value, partials[0] if n == 1 else partials.copy(), tag)
    items = [partials[i] for i in range(n)]
    if n == 1:
        return make_dual(value, items[0], tag)
    arr = np.empty(n, dtype=object)
    arr[:] = items
    return make_dual(value, arr, tag)


def _assign(owner, attr, idx, val):
    """owner.<attr>[idx] = val, promoting a plain component when val carries derivatives."""
    target = getattr(owner, attr)
    if type(target) is not np.ndarray and not isinstance(target, DualArray):
        target = np.array(target)  # a NumPy scalar (0-d result of a reduction)
        setattr(owner, attr, target)
    if isinstance(val, DualArray) and not isinstance(target, DualArray):
        # The stored value depends on a lower perturbation than owner's: the
        # component becomes a DualArray of that perturbation (zero elsewhere).
        target = _new(target, np.zeros(target.shape + (val.n,), target.dtype), val.tag)
        setattr(owner, attr, target)
    target[idx] = val


# ------------------------------------------------------------ DualArray ---

class DualArray(DualNumber):
    """An array of dual numbers: ``values`` (shape S) and ``partials`` (shape S + (N,)).

    NumPy code runs on it unchanged (ufuncs, operators, ``@``, reductions,
    ``np.linalg.solve``, indexing and slice assignment), carrying the N
    partial derivatives of every element exactly. Comparisons compare values.
    Indexing one element gives a scalar :class:`dualad.Dual`. ``values`` and
    ``partials`` may be DualArrays of a lower ``tag`` (nested duals, for
    higher derivatives).

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
        if isinstance(values, DualNumber):
            values = DualArray.from_any(values)
            dtype = values.dtype
        else:
            values = _float_array(values)
            dtype = values.dtype
        shape = values.shape
        if isinstance(partials, DualNumber):
            partials = DualArray.from_any(partials)
        else:
            partials = np.asarray(partials)
            if partials.dtype.kind not in "biuf":
                raise TypeError(f"DualArray partials must be real, got dtype {partials.dtype}")
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
        """The floating type of the values (of the innermost values when nested)."""
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
            "or read the values explicitly with .values")

    # ---- arithmetic --------------------------------------------------------
    def __add__(self, other):
        t = type(other)
        if t is float or t is int:
            return _new(self.values + other, self.partials.copy(), self.tag)
        if t is DualArray and other.tag == self.tag:
            _check_n(self.partials, other.partials)
            return _new(self.values + other.values, self.partials + other.partials, self.tag)
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _arith(_ADD, self, other)

    def __radd__(self, other):
        t = type(other)
        if t is float or t is int:
            return _new(other + self.values, self.partials.copy(), self.tag)
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _arith(_ADD, other, self)

    def __sub__(self, other):
        t = type(other)
        if t is float or t is int:
            return _new(self.values - other, self.partials.copy(), self.tag)
        if t is DualArray and other.tag == self.tag:
            _check_n(self.partials, other.partials)
            return _new(self.values - other.values, self.partials - other.partials, self.tag)
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _arith(_SUB, self, other)

    def __rsub__(self, other):
        t = type(other)
        if t is float or t is int:
            return _new(other - self.values, -self.partials, self.tag)
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _arith(_SUB, other, self)

    def __mul__(self, other):
        t = type(other)
        if t is float or t is int:
            return _new(self.values * other, self.partials * other, self.tag)
        if t is DualArray and other.tag == self.tag:
            _check_n(self.partials, other.partials)
            a = self.values
            b = other.values
            return _new(a * b, self.partials * _col(b) + other.partials * _col(a), self.tag)
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _arith(_MUL, self, other)

    def __rmul__(self, other):
        t = type(other)
        if t is float or t is int:
            return _new(other * self.values, other * self.partials, self.tag)
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _arith(_MUL, other, self)

    def __truediv__(self, other):
        t = type(other)
        if t is float or t is int:
            return _new(self.values / other, self.partials / other, self.tag)
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _arith(_DIV, self, other)

    def __rtruediv__(self, other):
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _arith(_DIV, other, self)

    def __pow__(self, other, modulo=None):
        if modulo is not None:
            return NotImplemented
        t = type(other)
        if t is int or t is float:
            return _pow_const(self, other)
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _power(self, other)

    def __rpow__(self, other):
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _rules.FUNCTIONS["pow"](other, self)

    def __floordiv__(self, other):
        return self._binary_rule("floordiv", self, other)

    def __rfloordiv__(self, other):
        return self._binary_rule("floordiv", other, self)

    def __mod__(self, other):
        return self._binary_rule("mod", self, other)

    def __rmod__(self, other):
        return self._binary_rule("mod", other, self)

    def __divmod__(self, other):
        return self // other, self % other

    def __rdivmod__(self, other):
        return other // self, other % self

    def __matmul__(self, other):
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _matmul(self, other)

    def __rmatmul__(self, other):
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _matmul(other, self)

    def __neg__(self):
        return _new(-self.values, -self.partials, self.tag)

    def __pos__(self):
        return self.copy()

    def __abs__(self):
        return self._apply1(_rules.RULES_BY_NAME["fabs"])

    def _binary_rule(self, name, x, y):
        x = _operand(x)
        y = _operand(y)
        if x is None or y is None:
            return NotImplemented
        return _rules.FUNCTIONS[name](x, y)

    # In-place operators write into the existing memory, so that views see
    # the change as in NumPy.
    def _inplace(self, result):
        if result is NotImplemented:
            return result
        if isinstance(result, DualArray) and result.tag > self.tag:
            return result  # an outer perturbation: self cannot hold it
        self[...] = result
        return self

    def __iadd__(self, other):
        return self._inplace(self.__add__(other))

    def __isub__(self, other):
        return self._inplace(self.__sub__(other))

    def __imul__(self, other):
        return self._inplace(self.__mul__(other))

    def __itruediv__(self, other):
        return self._inplace(self.__truediv__(other))

    def __ipow__(self, other):
        return self._inplace(self.__pow__(other))

    # ---- comparisons: by value ---------------------------------------------
    def __eq__(self, other):
        return _primal(self) == _primal(other)

    def __ne__(self, other):
        return _primal(self) != _primal(other)

    def __lt__(self, other):
        return _primal(self) < _primal(other)

    def __le__(self, other):
        return _primal(self) <= _primal(other)

    def __gt__(self, other):
        return _primal(self) > _primal(other)

    def __ge__(self, other):
        return _primal(self) >= _primal(other)

    __hash__ = None

    # ---- elementary functions: the chain rule -----------------------------
    def _apply1(self, rule):
        with np.errstate(all="ignore"):
            f0, f1, _ = rule.ladder(self.values)
            return _new(f0, self.partials * _col(_coef(f1, f0)), self.tag)

    def _constant(self, c):
        # Python scalars take the array's float type, so that the ladders
        # follow NumPy semantics (nan, not exceptions) without promoting float32.
        t = type(c)
        if t is float or t is int:
            return self.dtype.type(c)
        return c

    def _apply2(self, rule, x, y):
        x = _operand(x)
        y = _operand(y)
        if x is None or y is None:
            raise bad_argument(rule.name, rule.argnames[0 if x is None else 1],
                               x if x is None else y)
        top = lead(x, y)
        if top is not self:
            return top._apply2(rule, x, y)
        xv, px = _split(self, x)
        yv, py = _split(self, y)
        with np.errstate(all="ignore"):
            if px is not None and py is not None:
                _check_n(px, py)
                f, fx, fy = rule.ladder(xv, yv)[:3]
                p = px * _col(_coef(fx, f)) + py * _col(_coef(fy, f))
            elif px is not None:
                f, fx, _ = _rules.PARTIAL_LADDERS[rule.name][0](xv, self._constant(yv))
                p = px * _col(_coef(fx, f))
            else:
                f, fy, _ = _rules.PARTIAL_LADDERS[rule.name][1](self._constant(xv), yv)
                p = py * _col(_coef(fy, f))
            return _finish(f, p, self.tag)

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

    # ---- NumPy protocols -----------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.pop("out", None)
        if kwargs and method != "reduce" and method != "accumulate":
            raise TypeError(f"dualad: numpy.{ufunc.__name__} on a DualArray does not support "
                            f"the keyword(s) {', '.join(sorted(kwargs))}")
        for i in inputs:
            if _operand(i) is None:
                return NotImplemented
        if out is not None and not any(isinstance(i, DualNumber) for i in inputs):
            # Only out= is dual: a plain computation stored into it.
            return _array_ufuncs._store(out, getattr(ufunc, method)(*inputs, **kwargs))
        if method == "__call__":
            result = _array_ufuncs._ufunc_call(ufunc, inputs)
        elif method == "reduce":
            result = _array_ufuncs._ufunc_reduce(ufunc, *inputs, **kwargs)
        elif method == "accumulate" and ufunc is np.add:
            result = np.cumsum(inputs[0], axis=kwargs.pop("axis", 0), **kwargs)
        elif method == "outer":
            a, b = _operands(ufunc.__name__, inputs)
            a = np.reshape(a, np.shape(a) + (1,) * np.ndim(b))
            result = _array_ufuncs._ufunc_call(ufunc, (a, b))
        else:
            raise no_rule(f"numpy.{ufunc.__name__}.{method}")
        return result if out is None else _array_ufuncs._store(out, result)

    def __array_function__(self, func, types, args, kwargs):
        handler = _HANDLED.get(func)
        if handler is None:
            raise no_rule(f"{func.__module__}.{func.__name__}")
        for t in types:
            if not issubclass(t, (DualNumber, np.ndarray)):
                return NotImplemented
        return _array_ufuncs._call_handler(handler, self, func, args, kwargs)

    # ---- indexing ----------------------------------------------------------------
    def __getitem__(self, idx):
        v = self.values[idx]
        p = self.partials[_partials_index(idx)]
        if type(v) is np.ndarray or type(v) is DualArray:
            return _new(v, p, self.tag)
        return _scalar_dual(v, p, self.tag)

    def __setitem__(self, idx, val):
        o = _operand(val)
        if o is None:
            raise TypeError(f"cannot store a {type(val).__name__} in a DualArray")
        pidx = _partials_index(idx)
        if type(o) is DualArray and o.tag >= self.tag:
            if o.tag > self.tag:
                raise TypeError(
                    "cannot store a dual of an outer perturbation (a newer derivative "
                    "transform) in this DualArray; allocate the array from that "
                    "transform's input (np.zeros_like(x)) instead")
            _check_n(self.partials, o.partials)
            _assign(self, "values", idx, o.values)
            _assign(self, "partials", pidx, o.partials)
            return
        _assign(self, "values", idx, o)
        _assign(self, "partials", pidx, 0.0)

    # ---- methods mirroring ndarray's -----------------------------------------------
    def copy(self, order="K"):
        return _new(self.values.copy(), self.partials.copy(), self.tag)

    def astype(self, dtype, copy=True):
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"astype({dtype}) of a DualArray would drop its derivatives; "
                            "read .values explicitly")
        if dtype == self.dtype and not copy:
            return self
        return _new(self.values.astype(dtype), self.partials.astype(dtype), self.tag)

    def item(self, *args):
        if not args:
            if self.size != 1:
                raise ValueError("can only convert an array of size 1 to a Python scalar")
            return self.reshape(-1)[0]
        return self[args[0] if len(args) == 1 else args]

    def reshape(self, *shape, order="C"):
        if len(shape) == 1:
            shape = shape[0]
        return np.reshape(self, shape, order=order)

    def transpose(self, *axes):
        if len(axes) == 1:
            axes = axes[0]
        return np.transpose(self, axes or None)

    def swapaxes(self, axis1, axis2):
        return np.swapaxes(self, axis1, axis2)

    def squeeze(self, axis=None):
        return np.squeeze(self, axis)

    def ravel(self, order="C"):
        return np.ravel(self, order)

    def flatten(self, order="C"):
        return np.ravel(self, order).copy()

    def sum(self, axis=None, dtype=None, out=None, keepdims=False):
        return np.sum(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False):
        return np.mean(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False):
        return np.prod(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        return np.var(self, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims)

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        return np.std(self, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims)

    def cumsum(self, axis=None, dtype=None, out=None):
        return np.cumsum(self, axis=axis, dtype=dtype, out=out)

    def max(self, axis=None, out=None, keepdims=False):
        return np.max(self, axis=axis, out=out, keepdims=keepdims)

    def min(self, axis=None, out=None, keepdims=False):
        return np.min(self, axis=axis, out=out, keepdims=keepdims)

    def argmax(self, axis=None, out=None, keepdims=False):
        return np.argmax(_primal(self), axis=axis, out=out, keepdims=keepdims)

    def argmin(self, axis=None, out=None, keepdims=False):
        return np.argmin(_primal(self), axis=axis, out=out, keepdims=keepdims)

    def argsort(self, axis=-1, kind=None, order=None):
        return np.argsort(_primal(self), axis=axis, kind=kind, order=order)

    def sort(self, axis=-1, kind=None, order=None):
        self[...] = np.sort(self, axis=axis, kind=kind)

    def clip(self, min=None, max=None, out=None):
        return np.clip(self, min, max, out=out)

    def dot(self, b, out=None):
        return np.dot(self, b, out=out)

    def trace(self, offset=0, axis1=0, axis2=1, dtype=None, out=None):
        return np.trace(self, offset, axis1, axis2, dtype=dtype, out=out)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return np.diagonal(self, offset, axis1, axis2)

    def round(self, decimals=0, out=None):
        return np.round(self, decimals, out=out)

    def take(self, indices, axis=None, out=None, mode="raise"):
        return np.take(self, indices, axis=axis, out=out, mode=mode)

    def repeat(self, repeats, axis=None):
        return np.repeat(self, repeats, axis=axis)

    def nonzero(self):
        return np.nonzero(_primal(self))

    def all(self, axis=None, out=None, keepdims=False):
        return np.all(_primal(self), axis=axis, out=out, keepdims=keepdims)

    def any(self, axis=None, out=None, keepdims=False):
        return np.any(_primal(self), axis=axis, out=out, keepdims=keepdims)


def _from_scalar_dual(d):
    if not hasattr(d, "_p"):
        raise TypeError(f"a {type(d).__name__} cannot be an element of a DualArray; "
                        "use Dual numbers (or DualArray directly)")
    value = d.value
    if isinstance(value, DualNumber):
        values = DualArray.from_any(value)
        dtype = values.dtype
    else:
        values = _float_array(value)
        dtype = values.dtype
    p = d._p
    if isinstance(p, DualNumber):
        partials = DualArray.from_any(p)[None]
    elif type(p) is np.ndarray:
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


# Handlers of the array functions register themselves on import.
from . import functions as _array_functions  # noqa: E402,F401
from . import linalg as _array_linalg  # noqa: E402
from . import ufuncs as _array_ufuncs  # noqa: E402
