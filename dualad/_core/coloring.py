"""Graph colorings that compress sparse Jacobians and Hessians (no number types here).

* ``column_coloring(P)``: columns of the pattern P that share no row get one
  color (a distance-2 coloring of the bipartite graph, i.e. a coloring of the
  column intersection graph): J @ S, S the n x colors seed matrix, holds every
  nonzero of J exactly once (``decompress_columns``).
* ``star_coloring(P)``: for a symmetric pattern, a distance-1 coloring in
  which every path on four vertices uses at least three colors (Gebremedhin,
  Manne and Pothen, SIAM Review 47, 2005): H @ S determines H through its
  symmetry with fewer colors than a column coloring (``decompress_symmetric``).
  The coloring is verified before use; should the check fail, the column
  coloring serves instead.

Both are greedy, vertices taken in order of decreasing degree (largest first).
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
    """Largest-first greedy coloring of the graph G (n x n csr): int array of colors."""
    n = G.shape[0]
    indptr, indices = G.indptr, G.indices
    order = np.argsort(-np.diff(indptr), kind="stable")
    color = np.full(n, -1, np.int64)
    mark = np.full(n + 1, -1, np.int64)   # mark[c] == v: color c is forbidden for v
    for v in order:
        nb = color[indices[indptr[v]:indptr[v + 1]]]
        mark[nb[nb >= 0]] = v
        c = 0
        while mark[c] == v:
            c += 1
        color[v] = c
    return color


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


def decompress_columns(compressed, pattern, color):
    """The csr Jacobian from ``compressed`` = J @ S (m x colors)."""
    import scipy.sparse as sp
    P = _csr(pattern)
    rows = np.repeat(np.arange(P.shape[0]), np.diff(P.indptr))
    data = compressed[rows, color[P.indices]]
    return sp.csr_array((data, P.indices.copy(), P.indptr.copy()), shape=P.shape)


def decompress_symmetric(compressed, pattern, color):
    """The csr Hessian from ``compressed`` = H @ S (n x colors), S from a star coloring."""
    import scipy.sparse as sp
    P = symmetric_pattern(pattern)
    counts = _unique_counts(P, color)
    rows = np.repeat(np.arange(P.shape[0]), np.diff(P.indptr))
    cols = P.indices
    direct = counts[rows, color[cols]] == 1
    data = np.where(direct, compressed[rows, color[cols]], compressed[cols, color[rows]])
    return sp.csr_array((data, cols.copy(), P.indptr.copy()), shape=P.shape)
