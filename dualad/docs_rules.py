"""Print docs/rules.md (the list of differentiable functions) from the rule table."""
from ._rules.docs import rules_markdown

if __name__ == "__main__":
    print(rules_markdown(), end="")
