"""The passes of every compiled transform: one planner for all the backends.

A *pass* is one evaluation of the user's f on inputs seeded with some
directions. Which algorithm a point uses, how many directions each pass
carries and which ones, is decided here once, and read by the three drivers:
the single point driven from Python (``point``, which iterates
``PointPlan.passes``), the CPU batch loop and the CUDA kernel (both run
``kernels``' per-point bodies, which walk the same passes with the same
step functions, compiled).

* ``jacobian``: chunks ``(start, count)`` of C directions (the Jacobian, and
  the gradient, of f);
* ``hessian``: nested duals ``Dual[Dual[float, C], 1]``, one pass
  ``(row, start)`` per row r of the Hessian (outer direction e_r) and inner
  chunk of C columns that reaches the diagonal or right of it; the lower
  triangle is mirrored;
* ``hessian2``: second-order duals ``Dual2[float, C]`` carrying the packed
  Hessian triangle; one pass ``(0, 0)`` for n <= ``DUAL2_MAX`` (or the
  chunk), else x is cut into blocks of B = C / 2 and each pair of blocks
  p < q is one pass ``(p0, q0)`` giving the blocks (p, p), (p, q), (q, q).

Functions that Dual2 cannot compile keep the nested passes (``no_dual2``).
Which Hessian algorithm a point takes depends on n and on the driver (one
point from Python, or a compiled CPU batch): ``plan_point``, whose docstring
gives the measured crossovers.
"""
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit

from .._core.spec import compiled_chunk
from .._jit.types import Dual2Type, DualType

DUAL2_MAX = 16
"""Most directions of one second-order (Dual2) pass: n(n+1)/2 = 136 Hessian lanes."""

_NO_DUAL2 = {}
"""Dispatchers whose Dual2 Hessian did not compile (a function without a Dual2
implementation): they keep the nested Dual[Dual] passes."""


# --------------------------------------------------------------- passes ---
# Each algorithm's passes are a first pass and a step to the next one (a
# negative first field: none left), plain functions that the compiled bodies
# call too. (A table of passes read from memory instead cost up to 2x on
# one-pass gradients: LLVM can no longer see that the first pass starts at 0.)
# The first passes are int64 zeros, not the literal 0: numba would otherwise
# compile each seeding helper twice, for Literal[int](0) and for int64 (+0.1-0.2 s
# on a first call, measured); LLVM still sees the constant. They are numba
# dispatchers, disk-cached (as jitable overloads they were compiled again in
# every process, 0.03-0.08 s each); Python calls their ``py_func``.


@njit(cache=True)
def first_chunk(n, C):
    """The start of the first Jacobian pass."""
    return np.int64(0)


@njit(cache=True)
def next_chunk(start, n, C):
    """The Jacobian pass after the chunk of C directions at ``start`` (-1: none)."""
    start += C
    return start if start < n else -1


@njit(cache=True)
def first_row(n, C):
    """(row, start) of the first nested Hessian pass."""
    return np.int64(0), np.int64(0)


@njit(cache=True)
def next_row(row, start, n, C):
    """The nested Hessian pass after (row, start): the row's next chunk of C, else the
    next row from its chunk holding the diagonal (the chunks wholly left of it are
    mirrored); (-1, -1): none."""
    start += C
    if start >= n:
        row += 1
        start = (row // C) * C
    return (row, start) if row < n else (-1, -1)


@njit(cache=True)
def dual2_block(n, C):
    """B, the directions of each block of a Dual2 pass of C over n inputs: all C when
    they cover x (one pass), else C / 2 per block (``dual2_plan`` makes C = 2B < n)."""
    return C if n <= C else C // 2


@njit(cache=True)
def first_dual2(n, C):
    """(p0, q0) of the first Dual2 pass: the one pass, or the first pair of blocks."""
    zero = np.int64(0)
    return (zero, zero) if n <= C else (zero, np.int64(C // 2))


@njit(cache=True)
def next_dual2(p0, q0, n, B):
    """The Dual2 pass after (p0, q0) with blocks of B; (-1, -1): none. The one pass
    (0, 0) has no next; pairs of blocks p0 < q0 go row by row."""
    if p0 == q0:
        return -1, -1
    q0 += B
    if q0 >= n:
        p0 += B
        q0 = p0 + B
    return (p0, q0) if q0 < n else (-1, -1)


@njit(cache=True)
def dual2_slot(s, p0, q0, B):
    """The input index that direction slot s of the Dual2 pass (p0, q0) carries:
    slots [0, B) are x[p0:p0+B], slots [B, C) are x[q0:...]."""
    return s + p0 if s < B else s - B + q0


def jacobian_passes(n, C):
    """(start, count) of each Jacobian pass (one empty pass for n == 0: the value)."""
    passes, start = [], first_chunk.py_func(n, C)
    while start >= 0:
        passes.append((start, min(C, n - start)))
        start = next_chunk.py_func(start, n, C)
    return passes


def hessian_passes(n, C):
    """(row, start) of each nested Hessian pass."""
    passes, (row, start) = [], first_row.py_func(n, C)
    while row >= 0:
        passes.append((row, start))
        row, start = next_row.py_func(row, start, n, C)
    return passes


def dual2_plan(n, chunk):
    """(C, B) of the Dual2 Hessian: C directions per pass, blocks of B (B == C: one pass)."""
    most = max(2, min(chunk or DUAL2_MAX, DUAL2_MAX))
    if n <= most:
        return n, n
    half = most // 2
    B = math.ceil(n / math.ceil(n / half))
    return 2 * B, B


def dual2_passes(n, C):
    """(p0, q0) of each Dual2 pass: one pass over all n, or each pair of blocks p < q."""
    B = dual2_block.py_func(n, C)
    passes, (p0, q0) = [], first_dual2.py_func(n, C)
    while p0 >= 0:
        passes.append((p0, q0))
        p0, q0 = next_dual2.py_func(p0, q0, n, B)
    return passes


# ---------------------------------------------------------------- plans ---

@dataclass(frozen=True)
class PointPlan:
    """How one point is computed: the algorithm, its C directions per pass, the passes.

    ``passes`` lists them for the drivers in Python; the compiled bodies walk
    the same passes with the step functions above.
    """
    algorithm: str
    n: int
    C: int
    passes: tuple

    def number_type(self, base):
        """The numba type of one seeded input number (base: float32 or float64)."""
        return _number_type(self.algorithm, self.C, base)


@lru_cache(maxsize=None)
def _number_type(algorithm, C, base):
    if algorithm == "jacobian":
        return DualType(base, C)
    if algorithm == "hessian":
        return DualType(DualType(base, C), 1)
    return Dual2Type(base, C)


@lru_cache(maxsize=None)
def _plan(algorithm, n, chunk):
    if algorithm == "hessian2":
        C, _ = dual2_plan(n, chunk)
        return PointPlan(algorithm, n, C, tuple(dual2_passes(n, C)))
    C = compiled_chunk(n, chunk)
    passes = jacobian_passes(n, C) if algorithm == "jacobian" else hessian_passes(n, C)
    return PointPlan(algorithm, n, C, tuple(passes))


DUAL2_BATCH_MAX = 14
"""Most inputs of a CPU batch Hessian computed by Dual2 in one pass; above, nested
passes (see ``plan_point``)."""

NESTED_BATCH_CHUNKS = ((24, 4), (None, 8))
"""Inner directions of the nested passes of a CPU batch Hessian (no chunk given):
4 below 24 inputs, 8 from there on; exact widths (a ragged last chunk), never
balanced ones (6 directions at n = 12 took 1.5x 4 or 8, measured)."""


def plan_point(kind, n, scalar, chunk, f, batch=False):
    """The PointPlan of a ``kind`` ("jacobian" or "hessian") point of n inputs.

    Every dense Hessian plan computes the upper triangle only and mirrors it
    (symmetric to the bit). Which passes, chosen by n from
    ``bench/bench_hessian_paths.py`` (extended Rosenbrock, float64, AVX-512,
    2 shared cores; ratios to the fastest candidate):

    * one point (``batch=False``, the user's f called from Python once per
      pass, ~5-15 us each: the fewest passes win): Dual2, one pass up to
      ``DUAL2_MAX`` = 16 inputs, pairs of blocks of 8 above. At n = 16 the
      nested passes (chunk 16, 16 passes) take 6-13x the one Dual2 pass; at
      n = 32 Dual2 pairs (6 passes) 1.3x a Dual2 pass over all 32, nested
      passes 8-13x. A Dual2 of 32 directions is not used: its first compile
      takes ~13 s (pairs of 16: ~3.7 s).
    * a CPU batch (``batch=True``, one compiled loop): Dual2 in one pass up to
      ``DUAL2_BATCH_MAX`` = 14 inputs (n = 4: nested chunks of 4 1.2-1.8x;
      n = 8: 1.2-1.7x; n = 10: 1.9x; n = 12, 14: within 1.1x), above it
      forward over forward on the upper triangle, ``Dual[Dual[float, C], 1]``
      (one outer direction e_i, inner chunks of C from i's chunk on), C from
      ``NESTED_BATCH_CHUNKS``: at n = 16 Dual2's one pass takes 1.0-1.3x
      chunks of 4 (the runs differ; its first compile twice as long, 6 s
      against 3 s), at n = 24-48 chunks of 4 take 1.1-1.2x chunks of 8,
      Dual2 pairs of blocks 1.6-2.1x at n = 32 and 2.1-2.8x at n = 64.
      A given chunk sets the inner chunk (balanced over n).

    The GPU kernels take the one-point plan. Hessians of array points use
    nested passes wherever f failed to compile on Dual2 (``no_dual2``);
    scalar points (n == 1) use the nested passes (one pass either way).
    """
    if kind != "hessian":
        return _plan("jacobian", n, chunk)
    if scalar or not use_dual2(f):
        return _plan("hessian", n, chunk)
    if batch and n > DUAL2_BATCH_MAX:
        return _plan("hessian", n, chunk) if chunk else _nested_batch_plan(n)
    return _plan("hessian2", n, chunk)


@lru_cache(maxsize=None)
def _nested_batch_plan(n):
    C = next(c for below, c in NESTED_BATCH_CHUNKS if below is None or n < below)
    return PointPlan("hessian", n, C, tuple(hessian_passes(n, C)))


def nested_plan(n, chunk):
    """The nested-dual Hessian passes (row, chunk start), for outputs of any shape:
    the second derivatives of a vector function (jacobian of a jacobian)."""
    return _plan("hessian", n, chunk)


def with_dual2_fallback(f, make_plan, run):
    """``run(make_plan())``; if that is a Dual2 plan and f fails to type on Dual2
    numbers, remember f and run the plan made again (the nested passes).

    Typing errors are matched by name: numba-cuda raises its own copies of
    numba's error classes.
    """
    plan = make_plan()
    if plan.algorithm != "hessian2":
        return run(plan)
    try:
        return run(plan)
    except Exception as err:  # noqa: BLE001 - re-raised unless a typing error
        if type(err).__name__ != "TypingError":
            raise
        no_dual2(f, err)
    return run(make_plan())


def use_dual2(f):
    try:
        return f not in _NO_DUAL2
    except TypeError:
        return True


def no_dual2(f, err):
    try:
        _NO_DUAL2[f] = str(err)
    except TypeError:
        pass

