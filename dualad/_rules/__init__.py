"""Layer 2, the rules: every elementary function written once, as data.

``table`` (the ``Rule`` entries), ``ladders`` (each function's derivatives
f, f', f'' as code on any number type), ``elementary`` (the public
``da.sin``-style functions that dispatch to the number types), ``primitives``
and ``special`` (float implementations), ``docs`` (docs/rules.md from the
table). The rules know no number type: a number type applies a ladder.
"""
from .table import (FUNCTIONS, KINK, OPERATORS, RULES, RULES_BY_NAME, RULES_BY_UFUNC, SMOOTH,
                    STEP, Rule, polygamma_rule)
from .elementary import digamma, polygamma, where

__all__ = ["FUNCTIONS", "KINK", "OPERATORS", "RULES",
           "RULES_BY_NAME", "RULES_BY_UFUNC", "SMOOTH", "STEP", "Rule", "polygamma_rule",
           "digamma", "polygamma", "where"]
