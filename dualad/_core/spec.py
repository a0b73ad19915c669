"""What a transform asks of a backend: its kind, argnums and chunk plan.

One place validates ``argnums`` and ``chunk`` and plans the passes, for the
Python path and the compiled backends alike (ForwardDiff's ``pickchunksize``:
all directions in one pass up to a limit, else passes of nearly equal size).
"""
import math
import operator
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

# Partials carried per pass in the Python path: one pass covers all inputs up
# to this many, since NumPy's per-call overhead dominates small arrays.
PYTHON_CHUNK = 256

COMPILED_CHUNK = 16
"""Most partials per pass in compiled code (two AVX-512 registers of float64)."""

KINDS = ("jacobian", "grad", "value_and_grad", "hessian")


def normalize_argnums(argnums, nargs, who):
    """(single, argnums as a tuple of non-negative ints) for a call with ``nargs`` arguments.

    Negative argnums count from the end, as in Python indexing. An argument
    named twice (``argnums=(0, 0)`` or ``(0, -2)`` with two arguments) is
    refused: JAX does the same, and forward mode would otherwise seed one
    input twice and silently report a wrong derivative.
    """
    single = isinstance(argnums, (int, np.integer)) and not isinstance(argnums, bool)
    nums = (argnums,) if single else argnums
    if not isinstance(nums, tuple) or not nums or not all(
            isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in nums):
        raise TypeError(f"{who}: argnums must be an int or a non-empty tuple of ints, "
                        f"got {argnums!r}")
    out = []
    for i in nums:
        j = operator.index(i)
        if not -nargs <= j < nargs:
            raise ValueError(f"{who}: argnums {i} is out of range for a function called "
                             f"with {nargs} positional argument(s)")
        out.append(j % nargs)
    if len(set(out)) != len(out):
        raise ValueError(f"{who}: argnums {argnums!r} names argument(s) "
                         f"{sorted({j for j in out if out.count(j) > 1})} more than once; "
                         "name each argument once (the result for a repeated argument "
                         "would be the same array twice)")
    return single, tuple(out)


def check_chunk(chunk, who):
    """``chunk`` as a positive int, or None (the default plan)."""
    if chunk is None:
        return None
    if isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer)) or chunk < 1:
        raise ValueError(f"{who}: chunk must be a positive int, got {chunk!r}")
    return int(chunk)


def chunk_size(n, chunk, default):
    """Directions per pass: all n up to ``chunk or default``, else nearly equal passes."""
    size = min(n, chunk or default)
    passes = max(1, math.ceil(n / max(size, 1)))
    return math.ceil(n / passes) if n else 0


def chunk_passes(n, chunk, default):
    """The passes ``(start, count)`` over n directions (one empty pass for n == 0,
    so that f still runs once and gives the value and the shape of the output)."""
    if n == 0:
        return [(0, 0)]
    size = chunk_size(n, chunk, default)
    return [(start, min(size, n - start)) for start in range(0, n, size)]


def compiled_chunk(n, chunk):
    """Directions per compiled pass (at least 1: a dual type needs one partial)."""
    return max(1, chunk_size(n, chunk, COMPILED_CHUNK))


@dataclass(frozen=True)
class TransformSpec:
    """A transform as the backends see it: no classes of the layer above.

    ``kind`` is one of ``KINDS``; ``f`` the user's function; ``argnums`` and
    ``chunk`` as the user gave them (validated).
    """
    kind: str
    f: Any
    argnums: Any = 0
    chunk: Optional[int] = None

    @property
    def scalar_output(self):
        """True for the kinds whose f must return one real number."""
        return self.kind != "jacobian"

    @property
    def returns_value(self):
        return self.kind == "value_and_grad"
