#!/usr/bin/python3
"""Compare `verify impl --format json` reports with adapters/known-findings.txt.

    /usr/bin/python3 adapters/known.py adapters/known-findings.txt pot=REPORT.json torch=REPORT.json

Exit status 1 if a report holds an unexpected result: a claim that failed
or errored without a known-findings line, a robustness finding without one,
an implementation fault (hello, crash, restart), or a report that is
missing. A known finding that did not reproduce is reported as stale but
does not fail the run: whether a run meets a given counterexample depends on
how many checks the time budget allowed, and the list records findings, not
luck. The known-findings file has one entry a line, three fields separated
by " | ":

    adapter | claim-id or "robustness <op>: <case>" | reason

Large-tier results (`verify impl --tier large`) are keyed "claim-id [n=SIZE]";
their list is adapters/known-findings-large.txt.
"""

import json
import sys


def load_known(path):
    known = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split(" | ")]
            if len(parts) != 3 or not all(parts):
                sys.exit("%s:%d: want 'adapter | id | reason', got %r" % (path, n, line))
            known.setdefault(parts[0], {})[parts[1]] = parts[2]
    return known


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    known = load_known(argv[1])
    unexpected, stale = [], []
    for arg in argv[2:]:
        adapter, _, path = arg.partition("=")
        mine = known.get(adapter, {})
        try:
            with open(path, encoding="utf-8") as f:
                rep = json.load(f)
        except (OSError, ValueError) as e:
            unexpected.append("%s: no usable report %s (%s)" % (adapter, path, e))
            continue
        impl = rep.get("implementation") or {}
        for fault in impl.get("faults") or []:
            unexpected.append("%s: implementation fault: %s" % (adapter, fault))
        seen = set()
        counts = {}
        for c in rep.get("claims") or []:
            st = c.get("status")
            counts[st] = counts.get(st, 0) + 1
            # Large-tier results are keyed by claim and size: "id [n=4000]".
            key = c["id"]
            if c.get("tier") == "large":
                key = "%s [n=%d]" % (c["id"], c.get("size", 0))
            if st in ("fail", "error"):
                seen.add(key)
                if key in mine:
                    print("known    %s %-40s %s" % (adapter, key, st))
                else:
                    unexpected.append("%s: %s %s: %s\n    reproduce: %s" % (
                        adapter, key, st, (c.get("message") or "")[:400], c.get("repro", "")))
        for r in rep.get("robustness") or []:
            key = "robustness %s: %s" % (r.get("op"), r.get("case"))
            seen.add(key)
            if key in mine:
                print("known    %s %s" % (adapter, key))
            else:
                unexpected.append("%s: %s: expected %s, got %s" % (adapter, key, r.get("expected"), r.get("got")))
        for key in sorted(mine):
            if key not in seen:
                stale.append("%s: %s (%s)" % (adapter, key, mine[key]))
        print("%s: %s (%s)" % (adapter, ", ".join("%d %s" % (v, k) for k, v in sorted(counts.items())),
                               impl.get("name", "?") + " " + impl.get("version", "?")))
    for s in stale:
        print("STALE    known finding did not reproduce in this run: " + s)
    for u in unexpected:
        print("UNEXPECTED " + u)
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
