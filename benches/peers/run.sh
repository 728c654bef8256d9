#!/bin/sh
# make bench-peers: times POT and SciPy against otverify's kernels on the same
# instances (benches/peers/peers.py) and prints a Markdown table; the table is
# also written to reports/bench/peers-<UTC time>.md.
#
# Needs /usr/bin/python3 with POT, SciPy and NumPy (Debian: python3-pot,
# python3-scipy, python3-numpy, and libopenblas0-pthread for a multithreaded
# BLAS). Run as root, this script installs them with apt-get when missing;
# otherwise it prints the command to run. Extra arguments go to peers.py
# (--reps N, --quick, --only emd,assignment,…).
set -eu
cd "$(dirname "$0")/../.."
PY=${PYTHON:-/usr/bin/python3}
GO=${GO:-go}
PKGS="python3-pot python3-scipy python3-numpy libopenblas0-pthread"
. scripts/lib/pydeps.sh
pydeps_ensure bench-peers "$PY" "ot, scipy, numpy" "$PKGS"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$GO" build -o "$tmp/runner" ./benches/peers/runner
mkdir -p reports/bench
out="reports/bench/peers-$(date -u +%Y%m%d-%H%M%S).md"
status=0
"$PY" benches/peers/peers.py --runner "$tmp/runner" --out "$out" "$@" || status=$?
echo "bench-peers: table written to $out (exit $status: 1 if a target was not met)" >&2
exit $status
