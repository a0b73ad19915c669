"""The README's example runs as written and gives the right numbers."""
import math
import pathlib
import re

import numpy as np

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def lorenz96_jacobian(x):
    n = x.size
    J = np.zeros((n, n))
    for i in range(n):
        J[i, (i + 1) % n] += x[i - 1]
        J[i, (i - 2) % n] -= x[i - 1]
        J[i, (i - 1) % n] += x[(i + 1) % n] - x[i - 2]
        J[i, i] -= 1.0
    return J


def test_readme_python_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "README has no python example"
    ns = {}
    exec(compile(blocks[0], str(README), "exec"), ns)  # noqa: S102
    np.testing.assert_allclose(ns["J"], lorenz96_jacobian(np.linspace(0.5, 2.0, 8)),
                               rtol=1e-15, atol=1e-15)
    X, Js = ns["X"], ns["Js"]
    assert Js.shape == (100_000, 8, 8)
    for k in (0, 12345, 99_999):
        np.testing.assert_allclose(Js[k], lorenz96_jacobian(X[k]), rtol=1e-15, atol=1e-15)
    t = np.tanh(1.0)
    np.testing.assert_allclose(ns["g"], np.full(3, 2 * t * (1 - t * t)), rtol=1e-14)
    np.testing.assert_allclose(ns["H"], np.diag(np.full(3, 2 * (1 - t * t) * (1 - 3 * t * t))),
                               rtol=1e-13, atol=1e-15)
    assert abs(ns["d3"] - (5 * math.cos(1.0) - 6 * math.sin(1.0))) < 1e-14
