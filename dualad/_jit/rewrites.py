"""Two numba IR rewrites for arrays of duals (numba's own for floats are untouched).

``InplaceViewSetitem``: ``x[idx] op= y`` without the copy back. Python compiles ``dy[:-1] -= r`` to three steps, which numba's IR keeps::

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
``inplace``'s (which write into their left operand and return it), the
setitem stores nothing new and is dropped. Everything else, float arrays
included, is left to numba.

``FusedSum``: ``np.sum`` of a 1-D array expression as one accumulating loop
(its docstring).
"""
import operator

import numpy as np
from numba import njit
from numba.core import ir, types
from numba.core.cpu import CPUContext
from numba.core.errors import NumbaError
from numba.core.ir_utils import mk_unique_var
from numba.core.rewrites import Rewrite, register_rewrite

from .elementwise import dual_array, is_number
from .inplace import INPLACE_OPERATORS


def _holds_dual_arrays(state):
    """True if the function being compiled has an array of dualad numbers: the rewrites
    look no further in any other function (float code compiles as before)."""
    return any(dual_array(t) for t in state.typemap.values())


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

    def __init__(self, state, *args, **kws):
        super().__init__(state, *args, **kws)
        self.active = _holds_dual_arrays(state)

    def match(self, func_ir, block, typemap, calltypes):
        self.block = block
        self.dropped = set()
        if not self.active:
            return False
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


# ------------------------------------------------- sums of array expressions ---

_BINARY = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
           operator.floordiv: "//", operator.mod: "%", operator.pow: "**"}
_UNARY = {operator.neg: "-", operator.pos: "+"}
_FUSED = {}   # generated source -> its dispatcher (one per expression shape)


def _scalar_source(tree, names, env):
    """Python source of the array-expression ``tree`` (numba's ``arrayexpr`` form:
    ``(op, [operands])``, ``ir.Var``, ``ir.Const``) on one element, each variable
    replaced by ``names[var]``; None for what it does not know."""
    if isinstance(tree, ir.Var):
        return names.get(tree.name)
    if isinstance(tree, ir.Const):
        v = tree.value
        if isinstance(v, (int, float, complex)) and np.isfinite(v):
            return repr(v)
        return None   # (inf, nan, other constants: numba's arrayexpr keeps them)
    op, args = tree
    parts = [_scalar_source(a, names, env) for a in args]
    if any(p is None for p in parts):
        return None
    if op in _BINARY and len(parts) == 2:
        return f"({parts[0]} {_BINARY[op]} {parts[1]})"
    if op in _UNARY and len(parts) == 1:
        return f"({_UNARY[op]}{parts[0]})"
    if isinstance(op, np.ufunc):
        name = f"_u{len(env)}"
        env[name] = op
        return f"{name}({', '.join(parts)})"
    return None


def _fused_sum(tree, lets, variables, typemap):
    """The njit function ``f(*variables)`` summing the expression over its 1-D operands
    (NumPy's broadcasting of lengths n and 1, its error otherwise), or None. ``lets``:
    (variable name, tree) of the named array expressions inlined into ``tree``, each
    computed once per element before the trees that read it."""
    params = [f"p{k}" for k in range(len(variables))]
    arrays = [p for p, v in zip(params, variables) if isinstance(typemap[v.name], types.Array)]
    if not arrays or any(typemap[v.name].ndim != 1 for v in variables
                         if isinstance(typemap[v.name], types.Array)):
        return None
    env = {}
    names = {v.name: (f"{p}[i * s_{p}]" if p in arrays else p)
             for p, v in zip(params, variables)}
    body = []
    for k, (name, let) in enumerate(lets):
        body.append(_scalar_source(let, names, env))
        names[name] = f"t{k}"
    body.append(_scalar_source(tree, names, env))
    if any(b is None for b in body):
        return None
    lines = [f"def fused_sum({', '.join(params)}):"]
    lines += [f"    n_{p} = {p}.shape[0]" for p in arrays]
    lines.append(f"    n = max({', '.join(f'n_{p}' for p in arrays)}, 0)")
    for p in arrays:
        lines.append(f"    if n_{p} != n and n_{p} != 1:")
        lines.append("        raise ValueError('operands could not be broadcast together')")
        lines.append(f"    s_{p} = 1 if n_{p} == n else 0")
    lines += ["    acc = 0.0", "    for i in range(n):"]
    lines += [f"        t{k} = {b}" for k, b in enumerate(body[:-1])]
    lines += [f"        acc = acc + {body[-1]}", "    return acc"]
    source = "\n".join(lines)
    key = (source, tuple(sorted((k, id(u)) for k, u in env.items())))
    if key not in _FUSED:
        scope = dict(env)
        exec(compile(source, "<dualad fused sum>", "exec"), scope)
        _FUSED[key] = njit(error_model="numpy")(scope["fused_sum"])   # as arrayexpr
    return _FUSED[key]


_PURE_CALLS = (np.sum, slice, len)


def _holds_array(t):
    """False for a type that cannot reach an array's memory (numbers, duals, slices)."""
    if isinstance(t, types.BaseTuple):
        return any(_holds_array(u) for u in t)
    return not (isinstance(t, (types.Number, types.Boolean, types.SliceType, types.NoneType,
                               types.Omitted, types.Literal)) or is_number(t))


def _writes_no_array(stmt, typemap, calltypes):
    """True for a statement that writes into no array: between a named array
    expression and the sum it is inlined into, its operands keep their values."""
    if isinstance(stmt, ir.Del):
        return True
    if not isinstance(stmt, ir.Assign):
        return False
    value = stmt.value
    if not isinstance(value, ir.Expr):
        return isinstance(value, (ir.Const, ir.Global, ir.FreeVar, ir.Arg, ir.Var))
    if value.op in ("getattr", "getitem", "static_getitem", "build_tuple", "arrayexpr",
                    "cast", "binop", "unary", "typed_getitem"):
        return True
    if value.op != "call":
        return False
    fnty = typemap.get(value.func.name)
    if isinstance(fnty, types.Function) and fnty.typing_key in _PURE_CALLS or \
            isinstance(fnty, types.BoundFunction) and fnty.typing_key == (types.Array, "sum") \
            or isinstance(fnty, types.Dispatcher) and fnty.dispatcher in _FUSED.values():
        return True
    sig = calltypes.get(value)
    return sig is not None and not any(_holds_array(t) for t in sig.args)


@register_rewrite("after-inference")
class FusedSum(Rewrite):
    """``np.sum(array expression)`` or ``(array expression).sum()`` over arrays of duals:
    one loop accumulating the expression, without the array numba's ``arrayexpr``
    would allocate and the second pass np.sum would make over it.

    numba fuses ``x * x`` or ``np.exp(-d * d)`` into one elementwise loop
    (``arrayexpr``), but a reduction of it still reads a new array of elements of
    2N + 1 floats. Only 1-D operands, a temporary used by the sum alone and the
    CPU target; anything else is left as it is. The sum accumulates in numba's
    order (0, then each element in turn), so the results are those of np.sum."""

    def __init__(self, state, *args, **kws):
        super().__init__(state, *args, **kws)
        self.typingctx = state.typingctx
        self.active = isinstance(state.targetctx, CPUContext) and _holds_dual_arrays(state)

    def match(self, func_ir, block, typemap, calltypes):
        self.block, self.typemap, self.calltypes = block, typemap, calltypes
        self.found = []
        if not self.active:
            return False
        defs = {s.target.name: (pos, s.value) for pos, s in enumerate(block.body)
                if isinstance(s, ir.Assign)}
        uses = {}
        self.readers = {}   # variable name -> positions of the statements reading it
        for pos, s in enumerate(block.body):
            if not isinstance(s, ir.Del):
                for v in s.list_vars():
                    uses[v.name] = uses.get(v.name, 0) + 1
                    if not (isinstance(s, ir.Assign) and s.target.name == v.name):
                        self.readers.setdefault(v.name, set()).add(pos)
        self.refs = {}   # variable name -> statements of the function that name it
        for b in func_ir.blocks.values():
            for s in b.body:
                if not isinstance(s, ir.Del):
                    for name in {v.name for v in s.list_vars()}:
                        self.refs[name] = self.refs.get(name, 0) + 1
        for pos, s in enumerate(block.body):
            if isinstance(s, ir.Assign) and isinstance(s.value, ir.Expr) \
                    and s.value.op == "call":
                found = self._sum_of_expression(s, defs, uses, typemap)
                if found is not None:
                    self.found.append((pos,) + found)
        return bool(self.found)

    def _sum_of_expression(self, stmt, defs, uses, typemap):
        call = stmt.value
        fnty = typemap.get(call.func.name)
        method = None
        if isinstance(fnty, types.Function) and fnty.typing_key is np.sum \
                and len(call.args) == 1 and not call.kws and call.vararg is None:
            source = call.args[0]
        elif isinstance(fnty, types.BoundFunction) and fnty.typing_key == (types.Array, "sum") \
                and not call.args and not call.kws and call.vararg is None:
            method = call.func.name
            _, get = defs.get(method, (None, None))
            if not (isinstance(get, ir.Expr) and get.op == "getattr" and uses[method] == 2):
                return None
            source = get.value
        else:
            return None
        ae_pos, ae = defs.get(source.name, (None, None))
        if not (isinstance(ae, ir.Expr) and ae.op == "arrayexpr" and source.is_temp
                and uses[source.name] == 2 and dual_array(typemap[source.name])):
            return None
        leaves, lets, inlined = self._inline(ae_pos, defs, typemap)
        variables = sorted(leaves.values(), key=lambda v: v.name)
        fused = _fused_sum(ae.expr, lets, variables, typemap)
        if fused is None:
            return None
        try:
            sig = self.typingctx.resolve_function_type(
                types.Dispatcher(fused), tuple(typemap[v.name] for v in variables), {})
        except NumbaError:
            return None
        if sig is None or sig.return_type != typemap[stmt.target.name]:
            return None
        return ae_pos, source, method, fused, variables, sig, inlined

    def _inline(self, at, defs, typemap):
        """The operands (name -> variable) of the array expression at statement ``at``
        once the named 1-D array expressions read by it alone are inlined (``d`` of
        ``d = x[1:] - x[:-1]; np.sum(np.exp(-d * d))``, and those read only by these),
        with their (name, tree) in the order they are computed and their names. Only
        where no statement between a definition and ``at`` writes into an array."""
        body, inlined = self.block.body, {}   # name -> position of its definition
        while True:
            inside = {at, *inlined.values()}
            read = {v.name for p in inside for v in body[p].value.list_vars()}
            add = {n: defs[n][0] for n in read - set(inlined)
                   if self._inlinable(n, at, inside, defs, typemap)}
            if not add:
                break
            inlined.update(add)
        leaves = {v.name: v for p in inside for v in body[p].value.list_vars()
                  if v.name not in inlined}
        order = sorted(inlined, key=inlined.get)
        return leaves, [(n, defs[n][1].expr) for n in order], order

    def _inlinable(self, name, at, inside, defs, typemap):
        pos, expr = defs.get(name, (None, None))
        readers = self.readers.get(name, set())
        return (isinstance(expr, ir.Expr) and expr.op == "arrayexpr"
                and dual_array(typemap[name]) and typemap[name].ndim == 1
                and readers <= inside and self.refs.get(name) == len(readers) + 1
                and all(_writes_no_array(s, typemap, self.calltypes)
                        for s in self.block.body[pos + 1:at]))

    def apply(self):
        new = self.block.copy()
        new.clear()
        by_pos = {}
        drop_vars = set()
        for pos, ae_pos, source, method, fused, variables, sig, inlined in self.found:
            total = ir.Var(source.scope, mk_unique_var("$dualad_sum"), source.loc)
            by_pos[pos] = total
            by_pos[ae_pos] = (total, fused, variables, sig)
            drop_vars.add(source.name)
            drop_vars.update(inlined)
            if method is not None:
                drop_vars.add(method)
        for pos, s in enumerate(self.block.body):
            item = by_pos.get(pos)
            if isinstance(item, tuple):   # the arrayexpr: now the fused sum
                total, fused, variables, sig = item
                g = ir.Var(s.target.scope, mk_unique_var("$dualad_fused_sum"), s.loc)
                self.typemap[g.name] = types.Dispatcher(fused)
                new.append(ir.Assign(ir.Global("fused_sum", fused, s.loc), g, s.loc))
                expr = ir.Expr.call(g, list(variables), (), s.loc)
                self.calltypes[expr] = sig
                self.typemap[total.name] = sig.return_type
                new.append(ir.Assign(expr, total, s.loc))
            elif item is not None:        # the sum: the fused result
                new.append(ir.Assign(item, s.target, s.loc))
            elif isinstance(s, ir.Del) and s.value in drop_vars or (
                    isinstance(s, ir.Assign) and s.target.name in drop_vars):
                continue
            else:
                new.append(s)
        return new
