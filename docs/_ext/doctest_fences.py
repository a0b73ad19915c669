"""A griffe extension for the API reference: doctest blocks become code blocks.

dualad's docstrings are plain text with ``>>>`` examples (run by pytest as
doctests) and Sphinx-style roles. Griffe renders docstrings as Markdown, where
``>>>`` would read as a nested quote: this wraps each doctest block (from a
``>>>`` line to the next blank line) in a ``pycon`` fence and turns
``:func:`name``` roles into code spans.
"""
import re

import griffe

_ROLE = re.compile(r":(?:func|class|meth|mod|attr):`~?([^`]+)`")


def fence_doctests(text):
    out, in_block = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if not in_block and stripped.startswith(">>>"):
            out.append("```pycon")
            in_block = True
        elif in_block and not stripped:
            out.append("```")
            in_block = False
        out.append(line if in_block else _ROLE.sub(r"`\1`", line))
    if in_block:
        out.append("```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    def on_object(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
