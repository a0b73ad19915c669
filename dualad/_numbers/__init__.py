"""Layer 3, the numbers: dualad's number types for plain Python and NumPy.

``scalar`` (the operator protocol of the scalar types, classifying operands
by perturbation tag), ``dual`` and ``hyperdual`` (each type's calculus: chain,
product and quotient rules, nothing else), ``components`` (constants and
tags of hand-built duals), ``scalar_numpy`` (NumPy's protocols on scalars),
``array`` (``DualArray``), ``extract`` (the one reader of results), ``taylor`` (``Taylor``: truncated
series, for derivatives of high order).
"""
from .dual import Dual, make_dual
from .hyperdual import HyperDual
from .array import DualArray
from .taylor import Taylor
from .extract import partial_along, value_and_partials

__all__ = ["Dual", "HyperDual", "DualArray", "Taylor", "make_dual", "partial_along",
           "value_and_partials"]
