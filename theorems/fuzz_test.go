package theorems_test

// Native Go fuzz targets for the otv/1 argument decoder (DecodeArgs), for
// the generic dispatch of every operation of the reference Ops table
// (OpInfo.Invoke, what `verify serve` runs for each request) and for the
// validation of answers (OpInfo.CheckResult, what the otv/1 client applies
// to a child's results) (issue 9). Properties: no panic, no hang; malformed
// arguments are errors wrapping numerics.ErrInvalid; an accepted request is
// answered with a finite result of the right shape (CheckResult passes) that
// equals the direct typed call of the same Ops entry (the non-fuzzed path)
// and does not change between calls.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-* (hand-written hard cases, checked by
// TestFuzzSeedCorpus) and vec-* (cases of the committed test vectors),
// written by
//
//	go test ./theorems -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./theorems -run '^$' -fuzz '^FuzzInvoke$' -fuzztime 60s -parallel 1

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/theorems"

	"github.com/otverify/otverify/internal/fuzzseed"
)

// opCase gives typed access to one operation: fresh argument and result
// values and the direct call of its Ops entry.
type opCase struct {
	args   func() any // pointer to a zero argument struct
	result func() any // pointer to a zero result struct
	call   func(o *theorems.Ops, args any) (any, bool, error)
}

func mk[A, R any](field func(o *theorems.Ops) func(A) (R, error)) opCase {
	return opCase{
		args:   func() any { return new(A) },
		result: func() any { return new(R) },
		call: func(o *theorems.Ops, a any) (any, bool, error) {
			f := field(o)
			if f == nil {
				return nil, false, nil
			}
			r, err := f(*a.(*A))
			return r, true, err
		},
	}
}

var opTable = map[string]opCase{
	theorems.OpEMD:   mk(func(o *theorems.Ops) func(theorems.EMDArgs) (theorems.EMDResult, error) { return o.EMD }),
	theorems.OpEMD1D: mk(func(o *theorems.Ops) func(theorems.EMD1DArgs) (theorems.CostResult, error) { return o.EMD1D }),
	theorems.OpAssignment: mk(func(o *theorems.Ops) func(theorems.AssignmentArgs) (theorems.AssignmentResult, error) {
		return o.Assignment
	}),
	theorems.OpSinkhorn: mk(func(o *theorems.Ops) func(theorems.SinkhornArgs) (theorems.SinkhornResult, error) { return o.Sinkhorn }),
	theorems.OpSinkhornDivergence: mk(func(o *theorems.Ops) func(theorems.DivergenceArgs) (theorems.ValueResult, error) {
		return o.SinkhornDivergence
	}),
	theorems.OpSlicedW2:   mk(func(o *theorems.Ops) func(theorems.SlicedArgs) (theorems.ValueResult, error) { return o.SlicedW2 }),
	theorems.OpQuantile:   mk(func(o *theorems.Ops) func(theorems.QuantileArgs) (theorems.QuantileResult, error) { return o.Quantile }),
	theorems.OpBures:      mk(func(o *theorems.Ops) func(theorems.BuresArgs) (theorems.BuresResult, error) { return o.Bures }),
	theorems.OpGaussOTMap: mk(func(o *theorems.Ops) func(theorems.GaussMapArgs) (theorems.MatrixResult, error) { return o.GaussOTMap }),
	theorems.OpGaussKRMap: mk(func(o *theorems.Ops) func(theorems.GaussMapArgs) (theorems.MatrixResult, error) { return o.GaussKRMap }),
	theorems.OpGaussFMMap: mk(func(o *theorems.Ops) func(theorems.GaussMapArgs) (theorems.MatrixResult, error) { return o.GaussFMMap }),
	theorems.OpGaussFlow: mk(func(o *theorems.Ops) func(theorems.GaussFlowArgs) (theorems.GaussFlowResult, error) {
		return o.GaussFlow
	}),
	theorems.OpGMMScore:     mk(func(o *theorems.Ops) func(theorems.GMMScoreArgs) (theorems.ScoreResult, error) { return o.GMMScore }),
	theorems.OpGMMDenoise:   mk(func(o *theorems.Ops) func(theorems.DenoiseArgs) (theorems.MeanResult, error) { return o.GMMDenoise }),
	theorems.OpFlowVelocity: mk(func(o *theorems.Ops) func(theorems.VelocityArgs) (theorems.FieldResult, error) { return o.FlowVelocity }),
	theorems.OpDriftField:   mk(func(o *theorems.Ops) func(theorems.DriftArgs) (theorems.FieldResult, error) { return o.DriftField }),
	theorems.OpAttnGamma:    mk(func(o *theorems.Ops) func(theorems.AttnArgs) (theorems.GammaResult, error) { return o.AttnGamma }),
	theorems.OpARSample:     mk(func(o *theorems.Ops) func(theorems.ARSampleArgs) (theorems.IndexResult, error) { return o.ARSample }),
}

func TestOpTableComplete(t *testing.T) {
	for _, oi := range theorems.Operations {
		if _, ok := opTable[oi.Name]; !ok {
			t.Errorf("fuzz opTable lacks %s", oi.Name)
		}
	}
}

// pickOp maps any string to an operation: itself if it names one, else one
// chosen by its length (so that mutations of the op name still exercise
// the dispatch).
func pickOp(op string) theorems.OpInfo {
	if oi, ok := theorems.LookupOp(op); ok {
		return oi
	}
	return theorems.Operations[len(op)%len(theorems.Operations)]
}

func elem(p any) any { return reflect.ValueOf(p).Elem().Interface() }

// hasNull reports whether a JSON value holds a null anywhere.
func hasNull(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		for _, e := range x {
			if hasNull(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasNull(e) {
				return true
			}
		}
	}
	return false
}

// FuzzDecodeArgs: DecodeArgs accepts only JSON objects that hold every
// required field and no null, rejects everything else with ErrInvalid, and
// what it accepts survives a round trip (encode, decode, encode gives the
// same bytes).
func FuzzDecodeArgs(f *testing.F) {
	f.Fuzz(func(t *testing.T, op string, raw []byte) {
		oi := pickOp(op)
		tc := opTable[oi.Name]
		dst := tc.args()
		err := theorems.DecodeArgs(raw, oi.Required, dst)
		if err != nil {
			if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("DecodeArgs(%s, %q): error %v does not wrap ErrInvalid", oi.Name, raw, err)
			}
			return
		}
		var generic any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if e := dec.Decode(&generic); e != nil {
			t.Fatalf("DecodeArgs(%s) accepted invalid JSON %q", oi.Name, raw)
		}
		obj, ok := generic.(map[string]any)
		if !ok {
			t.Fatalf("DecodeArgs(%s) accepted a non-object %q", oi.Name, raw)
		}
		for _, k := range oi.Required {
			if _, ok := obj[k]; !ok {
				t.Fatalf("DecodeArgs(%s) accepted %q without required field %q", oi.Name, raw, k)
			}
		}
		if hasNull(generic) {
			t.Fatalf("DecodeArgs(%s) accepted a null in %q", oi.Name, raw)
		}
		b1, err := json.Marshal(dst)
		if err != nil {
			t.Fatalf("DecodeArgs(%s, %q) decoded a value that does not encode: %v", oi.Name, raw, err)
		}
		dst2 := tc.args()
		if err := theorems.DecodeArgs(b1, nil, dst2); err != nil {
			t.Fatalf("DecodeArgs rejects its own re-encoding %s: %v", b1, err)
		}
		if b2, _ := json.Marshal(dst2); !bytes.Equal(b1, b2) {
			t.Fatalf("DecodeArgs round trip: %s then %s", b1, b2)
		}
	})
}

var refOps = theorems.ReferenceOps()

// failedErr reports whether err is one of the documented "failed" errors of
// the reference: non-convergence or a result that overflows float64.
func failedErr(err error) bool {
	return errors.Is(err, numerics.ErrNotConverged) || strings.Contains(strings.ToLower(err.Error()), "overflow")
}

// FuzzInvoke: every operation of the reference, called through the generic
// dispatch on arbitrary JSON arguments, either answers a finite result of
// the right shape that equals the direct typed call, or errs with
// ErrInvalid (malformed input) or a documented failure (overflow,
// non-convergence) — never a panic or a NaN.
func FuzzInvoke(f *testing.F) {
	f.Fuzz(func(t *testing.T, op string, raw []byte) {
		oi := pickOp(op)
		tc := opTable[oi.Name]
		if !oi.Has(&refOps) {
			if _, err := oi.Invoke(&refOps, raw); !errors.Is(err, theorems.ErrUnsupported) {
				t.Fatalf("%s is not offered but Invoke answered %v", oi.Name, err)
			}
			return
		}
		res, err := oi.Invoke(&refOps, raw)
		args := tc.args()
		derr := theorems.DecodeArgs(raw, oi.Required, args)
		if derr != nil {
			if err == nil || !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("%s(%q): decoding fails (%v) but Invoke answered %v", oi.Name, raw, derr, err)
			}
			return
		}
		direct, _, errDirect := tc.call(&refOps, args)
		if (err == nil) != (errDirect == nil) {
			t.Fatalf("%s(%q): Invoke err %v, direct call err %v", oi.Name, raw, err, errDirect)
		}
		if err != nil {
			if !errors.Is(err, numerics.ErrInvalid) && !failedErr(err) {
				t.Fatalf("%s(%q): undocumented failure %v", oi.Name, raw, err)
			}
			return
		}
		if err := oi.CheckResult(elem(args), res); err != nil {
			t.Fatalf("%s(%q) answered a bad result: %v (%+v)", oi.Name, raw, err, res)
		}
		b1, err := json.Marshal(res)
		if err != nil {
			t.Fatalf("%s(%q): result does not encode: %v", oi.Name, raw, err)
		}
		b2, _ := json.Marshal(direct)
		if !bytes.Equal(b1, b2) {
			t.Fatalf("%s(%q): Invoke answered %s, the direct call %s", oi.Name, raw, b1, b2)
		}
		again, err := oi.Invoke(&refOps, raw)
		if b3, _ := json.Marshal(again); err != nil || !bytes.Equal(b1, b3) {
			t.Fatalf("%s(%q) is not deterministic: %s then %s (%v)", oi.Name, raw, b1, b3, err)
		}
	})
}

// FuzzCheckResult: the validation of an answer (what the otv/1 client runs
// on a child's result) never panics on any decodable result, and accepts
// only finite results.
func FuzzCheckResult(f *testing.F) {
	f.Fuzz(func(t *testing.T, op string, rawArgs, rawResult []byte) {
		oi := pickOp(op)
		tc := opTable[oi.Name]
		args := tc.args()
		if theorems.DecodeArgs(rawArgs, oi.Required, args) != nil {
			return
		}
		res := tc.result()
		if json.Unmarshal(rawResult, res) != nil {
			return
		}
		if err := oi.CheckResult(elem(args), elem(res)); err == nil {
			// Accepted: it must encode (no NaN/Inf can come from JSON,
			// but the check must not accept a wrong type either).
			if _, err := json.Marshal(res); err != nil {
				t.Fatalf("%s: accepted a result that does not encode: %v", oi.Name, err)
			}
		}
		if err := oi.CheckResult(42, elem(res)); err == nil {
			t.Fatalf("%s: CheckResult accepted arguments of the wrong type", oi.Name)
		}
	})
}

// ---------------------------------------------------------------------------
// Seed corpora.

type seed struct {
	name, op, args string
}

// hardSeeds are hand-written hard cases of the otv/1 arguments.
var hardSeeds = []seed{
	{"empty", "ot.emd", ""},
	{"not-object", "ot.emd", "[1,2]"},
	{"empty-object", "ot.emd", "{}"},
	{"trailing-garbage", "ot.emd1d", `{"x":[0],"y":[1],"a":[1],"b":[1],"p":1} x`},
	{"null-nested", "ot.emd", `{"a":[1],"b":[1],"C":[[null]]}`},
	{"null-top", "ot.emd", `{"a":null,"b":[1],"C":[[0]]}`},
	{"duplicate-keys", "ot.emd", `{"a":[1],"a":[0.5,0.5],"b":[1],"C":[[0],[1]]}`},
	{"number-overflow", "ot.emd", `{"a":[1],"b":[1],"C":[[1e400]]}`},
	{"number-max", "ot.emd", `{"a":[1],"b":[1],"C":[[1.7976931348623157e308]]}`},
	{"huge-costs", "ot.emd", `{"a":[0.5,0.5],"b":[0.5,0.5],"C":[[1e300,-1e300],[-1e300,1e300]]}`},
	{"subnormal", "ot.emd", `{"a":[1],"b":[1],"C":[[5e-324]]}`},
	{"string-number", "ot.emd", `{"a":["1"],"b":[1],"C":[[0]]}`},
	{"ragged", "ot.emd", `{"a":[0.5,0.5],"b":[0.5,0.5],"C":[[0,1],[1]]}`},
	{"zero-weights", "ot.emd", `{"a":[0,1],"b":[1,0],"C":[[0,1],[1,0]]}`},
	{"ties", "ot.emd", `{"a":[0.5,0.5],"b":[0.5,0.5],"C":[[1,1],[1,1]]}`},
	{"one-point", "ot.emd", `{"a":[1],"b":[1],"C":[[3]]}`},
	{"points", "ot.emd", `{"a":[0.5,0.5],"b":[1],"x":[[0],[1]],"y":[[2]],"cost":"sqeuclidean","plan_format":"sparse"}`},
	{"points-and-C", "ot.emd", `{"a":[1],"b":[1],"x":[[0]],"y":[[2]],"C":[[0]],"cost":"sqeuclidean"}`},
	{"points-overflow", "ot.assignment", `{"x":[[1e300]],"y":[[-1e300]],"cost":"sqeuclidean"}`},
	{"assignment-ties", "ot.assignment", `{"C":[[1,1],[1,1]]}`},
	{"sinkhorn-small-eps", "ot.sinkhorn", `{"a":[0.5,0.5],"b":[0.5,0.5],"C":[[0,1],[1,0]],"eps":1e-4}`},
	{"sinkhorn-tiny-eps", "ot.sinkhorn", `{"a":[0.5,0.5],"b":[0.5,0.5],"C":[[0,1],[1,0]],"eps":1e-300}`},
	{"sinkhorn-huge-eps", "ot.sinkhorn", `{"a":[0.5,0.5],"b":[0.5,0.5],"C":[[0,1],[1,0]],"eps":1e300}`},
	{"divergence-duplicates", "ot.sinkhorn_divergence", `{"x":[[0],[0]],"y":[[0],[0]],"a":[0.5,0.5],"b":[0.5,0.5],"eps":0.1}`},
	{"emd1d-large-p", "ot.emd1d", `{"x":[0,3],"y":[1,2],"a":[0.5,0.5],"b":[0.5,0.5],"p":1e6}`},
	{"quantile-jump", "ot1d.quantile", `{"x":[0,1],"a":[0.5,0.5],"u":[0.5]}`},
	{"bures-singular", "gauss.bures", `{"m0":[0,0],"S0":[[1,1],[1,1]],"m1":[0,0],"S1":[[1,0],[0,1]]}`},
	{"bures-cond1e8", "gauss.bures", `{"m0":[0,0],"S0":[[1e8,0],[0,1]],"m1":[0,0],"S1":[[1,0],[0,1e-8]]}`},
	{"bures-huge", "gauss.bures", `{"m0":[1e300],"S0":[[1e300]],"m1":[-1e300],"S1":[[1e300]]}`},
	{"otmap-asymmetric", "gauss.ot_map", `{"S0":[[1,2],[0,1]],"S1":[[1,0],[0,1]]}`},
	{"fm-map-ends", "gauss.fm_map", `{"S0":[[2,0],[0,1]],"S1":[[1,0.5],[0.5,1]],"t":1}`},
	{"flow-kl", "gauss.flow", `{"energy":"kl","C":[[1e8,0],[0,1e-8]]}`},
	{"gmm-far", "gmm.score", `{"w":[0.5,0.5],"mu":[[0],[1]],"s2":[1,1],"z":[[1e6]]}`},
	{"denoise-far", "gmm.denoise", `{"w":[0.5,0.5],"mu":[[0],[1]],"sigma":0.01,"z":[[1e6]]}`},
	{"velocity-vp", "flow.velocity", `{"schedule":"vp","w":[1],"mu":[[0]],"sigma":1,"t":1e-300,"z":[[1e6]]}`},
	{"drift-duplicates", "drift.field", `{"x":[[0]],"ypos":[[0],[0]],"yneg":[[0]],"tau":1e-300,"kernel":"laplace"}`},
	{"attn-large-logits", "attn.gamma", `{"Q":[[1e150]],"K":[[1e150]],"V":[[1]],"x":[[1],[-1]]}`},
	{"ar-zero", "ar.sample", `{"p":[0,1,0],"u":0.999999999999}`},
}

// deepJSON returns a value nested depth levels deep inside args.
func deepJSON(depth int) string {
	return `{"a":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `,"b":[1],"C":[[0]]}`
}

func allSeeds() map[string][]any {
	s := map[string][]any{}
	for _, h := range hardSeeds {
		s["seed-"+h.name] = []any{h.op, []byte(h.args)}
	}
	s["seed-deep-nesting"] = []any{"ot.emd", []byte(deepJSON(20000))}
	s["seed-wide"] = []any{"ot.emd1d", []byte(`{"x":[` + strings.Repeat("0,", 5000) + `0],"y":[1],"a":[1],"b":[1],"p":2}`)}
	return s
}

// vectorSeeds returns the valid and acceptable cases and the first four
// invalid ones of each op of the committed vectors (../vectors).
func vectorSeeds(t *testing.T) map[string][]any {
	names, _ := filepath.Glob(filepath.Join("..", "vectors", "*_test.json"))
	out := map[string][]any{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		var vf struct {
			TestGroups []struct {
				Op    string `json:"op"`
				Tests []struct {
					TcID   int             `json:"tcId"`
					Args   json.RawMessage `json:"args"`
					Result string          `json:"result"`
				} `json:"tests"`
			} `json:"testGroups"`
		}
		if err := json.Unmarshal(b, &vf); err != nil {
			t.Fatal(err)
		}
		for _, g := range vf.TestGroups {
			inv := 0
			for _, c := range g.Tests {
				if c.Result == "invalid" {
					if inv++; inv > 4 {
						continue
					}
				}
				out[fmt.Sprintf("vec-%s-%d", g.Op, c.TcID)] = []any{g.Op, []byte(c.Args)}
			}
		}
	}
	return out
}

func TestFuzzSeedCorpus(t *testing.T) {
	seeds := allSeeds()
	if fuzzseed.Writing() {
		for k, v := range vectorSeeds(t) {
			seeds[k] = v
		}
	}
	names := make([]string, 0, len(seeds))
	for k := range seeds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, target := range []string{"FuzzDecodeArgs", "FuzzInvoke", "FuzzCheckResult"} {
		for _, name := range names {
			args := seeds[name]
			if target == "FuzzCheckResult" {
				if !strings.HasPrefix(name, "vec-") && !strings.HasPrefix(name, "seed-points") && name != "seed-ties" {
					continue
				}
				args = append(append([]any{}, args...), checkResultSeed(args[0].(string), args[1].([]byte)))
			}
			path := filepath.Join("testdata", "fuzz", target, name)
			// vec-* seeds follow the committed vectors: rewritten with
			// them, not compared.
			fuzzseed.File(t, path, args, !strings.HasPrefix(name, "vec-"))
		}
	}
}

// checkResultSeed is the reference's answer to a seed request ("{}" if it
// has none), the starting point for mutating results.
func checkResultSeed(op string, raw []byte) []byte {
	oi, ok := theorems.LookupOp(op)
	if !ok || !oi.Has(&refOps) {
		return []byte("{}")
	}
	r, err := oi.Invoke(&refOps, raw)
	if err != nil {
		return []byte("{}")
	}
	b, err := json.Marshal(r)
	if err != nil {
		return []byte("{}")
	}
	return b
}
