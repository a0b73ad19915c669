"""Array expressions on arrays of duals inside nopython code, with NumPy broadcasting.

``x * y``, ``x + 1.0``, ``A * d`` (a float array times a dual), ``-x``,
``abs(x)``, ``x ** 2``, the comparisons (by value, giving bool arrays) and
every NumPy ufunc of the rule table (``np.exp(x)``, ``np.arctan2(y, x)``,
``np.maximum``), plus
``np.where`` and ``np.clip``, for operands that are arrays of duals, arrays of
reals, duals or reals, at least one of them holding duals. (The in-place
forms, ``x += y``, are ``inplace``'s.)

Each is one *map*: the scalar function the user's scalar code already
compiles to (``operator.mul`` on two duals, dualad's ``sin`` on a dual, ...)
applied per element, the result allocated with the element type that the
scalar operands give (``operands.classify``). The maps are generated from the
same tables as the scalar overloads (the rule table, ``ufuncs``' aliases), so a
rule added to the table works on arrays too.

A map over operands of one shape runs a flat loop; different shapes broadcast
as NumPy does (``broadcast_pair``; incompatible shapes raise NumPy's
ValueError at run time), each flat index of the result mapped to the
operands' (``source_index``).
"""
import operator

import numpy as np
from numba.core import types
from numba.core.errors import TypingError
from numba.cpython.unsafe.tuple import tuple_setitem
from numba.extending import overload

from .. import _rules
from .._rules import elementary as _elementary
from .arrays import empty_array_of
from .intrinsics import convert
from .lazy import register_lazy
from .operands import classify
from .registry import OVERLOAD, jitable
from .taylor_types import is_taylor
from .types import is_complex_dual, is_dual, is_real
from .ufuncs import UFUNC_ALIASES, VALUE_TESTS


def is_number(t):
    """A compiled number type of dualad: a dual or a compiled Taylor number."""
    return is_dual(t) or is_taylor(t)


def dual_array(t):
    """An array type whose elements are duals (or compiled Taylor numbers: every map,
    reduction and scan here is generic over the element's scalar type)."""
    return isinstance(t, types.Array) and is_number(t.dtype)


def element(t):
    """The element type of an operand: an array's dtype, else the type itself."""
    return t.dtype if isinstance(t, types.Array) else t


def _number(t):
    # (a complex number meets real duals as a constant: 1j * x is an array of complex duals)
    return is_number(t) or is_real(t) or isinstance(t, types.Complex)


def map_operands(*ts):
    """True if every operand is a number or an array of numbers and one holds duals
    (a caller checks that one is an array)."""
    return (all(_number(element(t)) for t in ts)
            and any(dual_array(t) or is_number(t) for t in ts)
            and all(isinstance(t, types.Array) or _number(t) for t in ts))


def result_type(a, b):
    """The element type of a binary map of a and b (a dual or Taylor type)."""
    ea, eb = element(a), element(b)
    if is_taylor(ea) or is_taylor(eb):
        if (ea == eb) or (is_taylor(ea) and is_real(eb)):
            return ea
        if is_taylor(eb) and is_real(ea):
            return eb
        raise TypingError(f"dualad: cannot combine {ea} and {eb} in one array expression "
                          "(Taylor numbers of one order and float width, or reals)")
    k = classify(ea, eb)
    return k[1]


# --------------------------------------------------------------- the maps ---

def flat(a):
    """a as a 1-D array: itself if it is one (no copy: device code cannot allocate),
    else a.ravel()."""


@overload(flat, strict=False, **OVERLOAD)
def _flat(a):
    if isinstance(a, types.Array):
        if a.ndim == 1:
            return lambda a: a
        return lambda a: a.ravel()


def broadcast_pair(sa, sb):
    """np.broadcast_shapes(sa, sb) for two shapes; same-rank shapes by a loop over
    their dimensions (numba's general version costs 0.6 s of compile per rank)."""


@overload(broadcast_pair, strict=False, **OVERLOAD)
def _broadcast_pair(sa, sb):
    if len(sa) == 0:
        return lambda sa, sb: sb
    if len(sb) == 0:
        return lambda sa, sb: sa
    if len(sa) != len(sb):
        return lambda sa, sb: np.broadcast_shapes(sa, sb)

    def impl(sa, sb):
        out = sa
        for d in range(len(sa)):
            x, y = sa[d], sb[d]
            if x != y:
                if x == 1:
                    out = tuple_setitem(out, d, y)
                elif y != 1:
                    raise ValueError("shape mismatch: objects cannot be broadcast to a "
                                     "single shape")
        return out
    return impl


def source_index(i, shape, src_shape):
    """The flat (C-order) index into an operand of ``src_shape`` of the element that
    NumPy's broadcasting pairs with the flat index i of the result of ``shape``."""
    nd, ns = len(shape), len(src_shape)
    j = 0
    stride = 1
    rem = i
    for d in range(nd - 1, -1, -1):
        k = rem % shape[d]
        rem //= shape[d]
        s = d - (nd - ns)
        if s >= 0:
            n = src_shape[s]
            if n != 1:
                j += k * stride
            stride *= n
    return j


jitable(source_index)


def unary_map(fn, T):
    """impl(a): fn on every element of the array a, results of type T."""
    tref = types.TypeRef(T)

    def impl(a):
        out = empty_array_of(a.shape, tref)
        o = out.reshape(out.size)
        af = flat(a)
        for i in range(o.size):
            o[i] = fn(af[i])
        return out
    impl.element = T
    return impl


def binary_map(fn, T, a, b):
    """impl(a, b): fn elementwise, broadcast as NumPy does, results of type T.

    Operands of one shape take a flat loop; others map each flat index of the
    result to theirs (``source_index``), integer arithmetic only: cheap to
    compile, where np.broadcast_to and np.ndindex cost a second per operator."""
    tref = types.TypeRef(T)
    if isinstance(a, types.Array) and isinstance(b, types.Array):
        def impl(a, b):
            shape = broadcast_pair(a.shape, b.shape)
            out = empty_array_of(shape, tref)
            o = out.reshape(out.size)
            af = flat(a)
            bf = flat(b)
            if af.size == o.size and bf.size == o.size:
                for i in range(o.size):
                    o[i] = fn(af[i], bf[i])
            else:
                for i in range(o.size):
                    o[i] = fn(af[source_index(i, shape, a.shape)],
                              bf[source_index(i, shape, b.shape)])
            return out
    elif isinstance(a, types.Array):
        def impl(a, b):
            out = empty_array_of(a.shape, tref)
            o = out.reshape(out.size)
            af = flat(a)
            for i in range(o.size):
                o[i] = fn(af[i], b)
            return out
    else:
        def impl(a, b):
            out = empty_array_of(b.shape, tref)
            o = out.reshape(out.size)
            bf = flat(b)
            for i in range(o.size):
                o[i] = fn(a, bf[i])
            return out
    impl.element = T   # the result's element type (``lazy``)
    return impl


def _binary_typer(fn):
    def typer(a, b):
        if map_operands(a, b) and (isinstance(a, types.Array) or isinstance(b, types.Array)):
            if fn is operator.pow and dual_array(a) and isinstance(b, types.IntegerLiteral):
                return _literal_power_map(a, b.literal_value)
            return binary_map(fn, result_type(a, b), a, b)
    return typer


def _literal_power_map(a, k):
    """impl(a, b) of ``a ** k`` for a constant int k: the unary map of the scalar
    code's constant-power ladder (products only), as ``d ** 2`` takes, not the
    run-time integer power (a loop, and ten times its compile time)."""
    def power(x):
        return x ** k
    each = jitable(unary_map(jitable(power), a.dtype))

    def impl(a, b):
        return each(a)
    impl.element = a.dtype
    return impl


def _compare_typer(fn):
    def typer(a, b):
        if map_operands(a, b):
            return binary_map(fn, types.boolean, a, b)
    return typer


# Arrays of complex duals: |z| is an array of real duals (``complex_arrays``).
REAL_OF_COMPLEX = {abs, _rules.FUNCTIONS["fabs"]}


def _unary_typer(fn):
    def typer(a):
        if dual_array(a) and not (is_complex_dual(a.dtype) and fn in REAL_OF_COMPLEX):
            return unary_map(fn, a.dtype)
    return typer


def _test_typer(fn):
    def typer(a):
        if dual_array(a):
            return unary_map(fn, types.boolean)
    return typer


# --------------------------------------------------------- registrations ---

OPERATORS = {  # each binary operator and its in-place form
    operator.add: operator.iadd, operator.sub: operator.isub,
    operator.mul: operator.imul, operator.truediv: operator.itruediv,
    operator.pow: operator.ipow, operator.floordiv: operator.ifloordiv,
    operator.mod: operator.imod,
}
# The maps that allocate their result are typed lazily (``lazy``): numba's array
# expressions fuse most of them, and the rest compile when lowered.
for _op in OPERATORS:
    # pow sees constant exponents as literals (x ** 2: products only)
    register_lazy(_op, _binary_typer(_op), prefer_literal=_op is operator.pow)
for _op in (operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge):
    register_lazy(_op, _compare_typer(_op))
for _op in (operator.neg, operator.pos, abs):
    register_lazy(_op, _unary_typer(_op))

_log_e = _elementary.log_e
_MAPPED = {}  # ufunc -> the scalar function each element goes through
for _rule in _rules.RULES:
    _fn = _log_e if _rule.name == "log" else _rules.FUNCTIONS[_rule.name]
    for _u in _rule.ufuncs:
        _MAPPED[getattr(np, _u)] = (_fn, _rule.arity)
_MAPPED[np.power] = (operator.pow, 2)   # integer powers keep their exact ladder
_MAPPED.update(UFUNC_ALIASES)

for _uf, (_fn, _arity) in _MAPPED.items():
    if _fn in (operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne):
        register_lazy(_uf, _compare_typer(_fn))
    elif _arity == 1:
        register_lazy(_uf, _unary_typer(_fn))
    else:
        register_lazy(_uf, _binary_typer(_fn), prefer_literal=_fn is operator.pow)
for _t in VALUE_TESTS:
    register_lazy(_t, _test_typer(_t))


# ------------------------------------------------------- where, clip ---

def _where_typer(cond, a, b):
    if not (isinstance(cond, types.Array) and isinstance(cond.dtype, (types.Boolean,
                                                                       types.Integer))):
        return None
    if not map_operands(cond, a, b):   # a or b holds duals (cond is bool)
        return None
    tref = types.TypeRef(result_type(a, b))
    A_arr, B_arr = isinstance(a, types.Array), isinstance(b, types.Array)

    def impl(cond, a, b):
        shape = broadcast_pair(broadcast_pair(cond.shape, np.shape(a)), np.shape(b))
        out = empty_array_of(shape, tref)
        o = out.reshape(out.size)
        cf = cond.ravel()
        af = np.asarray(a).ravel()
        bf = np.asarray(b).ravel()
        for i in range(o.size):
            if cf[source_index(i, shape, cond.shape)]:
                o[i] = convert(af[source_index(i, shape, np.shape(a))], tref)
            else:
                o[i] = convert(bf[source_index(i, shape, np.shape(b))], tref)
        return out
    if not (A_arr or B_arr):
        def impl(cond, a, b):  # noqa: F811  (scalar branches)
            out = empty_array_of(cond.shape, tref)
            o = out.reshape(out.size)
            cf = cond.ravel()
            for i in range(o.size):
                o[i] = convert(a, tref) if cf[i] else convert(b, tref)
            return out
    return impl


overload(np.where, strict=False, **OVERLOAD)(_where_typer)
overload(_rules.where, strict=False, **OVERLOAD)(_where_typer)

_maximum = _rules.FUNCTIONS["maximum"]
_minimum = _rules.FUNCTIONS["minimum"]


@overload(np.clip, strict=False, **OVERLOAD)
def _clip(a, a_min, a_max):
    if map_operands(a, a_min, a_max) and dual_array(a):
        def impl(a, a_min, a_max):
            return np.minimum(np.maximum(a, a_min), a_max)
        return impl
