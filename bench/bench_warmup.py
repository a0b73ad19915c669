"""The first calls of a large compiled batch against the steady state (issue 12, item 5).

    python bench/bench_warmup.py

da.vmap(da.jacobian(f)) of Lorenz-96 + Arrhenius (n = 8) at 1e5 points (a 51 MB
output), call by call in one process: a new output per call, a preallocated
``out=``, and the hand-written parallel numba Jacobian (allocating its output),
each call of each method in turn; ratios to the hand-written call of the same
round. The first calls of a new output pay the kernel's huge-page faults
(NumPy madvises large arrays); ``out=`` pays none.
"""
import sys
import time

import numpy as np

from bench_transforms import lorenz96, lorenz96_jac_hand_parallel

import dualad as da


def main(calls=8):
    X = np.random.default_rng(0).uniform(0.5, 1.5, (100_000, 8))
    buf = np.empty((100_000, 8, 8))
    J = da.vmap(da.jacobian(lorenz96))
    J_out = da.vmap(da.jacobian(lorenz96), out=buf)
    ref = J(X)   # compiles; the calls below are the first after it
    assert J_out(X) is buf and np.array_equal(buf, ref)
    del ref
    lorenz96_jac_hand_parallel(X)
    print("vmap(jacobian) of Lorenz-96 n=8 at 1e5 points, call by call "
          "(ratio to the hand-written parallel call of the same round)")
    for i in range(calls):
        t = time.perf_counter(); J(X); new = time.perf_counter() - t          # noqa: E702
        t = time.perf_counter(); J_out(X); into = time.perf_counter() - t     # noqa: E702
        t = time.perf_counter(); lorenz96_jac_hand_parallel(X)               # noqa: E702
        hand = time.perf_counter() - t
        print(f"  call {i + 1}: new output {new / hand:5.2f}x   out= {into / hand:5.2f}x   "
              f"(hand-written {hand * 1e3:6.1f} ms)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)
