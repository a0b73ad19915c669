"""One numba IR rewrite: ``x[idx] op= y`` on an array of duals without the copy back.

Python compiles ``dy[:-1] -= r`` to three steps, which numba's IR keeps::

    $t  = getitem(dy, idx)            # a view, for basic indexing
    $t2 = inplace_binop(isub, $t, r)  # elementwise.inplace_map: updates $t, returns it
    dy[idx] = $t2                     # setitem: the same elements onto themselves

numba's setitem cannot see that source and destination are the same memory:
it finds that they overlap, copies the source into a new buffer and copies
that back (a heap allocation and two passes over elements of 2N + 1 floats;
measured, two such statements made a 32-species kinetics Jacobian 1.4x
slower than the same code as a loop). When the three statements are in one
block, ``idx`` is basic (integers and slices, so ``$t`` is a view of ``dy``),
``dy``'s elements are dualad numbers and the in-place operator is one of
``elementwise``'s (which write into their left operand and return it), the
setitem stores nothing new and is dropped. Everything else, float arrays
included, is left to numba.
"""
from numba.core import ir, types
from numba.core.rewrites import Rewrite, register_rewrite

from .elementwise import INPLACE_OPERATORS, dual_array


def _basic_index(t):
    """True for an index type that NumPy and numba answer with a view."""
    if isinstance(t, types.BaseTuple):
        return all(_basic_index(u) for u in t)
    return isinstance(t, (types.Integer, types.SliceType, types.EllipsisType, types.NoneType))


def _index_var(node):
    """The variable holding the index of a getitem or static_getitem expression, or of
    a setitem or static setitem statement (None where there is none)."""
    if isinstance(node, ir.Expr):
        var = node.index_var if node.op == "static_getitem" else node.index
    else:
        var = node.index_var if isinstance(node, ir.StaticSetItem) else node.index
    return var if isinstance(var, ir.Var) else None


@register_rewrite("after-inference")
class InplaceViewSetitem(Rewrite):
    """Drop ``x[idx] = x[idx] op= y``'s setitem for dual arrays (module docstring)."""

    def match(self, func_ir, block, typemap, calltypes):
        self.block = block
        self.dropped = set()
        defs = {}   # variable name -> (statement position, expression) in this block
        for pos, stmt in enumerate(block.body):
            if isinstance(stmt, ir.Assign):
                defs[stmt.target.name] = (pos, stmt.value)
            elif isinstance(stmt, (ir.SetItem, ir.StaticSetItem)):
                if self._in_place(stmt, pos, defs, typemap):
                    self.dropped.add(pos)
        return bool(self.dropped)

    @staticmethod
    def _in_place(stmt, pos, defs, typemap):
        target, index = stmt.target, _index_var(stmt)
        if index is None or not dual_array(typemap.get(target.name)):
            return False
        op_pos, op = defs.get(stmt.value.name, (None, None))
        if not (isinstance(op, ir.Expr) and op.op == "inplace_binop"
                and op.fn in INPLACE_OPERATORS and isinstance(op.lhs, ir.Var)):
            return False
        get_pos, get = defs.get(op.lhs.name, (None, None))
        if not (isinstance(get, ir.Expr) and get.op in ("getitem", "static_getitem")
                and get.value.name == target.name and _index_var(get) is not None
                and _index_var(get).name == index.name):
            return False
        view = typemap.get(op.lhs.name)
        if not (dual_array(view) and typemap.get(stmt.value.name) == view
                and _basic_index(typemap.get(index.name))):
            return False
        # neither the array nor the index is rebound between the getitem and here
        return not any(defs_pos > get_pos and name in (target.name, index.name)
                       for name, (defs_pos, _) in defs.items()) and get_pos < op_pos < pos

    def apply(self):
        new = self.block.copy()
        new.body = [s for pos, s in enumerate(self.block.body) if pos not in self.dropped]
        return new
