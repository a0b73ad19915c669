"""Figures of the docs pages: made at build time, inlined as SVG.

The pages call ``print(svg(fig))`` in lines hidden from the reader (``# markdown-exec: hide``),
so the code shown is what a reader runs in a script (ending in ``plt.show()``
or ``fig.savefig(...)``).
"""
import io

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "dualad"  # stable ids in the SVG: reproducible pages
import matplotlib.pyplot as plt  # noqa: E402


def svg(fig):
    """``fig`` as inline SVG text, for the page to print (an ``html="true"`` block)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()
