#!/usr/bin/python3
"""otv/1 adapter for PyTorch (Debian's python3-torch).

Run by the verifier:

    go run ./cmd/verify impl --cmd "/usr/bin/python3 adapters/torch/otv_torch.py"

PyTorch has no optimal-transport API; this adapter writes each op the way a
PyTorch user would, out of the library's building blocks, so that the
verifier exercises those blocks (torch.distributions, autograd, softmax,
cdist, cumsum/searchsorted):

    gmm.score    autograd of MixtureSameFamily(...).log_prob
    gmm.denoise  Tweedie: z + σ²·(autograd of the noisy mixture's log_prob)
    attn.gamma   torch.softmax of the logits ⟨Q x_i, K x_j⟩, times V x_j
    drift.field  torch.softmax of −cdist/τ (or −cdist²/(2τ)), times y, − x
    ar.sample    torch.searchsorted(torch.cumsum(p), u, right=True)

Every tensor is float64 (the protocol's tolerances, 1e-7 for mixture fields,
are below float32's resolution). Conversions are listed in
adapters/torch/README.md; keep the two in sync.
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the shared module in the tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))

import torch  # noqa: E402
from torch.distributions import Categorical, Independent, MixtureSameFamily, Normal  # noqa: E402

from otvio import Failed, Invalid, matrix, scalar, serve, string, vector, weights  # noqa: E402

DT = torch.float64


def T(x):
    return torch.tensor(x, dtype=DT)


def rows(t):
    return t.detach().tolist()


def _mixture(w, mu, var):
    """Σ_j w_j N(mu_j, var_j I) as torch.distributions builds it."""
    comp = Independent(Normal(mu, torch.sqrt(var)[:, None].expand_as(mu)), 1)
    return MixtureSameFamily(Categorical(probs=w), comp)


def _grad_log_prob(mix, z):
    """∇_z log p(z) at each row of z, by autograd."""
    z = z.clone().requires_grad_(True)
    lp = mix.log_prob(z)
    if not torch.isfinite(lp).all():
        raise Failed("log_prob is not finite at some query point")
    (g,) = torch.autograd.grad(lp.sum(), z)
    return g


def _mixture_args(args):
    w = weights(args, "w", strict=True)
    mu = matrix(args, "mu", len(w))
    z = matrix(args, "z", None, len(mu[0]))
    return T(w), T(mu), T(z)


# gmm.score: ∇_z log Σ_j w_j N(z; mu_j, s2_j I). torch's Normal takes the
# standard deviation: scale = sqrt(s2).

def op_gmm_score(args):
    w, mu, z = _mixture_args(args)
    s2 = vector(args, "s2", len(w))
    for j, v in enumerate(s2):
        if not v > 0:
            raise Invalid("s2[%d] = %r must be > 0" % (j, v))
    return {"score": rows(_grad_log_prob(_mixture(w, mu, T(s2)), z))}


# gmm.denoise: E[W | W + σY = z] = z + σ² ∇ log β_σ(z) (Tweedie), β_σ the
# law of W + σY = Σ_j w_j N(mu_j, σ² I), differentiated by autograd.

def op_gmm_denoise(args):
    w, mu, z = _mixture_args(args)
    sigma = scalar(args, "sigma", 0, float("inf"), lo_open=True)
    s2 = sigma * sigma
    if s2 == 0 or s2 == float("inf"):
        raise Failed("sigma² = %r is not representable" % s2)
    g = _grad_log_prob(_mixture(w, mu, torch.full((len(w),), s2, dtype=DT)), z)
    return {"mean": rows(z + s2 * g)}


# attn.gamma: gamma_i = Σ_j softmax_j(⟨Q x_i, K x_j⟩) V x_j.

def op_attn_gamma(args):
    x = matrix(args, "x")
    d = len(x[0])
    Q = matrix(args, "Q", None, d)
    K = matrix(args, "K", len(Q), d)
    V = matrix(args, "V", d, d)
    x, Q, K, V = T(x), T(Q), T(K), T(V)
    logits = (x @ Q.T) @ (x @ K.T).T
    A = torch.softmax(logits, dim=-1)
    return {"gamma": rows(A @ (x @ V.T))}


# drift.field: V(x) = B[ypos](x) − B[yneg](x), B[y](x) = Σ_j softmax_j(−c(x,y_j))
# y_j − x, c = ‖x−y‖/τ (laplace) or ‖x−y‖²/(2τ) (gaussian), with torch.cdist
# (default compute_mode) for the distances.

def _attract(x, y, tau, kernel):
    D = torch.cdist(x, y)
    logits = -D / tau if kernel == "laplace" else -(D * D) / (2 * tau)
    return torch.softmax(logits, dim=1) @ y - x


def op_drift_field(args):
    x = matrix(args, "x")
    d = len(x[0])
    ypos = matrix(args, "ypos", None, d)
    yneg = matrix(args, "yneg", None, d)
    tau = scalar(args, "tau", 0, float("inf"), lo_open=True)
    kernel = string(args, "kernel", ("laplace", "gaussian"))
    x, ypos, yneg = T(x), T(ypos), T(yneg)
    return {"v": rows(_attract(x, ypos, tau, kernel) - _attract(x, yneg, tau, kernel))}


# ar.sample: min{i : F_i > u}, F = torch.cumsum(p); if rounding leaves no
# such i, the largest i with p_i > 0 (protocol.md's rule, which torch has no
# function for).

def op_ar_sample(args):
    p = weights(args, "p", strict=False)
    u = scalar(args, "u", 0, 1, hi_open=True)
    F = torch.cumsum(T(p), 0)
    i = int(torch.searchsorted(F, T([u]), right=True)[0])
    if i >= len(p):
        i = max(j for j, v in enumerate(p) if v > 0)
    return {"index": i}


OPS = {
    "gmm.score": op_gmm_score,
    "gmm.denoise": op_gmm_denoise,
    "drift.field": op_drift_field,
    "attn.gamma": op_attn_gamma,
    "ar.sample": op_ar_sample,
}


def main():
    # One intra-op thread: the verifier's instances are tiny and the CI
    # machine has 2 cores (results do not depend on it at these sizes).
    torch.set_num_threads(1)
    serve("PyTorch", "torch %s" % torch.__version__, OPS, log=sys.stderr)


if __name__ == "__main__":
    main()
