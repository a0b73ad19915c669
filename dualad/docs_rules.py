"""Print docs/rules.md (the list of differentiable functions) from the rule table and
the registry of NumPy functions with a DualArray rule."""
from ._numbers.array.manipulation import COMPOSITE_UFUNCS
from ._numbers.array.registry import _HANDLED
from ._rules.docs import rules_markdown


def _numpy_name(f):
    module = getattr(f, "__module__", None) or "numpy"
    module = module.replace("numpy._core", "numpy").replace("numpy.core", "numpy")
    sub = module.split(".")[1] if module.startswith("numpy.") else ""
    sub = sub if sub in ("linalg", "fft") else ""
    return "np." + (sub + "." if sub else "") + f.__name__


def reference_markdown():
    """docs/rules.md: the rule table, then the NumPy functions DualArray implements."""
    names = sorted({_numpy_name(f) for f in _HANDLED})
    composite = [f"`np.{n}`" for n in sorted(u.__name__ for u in COMPOSITE_UFUNCS)]
    return rules_markdown() + "\n".join([
        "",
        "## NumPy functions on `DualArray`",
        "",
        "NumPy code runs on `DualArray` through NumPy's `__array_function__` protocol (the",
        "ufuncs above through `__array_ufunc__`). These NumPy functions have a rule, each",
        "written on the dual components or from the operations above; any other raises a",
        "`TypeError` naming it (write it with these, or give it a rule with `da.register`):",
        "",
        ", ".join(f"`{n}`" for n in names) + ".",
        "",
        "These ufuncs have no rule of their own and are written with the ones above (on",
        "`Dual` and `DualArray`): " + ", ".join(composite) + ". `heaviside` is a step "
        "along x (derivative 0) and, at x == 0, the derivative of its second argument; "
        "`modf` and `frexp` return the fractional part and the mantissa with their "
        "derivatives (1 and 2**-exponent), the integral part and the exponent as steps.",
        "",
    ])


if __name__ == "__main__":
    print(reference_markdown(), end="")
