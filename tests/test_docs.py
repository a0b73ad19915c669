"""docs/rules.md is generated from the rule table and the DualArray registry and must
match them."""
import pathlib

import dualad as da
from dualad.docs_rules import reference_markdown
from dualad._rules import RULES

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_md_is_regenerated_from_the_table():
    assert DOCS.read_text() == reference_markdown(), (
        "docs/rules.md is stale: run python -m dualad.docs_rules > docs/rules.md")


def test_every_rule_is_public_and_documented():
    text = DOCS.read_text()
    for rule in RULES:
        if rule.name != "log_base":
            assert callable(getattr(da, rule.name)), rule.name
            assert f"`{rule.name}(" in text, rule.name


def test_numpy_functions_with_a_rule_are_listed():
    text = DOCS.read_text()
    for name in ("np.interp", "np.polyval", "np.trapezoid", "np.median", "np.linalg.solve",
                 "np.fft.fft", "np.einsum"):
        assert f"`{name}`" in text, name
