"""Graph colorings that compress sparse Jacobians and Hessians (no number types here).

* ``column_coloring(P)``: columns of the pattern P that share no row get one
  color (a distance-2 coloring of the bipartite graph, i.e. a coloring of the
  column intersection graph): J @ S, S the n x colors seed matrix, holds every
  nonzero of J exactly once (``decompress_columns``).
* ``star_coloring(P)``: for a symmetric pattern, a distance-1 coloring in
  which every path on four vertices uses at least three colors (Gebremedhin,
  Manne and Pothen, SIAM Review 47, 2005): H @ S determines H through its
  symmetry with fewer colors than a column coloring.
  The coloring is verified before use; should the check fail, the column
  coloring serves instead.

``Compression`` precomputes, once per pattern, where each nonzero is read
from the compressed product, into csr or dense. Both colorings are greedy, vertices taken in order of decreasing degree (largest first).
Patterns are ``scipy.sparse`` matrices (SciPy is imported when used).
"""
import numpy as np


def _csr(pattern):
    import scipy.sparse as sp
    P = sp.csr_array(pattern, dtype=bool)
    P.sum_duplicates()
    P.eliminate_zeros()
    return P


def column_intersection(pattern):
    """The column intersection graph (n x n bool csr, no diagonal) of a pattern."""
    P = _csr(pattern).astype(np.int32)
    G = (P.T @ P).tocsr()
    G.setdiag(0)
    G.eliminate_zeros()
    return G.astype(bool)


def greedy_coloring(G):
    """Largest-first greedy coloring of the graph G (n x n csr): int array of colors.

    A plain loop over Python lists (measured faster than NumPy per vertex, whose
    call overhead dominates at the small degrees of sparse patterns).
    """
    n = G.shape[0]
    indptr = G.indptr.tolist()
    indices = G.indices.tolist()
    order = np.argsort(-np.diff(G.indptr), kind="stable").tolist()
    color = [-1] * n
    for v in order:
        forbidden = {color[w] for w in indices[indptr[v]:indptr[v + 1]]}
        c = 0
        while c in forbidden:
            c += 1
        color[v] = c
    return np.array(color, np.int64)


def column_coloring(pattern):
    """Colors of the columns of ``pattern``: columns sharing a row never share one.

    >>> import numpy as np
    >>> column_coloring(np.eye(3, dtype=bool) | np.eye(3, k=1, dtype=bool)).tolist()
    [1, 0, 1]
    """
    return greedy_coloring(column_intersection(pattern))


def symmetric_pattern(pattern):
    """P | P.T (a Hessian's pattern as detected may miss the mirror of an entry)."""
    P = _csr(pattern)
    return _csr(P + P.T)


def star_coloring(pattern):
    """A star coloring of the symmetric ``pattern`` (its adjacency graph), verified.

    >>> import numpy as np
    >>> arrow = np.eye(5, dtype=bool); arrow[0] = arrow[:, 0] = True
    >>> int(star_coloring(arrow).max()) + 1     # a column coloring needs 5
    2
    """
    P = symmetric_pattern(pattern)
    G = P.copy()
    G.setdiag(False)
    G.eliminate_zeros()
    n = G.shape[0]
    indptr, indices = G.indptr, G.indices
    nbrs = [indices[indptr[v]:indptr[v + 1]].tolist() for v in range(n)]
    order = np.argsort(-np.diff(indptr), kind="stable").tolist()
    color = [-1] * n
    for v in order:
        forbidden = set()
        for w in nbrs[v]:
            cw = color[w]
            if cw >= 0:
                forbidden.add(cw)
            for x in nbrs[w]:
                cx = color[x]
                if x == v or cx < 0:
                    continue
                if cw < 0:
                    forbidden.add(cx)
                elif cx not in forbidden:
                    for y in nbrs[x]:
                        if y != w and color[y] == cw:
                            forbidden.add(cx)
                            break
        c = 0
        while c in forbidden:
            c += 1
        color[v] = c
    color = np.array(color, np.int64)
    if not _recoverable(P, color):
        return column_coloring(P)
    return color


def _unique_counts(P, color):
    """count[i, c]: how many entries of row i of P have color c."""
    import scipy.sparse as sp
    rows = np.repeat(np.arange(P.shape[0]), np.diff(P.indptr))
    ncol = int(color.max()) + 1 if color.size else 0
    return sp.csr_array((np.ones(rows.size, np.int64), (rows, color[P.indices])),
                        shape=(P.shape[0], ncol)).toarray()


def _recoverable(P, color):
    counts = _unique_counts(P, color)
    rows = np.repeat(np.arange(P.shape[0]), np.diff(P.indptr))
    cols = P.indices
    return bool(np.all((counts[rows, color[cols]] == 1) | (counts[cols, color[rows]] == 1)))


def seed_matrix(color, dtype):
    """The n x colors seed matrix S (S[j, color[j]] = 1)."""
    n = color.size
    S = np.zeros((n, int(color.max()) + 1 if n else 0), dtype)
    S[np.arange(n), color] = 1
    return S


class Compression:
    """A pattern, its coloring and where each nonzero is read from J @ S, precomputed.

    ``symmetric``: H @ S of a star coloring (an entry is read from its row or,
    when another entry of its row shares the color, from its mirror).

    >>> import numpy as np
    >>> J = np.array([[1.0, 2.0, 0.0], [0.0, 3.0, 4.0]])
    >>> c = Compression(J != 0, column_coloring(J != 0))
    >>> c.dense(J @ c.seed(np.float64)).tolist() == J.tolist()
    True
    """

    def __init__(self, pattern, color, symmetric=False):
        P = symmetric_pattern(pattern) if symmetric else _csr(pattern)
        self.pattern = P
        self.symmetric = symmetric
        self.color = np.asarray(color, np.int64)
        self.shape = P.shape
        self.ncolors = int(self.color.max()) + 1 if self.color.size else 0
        rows = np.repeat(np.arange(P.shape[0]), np.diff(P.indptr))
        cols = P.indices
        src_r, src_c = rows, self.color[cols]
        if symmetric and rows.size:
            counts = _unique_counts(P, self.color)
            mirror = counts[rows, self.color[cols]] != 1
            src_r = np.where(mirror, cols, rows)
            src_c = np.where(mirror, self.color[rows], self.color[cols])
        self.rows, self.cols = rows, cols
        self._seeds = {}
        self.flat = rows * P.shape[1] + cols   # where each nonzero lies in the dense matrix
        self.source = np.ravel_multi_index((src_r, src_c), (P.shape[0], max(self.ncolors, 1)))

    def seed(self, dtype):
        """The n x colors seed matrix (kept per dtype, read-only)."""
        key = np.dtype(dtype)
        found = self._seeds.get(key)
        if found is None:
            found = self._seeds[key] = seed_matrix(self.color, dtype)
            found.flags.writeable = False
        return found

    def values(self, compressed):
        """The nonzeros, in the pattern's csr order, from J @ S (m x colors)."""
        return compressed.reshape(-1)[self.source] if self.source.size else \
            np.zeros(0, compressed.dtype)

    def csr(self, compressed):
        import scipy.sparse as sp
        P = self.pattern
        return sp.csr_array((self.values(compressed), P.indices, P.indptr), shape=self.shape)

    def dense(self, compressed):
        out = np.zeros(self.shape[0] * self.shape[1], compressed.dtype)
        out[self.flat] = self.values(compressed)
        return out.reshape(self.shape)
