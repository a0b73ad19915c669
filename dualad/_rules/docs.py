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
        "`DualArray` (Python and NumPy code; not inside `@numba.njit` code, where numba has",
        "no scipy ufuncs). scipy's `erf`, `erfc`, `gamma`, `gammaln`, `psi`/`digamma`,",
        "`expm1`, `log1p`, `cbrt` and `exp2` use the rules above.",
        "",
        "| scipy.special | arity | sampled domain (tests) | convention |",
        "|---|---|---|---|",
    ]
    shown = {"sici.si": "sici(x)[0]", "sici.ci": "sici(x)[1]"}
    for r in scipy_rules():
        domain = " x ".join(f"[{lo:g}, {hi:g}]" for lo, hi in r.domain)
        name = shown.get(r.name) or f"{r.name}({', '.join(r.argnames)})"
        lines.append(f"| `{name}` | {r.arity} | {domain} | {r.note or '-'} |")
    lines.append("| `betainc(a, b, x)` | 3 | [0.05, 0.95] in x | derivative in x "
                 "(x**(a-1) (1-x)**(b-1) / B(a, b)); a and b are constants (a dual a or b "
                 "raises: no closed form) |")
    lines += ["", "Not supported (scipy converts the argument with `np.asarray` before any "
              "ufunc, so a dual cannot reach a rule): `spherical_jn` & co., `multigammaln`, "
              "`logsumexp`. The Riemann `zeta(x)` of a dual x raises (no derivative in x).", ""]
    return "\n".join(lines)
