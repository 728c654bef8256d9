#!/usr/bin/env bash
# CI fragment: check the peer adapters (adapters/pot: POT + SciPy,
# adapters/torch: PyTorch) with `verify impl`, claims and --robustness, and
# compare the results with adapters/known-findings.txt. Exits non-zero only
# on an unexpected result (a failure, error, robustness finding or protocol
# fault not listed there), or if the tools cannot be installed or built.
# Runs as root on Debian (installs the Debian packages); a few minutes on 2
# cores. Called from .ci/run; runnable by hand from any directory.
#
# Environment: PEERS_OUT (directory for the reports; default a temporary
# one), PEERS_CHECKS (instances per claim, default 100), PEERS_BUDGET
# (wall-time budget per adapter, default 120s).
set -euo pipefail
cd "$(dirname "$0")/.."

checks=${PEERS_CHECKS:-100}
budget=${PEERS_BUDGET:-120s}
out=${PEERS_OUT:-$(mktemp -d)}
mkdir -p "$out"

py=/usr/bin/python3
. scripts/lib/pydeps.sh
echo "== peers: python3-pot python3-scipy python3-numpy python3-torch"
pydeps_ensure peers "$py" "ot, scipy, numpy, torch" "python3-pot python3-scipy python3-numpy python3-torch"
"$py" -c 'import ot, scipy, numpy, torch; print("POT", ot.__version__, "SciPy", scipy.__version__, "NumPy", numpy.__version__, "torch", torch.__version__)'

echo "== peers: building verify"
go build -o "$out/verify" ./cmd/verify

# run NAME COMMAND OPS: verify impl over exactly the ops the adapter lists
# (so that the budget is shared among its claims only). Fixed seed: the same
# instances on every run. --timeout and --hello-timeout are generous because
# the machine is shared (importing POT imports torch: ~10 s under load).
run() {
	local name=$1 cmd=$2 ops=$3 rc=0
	echo "== peers: verify impl --cmd \"$cmd\""
	"$out/verify" impl --cmd "$cmd" --ops "$ops" --robustness --seed 1 --checks "$checks" \
		--budget "$budget" --shrink-time 5s --timeout 60s --hello-timeout 180s \
		--format json --out "$out/$name.json" || rc=$?
	# 0: all pass; 1: failures (judged below against the known list); else a usage or I/O error.
	if [ "$rc" -gt 1 ]; then
		echo "verify impl exited $rc for $name" >&2
		exit "$rc"
	fi
}

pot_ops=ot.emd,ot.emd1d,ot.assignment,ot.sinkhorn,ot.sinkhorn_divergence,ot.sliced_w2,ot1d.quantile,gauss.ot_map
torch_ops=gmm.score,gmm.denoise,drift.field,attn.gamma,ar.sample

run pot "$py adapters/pot/otv_pot.py" "$pot_ops"
run torch "$py adapters/torch/otv_torch.py" "$torch_ops"

echo "== peers: results against adapters/known-findings.txt (reports in $out)"
"$py" adapters/known.py adapters/known-findings.txt "pot=$out/pot.json" "torch=$out/torch.json"
