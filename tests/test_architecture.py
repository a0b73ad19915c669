"""The structure the package promises (docs/architecture.md): public names visible
in the source, one function per rule, argnums validated in one place."""
import ast
import pathlib

import numba
import numpy as np
import pytest

import dualad as da
from dualad._rules import FUNCTIONS, RULES
from dualad._rules import elementary

PACKAGE = pathlib.Path(da.__file__).parent


def test_one_elementary_function_per_rule():
    bound = {name for name, fn in vars(elementary).items() if hasattr(fn, "bind")}
    names = {("log_e" if r.name == "log" else r.name) for r in RULES}
    assert bound == names
    for r in RULES:
        assert FUNCTIONS[r.name].rule is r


def test_public_names_are_the_table_and_the_api():
    assert set(da.ELEMENTARY) == {r.name for r in RULES} - {"log_base"}
    for name in da.__all__:
        assert hasattr(da, name), name
    assert da.sin is elementary.sin and da.abs is elementary.fabs


def test_no_globals_writes_anywhere_in_the_package():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if (isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name)
                        and owner.func.id in ("globals", "vars") and not owner.args):
                    assert node.func.attr not in ("update", "__setitem__", "setdefault"), \
                        f"{path.relative_to(PACKAGE)}:{node.lineno} writes globals()"


def _mul(a, b):
    return a * b


_mul_jit = numba.njit(_mul)


@pytest.mark.parametrize("f", [_mul, _mul_jit], ids=["python", "njit"])
@pytest.mark.parametrize("argnums", [(0, 0), (0, -2), (1, -1)])
def test_an_argument_named_twice_in_argnums_is_refused(f, argnums):
    # A repeated argument once returned (0.0, 2.0) silently; JAX-style semantics
    # would repeat the gradient; dualad refuses, in every path and transform.
    for transform in (da.grad, da.jacobian, da.value_and_grad, da.hessian):
        with pytest.raises(ValueError, match="more than once"):
            transform(f, argnums=argnums)(1.0, 2.0)


@pytest.mark.parametrize("f", [_mul, _mul_jit], ids=["python", "njit"])
def test_negative_argnums_count_from_the_end(f):
    assert da.grad(f, argnums=(-2, -1))(1.0, 2.0) == (2.0, 1.0)
    assert da.grad(f, argnums=-1)(1.0, 2.0) == 1.0
    g = da.vmap(da.grad(f, argnums=-1))(np.array([1.0, 3.0]), np.array([2.0, 2.0]))
    assert np.array_equal(g, [1.0, 3.0])
