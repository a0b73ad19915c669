"""Plain-Python scalar derivative: dualad vs num-dual (if installed).

    python bench/bench_python_scalar.py

One first derivative of x*x*sin(x) + exp(x)/(1+x*x) - sqrt(x) at x = 1.3,
through dualad's plain-Python Dual (no numba) and num-dual's
first_derivative, the transform built once and built per call (kept per
function, issue 12). Target (issues 2, 12): ratio <= 1.0.
"""
import math

import dualad as da
from _common import best_time, optional, table


def f(x):
    return x * x * da.sin(x) + da.exp(x) / (1 + x * x) - da.sqrt(x)


def f_numpy(x):
    import numpy as np
    return x * x * np.sin(x) + np.exp(x) / (1 + x * x) - np.sqrt(x)


def exact(x):
    return (2 * x * math.sin(x) + x * x * math.cos(x)
            + math.exp(x) / (1 + x * x) - 2 * x * math.exp(x) / (1 + x * x) ** 2
            - 0.5 / math.sqrt(x))


def main():
    x = 1.3
    df = da.derivative(f)
    df_np = da.derivative(f_numpy)
    assert abs(df(x) - exact(x)) < 1e-13 * abs(exact(x))
    rows = [("dualad derivative (da.sin ...)", best_time(lambda: df(x))),
            ("dualad da.derivative(f)(x) per call", best_time(lambda: da.derivative(f)(x))),
            ("dualad derivative (np.sin ...)", best_time(lambda: df_np(x)))]
    nd = optional("num_dual")
    if nd is not None:
        g = lambda x: x * x * x.sin() + x.exp() / (1 + x * x) - x.sqrt()  # noqa: E731
        assert abs(nd.first_derivative(g, x)[1] - exact(x)) < 1e-12
        rows.append(("num-dual first_derivative", best_time(lambda: nd.first_derivative(g, x))))
    else:
        rows.append(("num-dual (not installed)", None))
    table("One scalar derivative in plain Python (lower is better)", rows,
          "num-dual first_derivative" if nd is not None else rows[0][0])


if __name__ == "__main__":
    main()
