package theorems

import (
	"errors"
	"fmt"
	"math"
	"reflect"

	"pgregory.net/rapid"
)

// Call is one recorded call of an operation during a check.
type Call struct {
	Op     string `json:"op"`
	Args   any    `json:"args"`
	Result any    `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Mismatch is the relation a counterexample violates: what was compared, the
// observed and expected values, the error and the tolerance.
type Mismatch struct {
	What      string  `json:"what"`
	Got       any     `json:"got,omitempty"`
	Want      any     `json:"want,omitempty"`
	Error     float64 `json:"error,omitempty"`
	Tolerance float64 `json:"tolerance,omitempty"`
}

// Case is what one run of a check saw: the inputs it recorded, the calls it
// made and, if it failed, the violated relation.
type Case struct {
	Inputs   map[string]any `json:"inputs,omitempty"`
	Calls    []Call         `json:"calls,omitempty"`
	Mismatch *Mismatch      `json:"mismatch,omitempty"`
	Witness  any            `json:"witness,omitempty"`
	Message  string         `json:"message,omitempty"`
	inputOrd []string
}

// Env is what a check sees: the operations under test (every call recorded
// into the current case) and assertion helpers that record the violated
// relation with its tolerance.
type Env struct {
	// Ops is the table under test; calls through it are recorded.
	Ops  Ops
	raw  *Ops
	run  *claimRun
	cas  *Case
	opOK map[string]bool
}

func newEnv(ops *Ops, run *claimRun) *Env {
	e := &Env{raw: ops, run: run, cas: &Case{}}
	e.Ops = ops.Wrapped(func(op string, args, result any, err error) {
		c := Call{Op: op, Args: args}
		if err != nil {
			c.Error = err.Error()
		} else {
			c.Result = result
		}
		e.cas.Calls = append(e.cas.Calls, c)
	})
	return e
}

// Input records a named input of the current case (shown in the
// counterexample when the case fails).
func (e *Env) Input(name string, v any) {
	if e.cas.Inputs == nil {
		e.cas.Inputs = map[string]any{}
	}
	if _, ok := e.cas.Inputs[name]; !ok {
		e.cas.inputOrd = append(e.cas.inputOrd, name)
	}
	e.cas.Inputs[name] = v
}

// Has reports whether the implementation under test offers op.
func (e *Env) Has(op string) bool { return e.raw.Has(op) }

// NotApplicable marks the claim as skipped for this implementation (for
// example, optional dual potentials were not returned) and abandons the case.
func (e *Env) NotApplicable(t *rapid.T, reason string) {
	e.run.setNotApplicable(reason)
	t.SkipNow()
}

// Witness records the witness of an existence claim and ends the case; the
// runner reads a case that ends with a witness as the claim holding.
func (e *Env) Witness(t *rapid.T, what string, witness any) {
	e.cas.Witness = map[string]any{"what": what, "value": witness}
	t.Fatalf("witness found: %s", what)
}

func (e *Env) fail(t *rapid.T, m Mismatch, format string, args ...any) {
	e.cas.Mismatch = &m
	msg := fmt.Sprintf(format, args...)
	e.cas.Message = msg
	t.Fatalf("%s", msg)
}

func (e *Env) observe(err, tol float64) {
	if tol > 0 && !math.IsNaN(err) {
		e.run.observe(err / tol)
	}
}

// ExpectClose asserts |got − want| ≤ tol.
func (e *Env) ExpectClose(t *rapid.T, what string, got, want, tol float64) {
	e.checkTol(t, what, tol)
	d := math.Abs(got - want)
	if !(d <= tol) {
		e.fail(t, Mismatch{What: what, Got: got, Want: want, Error: d, Tolerance: tol},
			"%s: got %.17g, want %.17g: |error| %.3g > tolerance %.3g", what, got, want, d, tol)
	}
	e.observe(d, tol)
}

// ExpectVecClose asserts max_i |got_i − want_i| ≤ tol (and equal lengths).
func (e *Env) ExpectVecClose(t *rapid.T, what string, got, want []float64, tol float64) {
	e.checkTol(t, what, tol)
	if len(got) != len(want) {
		e.fail(t, Mismatch{What: what, Got: got, Want: want}, "%s: got %d entries, want %d", what, len(got), len(want))
	}
	worst, at := 0.0, -1
	for i := range got {
		d := math.Abs(got[i] - want[i])
		if !(d <= worst) {
			worst, at = d, i
		}
	}
	if !(worst <= tol) {
		e.fail(t, Mismatch{What: what, Got: got, Want: want, Error: worst, Tolerance: tol},
			"%s: entry %d: got %.17g, want %.17g: |error| %.3g > tolerance %.3g", what, at, got[at], want[at], worst, tol)
	}
	e.observe(worst, tol)
}

// ExpectMatClose asserts max_ij |got_ij − want_ij| ≤ tol (and equal shapes).
func (e *Env) ExpectMatClose(t *rapid.T, what string, got, want [][]float64, tol float64) {
	e.checkTol(t, what, tol)
	if len(got) != len(want) {
		e.fail(t, Mismatch{What: what, Got: got, Want: want}, "%s: got %d rows, want %d", what, len(got), len(want))
	}
	worst, wi, wj := 0.0, -1, -1
	for i := range got {
		if len(got[i]) != len(want[i]) {
			e.fail(t, Mismatch{What: what, Got: got, Want: want}, "%s: row %d has %d entries, want %d", what, i, len(got[i]), len(want[i]))
		}
		for j := range got[i] {
			d := math.Abs(got[i][j] - want[i][j])
			if !(d <= worst) {
				worst, wi, wj = d, i, j
			}
		}
	}
	if !(worst <= tol) {
		e.fail(t, Mismatch{What: what, Got: got, Want: want, Error: worst, Tolerance: tol},
			"%s: entry (%d,%d): got %.17g, want %.17g: |error| %.3g > tolerance %.3g", what, wi, wj, got[wi][wj], want[wi][wj], worst, tol)
	}
	e.observe(worst, tol)
}

// ExpectLeq asserts lhs ≤ rhs + tol (an inequality of the source, with its
// rounding allowance).
func (e *Env) ExpectLeq(t *rapid.T, what string, lhs, rhs, tol float64) {
	e.checkTol(t, what, tol)
	excess := lhs - rhs
	if !(excess <= tol) {
		e.fail(t, Mismatch{What: what + " (lhs ≤ rhs)", Got: lhs, Want: rhs, Error: excess, Tolerance: tol},
			"%s: %.17g ≤ %.17g violated by %.3g > tolerance %.3g", what, lhs, rhs, excess, tol)
	}
	if excess > 0 {
		e.observe(excess, tol)
	}
}

// Expect asserts a relation that has no numeric tolerance (an exact
// combinatorial fact, an equality of integers, …).
func (e *Env) Expect(t *rapid.T, ok bool, what string, format string, args ...any) {
	if !ok {
		e.fail(t, Mismatch{What: what}, "%s: %s", what, fmt.Sprintf(format, args...))
	}
}

// Fatalf fails the case with a message (for failures that are not a
// comparison, such as an unexpected error from a reference helper).
// checkTol stops the case if a claim computed a NaN or negative tolerance:
// a defect of the check, which must not be reported as a failure of the
// implementation under a meaningless "tolerance NaN".
func (e *Env) checkTol(t *rapid.T, what string, tol float64) {
	if math.IsNaN(tol) || tol < 0 {
		e.Fatalf(t, "%s: the check computed the tolerance %v (a defect of the claim, not of the implementation under test)", what, tol)
	}
}

func (e *Env) Fatalf(t *rapid.T, format string, args ...any) {
	e.fail(t, Mismatch{What: "error"}, format, args...)
}

// call invokes an operation of the table under test, failing the case if the
// implementation returns an error for this in-domain request or an answer of
// the wrong shape or with NaN/Inf.
func call[A, R any](t *rapid.T, e *Env, name string, f func(A) (R, error), a A) R {
	if f == nil {
		e.NotApplicable(t, name+" is not offered")
	}
	r, err := f(a)
	if err != nil {
		e.fail(t, Mismatch{What: name + " returned an error"}, "%s failed on a request inside its domain: %v", name, err)
	}
	oi, _ := LookupOp(name)
	if err := oi.CheckResult(a, r); err != nil {
		e.fail(t, Mismatch{What: name + " answer malformed"}, "%s answered malformed output: %v", name, err)
	}
	return r
}

// Methods calling each operation; each fails the case on error or a
// malformed answer (see call).

func (e *Env) EMD(t *rapid.T, a EMDArgs) EMDResult { return call(t, e, OpEMD, e.Ops.EMD, a) }
func (e *Env) EMD1D(t *rapid.T, a EMD1DArgs) CostResult {
	return call(t, e, OpEMD1D, e.Ops.EMD1D, a)
}
func (e *Env) Assignment(t *rapid.T, a AssignmentArgs) AssignmentResult {
	return call(t, e, OpAssignment, e.Ops.Assignment, a)
}
func (e *Env) Sinkhorn(t *rapid.T, a SinkhornArgs) SinkhornResult {
	return call(t, e, OpSinkhorn, e.Ops.Sinkhorn, a)
}
func (e *Env) SinkhornDivergence(t *rapid.T, a DivergenceArgs) ValueResult {
	return call(t, e, OpSinkhornDivergence, e.Ops.SinkhornDivergence, a)
}
func (e *Env) SlicedW2(t *rapid.T, a SlicedArgs) ValueResult {
	return call(t, e, OpSlicedW2, e.Ops.SlicedW2, a)
}
func (e *Env) Quantile(t *rapid.T, a QuantileArgs) QuantileResult {
	return call(t, e, OpQuantile, e.Ops.Quantile, a)
}
func (e *Env) Bures(t *rapid.T, a BuresArgs) BuresResult { return call(t, e, OpBures, e.Ops.Bures, a) }
func (e *Env) GaussOTMap(t *rapid.T, a GaussMapArgs) MatrixResult {
	return call(t, e, OpGaussOTMap, e.Ops.GaussOTMap, a)
}
func (e *Env) GaussKRMap(t *rapid.T, a GaussMapArgs) MatrixResult {
	return call(t, e, OpGaussKRMap, e.Ops.GaussKRMap, a)
}
func (e *Env) GaussFMMap(t *rapid.T, a GaussMapArgs) MatrixResult {
	return call(t, e, OpGaussFMMap, e.Ops.GaussFMMap, a)
}
func (e *Env) GaussFlow(t *rapid.T, a GaussFlowArgs) GaussFlowResult {
	return call(t, e, OpGaussFlow, e.Ops.GaussFlow, a)
}
func (e *Env) GMMScore(t *rapid.T, a GMMScoreArgs) ScoreResult {
	return call(t, e, OpGMMScore, e.Ops.GMMScore, a)
}
func (e *Env) GMMDenoise(t *rapid.T, a DenoiseArgs) MeanResult {
	return call(t, e, OpGMMDenoise, e.Ops.GMMDenoise, a)
}
func (e *Env) FlowVelocity(t *rapid.T, a VelocityArgs) FieldResult {
	return call(t, e, OpFlowVelocity, e.Ops.FlowVelocity, a)
}
func (e *Env) DriftField(t *rapid.T, a DriftArgs) FieldResult {
	return call(t, e, OpDriftField, e.Ops.DriftField, a)
}
func (e *Env) AttnGamma(t *rapid.T, a AttnArgs) GammaResult {
	return call(t, e, OpAttnGamma, e.Ops.AttnGamma, a)
}
func (e *Env) ARSample(t *rapid.T, a ARSampleArgs) IndexResult {
	return call(t, e, OpARSample, e.Ops.ARSample, a)
}

// Size is the largest length of any array in the case's inputs and call
// arguments: the "n" of a counterexample, used to check that shrinking
// reached a small instance.
func (c *Case) Size() int {
	m := 0
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Slice, reflect.Array:
			if v.Len() > m {
				m = v.Len()
			}
			if v.Len() > 0 && v.Index(0).Kind() != reflect.Float64 {
				for i := 0; i < v.Len(); i++ {
					walk(v.Index(i))
				}
			}
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(v.MapIndex(k))
			}
		}
	}
	for _, in := range c.Inputs {
		walk(reflect.ValueOf(in))
	}
	for _, cl := range c.Calls {
		walk(reflect.ValueOf(cl.Args))
	}
	return m
}

var errNoWitness = errors.New("no witness found")
