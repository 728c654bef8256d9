"""otv/1 plumbing shared by the Python adapters (adapters/pot, adapters/torch).

The protocol is /work/shared/protocol.md (copied in the repository's docs):
one JSON object per line on stdin, exactly one answer per request on stdout,
flushed after every line. This module only reads, validates and writes; the
mathematics is done by the library each adapter wraps.

Validation follows protocol.md's domain rules, so that malformed requests get
an "invalid" error (the verifier's --robustness battery checks this): missing
fields, nulls, strings or booleans where numbers belong, empty or ragged
arrays, mismatched shapes, negative or unnormalised weights, non-positive
scalars, non-finite numbers (JSON has no NaN; an overflowing literal such as
1e400 is rejected too).
"""

import json
import math
import re
import sys
import traceback

WEIGHT_SUM_TOL = 1e-9  # protocol.md: |Σw − 1| ≤ 1e-9


class Invalid(Exception):
    """The arguments are outside the op's domain: answered as "invalid"."""


class Failed(Exception):
    """The library accepted the input but produced no answer: "failed"."""


# --------------------------------------------------------------------------
# Argument readers. Each raises Invalid with a message naming the field.

def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def field(args, name):
    if name not in args:
        raise Invalid("missing field %r" % name)
    v = args[name]
    if v is None:
        raise Invalid("%s is null" % name)
    return v


def scalar(args, name, lo=-math.inf, hi=math.inf, lo_open=False, hi_open=False):
    """A finite number in the interval (lo, hi) with the given open ends."""
    v = field(args, name)
    if not _is_number(v):
        raise Invalid("%s must be a number, got %s" % (name, type(v).__name__))
    v = float(v)
    if not math.isfinite(v):
        raise Invalid("%s is not finite" % name)
    if v < lo or (lo_open and v == lo) or v > hi or (hi_open and v == hi):
        raise Invalid("%s = %r is outside %s%g, %g%s" % (
            name, v, "(" if lo_open else "[", lo, hi, ")" if hi_open else "]"))
    return v


def string(args, name, choices=None):
    v = field(args, name)
    if not isinstance(v, str):
        raise Invalid("%s must be a string" % name)
    if choices is not None and v not in choices:
        raise Invalid("%s = %r is not one of %s" % (name, v, ", ".join(choices)))
    return v


def vector(args, name, n=None):
    """A non-empty list of finite numbers (of length n if given)."""
    v = field(args, name)
    return _vector(v, name, n)


def _vector(v, name, n=None):
    if not isinstance(v, list):
        raise Invalid("%s must be an array" % name)
    if len(v) == 0:
        raise Invalid("%s is empty" % name)
    out = []
    for i, x in enumerate(v):
        if x is None:
            raise Invalid("%s[%d] is null" % (name, i))
        if not _is_number(x):
            raise Invalid("%s[%d] must be a number" % (name, i))
        x = float(x)
        if not math.isfinite(x):
            raise Invalid("%s[%d] is not finite" % (name, i))
        out.append(x)
    if n is not None and len(out) != n:
        raise Invalid("%s has %d entries, want %d" % (name, len(out), n))
    return out


def matrix(args, name, rows=None, cols=None):
    """A non-empty, non-ragged list of rows of finite numbers."""
    v = field(args, name)
    if not isinstance(v, list):
        raise Invalid("%s must be an array of rows" % name)
    if len(v) == 0:
        raise Invalid("%s is empty" % name)
    out = []
    width = None
    for i, r in enumerate(v):
        if r is None:
            raise Invalid("%s[%d] is null" % (name, i))
        row = _vector(r, "%s[%d]" % (name, i))
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise Invalid("%s is ragged: row %d has %d entries, row 0 has %d" % (name, i, len(row), width))
        out.append(row)
    if rows is not None and len(out) != rows:
        raise Invalid("%s has %d rows, want %d" % (name, len(out), rows))
    if cols is not None and width != cols:
        raise Invalid("%s has %d columns, want %d" % (name, width, cols))
    return out


def weights(args, name, strict, n=None):
    """A weight vector: entries ≥ 0 (> 0 if strict) summing to 1 within 1e-9."""
    w = vector(args, name, n)
    s = 0.0
    for i, x in enumerate(w):
        if x < 0 or (strict and x == 0):
            raise Invalid("%s[%d] = %r must be %s" % (name, i, x, "> 0" if strict else ">= 0"))
        s += x
    if abs(s - 1) > WEIGHT_SUM_TOL:
        raise Invalid("%s sums to %.17g, not 1 (tolerance 1e-9)" % (name, s))
    return w


def symmetric(args, name, d=None):
    """A square matrix, symmetric within 1e-12 relative (as the reference)."""
    M = matrix(args, name, d, d)
    n = len(M)
    if len(M[0]) != n:
        raise Invalid("%s is %d×%d, not square" % (name, n, len(M[0])))
    scale = max(abs(x) for r in M for x in r)
    for i in range(n):
        for j in range(i + 1, n):
            if abs(M[i][j] - M[j][i]) > 1e-12 * scale:
                raise Invalid("%s is not symmetric (entries %d,%d and %d,%d)" % (name, i, j, j, i))
    return M


# --------------------------------------------------------------------------
# Results.

def check_finite(obj, path="result"):
    """Raise Failed if obj holds a NaN or ±Inf (never sent over otv/1)."""
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise Failed("%s is %r (the library returned a non-finite value)" % (path, obj))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            check_finite(v, path + "." + k)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            check_finite(v, "%s[%d]" % (path, i))
    return obj


def _reject_constant(name):
    raise ValueError("non-standard JSON constant %s" % name)


_ID_RE = re.compile(r'"id"\s*:\s*(-?\d+)')


def serve(name, version, ops, features=(), log=None):
    """Run the otv/1 loop until stdin closes or a "bye" request.

    ops maps an op name to a function of the argument dict returning the
    result dict; it raises Invalid or Failed (any other exception is
    answered as "failed" with its message, and the loop goes on).
    """
    out = sys.stdout
    # Undecodable bytes become U+FFFD (then invalid JSON or an "invalid"
    # answer), never an exception that would end the loop.
    sys.stdin.reconfigure(encoding="utf-8", errors="replace")

    def send(msg):
        try:
            line = json.dumps(msg, allow_nan=False, separators=(",", ":"))
        except (ValueError, TypeError) as e:
            line = json.dumps({"id": msg.get("id"), "error": {"code": "failed",
                                                              "message": "unserialisable result: %s" % e}})
        out.write(line + "\n")
        out.flush()

    for raw in sys.stdin:
        raw = raw.strip()
        if not raw:
            continue
        try:
            req = json.loads(raw, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as e:
            m = _ID_RE.search(raw)
            send({"id": int(m.group(1)) if m else None,
                  "error": {"code": "invalid", "message": "request is not valid JSON: %s" % e}})
            continue
        if not isinstance(req, dict):
            send({"id": None, "error": {"code": "invalid", "message": "request is not a JSON object"}})
            continue
        rid = req.get("id")
        op = req.get("op")
        args = req.get("args")
        if op == "hello":
            proto = args.get("protocol") if isinstance(args, dict) else None
            if proto != "otv/1":
                send({"id": rid, "error": {"code": "unsupported", "message": "protocol %r (only otv/1)" % (proto,)}})
            else:
                res = {"name": name, "version": version, "ops": list(ops)}
                if features:
                    res["features"] = list(features)
                send({"id": rid, "result": res})
            continue
        if op == "bye":
            send({"id": rid, "result": {}})
            break
        fn = ops.get(op) if isinstance(op, str) else None
        if fn is None:
            send({"id": rid, "error": {"code": "unsupported", "message": "op %r is not offered" % (op,)}})
            continue
        if not isinstance(args, dict):
            send({"id": rid, "error": {"code": "invalid", "message": "args must be a JSON object"}})
            continue
        try:
            res = check_finite(fn(args))
            send({"id": rid, "result": res})
        except Invalid as e:
            send({"id": rid, "error": {"code": "invalid", "message": str(e)}})
        except Failed as e:
            send({"id": rid, "error": {"code": "failed", "message": str(e)}})
        except Exception as e:  # the library raised: not a crash of the adapter
            if log is not None:
                traceback.print_exc(file=log)
            send({"id": rid, "error": {"code": "failed", "message": "%s: %s" % (type(e).__name__, e)}})
