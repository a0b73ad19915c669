"""The reference list of differentiable functions, generated from the rule table.

``python -m dualad.docs_rules > docs/rules.md`` regenerates docs/rules.md; a
test checks that the checked-in file matches the table.
"""
from .scipy_special import scipy_rules
from .table import OPERATORS, RULES


def rules_markdown():
    """Return docs/rules.md: every rule of the table, its NumPy names and conventions."""
    lines = [
        "# Differentiable functions",
        "",
        "Generated from the rule table (`dualad/_rules/table.py`) by "
        "`python -m dualad.docs_rules > docs/rules.md`; do not edit by hand.",
        "",
        "Each function works on floats, NumPy arrays, `Dual`, `HyperDual`, `DualArray`",
        "and inside `@numba.njit` code (`math.<name>` / `np.<ufunc>`), to any nesting depth.",
        "",
        "| dualad | arity | NumPy ufuncs | sampled domain (tests) | kind | convention |",
        "|---|---|---|---|---|---|",
    ]
    for r in RULES:
        name = "log(x, base)" if r.name == "log_base" else f"{r.name}({', '.join(r.argnames)})"
        ufuncs = ", ".join(f"`np.{u}`" for u in r.ufuncs) or "-"
        domain = " x ".join(f"[{lo:g}, {hi:g}]" for lo, hi in r.domain)
        lines.append(f"| `{name}` | {r.arity} | {ufuncs} | {domain} | {r.kind} | {r.note or '-'} |")
    lines += [
        "",
        "Operators implemented by each number type (product and quotient rules per type; "
        "quotients never form `b*b`): " + ", ".join(f"`{o}`" for o in OPERATORS) + ".",
        "Comparisons compare values. `polygamma(n, x)` and `digamma(x)` are also available.",
        "",
        "## scipy.special",
        "",
        "With scipy installed, these `scipy.special` ufuncs work on `Dual`, `HyperDual` and",
        "`DualArray` (Python and NumPy code; inside `@numba.njit` code, those whose SciPy",
        "kernel is exported on doubles: `dualad._jit.scipy_special.COMPILED`). scipy's",
        "`erf`, `erfc`, `gamma`, `gammaln`, `psi`/`digamma`,",
        "`expm1`, `log1p`, `cbrt` and `exp2` use the rules above.",
        "",
        "| scipy.special | arity | sampled domain (tests) | convention |",
        "|---|---|---|---|",
    ]
    shown = {"sici.si": "sici(x)[0]", "sici.ci": "sici(x)[1]"}
    for r in scipy_rules():
        domain = " x ".join(f"[{lo:g}, {hi:g}]" for lo, hi in r.domain)
        name = shown.get(r.name) or f"{r.name}({', '.join(r.argnames)})"
        if r.name.startswith("spherical_"):
            base = r.name[:-2] if r.name.endswith("_d") else r.name
            name = f"dualad.scipy.special.{base}(n, z" + (
                ", derivative=True)" if r.name.endswith("_d") else ")")
        lines.append(f"| `{name}` | {r.arity} | {domain} | {r.note or '-'} |")
    lines.append("| `betainc(a, b, x)` | 3 | [0.05, 0.95] in x | in x exact "
                 "(x**(a-1) (1-x)**(b-1) / B(a, b)); in a and b (no closed form) the "
                 "continued fraction of I_x(a, b) run on the duals, iterated until every "
                 "component has converged, SciPy's value kept: every order, checked against "
                 "mpmath to 1e-10 |")
    lines += ["", "SciPy's Python wrappers `logsumexp`, `softmax`, `log_softmax`, `spherical_jn` "
              "& co. and `multigammaln` "
              "convert their arguments with `np.asarray` before any ufunc, so a dual cannot "
              "reach a rule through them (they raise, naming the replacement). "
              "`dualad.scipy.special` has them with SciPy's signatures, built from the "
              "rules: `logsumexp(a, axis, b, keepdims, return_sign)` (the shift max(a) a "
              "constant: the derivative is the softmax weights, finite at a = 1e3), "
              "`softmax` and `log_softmax` (written with it), "
              "`spherical_jn/yn/in/kn(n, z, derivative)` (the ufunc rules above; the "
              "reflection at z < 0 as SciPy's, except `spherical_kn`, which raises there) "
              "and `multigammaln(a, d)` (a sum of `lgamma`). The Riemann `zeta(x)` of a "
              "dual x: Euler-Maclaurin for x > 0, the functional equation for x < 0.", ""]
    return "\n".join(lines)
