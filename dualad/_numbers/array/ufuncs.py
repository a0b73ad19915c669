"""NumPy's protocols for DualArray: ufunc calls, ``out=`` and scalar duals among arrays.

``DualArray.__array_ufunc__`` and ``__array_function__`` land here, and so do
NumPy calls on scalar ``Dual`` numbers that meet arrays (``_scalar`` delegates
to ``array_ufunc_scalar_fallback`` and ``array_function_scalar_fallback``).
"""
import numpy as np

from ... import _rules
from .core import (_ADD, _DIV, _HANDLED, _LIKE, _MUL, _SUB, DualArray, _arith, _as_float64,
                     _matmul, _operands, _pow_const, _power, _primal, no_rule)
from ..._core.base import DualNumber, lead

_ARITH_UFUNCS = {np.add: _ADD, np.subtract: _SUB, np.multiply: _MUL, np.divide: _DIV}
_BY_VALUE_UFUNCS = {
    np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
    np.isnan, np.isfinite, np.isinf, np.signbit, np.logical_not,
}


def _ufunc_call(ufunc, inputs):
    """ufunc(*inputs) where some input is a DualArray (or a scalar dual with arrays)."""
    op = _ARITH_UFUNCS.get(ufunc)
    if op is not None:
        x, y = _operands(ufunc.__name__, inputs)
        return _arith(op, x, y)
    if ufunc in _BY_VALUE_UFUNCS:
        return ufunc(*(_primal(i) for i in inputs))
    rule = _rules.RULES_BY_UFUNC.get(ufunc)
    if rule is not None:
        ops = _operands(ufunc.__name__, inputs)
        if rule.name == "pow":
            if ufunc is np.float_power:
                ops = [_as_float64(o) for o in ops]
            return _power(*ops)
        if rule.arity == 1:
            return ops[0]._apply1(rule)
        return lead(*ops)._apply2(rule, *ops)
    if ufunc is np.matmul:
        return _matmul(*_operands("matmul", inputs))
    if ufunc is np.negative:
        return -inputs[0]
    if ufunc is np.positive:
        return +inputs[0]
    if ufunc is np.square:
        return _pow_const(inputs[0], 2)
    if ufunc is np.reciprocal:
        return _arith(_DIV, 1.0, inputs[0])
    if ufunc is np.conjugate:
        return inputs[0].copy()
    if ufunc is np.divmod:
        x, y = _operands("divmod", inputs)
        return (_rules.FUNCTIONS["floordiv"](x, y), _rules.FUNCTIONS["mod"](x, y))
    if ufunc is getattr(np, "vecdot", None):
        x, y = _operands("vecdot", inputs)
        return np.sum(x * y, axis=-1)
    if ufunc is getattr(np, "matvec", None):
        a, v = _operands("matvec", inputs)
        return _matmul(a, v[..., None])[..., 0]
    if ufunc is getattr(np, "vecmat", None):
        v, a = _operands("vecmat", inputs)
        return _matmul(v[..., None, :], a)[..., 0, :]
    raise no_rule(f"numpy.{ufunc.__name__}")


def _store(out, result):
    """Write ``result`` into the ``out=`` argument of a ufunc or array function."""
    if isinstance(out, tuple):
        if len(out) != 1:
            if not isinstance(result, tuple) or len(result) != len(out):
                raise TypeError("out= has the wrong number of arrays")
            return tuple(_store(o, r) for o, r in zip(out, result))
        out = out[0]
    if out is None:
        return result
    out[...] = result
    return out


def _call_handler(handler, like, func, args, kwargs):
    if func in _LIKE:
        return handler(like, *args, **kwargs)
    out = kwargs.get("out")
    if out is not None:
        kwargs = dict(kwargs)
        del kwargs["out"]
        return _store(out, func(*args, **kwargs))
    return handler(*args, **kwargs)


def _holds_array(args):
    for a in args:
        if isinstance(a, (np.ndarray, DualArray)):
            return True
        if isinstance(a, (list, tuple)) and _holds_array(a):
            return True
    return False


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
    if handler is None or any(not hasattr(d, "_p") for d in duals + [scalar]):
        return func._implementation(*args, **kwargs)
    for t in types:
        if not issubclass(t, (DualNumber, np.ndarray)):
            return NotImplemented
    if func in _LIKE:
        scalar = DualArray.from_any(scalar)
    result = _call_handler(handler, scalar, func, args, kwargs)
    if (type(result) is DualArray and not result.shape
            and not _holds_array(args) and not _holds_array(kwargs.values())):
        return result[()]
    return result


def array_ufunc_scalar_fallback(ufunc, inputs):
    """A NumPy ufunc called on a scalar dual together with arrays.

    The scalar duals become 0-d DualArrays, which then broadcast against the
    arrays as NumPy scalars do.
    """
    return _ufunc_call(ufunc, tuple(_operands(ufunc.__name__, inputs)))


def _ufunc_reduce(ufunc, a, axis=0, dtype=None, out=None, keepdims=False, **kwargs):
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
    result = f(a, axis=axis, keepdims=keepdims)
    return result if out is None else _store(out, result)
