"""The documentation site (mkdocs.yml, docs/): no example that cannot run.

CI builds the site with ``mkdocs build --strict`` (.ci/run), which executes
every code block marked ``exec="true"`` (markdown-exec) and fails on an
exception. These tests make sure nothing escapes that: every Python block of
every page is executed, every page is in the navigation, and every public
transform, type and extension function is in the API reference with a
``>>>`` example (run by pytest's doctests of dualad/).
"""
import importlib.util
import pathlib
import re

import dualad as da

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_ext" not in p.parts)
FENCE = re.compile(r"^```(\w+)([^\n]*)$", re.M)


def test_every_python_block_is_executed_at_build_time():
    unexecuted = []
    for page in PAGES:
        for lang, options in FENCE.findall(page.read_text()):
            if lang in ("python", "py", "pycon") and 'exec="true"' not in options:
                unexecuted.append(f"{page.relative_to(ROOT)}: ```{lang}{options}")
    assert not unexecuted, ("python blocks that the docs build would not run (add "
                            f'exec="true"): {unexecuted}')


def test_the_guides_execute_code():
    for page in (DOCS / "guides").glob("*.md"):
        assert 'exec="true"' in page.read_text(), page.name


def test_every_page_is_in_the_navigation():
    nav = (ROOT / "mkdocs.yml").read_text()
    listed = set(re.findall(r":\s*([\w/.-]+\.md)\s*$", nav, re.M))
    pages = {p.relative_to(DOCS).as_posix() for p in PAGES}
    assert pages == listed, (pages - listed, listed - pages)


def test_api_reference_covers_the_public_functions_with_examples():
    api = (DOCS / "api.md").read_text()
    documented = set(re.findall(r"^::: dualad\.(\w+)$", api, re.M))
    # the rule-table functions are listed by name (their docstrings are generated,
    # each with a doctest); abs is fabs, jacfwd is jacobian
    public = set(da.__all__) - set(da.ELEMENTARY) - {"abs", "jacfwd"}
    assert public <= documented, public - documented
    for name in sorted(documented | set(da.ELEMENTARY)):
        assert ">>>" in (getattr(da, name).__doc__ or ""), f"da.{name} has no >>> example"


def test_griffe_extension_fences_doctest_blocks():
    spec = importlib.util.spec_from_file_location("doctest_fences",
                                                  DOCS / "_ext" / "doctest_fences.py")
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
    except ImportError:  # griffe comes with the docs extra, not the test extra
        import pytest
        pytest.skip("griffe (the docs extra) is not installed")
    text = "Intro, see :func:`dualad.grad`.\n\n>>> 1 + 1\n2\n\nAfter."
    assert mod.fence_doctests(text) == (
        "Intro, see `dualad.grad`.\n\n```pycon\n>>> 1 + 1\n2\n```\n\nAfter.")
    assert mod.fence_doctests(">>> x = 1").endswith("```")
