"""NumPy's ufunc protocol for DualArray, and scalar duals that meet arrays.

``DualArray.__array_ufunc__`` (added to the class with ``@method`` when this
module is imported) lands here: the arithmetic ufuncs go to ``arith``'s
kernel, the ufuncs of the rule table to the chain rule, ``matmul`` & co. to
``linalg``, comparisons and tests to the values; ``reduce``, ``accumulate``
and ``outer`` are written with the array functions. NumPy calls on scalar
``Dual`` numbers that meet arrays land here too (``scalar_numpy`` delegates
to ``array_ufunc_scalar_fallback`` and ``array_function_scalar_fallback``).
"""
import numpy as np

from ... import _rules
from ..._rules.scipy_special import special_call, ufunc_rule
from ..._core.base import DualNumber, lead
from .arith import _ADD, _DIV, _MUL, _SUB, _arith, _pow_const, _power, ordered
from .core import DualArray, by_value, _holds, _operand, _operands, _primal, method
from .linalg import matmul
from .manipulation import COMPOSITE_UFUNCS
from .registry import _HANDLED, _LIKE, _call_handler, _foreign, _store, no_rule

_ARITH_UFUNCS = {np.add: _ADD, np.subtract: _SUB, np.multiply: _MUL, np.divide: _DIV}
_ABSOLUTE = np.absolute  # (np.fabs refuses complex, as NumPy's)
_ORDERING_UFUNCS = {np.less: "<", np.less_equal: "<=", np.greater: ">",
                    np.greater_equal: ">="}
_BY_VALUE_UFUNCS = {
    np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
    np.isnan, np.isfinite, np.isinf, np.signbit, np.logical_not,
}


@method
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
        return _store(out, getattr(ufunc, method)(*inputs, **kwargs))
    if method == "__call__":
        result = _ufunc_call(ufunc, inputs)
    elif method == "reduce":
        result = _ufunc_reduce(ufunc, *inputs, **kwargs)
    elif method == "accumulate" and ufunc is np.add:
        result = np.cumsum(inputs[0], axis=kwargs.pop("axis", 0), **kwargs)
    elif method == "outer":
        a, b = _operands(ufunc.__name__, inputs)
        a = np.reshape(a, np.shape(a) + (1,) * np.ndim(b))
        result = _ufunc_call(ufunc, (a, b))
    else:
        raise no_rule(f"numpy.{ufunc.__name__}.{method}")
    return result if out is None else _store(out, result)


def _as_float64(x):
    """x in float_power's type: float64, or complex128 for complex x (as NumPy's)."""
    if isinstance(x, (DualArray, np.ndarray, np.generic)):
        return x.astype(np.complex128 if np.iscomplexobj(x) else np.float64)
    return x


def _ufunc_call(ufunc, inputs):
    """ufunc(*inputs) where some input is a DualArray (or a scalar dual with arrays)."""
    op = _ARITH_UFUNCS.get(ufunc)
    if op is not None:
        x, y = _operands(ufunc.__name__, inputs)
        return _arith(op, x, y)
    if ufunc in _BY_VALUE_UFUNCS:
        values = [_primal(i) for i in inputs]
        if ufunc in _ORDERING_UFUNCS:
            ordered(*values, _ORDERING_UFUNCS[ufunc])
        return by_value(ufunc(*values))
    rule = ufunc_rule(ufunc)
    if rule is None:
        special = special_call(ufunc)  # sici, betainc: not one rule each
        if special is not None:
            return special(*_operands(ufunc.__name__, inputs))
    if rule is not None:
        ops = _operands(ufunc.__name__, inputs)
        if rule.name == "pow":
            if ufunc is np.float_power:
                ops = [_as_float64(o) for o in ops]
            return _power(*ops)
        if rule.arity == 1:
            if ufunc is _ABSOLUTE:  # |z| of complex: hypot of the parts (complex_parts)
                return abs(ops[0])
            return ops[0]._apply1(rule)
        return lead(*ops)._apply2(rule, *ops)
    if ufunc is np.matmul:
        return matmul(*_operands("matmul", inputs))
    if ufunc is np.negative:
        return -inputs[0]
    if ufunc is np.positive:
        return +inputs[0]
    if ufunc is np.square:
        return _pow_const(inputs[0], 2)
    if ufunc is np.reciprocal:
        return _arith(_DIV, 1.0, inputs[0])
    if ufunc is np.conjugate:
        return _operands("conjugate", inputs)[0].conjugate()
    if ufunc is np.divmod:
        x, y = _operands("divmod", inputs)
        return (_rules.FUNCTIONS["floordiv"](x, y), _rules.FUNCTIONS["mod"](x, y))
    if ufunc is getattr(np, "vecdot", None):
        x, y = _operands("vecdot", inputs)
        return np.sum(x * y, axis=-1)
    if ufunc is getattr(np, "matvec", None):
        a, v = _operands("matvec", inputs)
        return matmul(a, v[..., None])[..., 0]
    if ufunc is getattr(np, "vecmat", None):
        v, a = _operands("vecmat", inputs)
        return matmul(v[..., None, :], a)[..., 0, :]
    composite = COMPOSITE_UFUNCS.get(ufunc)
    if composite is not None:
        return composite(*_operands(ufunc.__name__, inputs))
    raise no_rule(f"numpy.{ufunc.__name__}")


def _ufunc_reduce(ufunc, a, axis=0, dtype=None, keepdims=False, **kwargs):
    """``ufunc.reduce`` by the reduction it is (``out=`` is stored by the caller)."""
    if kwargs:
        raise TypeError(f"dualad: numpy.{ufunc.__name__}.reduce does not support "
                        f"{', '.join(sorted(kwargs))} on a DualArray")
    reductions = {np.add: np.sum, np.multiply: np.prod, np.maximum: np.max,
                  np.minimum: np.min}
    f = reductions.get(ufunc)
    if f is None:
        raise no_rule(f"numpy.{ufunc.__name__}.reduce")
    if dtype is not None:
        a = a.astype(dtype)
    return f(a, axis=axis, keepdims=keepdims)


def array_function_scalar_fallback(scalar, func, types, args, kwargs):
    """A NumPy function called with scalar duals (and no DualArray) among its arguments.

    A function with a DualArray rule runs it, the scalar duals becoming 0-d
    DualArrays: ``np.stack([d1, d2])`` and ``np.dot(A, d)`` give DualArrays,
    never object arrays of duals; a 0-d result of scalars alone is a scalar
    Dual again (``np.sum(d)``). Other functions, and hyper-duals, keep NumPy's
    own implementation, which works on the duals elementwise.
    """
    handler = _HANDLED.get(func)
    duals = [a for a in args if isinstance(a, DualNumber)] + [
        x for a in args if isinstance(a, (list, tuple)) for x in a if isinstance(x, DualNumber)]
    if handler is None or any(d._rank == 1 and not hasattr(d, "_p") for d in duals + [scalar]):
        return func._implementation(*args, **kwargs)
    if _foreign(types):
        return NotImplemented
    if func in _LIKE:
        scalar = DualArray.from_any(scalar)
    result = _call_handler(handler, scalar, func, args, kwargs)
    arrays = (np.ndarray, DualArray)
    if (type(result) is DualArray and not result.shape
            and not _holds(args, arrays) and not _holds(kwargs.values(), arrays)):
        return result[()]
    return result


def array_ufunc_scalar_fallback(ufunc, inputs):
    """A NumPy ufunc called on a scalar dual together with arrays.

    The scalar duals become 0-d DualArrays, which then broadcast against the
    arrays as NumPy scalars do.
    """
    return _ufunc_call(ufunc, tuple(_operands(ufunc.__name__, inputs)))
