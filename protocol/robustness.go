package protocol

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/otverify/otverify/reports"
	"github.com/otverify/otverify/theorems"
)

// The bad-input battery of protocol.md ("Robustness"): malformed or
// degenerate arguments, each with the answers that are acceptable. A crash,
// a hang, garbage, or an answer outside the acceptable set is a finding.

// Outcome classes of a robustness request.
const (
	wantInvalid = "invalid"
	wantResult  = "a correct result"
	wantAny     = "a result, invalid or failed (no crash, hang or garbage)"
)

// baseArgs are small valid requests, one per op, that the battery mutates.
var baseArgs = map[string]string{
	theorems.OpEMD:                `{"a":[0.5,0.5],"b":[0.25,0.75],"C":[[0,1],[2,0.5]]}`,
	theorems.OpEMD1D:              `{"x":[0,1],"y":[0.5,2],"a":[0.5,0.5],"b":[0.25,0.75],"p":2}`,
	theorems.OpAssignment:         `{"C":[[0,1],[2,0.5]]}`,
	theorems.OpSinkhorn:           `{"a":[0.5,0.5],"b":[0.25,0.75],"C":[[0,1],[2,0.5]],"eps":0.5}`,
	theorems.OpSinkhornDivergence: `{"x":[[0,0],[1,0]],"y":[[0,1],[1,1]],"a":[0.5,0.5],"b":[0.25,0.75],"eps":0.5}`,
	theorems.OpSlicedW2:           `{"x":[[0,0],[1,0]],"y":[[0,1],[1,1]],"theta":[[1,0],[0,1]]}`,
	theorems.OpQuantile:           `{"x":[0,1],"a":[0.5,0.5],"u":[0.25,0.75]}`,
	theorems.OpBures:              `{"m0":[0,0],"S0":[[2,0.5],[0.5,1]],"m1":[1,0],"S1":[[1,0],[0,3]]}`,
	theorems.OpGaussOTMap:         `{"S0":[[2,0.5],[0.5,1]],"S1":[[1,0],[0,3]]}`,
	theorems.OpGaussKRMap:         `{"S0":[[2,0.5],[0.5,1]],"S1":[[1,0],[0,3]]}`,
	theorems.OpGaussFMMap:         `{"S0":[[2,0.5],[0.5,1]],"S1":[[1,0],[0,3]],"t":0.5}`,
	theorems.OpGaussFlow:          `{"energy":"kl","C":[[2,0.5],[0.5,1]]}`,
	theorems.OpGMMScore:           `{"w":[0.5,0.5],"mu":[[0,0],[1,1]],"s2":[1,0.5],"z":[[0,1]]}`,
	theorems.OpGMMDenoise:         `{"w":[0.5,0.5],"mu":[[0,0],[1,1]],"sigma":0.5,"z":[[0,1]]}`,
	theorems.OpFlowVelocity:       `{"schedule":"linear","w":[0.5,0.5],"mu":[[0,0],[1,1]],"sigma":1,"t":0.5,"z":[[0,1]]}`,
	theorems.OpDriftField:         `{"x":[[0,0]],"ypos":[[1,0],[0,1]],"yneg":[[0.5,0.5]],"tau":1,"kernel":"laplace"}`,
	theorems.OpAttnGamma:          `{"Q":[[1,0],[0,1]],"K":[[1,0],[0,1]],"V":[[1,0],[0,1]],"x":[[0,1],[1,0]]}`,
	theorems.OpARSample:           `{"p":[0.5,0.5],"u":0.25}`,
}

// robustCase is one bad request and what is acceptable in return.
type robustCase struct {
	name string
	args map[string]any
	want string
}

// Per-op knowledge the generic mutations need.
var (
	weightFields = map[string][]string{
		theorems.OpEMD: {"a", "b"}, theorems.OpEMD1D: {"a", "b"}, theorems.OpSinkhorn: {"a", "b"},
		theorems.OpSinkhornDivergence: {"a", "b"}, theorems.OpQuantile: {"a"},
		theorems.OpGMMScore: {"w"}, theorems.OpGMMDenoise: {"w"}, theorems.OpFlowVelocity: {"w"},
		theorems.OpARSample: {"p"},
	}
	// zeroWeightValid: ops for which a zero weight is valid (degenerate).
	zeroWeightValid = map[string]bool{theorems.OpEMD: true, theorems.OpEMD1D: true, theorems.OpQuantile: true, theorems.OpARSample: true}
	positiveScalars = map[string][]string{
		theorems.OpSinkhorn: {"eps"}, theorems.OpSinkhornDivergence: {"eps"}, theorems.OpGMMDenoise: {"sigma"},
		theorems.OpFlowVelocity: {"sigma"}, theorems.OpDriftField: {"tau"},
	}
	spdFields = map[string][]string{
		theorems.OpGaussOTMap: {"S0", "S1"}, theorems.OpGaussKRMap: {"S0", "S1"}, theorems.OpGaussFMMap: {"S0", "S1"},
		theorems.OpGaussFlow: {"C"}, theorems.OpBures: {"S0", "S1"},
	}
	enumFields = map[string]string{
		theorems.OpGaussFlow: "energy", theorems.OpFlowVelocity: "schedule", theorems.OpDriftField: "kernel",
	}
	outOfRange = map[string]map[string]any{
		theorems.OpQuantile:   {"u": []any{1.5}},
		theorems.OpARSample:   {"u": 1.0},
		theorems.OpGaussFMMap: {"t": 1.5},
		theorems.OpEMD1D:      {"p": 0.5},
	}
	hugeFields = map[string]string{
		theorems.OpEMD: "C", theorems.OpAssignment: "C", theorems.OpSinkhorn: "C", theorems.OpSinkhornDivergence: "x",
		theorems.OpSlicedW2: "x", theorems.OpQuantile: "x", theorems.OpEMD1D: "x", theorems.OpBures: "S0",
		theorems.OpGMMScore: "z", theorems.OpGMMDenoise: "z", theorems.OpFlowVelocity: "z", theorems.OpDriftField: "x",
		theorems.OpAttnGamma: "x",
	}
)

// robustCases builds the battery for one op.
func robustCases(op string) []robustCase {
	raw, ok := baseArgs[op]
	oi, ok2 := theorems.LookupOp(op)
	if !ok || !ok2 {
		return nil
	}
	var base map[string]any
	if err := json.Unmarshal([]byte(raw), &base); err != nil {
		panic(err)
	}
	var cs []robustCase
	add := func(name, want string, mutate func(m map[string]any)) {
		m := deepCopy(base)
		mutate(m)
		cs = append(cs, robustCase{name: name, args: m, want: want})
	}
	keys := make([]string, 0, len(base))
	for k := range base {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range oi.Required {
		add("missing "+k, wantInvalid, func(m map[string]any) { delete(m, k) })
		add(k+" is null", wantInvalid, func(m map[string]any) { m[k] = nil })
	}
	for _, k := range keys {
		switch v := base[k].(type) {
		case float64:
			add(k+" is a string", wantInvalid, func(m map[string]any) { m[k] = "1" })
		case []any:
			add(k+" is empty", wantInvalid, func(m map[string]any) { m[k] = []any{} })
			add(k+" holds a string", wantInvalid, func(m map[string]any) { m[k].([]any)[0] = "x" })
			if len(v) > 0 {
				if _, isRow := v[0].([]any); isRow {
					add(k+" is ragged", wantInvalid, func(m map[string]any) {
						r := m[k].([]any)
						r[0] = r[0].([]any)[:len(r[0].([]any))-1]
					})
					add(k+" has a null entry", wantInvalid, func(m map[string]any) { m[k].([]any)[0].([]any)[0] = nil })
				}
			}
		}
	}
	for _, k := range weightFields[op] {
		add(k+" has a negative entry", wantInvalid, func(m map[string]any) { setVec(m, k, 1.5, -0.5) })
		add(k+" does not sum to 1", wantInvalid, func(m map[string]any) { setVec(m, k, 0.7, 0.7) })
		w := wantInvalid
		if zeroWeightValid[op] {
			w = wantResult
		}
		add(k+" has a zero entry", w, func(m map[string]any) { setVec(m, k, 1, 0) })
		if op != theorems.OpARSample { // p of ar.sample pairs with no other array
			add(k+" has one entry too many", wantInvalid, func(m map[string]any) { setVec(m, k, 0.5, 0.25, 0.25) })
		}
	}
	for _, k := range positiveScalars[op] {
		add(k+" = 0", wantInvalid, func(m map[string]any) { m[k] = 0.0 })
		add(k+" < 0", wantInvalid, func(m map[string]any) { m[k] = -1.0 })
	}
	for _, k := range spdFields[op] {
		add(k+" is not symmetric", wantInvalid, func(m map[string]any) { m[k] = []any{[]any{2.0, 0.5}, []any{0.0, 1.0}} })
		singular := wantInvalid
		if op == theorems.OpBures {
			singular = wantResult // PSD is allowed: protocol.md
		}
		add(k+" is singular", singular, func(m map[string]any) { m[k] = []any{[]any{1.0, 1.0}, []any{1.0, 1.0}} })
		add(k+" is indefinite", wantInvalid, func(m map[string]any) { m[k] = []any{[]any{1.0, 2.0}, []any{2.0, 1.0}} })
	}
	if f, ok := enumFields[op]; ok {
		add(f+" is unknown", wantInvalid, func(m map[string]any) { m[f] = "no-such-" + f })
	}
	for k, v := range outOfRange[op] {
		add(k+" out of range", wantInvalid, func(m map[string]any) { m[k] = v })
	}
	if f, ok := hugeFields[op]; ok {
		add(f+" near the float64 limit (×1e300)", wantAny, func(m map[string]any) { scale(m[f], 1e300) })
	}
	return cs
}

// RobustnessCases is the number of bad-input requests Robustness sends for
// ops.
func RobustnessCases(ops []string) int {
	n := 0
	for _, op := range ops {
		n += len(robustCases(op))
	}
	return n
}

// Robustness sends the battery for every listed op and returns the
// findings: answers outside the acceptable set, crashes, hangs and garbage.
func Robustness(c *Client, ops []string) []reports.Finding {
	var out []reports.Finding
	for _, op := range ops {
		for _, rc := range robustCases(op) {
			_, err := c.CallRaw(op, rc.args)
			got := "a result"
			var re *RemoteError
			var pe *ProtocolError
			switch {
			case err == nil:
			case errors.As(err, &re):
				got = re.Code + " (" + re.Msg + ")"
			case errors.As(err, &pe):
				got = pe.Error()
			default:
				got = "error: " + err.Error()
			}
			ok := false
			switch rc.want {
			case wantInvalid:
				ok = re != nil && re.Code == CodeInvalid
			case wantResult:
				ok = err == nil
			case wantAny:
				ok = err == nil || (re != nil && (re.Code == CodeInvalid || re.Code == CodeFailed))
			}
			if !ok {
				out = append(out, reports.Finding{Op: op, Case: rc.name, Args: rc.args, Expected: rc.want, Got: clipString(got)})
			}
		}
	}
	return out
}

func clipString(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return strings.TrimSpace(s)
}

func setVec(m map[string]any, k string, vals ...float64) {
	v := make([]any, len(vals))
	for i, x := range vals {
		v[i] = x
	}
	m[k] = v
}

func scale(v any, f float64) {
	switch x := v.(type) {
	case []any:
		for i := range x {
			if fl, ok := x[i].(float64); ok {
				x[i] = fl * f
				if fl == 0 {
					x[i] = f
				}
			} else {
				scale(x[i], f)
			}
		}
	}
}

func deepCopy(m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("robustness: %v", err))
	}
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}
