"""Taylor numbers (Taylor mode): truncated univariate series for derivatives of high order.

``series`` (the coefficient recurrences on arrays, O(K²)), ``generic`` (any
rule from its derivative ladder), ``functions`` (which of the two a rule
takes), ``number`` (the ``Taylor`` type: operators and NumPy protocols).
"""
from .number import Taylor
from .functions import recurrence_names

__all__ = ["Taylor", "recurrence_names"]
