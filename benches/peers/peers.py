#!/usr/bin/python3
"""Side-by-side timings of otverify's kernels against POT and SciPy.

Generates each instance once (NumPy, fixed seeds), writes its arrays as raw
little-endian float64 files that the Go runner (benches/peers/runner) reads,
then times the peer (Python) and ours (Go, timed inside the runner, so that
neither side pays for the pipe) on the same instance, alternating the order
run by run, REPS times, and prints the medians and their ratio
(ours / peer: below 1 means we are faster) as a Markdown table. A check
column compares the two answers (same optimal cost, same potentials, same
map), so the table never compares different work.

Run through `make bench-peers` (benches/peers/run.sh builds the runner and
installs the Python packages if missing).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import ot
import scipy
import scipy.linalg
import scipy.optimize
import scipy.spatial.distance
import scipy.special

warnings.filterwarnings("ignore")


class Runner:
    """The Go side: one long-lived process, one JSON line per request."""

    def __init__(self, path):
        self.p = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def __call__(self, **req):
        self.p.stdin.write(json.dumps(req) + "\n")
        self.p.stdin.flush()
        resp = json.loads(self.p.stdout.readline())
        if resp.get("error"):
            raise RuntimeError("runner: %s: %s" % (req, resp["error"]))
        return resp

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def write(d, **arrays):
    for name, a in arrays.items():
        np.ascontiguousarray(a, dtype="<f8").tofile(os.path.join(d, name + ".f64"))


def timed(f):
    t = time.perf_counter()
    v = f()
    return time.perf_counter() - t, v


def side_by_side(reps, peer, ours):
    """Alternates peer() and ours() reps times after one untimed warm-up run
    of each (first-touch page faults, caches); each returns (seconds, value)."""
    peer()
    ours()
    tp, to, vp, vo = [], [], None, None
    for r in range(reps):
        order = (0, 1) if r % 2 == 0 else (1, 0)
        for k in order:
            if k == 0:
                s, vp = peer()
                tp.append(s)
            else:
                s, vo = ours()
                to.append(s)
    return float(np.median(tp)), float(np.median(to)), vp, vo


def unit_square(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 2))
    y = rng.random((n, 2))
    C = scipy.spatial.distance.cdist(x, y, "sqeuclidean")
    return x, y, C


def random_spd(d, rng, cond=100.0):
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    lam = np.exp(rng.uniform(0, np.log(cond), d))
    lam[0], lam[-1] = 1.0, cond
    s = (q * lam) @ q.T
    return (s + s.T) / 2


def pot_gaussian_map(Cs, Ct):
    # The covariance part of ot.da.OT_mapping_linear (POT 0.8.2): the
    # Brenier matrix A = Cs^-1/2 (Cs^1/2 Ct Cs^1/2)^1/2 Cs^-1/2.
    nx = ot.backend.get_backend(Cs, Ct)
    Cs12 = nx.sqrtm(Cs)
    Cs_12 = nx.inv(Cs12)
    M0 = nx.sqrtm(ot.utils.dots(Cs12, Ct, Cs12))
    return ot.utils.dots(Cs_12, M0, Cs_12)


def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runner", required=True, help="path of the built Go runner")
    ap.add_argument("--reps", type=int, default=5, help="runs per side (median of at least 5)")
    ap.add_argument("--quick", action="store_true", help="small sizes only (a smoke test)")
    ap.add_argument("--only", default="", help="comma-separated kernels (emd,assignment,sinkhorn,w1d,gaussmap,sqdist,lse,softmax,roofline)")
    ap.add_argument("--out", default="", help="also write the Markdown table to this file")
    args = ap.parse_args()
    reps = max(args.reps, 1)
    only = set(filter(None, args.only.split(",")))

    def want(k):
        return not only or k in only

    run = Runner(args.runner)
    info = run(op="info")["info"]
    rows = []
    tmp = tempfile.mkdtemp(prefix="otv-peers-")
    load0 = os.getloadavg()
    started = time.time()

    def add(kernel, size, peer, tpeer, tours, check, target=None, ok=None):
        ratio = tours / tpeer if tpeer > 0 else float("nan")
        if ok is None and target is not None:
            ok = ratio <= target
        status = "" if ok is None else ("met" if ok else "NOT MET")
        tgt = "" if target is None else "≤ %g" % target
        rows.append((kernel, size, peer, tpeer, tours, ratio, tgt, status, check))
        print("%-26s %-14s %-36s %10.4g s %10.4g s  ×%-7.3g %-6s %-8s %s" % (kernel, size, peer, tpeer, tours, ratio, tgt, status, check),
              file=sys.stderr, flush=True)

    def instance(name):
        d = os.path.join(tmp, name)
        os.makedirs(d, exist_ok=True)
        return d

    sizes = [500, 1000] if args.quick else [500, 1000, 2000, 4000]
    # Exact OT: POT's network simplex (C++), no iteration cap so that it
    # reaches the optimum at every size.
    if want("emd"):
        for n in sizes:
            x, y, C = unit_square(n, n)
            a = np.full(n, 1.0 / n)
            d = instance("emd%d" % n)
            write(d, C=C, a=a, b=a)
            tp, to, vp, vo = side_by_side(
                reps,
                lambda: timed(lambda: float(np.sum(ot.emd(a, a, C, numItermax=10**9) * C))),
                lambda: (lambda r: (r["seconds"], r["value"]))(run(op="emd", dir=d, n=n)),
            )
            add("exact OT (network simplex)", "n=%d" % n, "POT ot.emd", tp, to,
                "cost rel. diff %.1e" % rel(vp, vo), 1.0 if n in (1000, 2000) else None)
            C = None
    if want("assignment"):
        for n in sizes:
            x, y, C = unit_square(n, n + 7)
            d = instance("lap%d" % n)
            write(d, C=C)

            def peer():
                t, (r, c) = timed(lambda: scipy.optimize.linear_sum_assignment(C))
                return t, float(C[r, c].sum())

            tp, to, vp, vo = side_by_side(reps, peer, lambda: (lambda r: (r["seconds"], r["value"]))(run(op="assignment", dir=d, n=n)))
            add("assignment", "n=%d" % n, "SciPy linear_sum_assignment", tp, to,
                "cost rel. diff %.1e" % rel(vp, vo), 1.0 if n in (1000, 2000) else None)
    if want("sinkhorn"):
        for n in ([1000] if args.quick else [1000, 2000, 4000]):
            x, y, C = unit_square(n, 3 * n)
            a = np.full(n, 1.0 / n)
            d = instance("sk%d" % n)
            write(d, C=C, a=a, b=a)
            eps = 0.01
            K = 100 if n <= 2000 else 40
            KL = 10  # POT checks the marginal every 10th iteration

            def ours(iters, op="sinkhorn"):
                r = run(op=op, dir=d, n=n, eps=eps, iters=iters)
                return r["seconds"], r

            def pot_kernel():
                t, _ = timed(lambda: ot.sinkhorn(a, a, C, eps, method="sinkhorn", numItermax=K, stopThr=0.0))
                return t / K, None

            def pot_stab():
                t, (G, log) = timed(lambda: ot.sinkhorn(a, a, C, eps, method="sinkhorn_stabilized", numItermax=K, stopThr=0.0, log=True))
                return t / K, log

            def pot_log():
                t, (G, log) = timed(lambda: ot.bregman.sinkhorn_log(a, a, C, eps, numItermax=KL, stopThr=0.0, log=True))
                return t / KL, log

            def ucheck(pu, r, k):
                # Potentials are defined up to a constant: compare U[n-1] - U[0].
                pu = np.asarray(pu)
                return "U[n-1]-U[0] after %d it. rel. diff %.1e" % (k, rel(float(pu[-1] - pu[0]), r["values"][3]))

            tgt = n == 2000
            # Ours: the stabilised kernel-domain iteration (two matrix-vector
            # products, absorption into the log domain when a scaling leaves
            # [e^-30, e^30]: finite at any ε), and the pure log-domain one
            # (two log-sum-exp passes, 2n² exponentials).
            tp, to, _, r = side_by_side(reps, pot_kernel, lambda: ours(K, "sinkhorn_stab"))
            add("Sinkhorn iteration", "n=%d ε=%g" % (n, eps), "POT sinkhorn (kernel, OpenBLAS)", tp, to,
                "ours: stabilised kernel iteration (%s)" % r["info"], 1.0 if tgt else None)
            tp, to, plog, r = side_by_side(reps, pot_stab, lambda: ours(K, "sinkhorn_stab"))
            add("Sinkhorn iteration", "n=%d ε=%g" % (n, eps), "POT sinkhorn_stabilized", tp, to,
                "ours: stabilised; " + ucheck(plog["logu"], r, K))
            tp, to, plog, r = side_by_side(reps, pot_log, lambda: ours(KL))
            add("Sinkhorn iteration", "n=%d ε=%g" % (n, eps), "POT sinkhorn_log (log-domain)", tp, to,
                "ours: log-domain iteration; " + ucheck(plog["log_u"], r, KL), 0.1 if tgt else None)
            tp, to, _, _ = side_by_side(reps, pot_kernel, lambda: ours(K))
            add("Sinkhorn iteration", "n=%d ε=%g" % (n, eps), "POT sinkhorn (kernel, OpenBLAS)", tp, to,
                "ours: log-domain iteration (2n² exponentials)")
        # Finiteness at small ε, where the kernel K = exp(−C/ε) underflows.
        n = 1000
        x, y, C = unit_square(n, 3 * n)
        a = np.full(n, 1.0 / n)
        d = instance("sksmall")
        write(d, C=C, a=a, b=a)
        for eps in (1e-3, 1e-4):
            with np.errstate(all="ignore"):
                G = ot.sinkhorn(a, a, C, eps, method="sinkhorn", numItermax=20, stopThr=0.0)
            pot_finite = bool(np.all(np.isfinite(G))) and float(np.sum(G)) > 0.5
            r = run(op="sinkhorn", dir=d, n=n, eps=eps, iters=20)
            rs = run(op="sinkhorn_stab", dir=d, n=n, eps=eps, iters=20)
            ok = r["values"][2] == 1 and rs["values"][2] == 1
            add("Sinkhorn finiteness", "n=%d ε=%g" % (n, eps), "POT sinkhorn (kernel)", 0.0, 0.0,
                "20 it.: POT plan finite: %s; ours finite: log-domain %s, stabilised %s (%s)"
                % (pot_finite, r["values"][2] == 1, rs["values"][2] == 1, rs["info"]), ok=ok)
    if want("w1d"):
        for n in ([100000] if args.quick else [100000, 1000000]):
            rng = np.random.default_rng(n)
            x = rng.standard_normal(n)
            y = 2 * rng.standard_normal(n) + 1
            d = instance("w1d%d" % n)
            write(d, x=x, y=y)
            tp, to, vp, vo = side_by_side(
                reps,
                lambda: timed(lambda: float(ot.wasserstein_1d(x, y, p=2))),
                lambda: (lambda r: (r["seconds"], r["value"]))(run(op="w1d", dir=d, n=n)),
            )
            add("1-D W2²", "n=%.0e" % n, "POT wasserstein_1d", tp, to, "rel. diff %.1e" % rel(vp, vo),
                1.0 if n == 1000000 else None)
    if want("gaussmap"):
        for dim in ([16] if args.quick else [16, 64, 256]):
            rng = np.random.default_rng(dim)
            S0, S1 = random_spd(dim, rng), random_spd(dim, rng)
            d = instance("gm%d" % dim)
            write(d, S0=S0, S1=S1)
            tp, to, A, r = side_by_side(
                reps,
                lambda: timed(lambda: pot_gaussian_map(S0, S1)),
                lambda: (lambda r: (r["seconds"], r))(run(op="gaussmap", dir=d, d=dim)),
            )
            add("Gaussian (Brenier) map", "d=%d" % dim, "POT OT_mapping_linear core", tp, to,
                "A[0,0] rel. diff %.1e" % rel(float(np.real(A[0, 0])), r["value"]))
    if want("sqdist"):
        for dim in (2, 16):
            n = 2000
            rng = np.random.default_rng(dim)
            x, y = rng.random((n, dim)), rng.random((n, dim))
            d = instance("sq%d" % dim)
            write(d, x=x, y=y)
            tp, to, vp, vo = side_by_side(
                reps,
                lambda: timed(lambda: scipy.spatial.distance.cdist(x, y, "sqeuclidean")[-1, -1]),
                lambda: (lambda r: (r["seconds"], r["value"]))(run(op="sqdist", dir=d, d=dim)),
            )
            add("squared distances", "n=%d d=%d" % (n, dim), "SciPy cdist sqeuclidean", tp, to, "last entry rel. diff %.1e" % rel(vp, vo))
    if want("lse") or want("softmax"):
        n = 2000
        rng = np.random.default_rng(5)
        X = 10 * rng.standard_normal((n, n))
        d = instance("lse")
        write(d, X=X)
        if want("lse"):
            tp, to, vp, vo = side_by_side(
                reps,
                lambda: timed(lambda: float(scipy.special.logsumexp(X, axis=1)[0])),
                lambda: (lambda r: (r["seconds"], r["value"]))(run(op="lse", dir=d, n=n)),
            )
            add("row log-sum-exp", "%d×%d" % (n, n), "SciPy special.logsumexp", tp, to, "rel. diff %.1e" % rel(vp, vo))
        if want("softmax"):
            tp, to, vp, vo = side_by_side(
                reps,
                lambda: timed(lambda: float(scipy.special.softmax(X, axis=1)[0, 0])),
                lambda: (lambda r: (r["seconds"], r["value"]))(run(op="softmax", dir=d, n=n)),
            )
            add("softmax rows", "%d×%d" % (n, n), "SciPy special.softmax", tp, to, "rel. diff %.1e" % rel(vp, vo))
    roof = run(op="roofline")["rows"] if want("roofline") else []
    run.close()

    load1 = os.getloadavg()
    blas = "unknown"
    for cand in ("/usr/lib/x86_64-linux-gnu/libblas.so.3",):
        if os.path.exists(cand):
            blas = os.path.realpath(cand)
    out = []
    out.append("Machine: %s; %d CPUs; %s" % (platform.processor() or platform.machine(), os.cpu_count(), info))
    out.append("Peers: POT %s, SciPy %s, NumPy %s, Python %s; BLAS %s" % (ot.__version__, scipy.__version__, np.__version__, platform.python_version(), blas))
    out.append("Load average (1 min) %.2f at start, %.2f at end; %.0f s; medians of %d alternating runs per side." % (load0[0], load1[0], time.time() - started, reps))
    out.append("")
    out.append("| kernel | size | peer | peer (median) | ours (median) | ours/peer | target | status | check |")
    out.append("|---|---|---|---:|---:|---:|---|---|---|")
    for k, size, peer, tp, to, ratio, tgt, status, check in rows:
        if tp == 0 and to == 0:
            out.append("| %s | %s | %s | — | — | — | finite | %s | %s |" % (k, size, peer, status, check))
        else:
            out.append("| %s | %s | %s | %s | %s | %.3g | %s | %s | %s |" % (k, size, peer, fmt(tp), fmt(to), ratio, tgt, status, check))
    if roof:
        out.append("")
        out.append("Roofline (single-threaded rates in thread CPU time, best of 5; roofs measured in the same run):")
        out.append("")
        out.append("| kernel | size | bound | rate | roof | fraction | note |")
        out.append("|---|---|---|---:|---:|---:|---|")
        for r in roof:
            roofs = "%.3g %s" % (r["roof"], r["unit"]) if r["roof"] else "—"
            frac = "%.0f%%" % (100 * r["fraction"]) if r["roof"] else "—"
            out.append("| %s | %s | %s | %.3g %s | %s | %s | %s |" % (r["kernel"], r["size"], r["bound"], r["rate"], r["unit"], roofs, frac, r["note"]))
    text = "\n".join(out) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    missed = [r for r in rows if r[7] == "NOT MET"]
    return 1 if missed else 0


def fmt(s):
    if s >= 1:
        return "%.3g s" % s
    if s >= 1e-3:
        return "%.3g ms" % (s * 1e3)
    return "%.3g µs" % (s * 1e6)


if __name__ == "__main__":
    sys.exit(main())
