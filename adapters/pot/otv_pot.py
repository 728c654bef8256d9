#!/usr/bin/python3
"""otv/1 adapter for POT (Python Optimal Transport) and SciPy.

Run by the verifier:

    go run ./cmd/verify impl --cmd "/usr/bin/python3 adapters/pot/otv_pot.py"

It lists in hello only what POT 0.8.2 / SciPy really offer, calls the library
with its default parameters wherever a user would, and converts POT's
conventions to protocol.md's. Every conversion and every non-default
parameter is listed in adapters/pot/README.md; keep the two in sync.

Environment:
    OTV_POT_RAW=1   call POT exactly as a user following its documentation
                    would, without the adapter's work-arounds (sliced:
                    n_projections left at its default; divergence: POT's
                    returned value; gauss.ot_map: default reg=1e-6). Used to
                    reproduce the entries of docs/findings.md.
    OTV_POT_SINKHORN_METHOD=M
                    method of ot.sinkhorn (default sinkhorn_epsilon_scaling;
                    also sinkhorn_log, sinkhorn_stabilized).
    OTV_POT_SINKHORN_MAXITER=N
                    numItermax of ot.sinkhorn (default: POT's).
"""

import os
import sys
import warnings

sys.dont_write_bytecode = True  # no __pycache__ beside the shared module in the tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.optimize  # noqa: E402
import ot  # noqa: E402
import ot.bregman  # noqa: E402
import ot.da  # noqa: E402
from ot.lp.solver_1d import quantile_function  # noqa: E402

from otvio import (Failed, Invalid, matrix, scalar, serve, string, symmetric,  # noqa: E402
                   vector, weights)

RAW = os.environ.get("OTV_POT_RAW", "") not in ("", "0")
# Method and numItermax of ot.sinkhorn (None: POT's default); changed only
# for the experiments of docs/findings.md.
SINKHORN_METHOD = os.environ.get("OTV_POT_SINKHORN_METHOD") or "sinkhorn_epsilon_scaling"
SINKHORN_MAXITER = int(os.environ["OTV_POT_SINKHORN_MAXITER"]) if os.environ.get("OTV_POT_SINKHORN_MAXITER") else None



def call(fn, *args, **kwargs):
    """Call a library function. Its warnings (for example "Sinkhorn did not
    converge") go to stderr, whose tail the verifier puts in its report; the
    answer is returned as the library gave it, for the claims to judge. An
    exception, or a NaN/Inf in the answer, is answered as "failed"."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="ignore"):
            res = fn(*args, **kwargs)
    counts = {}
    for w in caught:
        counts[str(w.message)] = counts.get(str(w.message), 0) + 1
    for msg in sorted(counts):
        print("warning from %s (%d×): %s" % (getattr(fn, "__name__", fn), counts[msg], msg), file=sys.stderr, flush=True)
    return res


def arr(x):
    return np.asarray(x, dtype=np.float64)


def cost_matrix(args, n, m):
    """C, or the squared Euclidean costs of x, y (feature "points")."""
    has_c = "C" in args and args["C"] is not None
    has_xy = "x" in args or "y" in args
    if has_c and has_xy:
        raise Invalid("give either C or x, y with cost, not both")
    if has_c:
        return arr(matrix(args, "C", n, m))
    if "cost" not in args and not has_xy:
        raise Invalid("missing field 'C'")
    string(args, "cost", ("sqeuclidean",))
    x = matrix(args, "x", n)
    y = matrix(args, "y", m, len(x[0]))
    # ot.dist's default metric is 'sqeuclidean', ‖x − y‖² without ½.
    return call(ot.dist, arr(x), arr(y))


# --------------------------------------------------------------------------
# ot.emd: ot.emd(a, b, M, log=True). POT's duals log['u'], log['v'] already
# satisfy f_i + g_j ≤ C_ij with Σ a f + Σ b g = cost (protocol's f, g).

def op_emd(args):
    a = weights(args, "a", strict=False)
    b = weights(args, "b", strict=False)
    C = cost_matrix(args, len(a), len(b))
    fmt = args.get("plan_format", "dense")
    if fmt not in ("dense", "sparse"):
        raise Invalid("unknown plan_format %r" % (fmt,))
    G, log = call(ot.emd, arr(a), arr(b), C, log=True)
    res = {"cost": float(log["cost"]), "f": arr(log["u"]).tolist(), "g": arr(log["v"]).tolist()}
    if fmt == "sparse":
        res["plan"] = [[int(i), int(j), float(G[i, j])] for i, j in zip(*np.nonzero(G))]
    else:
        res["plan"] = G.tolist()
    return res


# ot.emd1d: ot.wasserstein_1d(x, y, a, b, p) returns W_p^p (no root), the
# protocol's value. (ot.emd2_1d with metric='minkowski' would return the
# |x − y| cost, not |x − y|^p, so it is not used.)

def op_emd1d(args):
    x = vector(args, "x")
    y = vector(args, "y")
    a = weights(args, "a", strict=False, n=len(x))
    b = weights(args, "b", strict=False, n=len(y))
    p = scalar(args, "p", 1, 1e6)
    c = call(ot.wasserstein_1d, arr(x), arr(y), arr(a), arr(b), p=p)
    return {"cost": float(c)}


# ot.assignment: scipy.optimize.linear_sum_assignment(C); perm = col_ind.

def op_assignment(args):
    if "C" in args and args["C"] is not None:
        C = matrix(args, "C")
        n = len(C)
        if len(C[0]) != n:
            raise Invalid("C is %d×%d, assignment needs a square matrix" % (n, len(C[0])))
        C = arr(C)
    else:
        x = matrix(args, "x")
        C = cost_matrix(args, len(x), len(x))
    rows, cols = call(scipy.optimize.linear_sum_assignment, C)
    if not np.array_equal(rows, np.arange(C.shape[0])):
        raise Failed("linear_sum_assignment returned rows %r" % (rows.tolist(),))
    return {"perm": [int(j) for j in cols]}


# ot.sinkhorn: ot.sinkhorn(a, b, M, reg=eps, method='sinkhorn_epsilon_scaling',
# log=True), every other parameter at its default. The method is the one
# POT's own docstring points to for small regularisation ("you should use
# sinkhorn_stabilized ... sinkhorn_epsilon_scaling ... sometimes leads to
# better solutions"); protocol.md's domain reaches eps = 1e-3·max C, where
# the default method (plain Sinkhorn-Knopp) underflows and plain log-domain
# Sinkhorn (sinkhorn_log) stalls (docs/findings.md).
# POT minimises ⟨C, π⟩ + reg·Σ π log π; on couplings of a and b this differs
# from eps·KL(π|a⊗b) by the constant eps·(H(a) + H(b)), so the plans agree.
# POT's scalings satisfy π_ij = exp(log_u_i + log_v_j − C_ij/eps) (for the
# stabilised solvers log_u = alpha/eps, log_v = beta/eps); protocol's
# potentials are f = eps·(log_u − log a), g = eps·(log_v − log b).

def _sinkhorn(a, b, C, eps):
    """The plan and POT's log-scalings (log_u, log_v) with
    π_ij = exp(log_u_i + log_v_j − C_ij/eps)."""
    kw = {}
    if SINKHORN_MAXITER is not None:
        kw["numItermax"] = SINKHORN_MAXITER
    P, log = call(ot.sinkhorn, arr(a), arr(b), C, eps, method=SINKHORN_METHOD, log=True, **kw)
    if SINKHORN_METHOD == "sinkhorn_log":
        return P, arr(log["log_u"]), arr(log["log_v"])
    if SINKHORN_METHOD == "sinkhorn":
        # POT's default (Sinkhorn–Knopp, kernel domain): π = diag(u) K diag(v).
        with np.errstate(divide="ignore"):
            return P, np.log(arr(log["u"])), np.log(arr(log["v"]))
    # sinkhorn_stabilized / sinkhorn_epsilon_scaling: π = exp((α_i + β_j − C_ij)/eps).
    return P, arr(log["alpha"]) / eps, arr(log["beta"]) / eps


def op_sinkhorn(args):
    a = weights(args, "a", strict=True)
    b = weights(args, "b", strict=True)
    C = cost_matrix(args, len(a), len(b))
    eps = scalar(args, "eps", 0, 1e300, lo_open=True)
    fmt = args.get("plan_format", "dense")
    if fmt not in ("dense", "none"):
        raise Invalid("unknown plan_format %r" % (fmt,))
    P, log_u, log_v = _sinkhorn(a, b, C, eps)
    f = eps * (log_u - np.log(arr(a)))
    g = eps * (log_v - np.log(arr(b)))
    res = {"f": f.tolist(), "g": g.tolist()}
    if fmt == "dense":
        res["plan"] = arr(P).tolist()
    return res


# ot.sinkhorn_divergence: ot.bregman.empirical_sinkhorn_divergence(x, y, eps,
# a, b, log=True, method='sinkhorn_log'): ot.sinkhorn2, which it calls,
# accepts no epsilon scaling, and its default method underflows at small eps,
# so the log-domain method. POT 0.8.2 returns
# max(0, ⟨C,π_ab⟩ − ½⟨C,π_aa⟩ − ½⟨C,π_bb⟩) — the linear parts only, although
# its docstring defines W = min ⟨γ,M⟩ + reg·Ω(γ) (docs/findings.md). The
# documented quantity equals protocol.md's S_ε (the constants eps·H cancel
# in the debiased combination), and it is the dual value of each solve:
# OT_ε = Σ a f + Σ b g − eps(Σπ − 1), with Σπ = Σa = 1 after POT's final
# u-update. The adapter returns that, from POT's own scalings.

def _dual_value(lg, a, b, eps):
    f = eps * (arr(lg["log_u"]) - np.log(a))
    g = eps * (arr(lg["log_v"]) - np.log(b))
    return float(np.dot(a, f) + np.dot(b, g))


def op_divergence(args):
    x = matrix(args, "x")
    y = matrix(args, "y", None, len(x[0]))
    a = arr(weights(args, "a", strict=True, n=len(x)))
    b = arr(weights(args, "b", strict=True, n=len(y)))
    eps = scalar(args, "eps", 0, 1e300, lo_open=True)
    val, log = call(ot.bregman.empirical_sinkhorn_divergence, arr(x), arr(y), eps, a, b,
                    log=True, method="sinkhorn_log")
    if RAW:
        return {"value": float(val)}
    s = (_dual_value(log["log_sinkhorn_ab"], a, b, eps)
         - 0.5 * _dual_value(log["log_sinkhorn_a"], a, a, eps)
         - 0.5 * _dual_value(log["log_sinkhorn_b"], b, b, eps))
    return {"value": s}


# ot.sliced_w2: ot.sliced_wasserstein_distance(x, y, projections=thetaᵀ,
# n_projections=L, p=2) returns ((1/n_projections) Σ_l W_2²)^{1/2}; the
# protocol wants the square. POT 0.8.2 divides by n_projections (default 50)
# even when projections are given (docs/findings.md), so the adapter passes
# n_projections = L.

def op_sliced(args):
    x = matrix(args, "x")
    d = len(x[0])
    y = matrix(args, "y", len(x), d)
    theta = matrix(args, "theta", None, d)
    for l, row in enumerate(theta):
        if abs(np.linalg.norm(row) - 1) > 1e-12:
            raise Invalid("theta[%d] has norm %.17g, not 1 (tolerance 1e-12)" % (l, np.linalg.norm(row)))
    kw = {} if RAW else {"n_projections": len(theta)}
    r = call(ot.sliced_wasserstein_distance, arr(x), arr(y), projections=arr(theta).T, p=2, **kw)
    return {"value": float(r) ** 2}


# ot1d.quantile: POT's own quantile_function (the one wasserstein_1d uses):
# searchsorted(cumsum of the sorted weights, u, 'left') = min{i : F(x_i) ≥ u},
# clipped to the last atom. numpy.quantile (1.24) has no weights, so it is
# not a faithful equivalent.

def op_quantile(args):
    x = vector(args, "x")
    a = weights(args, "a", strict=False, n=len(x))
    u = vector(args, "u")
    for k, uk in enumerate(u):
        if not (0 < uk < 1):
            raise Invalid("u[%d] = %r is outside (0, 1)" % (k, uk))
    order = np.argsort(arr(x), kind="stable")
    xs = arr(x)[order]
    cws = np.cumsum(arr(a)[order])
    q = call(quantile_function, arr(u), cws, xs)
    return {"q": arr(q).tolist()}


# gauss.ot_map: POT 0.8.2 has no covariance-input Gaussian map (ot.gaussian
# arrives in 0.9); ot.da.OT_mapping_linear(xs, xt) estimates
# A = Σs^{-1/2}(Σs^{1/2} Σt Σs^{1/2})^{1/2} Σs^{-1/2} from samples. The
# adapter feeds it the 2d points ±√d·(columns of chol(S)), whose mean is 0
# and whose covariance (POT's weighted second moment) is S up to rounding, and
# reg=0 (the default reg=1e-6 adds 1e-6·I to both covariances: a sample
# regulariser, wrong for given covariances; docs/findings.md).

def _points_with_cov(S, name):
    try:
        L = np.linalg.cholesky(S)
    except np.linalg.LinAlgError:
        raise Invalid("%s is not positive definite" % name)
    d = S.shape[0]
    P = np.sqrt(d) * L.T
    return np.vstack([P, -P])


def op_gauss_ot_map(args):
    S0 = arr(symmetric(args, "S0"))
    S1 = arr(symmetric(args, "S1", S0.shape[0]))
    xs = _points_with_cov(S0, "S0")
    xt = _points_with_cov(S1, "S1")
    kw = {} if RAW else {"reg": 0.0}
    A, _ = call(ot.da.OT_mapping_linear, xs, xt, **kw)
    A = np.asarray(A)
    if np.iscomplexobj(A):
        # scipy.linalg.sqrtm may return a complex array for a real SPD
        # product; a negligible imaginary part is rounding.
        if np.max(np.abs(A.imag)) > 1e-12 * max(np.max(np.abs(A.real)), 1e-300):
            raise Failed("OT_mapping_linear returned a complex map (max imaginary part %g)" % np.max(np.abs(A.imag)))
        A = A.real
    # POT maps row vectors, x ↦ x A (+ b); A is symmetric in exact
    # arithmetic, so the column form x ↦ Aᵀx is the same matrix; return Aᵀ.
    return {"A": arr(A).T.tolist()}


OPS = {
    "ot.emd": op_emd,
    "ot.emd1d": op_emd1d,
    "ot.assignment": op_assignment,
    "ot.sinkhorn": op_sinkhorn,
    "ot.sinkhorn_divergence": op_divergence,
    "ot.sliced_w2": op_sliced,
    "ot1d.quantile": op_quantile,
    "gauss.ot_map": op_gauss_ot_map,
}


def main():
    version = "%s (SciPy %s, NumPy %s)" % (ot.__version__, scipy.__version__, np.__version__)
    serve("POT", version, OPS, features=("points", "sparse_plan"), log=sys.stderr)


if __name__ == "__main__":
    main()
