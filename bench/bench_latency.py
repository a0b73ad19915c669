"""First-call latency of the compiled transforms, each in a fresh process (issue 12, item 6).

    python bench/bench_latency.py [--rounds N] [--repo PATH]

Four workloads, each timed alone in its own new Python process (so one never
warms another), after the user's @njit function ran once on floats (numba's
own start-up and the float compile are excluded):

* jacobian of Lorenz-96 + Arrhenius (n = 8) at one point;
* hessian of Rosenbrock (n = 16) at one point;
* vmap(jacobian) of Lorenz-96 over 10 points;
* vmap(hessian) of Rosenbrock over 10 points.

Columns, with one numba cache folder for the whole run:
  empty cache  - the first use after installing (dualad's own cached helpers cold too);
  new function - dualad's helpers cached, the user's f without cache=True;
  cache=True   - a second process with the user's f decorated cache=True.
Targets: 0.4 s, 0.7 s, 0.8 s, 1.2 s cold; 50 ms with cache=True.

Each figure is the minimum over ``--rounds`` rounds (default 3; the workloads
interleaved within a round), wall time with the process's CPU time in
brackets: on a shared machine the wall time of a compile can be twice its CPU
time, and the CPU time is what dualad's changes move.
"""
import argparse
import inspect
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import fmt_time, run_python  # noqa: E402
from bench_transforms import lorenz96, rosenbrock  # noqa: E402

def _model_source(fn):
    """The source of one of bench_transforms' models, decorated with a cache flag to fill in."""
    lines = inspect.getsource(fn.py_func).splitlines()
    assert lines[0].startswith("@njit")
    return "\n".join(["@njit(cache={cache})"] + lines[1:])


# the models of bench_transforms, written into each fresh process's script (numba
# caches functions that live in a file)
SETUP = ("""
import time, math, numpy as np
import dualad as da
from numba import njit
""" + _model_source(lorenz96) + "\n" + _model_source(rosenbrock) + """
x8 = np.linspace(0.5, 2.0, 8)
x16 = np.linspace(-1.0, 1.5, 16)
lorenz96(x8); rosenbrock(x16)
t0 = time.perf_counter()
c0 = time.process_time()
{call}
print(time.perf_counter() - t0, time.process_time() - c0)
""")

WORKLOADS = [
    ("jacobian (Lorenz-96, n=8)", "da.jacobian(lorenz96)(x8)", 0.4),
    ("hessian (Rosenbrock, n=16)", "da.hessian(rosenbrock)(x16)", 0.7),
    ("vmap(jacobian)", "da.vmap(da.jacobian(lorenz96))(np.tile(x8, (10, 1)))", 0.8),
    ("vmap(hessian)", "da.vmap(da.hessian(rosenbrock))(np.tile(x16, (10, 1)))", 1.2),
]


def _once(call, cache, env, work):
    """(wall, cpu) seconds of ``call`` in a fresh process."""
    wall, cpu = run_python(SETUP.format(cache=cache, call=call), env, work).split()[-2:]
    return float(wall), float(cpu)


def _round(repo):
    """{workload: (empty cache, new function, cache=True)}, each (wall, cpu)."""
    result = {}
    for name, call, _ in WORKLOADS:
        with tempfile.TemporaryDirectory() as work:
            # PYTHONDONTWRITEBYTECODE off: dualad's own .pyc files are written once
            # and read after, as in an installed package (with it on, every process
            # compiles dualad's sources again: 30 ms of a 60 ms cached first call)
            env = {"NUMBA_CACHE_DIR": os.path.join(work, "cache"),
                   "PYTHONDONTWRITEBYTECODE": "",
                   "PYTHONPATH": os.path.abspath(repo) + os.pathsep
                   + os.environ.get("PYTHONPATH", "")}
            empty = _once(call, False, env, work)
            new = _once(call, False, env, work)
            _once(call, True, env, work)          # fills the cache of the user's functions
            cached = _once(call, True, env, work)
        result[name] = (empty, new, cached)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repo", default=os.path.join(os.path.dirname(
        os.path.abspath(__file__)), ".."), help="the dualad checkout to time (default: "
        "this one; another one gives a before/after on the same machine)")
    opts = parser.parse_args()
    rounds, repo = opts.rounds, opts.repo
    results = [_round(repo) for _ in range(rounds)]
    print(f"First-call latency, each in a fresh process, minimum of {rounds} rounds "
          "(seconds, wall [cpu]; target in brackets)")
    print(f"  {'workload':28s} {'empty cache':>20s} {'new function':>20s} {'cache=True':>20s}")
    for name, _, target in WORKLOADS:
        best = [tuple(min(r[name][col][k] for r in results) for k in (0, 1))
                for col in range(3)]
        cells = "".join(f" {fmt_time(w)} [{c:6.3f}]" for w, c in best)
        new, cached = best[1][0], best[2][0]
        print(f"  {name:28s}{cells}   [{target} s cold, 50 ms cached: "
              f"{'met' if new <= target else 'missed'}, "
              f"{'met' if cached <= 0.05 else 'missed'}]")


if __name__ == "__main__":
    main()
