package theorems

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// Engine tests use throw-away claims against tiny Ops tables, so they test
// the runner itself rather than any catalog entry.

func quantileOps(f func(QuantileArgs) (QuantileResult, error)) *Ops {
	return &Ops{Quantile: f}
}

// a claim: ot1d.quantile of a single atom is that atom.
var testClaim = &Claim{
	ID: "test.single-atom", Source: "test", Statement: "F^{-1}(u) of δ_x is x", Tolerance: "exact",
	Ops: []string{OpQuantile},
	Check: func(t *rapid.T, e *Env) {
		n := rapid.IntRange(1, 20).Draw(t, "n")
		x := make([]float64, n)
		a := make([]float64, n)
		for i := range x {
			x[i] = 5
			a[i] = 1 / float64(n)
		}
		a[n-1] = 1 - float64(n-1)/float64(n)
		u := rapid.Float64Range(0.01, 0.99).Draw(t, "u")
		r := e.Quantile(t, QuantileArgs{X: x, A: a, U: []float64{u}})
		e.ExpectClose(t, "quantile", r.Q[0], 5, 0)
	},
}

func TestRunPassAndFail(t *testing.T) {
	good := quantileOps(func(a QuantileArgs) (QuantileResult, error) {
		return QuantileResult{Q: []float64{a.X[0]}}, nil
	})
	res := Run([]*Claim{testClaim}, good, Options{Checks: 50, Seed: 3})
	if res[0].Status != Pass || res[0].Checks != 50 {
		t.Fatalf("good ops: %+v", res[0])
	}
	// A faulty implementation that is wrong once n ≥ 4: the shrunk
	// counterexample must have n = 4 exactly.
	bad := quantileOps(func(a QuantileArgs) (QuantileResult, error) {
		if len(a.X) >= 4 {
			return QuantileResult{Q: []float64{a.X[0] + 1}}, nil
		}
		return QuantileResult{Q: []float64{a.X[0]}}, nil
	})
	res = Run([]*Claim{testClaim}, bad, Options{Checks: 100, Seed: 3, Repro: "verify run"})
	r := res[0]
	if r.Status != Fail {
		t.Fatalf("bad ops not caught: %+v", r)
	}
	if r.Counterexample == nil || r.Counterexample.Size() != 4 || r.Counterexample.Mismatch == nil {
		t.Fatalf("counterexample not shrunk to n=4: %+v", r.Counterexample)
	}
	if !strings.Contains(r.Repro, "--claim test.single-atom --seed 3") {
		t.Fatalf("repro = %q", r.Repro)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatalf("result does not marshal: %v", err)
	}
}

func TestRunDeterministic(t *testing.T) {
	bad := quantileOps(func(a QuantileArgs) (QuantileResult, error) {
		if a.U[0] > 0.5 && len(a.X) > 2 {
			return QuantileResult{Q: []float64{0}}, nil
		}
		return QuantileResult{Q: []float64{a.X[0]}}, nil
	})
	r1 := Run([]*Claim{testClaim}, bad, Options{Checks: 100, Seed: 11})
	r2 := Run([]*Claim{testClaim}, bad, Options{Checks: 100, Seed: 11, Parallel: 1})
	j1, _ := json.Marshal(r1[0].Counterexample)
	j2, _ := json.Marshal(r2[0].Counterexample)
	if string(j1) != string(j2) || r1[0].Message != r2[0].Message {
		t.Fatalf("same seed, different results:\n%s\n%s", j1, j2)
	}
}

func TestRunErrorsNaNAndPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func(QuantileArgs) (QuantileResult, error)
		want string
	}{
		{"error", func(QuantileArgs) (QuantileResult, error) { return QuantileResult{}, errors.New("boom") }, "failed on a request"},
		{"nan", func(QuantileArgs) (QuantileResult, error) { return QuantileResult{Q: []float64{math.NaN()}}, nil }, "NaN"},
		{"shape", func(QuantileArgs) (QuantileResult, error) { return QuantileResult{Q: []float64{1, 2}}, nil }, "entries"},
		{"panic", func(QuantileArgs) (QuantileResult, error) { panic("kaboom") }, "kaboom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Run([]*Claim{testClaim}, quantileOps(tc.f), Options{Checks: 20})[0]
			if r.Status != Fail || !strings.Contains(r.Message, tc.want) {
				t.Fatalf("status %s message %q, want fail mentioning %q", r.Status, r.Message, tc.want)
			}
		})
	}
}

func TestRunSkipAndExistence(t *testing.T) {
	r := Run([]*Claim{testClaim}, &Ops{}, Options{})[0]
	if r.Status != Skip {
		t.Fatalf("missing op: %+v", r)
	}
	exist := &Claim{ID: "test.exists", Source: "test", Statement: "some n is ≥ 7", Tolerance: "exact", Kind: Existence,
		Check: func(t *rapid.T, e *Env) {
			n := rapid.IntRange(0, 10).Draw(t, "n")
			if n >= 7 {
				e.Witness(t, "n ≥ 7", n)
			}
		}}
	r = Run([]*Claim{exist}, &Ops{}, Options{Checks: 100})[0]
	if r.Status != Pass || r.Witness == nil {
		t.Fatalf("existence: %+v", r)
	}
	if w := r.Witness.(map[string]any)["value"]; w != 7 {
		t.Fatalf("witness not shrunk to 7: %v", w)
	}
	never := &Claim{ID: "test.never", Source: "test", Statement: "some n is > 10", Tolerance: "exact", Kind: Existence,
		Check: func(t *rapid.T, e *Env) {
			if rapid.IntRange(0, 10).Draw(t, "n") > 10 {
				e.Witness(t, "n > 10", 0)
			}
		}}
	if r := Run([]*Claim{never}, &Ops{}, Options{Checks: 30})[0]; r.Status != Fail {
		t.Fatalf("unwitnessed existence claim passed: %+v", r)
	}
}

func TestRunBudgetTruncates(t *testing.T) {
	slow := &Claim{ID: "test.slow", Source: "test", Statement: "sleeps", Tolerance: "n/a",
		Check: func(t *rapid.T, e *Env) { time.Sleep(20 * time.Millisecond) }}
	start := time.Now()
	r := Run([]*Claim{slow}, &Ops{}, Options{Checks: 1000, Budget: 200 * time.Millisecond, Parallel: 1})[0]
	if r.Status != Pass || !r.Truncated || r.Checks >= 1000 || time.Since(start) > 5*time.Second {
		t.Fatalf("budget not enforced: %+v after %v", r, time.Since(start))
	}
}

func TestOpsTable(t *testing.T) {
	// Every OpInfo must address the Ops field of the same position.
	var o Ops
	for _, oi := range Operations {
		oi.Bind(&o, nil)
	}
	if got := len(o.List()); got != len(Operations) {
		t.Fatalf("bound %d ops, want %d", got, len(Operations))
	}
	r := o.Restrict([]string{OpEMD, OpARSample})
	if l := r.List(); len(l) != 2 || l[0] != OpEMD || l[1] != OpARSample {
		t.Fatalf("Restrict = %v", l)
	}
}

func TestDecodeArgs(t *testing.T) {
	var a EMDArgs
	tests := []struct {
		raw string
		ok  bool
	}{
		{`{"a":[1],"b":[1],"C":[[0]]}`, true},
		{`{"a":[1],"C":[[0]]}`, false},
		{`{"a":[1,null],"b":[1],"C":[[0]]}`, false},
		{`{"a":"x","b":[1],"C":[[0]]}`, false},
		{`{"a":[1e400],"b":[1],"C":[[0]]}`, false},
		{`[1]`, false},
		{`{"a":[1],"b":[1],"C":[[0]],"extra":1}`, true},
	}
	for _, tc := range tests {
		err := DecodeArgs([]byte(tc.raw), []string{"a", "b"}, &a)
		if (err == nil) != tc.ok {
			t.Errorf("DecodeArgs(%s) err = %v, want ok=%v", tc.raw, err, tc.ok)
		}
	}
}

// TestNaNToleranceIsClaimDefect: a check that computes a NaN tolerance is
// reported as a defect of the claim, not as "|error| 0 > tolerance NaN".
func TestNaNToleranceIsClaimDefect(t *testing.T) {
	c := &Claim{ID: "test.nan-tol", Title: "t", Source: "s", Statement: "s", Tolerance: "t",
		Check: func(rt *rapid.T, e *Env) { e.ExpectClose(rt, "x", 1, 1, math.NaN()) }}
	ops := ReferenceOps()
	res := Run([]*Claim{c}, &ops, Options{Checks: 5, Seed: 1})
	if res[0].Status != Fail || !strings.Contains(res[0].Message, "defect of the claim") {
		t.Fatalf("status %s, message %q", res[0].Status, res[0].Message)
	}
}
