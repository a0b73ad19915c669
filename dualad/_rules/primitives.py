"""Float primitives with NumPy-like semantics where ``math`` has none or raises.

The ``primal`` of a rule: the function on plain floats. Step functions return
floats (as NumPy does; a Dual's value stays a float) and pass nan and inf
through, where math.floor & co. would raise.
"""
import builtins
import math


def py_floor(x):
    return float(math.floor(x)) if math.isfinite(x) else x


def py_ceil(x):
    return float(math.ceil(x)) if math.isfinite(x) else x


def py_trunc(x):
    return float(math.trunc(x)) if math.isfinite(x) else x


def py_round(x):
    return float(builtins.round(x)) if math.isfinite(x) else x


def py_sign(x):
    return (x > 0.0) - (x < 0.0) + 0.0 if x == x else x


def py_maximum(x, y):
    return x if (x >= y or x != x) else y


def py_minimum(x, y):
    return x if (x <= y or x != x) else y


def py_fmax(x, y):
    return x if (x >= y or y != y) else y


def py_fmin(x, y):
    return x if (x <= y or y != y) else y


def py_pow(x, y):
    try:
        return math.pow(x, y)
    except (ValueError, ZeroDivisionError):
        if x == 0.0 and y < 0.0:
            odd = y == math.floor(y) and math.fmod(y, 2.0) != 0.0
            return math.copysign(math.inf, x) if odd else math.inf
        if x < 0.0 and y != math.floor(y):
            raise ValueError(
                f"pow: ({x!r}) ** {y!r} is not a real number (a negative base to a "
                "non-integer power; math.pow refuses it too, NumPy gives nan). For the "
                "principal complex branch, differentiate at a complex point, e.g. "
                "da.derivative(f)(complex(x))") from None
        raise


def py_floordiv(x, y):
    return x // y


def py_mod(x, y):
    return x % y


def py_log_base(x, b):
    return math.log(x, b)


def py_where(cond, a, b):
    return a if cond else b


# ------------------------------------------------------- complex primitives --
# The holomorphic rules on complex floats, with NumPy's branch cuts (C99's):
# ``cmath`` for Python complex (domain errors raise, as ``math``), NumPy's
# ufuncs for np.complex64/np.complex128 (complex64 stays complex64; nan).

def complex_primitive(cm, ufunc):
    """The primitive of one rule on complex floats (cm: the cmath function or None)."""
    def primal(*args):
        if cm is not None and all(type(a) in (complex, float) for a in args):
            return cm(*args)
        out = ufunc(*args)
        return complex(out) if all(type(a) in (complex, float, int) for a in args) else out
    primal.__name__ = ufunc.__name__
    return primal


def py_cpow(x, y):
    """x**y of complex floats: NumPy's inf/nan at 0**(negative or complex), never raised."""
    if type(x) in (complex, float) and type(y) in (complex, float):
        try:
            return complex(x) ** y
        except ZeroDivisionError:
            return complex(math.inf, math.nan)
    return x ** y
