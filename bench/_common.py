"""Shared helpers for the benchmarks: timing, peers, printing ratios.

Timings are the best of several repeats (machines here are shared and
noisy); every script prints ratios, which are what the notes quote.
"""
import importlib
import os
import subprocess
import sys
import time


def best_time(fn, repeat=7, number=None, budget=0.2):
    """Best wall time of one call of fn (seconds), over `repeat` batches."""
    fn()  # warm-up (compilation, caches)
    if number is None:
        t0 = time.perf_counter()
        fn()
        once = max(time.perf_counter() - t0, 1e-7)
        number = max(1, int(budget / once))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def interleaved(fns, rounds=15, number=None, budget=0.02):
    """Best time of one call of each callable (seconds), the callables timed in turns.

    Each round times every callable once (``number`` calls in a row, chosen per
    callable so that a turn takes about ``budget`` seconds when not given), and
    the minimum over the rounds is kept: load that comes and goes on a shared
    machine hits every method alike, so the ratios between them hold.
    """
    fns = list(fns)
    numbers = []
    for fn in fns:
        fn()  # warm-up (compilation, caches)
        if number is None:
            t0 = time.perf_counter()
            fn()
            once = max(time.perf_counter() - t0, 1e-7)
            numbers.append(max(1, int(budget / once)))
        else:
            numbers.append(number)
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, (fn, n) in enumerate(zip(fns, numbers)):
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            best[i] = min(best[i], (time.perf_counter() - t0) / n)
    return best


def optional(name):
    """Import an optional peer (jax, torch, num_dual) or return None."""
    try:
        return importlib.import_module(name)
    except Exception:  # noqa: BLE001 - any import failure means 'not installed'
        return None


def fmt_time(t):
    if t < 1e-6:
        return f"{t * 1e9:8.1f} ns"
    if t < 1e-3:
        return f"{t * 1e6:8.2f} us"
    if t < 1:
        return f"{t * 1e3:8.2f} ms"
    return f"{t:8.3f} s "


def table(title, rows, baseline):
    """Print rows of (name, seconds) with the ratio to the row named `baseline`."""
    base = dict(rows).get(baseline)
    print(f"\n{title}")
    for name, t in rows:
        if t is None:
            print(f"  {name:38s} {'n/a':>11s}")
            continue
        ratio = f"{t / base:7.2f}x {baseline}" if base else ""
        print(f"  {name:38s} {fmt_time(t)}   {ratio}")


def run_python(code, env=None, workdir=None):
    """Run `code` as a script file in a fresh Python process; return its stdout.

    A file (not ``-c``) so that numba's ``cache=True`` can cache its functions.
    """
    import tempfile
    full_env = dict(os.environ)
    full_env.update(env or {})
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(workdir or tmp, "dualad_latency_probe.py")
        with open(path, "w") as fh:
            fh.write(code)
        out = subprocess.run([sys.executable, path], capture_output=True, text=True,
                             env=full_env)
    if out.returncode:
        raise RuntimeError(f"latency probe failed:\n{out.stderr[-2000:]}")
    return out.stdout
