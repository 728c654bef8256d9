package theorems

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/otverify/otverify/numerics"
)

// ErrUnsupported is returned by OpInfo.Invoke for an operation the Ops table
// does not offer (otv/1 error code "unsupported").
var ErrUnsupported = errors.New("unsupported operation")

// Caller sends one otv/1 request and decodes its result; the otv/1 client
// implements it.
type Caller interface {
	Call(op string, args, result any) error
}

// CallHook observes a completed call of an operation: its arguments, its
// result (the zero value on error) and its error.
type CallHook func(op string, args, result any, err error)

// OpInfo describes one operation of the Ops table generically, so that the
// otv/1 server, the otv/1 client and the claim recorder need no per-op code.
type OpInfo struct {
	// Name is the protocol.md name, e.g. "ot.emd".
	Name string
	// Required lists the argument fields that must be present and non-null.
	Required []string

	has    func(*Ops) bool
	invoke func(*Ops, []byte) (any, error)
	bind   func(*Ops, Caller)
	wrap   func(*Ops, CallHook)
	check  func(args, result any) error
}

// Has reports whether ops offers the operation.
func (oi OpInfo) Has(ops *Ops) bool { return oi.has(ops) }

// Invoke decodes raw JSON arguments strictly (see DecodeArgs), calls the
// operation and returns its result. It returns ErrUnsupported if ops lacks
// the operation and an error wrapping numerics.ErrInvalid for malformed
// arguments; other errors come from the operation itself.
func (oi OpInfo) Invoke(ops *Ops, raw []byte) (any, error) { return oi.invoke(ops, raw) }

// Bind sets the operation's entry of ops to one that forwards to c.
func (oi OpInfo) Bind(ops *Ops, c Caller) { oi.bind(ops, c) }

// CheckResult validates the shape and finiteness of an answer against its
// arguments (plan n×m, perm of length n, no NaN/Inf, …). A non-nil error is
// a protocol fault of the implementation.
func (oi OpInfo) CheckResult(args, result any) error { return oi.check(args, result) }

func opInfo[A, R any](name string, field func(*Ops) *func(A) (R, error), check func(A, R) error, required ...string) OpInfo {
	return OpInfo{
		Name:     name,
		Required: required,
		has:      func(o *Ops) bool { return *field(o) != nil },
		invoke: func(o *Ops, raw []byte) (any, error) {
			f := *field(o)
			if f == nil {
				return nil, ErrUnsupported
			}
			var a A
			if err := DecodeArgs(raw, required, &a); err != nil {
				return nil, err
			}
			return f(a)
		},
		bind: func(o *Ops, c Caller) {
			*field(o) = func(a A) (R, error) {
				var r R
				err := c.Call(name, a, &r)
				return r, err
			}
		},
		wrap: func(o *Ops, hook CallHook) {
			f := *field(o)
			if f == nil {
				return
			}
			*field(o) = func(a A) (R, error) {
				r, err := f(a)
				hook(name, a, r, err)
				return r, err
			}
		},
		check: func(a, r any) error {
			ra, ok1 := r.(R)
			aa, ok2 := a.(A)
			if !ok1 || !ok2 {
				return fmt.Errorf("%s: result of type %T for args %T", name, r, a)
			}
			if err := finite(reflect.ValueOf(ra), "result"); err != nil {
				return err
			}
			if check == nil {
				return nil
			}
			return check(aa, ra)
		},
	}
}

// Operations lists every operation of protocol.md in a fixed order.
var Operations = []OpInfo{
	opInfo(OpEMD, func(o *Ops) *func(EMDArgs) (EMDResult, error) { return &o.EMD }, checkEMD, "a", "b"),
	opInfo(OpEMD1D, func(o *Ops) *func(EMD1DArgs) (CostResult, error) { return &o.EMD1D }, nil, "x", "y", "a", "b", "p"),
	opInfo(OpAssignment, func(o *Ops) *func(AssignmentArgs) (AssignmentResult, error) { return &o.Assignment }, checkAssignment),
	opInfo(OpSinkhorn, func(o *Ops) *func(SinkhornArgs) (SinkhornResult, error) { return &o.Sinkhorn }, checkSinkhorn, "a", "b", "eps"),
	opInfo(OpSinkhornDivergence, func(o *Ops) *func(DivergenceArgs) (ValueResult, error) { return &o.SinkhornDivergence }, nil, "x", "y", "a", "b", "eps"),
	opInfo(OpSlicedW2, func(o *Ops) *func(SlicedArgs) (ValueResult, error) { return &o.SlicedW2 }, nil, "x", "y", "theta"),
	opInfo(OpQuantile, func(o *Ops) *func(QuantileArgs) (QuantileResult, error) { return &o.Quantile },
		func(a QuantileArgs, r QuantileResult) error { return wantLen("q", r.Q, len(a.U)) }, "x", "a", "u"),
	opInfo(OpBures, func(o *Ops) *func(BuresArgs) (BuresResult, error) { return &o.Bures }, nil, "m0", "S0", "m1", "S1"),
	opInfo(OpGaussOTMap, func(o *Ops) *func(GaussMapArgs) (MatrixResult, error) { return &o.GaussOTMap }, checkSquare, "S0", "S1"),
	opInfo(OpGaussKRMap, func(o *Ops) *func(GaussMapArgs) (MatrixResult, error) { return &o.GaussKRMap }, checkSquare, "S0", "S1"),
	opInfo(OpGaussFMMap, func(o *Ops) *func(GaussMapArgs) (MatrixResult, error) { return &o.GaussFMMap }, checkSquare, "S0", "S1", "t"),
	opInfo(OpGaussFlow, func(o *Ops) *func(GaussFlowArgs) (GaussFlowResult, error) { return &o.GaussFlow },
		func(a GaussFlowArgs, r GaussFlowResult) error { return wantMatrix("Cdot", r.Cdot, len(a.C), len(a.C)) }, "energy", "C"),
	opInfo(OpGMMScore, func(o *Ops) *func(GMMScoreArgs) (ScoreResult, error) { return &o.GMMScore },
		func(a GMMScoreArgs, r ScoreResult) error { return wantMatrix("score", r.Score, len(a.Z), cols(a.Z)) }, "w", "mu", "s2", "z"),
	opInfo(OpGMMDenoise, func(o *Ops) *func(DenoiseArgs) (MeanResult, error) { return &o.GMMDenoise },
		func(a DenoiseArgs, r MeanResult) error { return wantMatrix("mean", r.Mean, len(a.Z), cols(a.Z)) }, "w", "mu", "sigma", "z"),
	opInfo(OpFlowVelocity, func(o *Ops) *func(VelocityArgs) (FieldResult, error) { return &o.FlowVelocity },
		func(a VelocityArgs, r FieldResult) error { return wantMatrix("v", r.V, len(a.Z), cols(a.Z)) }, "schedule", "w", "mu", "sigma", "t", "z"),
	opInfo(OpDriftField, func(o *Ops) *func(DriftArgs) (FieldResult, error) { return &o.DriftField },
		func(a DriftArgs, r FieldResult) error { return wantMatrix("v", r.V, len(a.X), cols(a.X)) }, "x", "ypos", "yneg", "tau", "kernel"),
	opInfo(OpAttnGamma, func(o *Ops) *func(AttnArgs) (GammaResult, error) { return &o.AttnGamma },
		func(a AttnArgs, r GammaResult) error { return wantMatrix("gamma", r.Gamma, len(a.X), cols(a.X)) }, "Q", "K", "V", "x"),
	opInfo(OpARSample, func(o *Ops) *func(ARSampleArgs) (IndexResult, error) { return &o.ARSample },
		func(a ARSampleArgs, r IndexResult) error {
			if r.Index < 0 || r.Index >= len(a.P) {
				return fmt.Errorf("index %d out of range [0,%d)", r.Index, len(a.P))
			}
			return nil
		}, "p", "u"),
}

// LookupOp returns the OpInfo of the named operation.
func LookupOp(name string) (OpInfo, bool) {
	for _, oi := range Operations {
		if oi.Name == name {
			return oi, true
		}
	}
	return OpInfo{}, false
}

// List returns the names of the operations ops offers, in protocol order.
func (o *Ops) List() []string {
	var names []string
	for _, oi := range Operations {
		if oi.has(o) {
			names = append(names, oi.Name)
		}
	}
	return names
}

// Has reports whether ops offers the named operation.
func (o *Ops) Has(name string) bool {
	oi, ok := LookupOp(name)
	return ok && oi.has(o)
}

// Restrict returns a copy of ops keeping only the named operations.
func (o *Ops) Restrict(names []string) Ops {
	r := Ops{Features: o.Features}
	keep := map[string]bool{}
	for _, n := range names {
		keep[n] = true
	}
	src, dst := reflect.ValueOf(o).Elem(), reflect.ValueOf(&r).Elem()
	for i, oi := range Operations {
		_ = i
		if keep[oi.Name] && oi.has(o) {
			f := opField(oi.Name)
			dst.FieldByName(f).Set(src.FieldByName(f))
		}
	}
	return r
}

// Wrapped returns a copy of ops in which every call is reported to hook.
func (o *Ops) Wrapped(hook CallHook) Ops {
	r := *o
	for _, oi := range Operations {
		oi.wrap(&r, hook)
	}
	return r
}

func opField(name string) string {
	for i, oi := range Operations {
		if oi.Name == name {
			return reflect.TypeOf(Ops{}).Field(i).Name
		}
	}
	return ""
}

// DecodeArgs decodes the JSON object raw into dst strictly, as the otv/1
// server must: raw must be an object; every field named in required must be
// present; no value anywhere may be null (encoding/json would silently leave
// a zero); numbers must fit float64; types must match. Unknown fields are
// ignored (forward compatibility). Errors wrap numerics.ErrInvalid.
//
// Memory: the top-level fields are split without decoding them (about the
// input's size), nulls are found by a byte scan, and the arguments are
// decoded once, typed; a generic decode (interface{} trees, json.Number)
// took about 100 bytes per input byte.
func DecodeArgs(raw []byte, required []string, dst any) error {
	if first := firstByte(raw); first != '{' {
		return numerics.Invalidf("args must be a JSON object")
	}
	// Splitting the top level also validates the whole text (syntax,
	// trailing data), so no separate json.Valid pass is needed.
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return numerics.Invalidf("args: %v", err)
	}
	for _, k := range required {
		if _, ok := obj[k]; !ok {
			return numerics.Invalidf("args: missing field %q", k)
		}
	}
	if hasNullLiteral(raw) {
		return numerics.Invalidf("%s is null", nullPath(raw))
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return numerics.Invalidf("args: %v", err)
	}
	return nil
}

// firstByte is the first non-space byte of raw (0 if none).
func firstByte(raw []byte) byte {
	for _, b := range raw {
		switch b {
		case ' ', '\t', '\n', '\r':
		default:
			return b
		}
	}
	return 0
}

// hasNullLiteral reports whether valid JSON raw contains a null value: a
// "null" outside string literals (in valid JSON, an n outside a string
// starts null).
func hasNullLiteral(raw []byte) bool {
	in := false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case in && c == '\\':
			i++
		case c == '"':
			in = !in
		case !in && c == 'n':
			return true
		}
	}
	return false
}

// nullPath is the path of the first null of valid JSON raw in document
// order ("args.x[2][0]"), found by walking its tokens (memory proportional
// to the nesting depth).
func nullPath(raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	type frame struct {
		obj   bool
		key   string
		index int
	}
	var stack []frame
	path := func() string {
		var b strings.Builder
		b.WriteString("args")
		for _, f := range stack {
			if f.obj {
				b.WriteString("." + f.key)
			} else {
				fmt.Fprintf(&b, "[%d]", f.index-1)
			}
		}
		return b.String()
	}
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return "args"
		}
		top := len(stack) - 1
		if top >= 0 && stack[top].obj && expectKey {
			if k, ok := tok.(string); ok {
				stack[top].key = k
				expectKey = false
				continue
			}
		}
		if top >= 0 && !stack[top].obj {
			if d, ok := tok.(json.Delim); !ok || d != ']' {
				stack[top].index++
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{obj: true})
				expectKey = true
				continue
			case '[':
				stack = append(stack, frame{})
				continue
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		case nil:
			return path()
		}
		if n := len(stack); n > 0 && stack[n-1].obj {
			expectKey = true
		}
	}
}

// finite returns an error naming the first NaN or ±Inf found in v. The
// path is built only on failure: this runs on every answer of every check.
func finite(v reflect.Value, path string) error {
	if p, bad := firstNonFinite(v); bad {
		return fmt.Errorf("%s%s is not finite (NaN and ±Inf never appear in a valid answer)", path, p)
	}
	return nil
}

func firstNonFinite(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.Float64, reflect.Float32:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Sprintf(" (= %v)", f), true
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Float64 {
			for i := 0; i < v.Len(); i++ {
				if f := v.Index(i).Float(); math.IsNaN(f) || math.IsInf(f, 0) {
					return fmt.Sprintf("[%d] (= %v)", i, f), true
				}
			}
			return "", false
		}
		for i := 0; i < v.Len(); i++ {
			if p, bad := firstNonFinite(v.Index(i)); bad {
				return fmt.Sprintf("[%d]%s", i, p), true
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return firstNonFinite(v.Elem())
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if p, bad := firstNonFinite(v.Field(i)); bad {
				name := t.Field(i).Tag.Get("json")
				if j := bytes.IndexByte([]byte(name), ','); j >= 0 {
					name = name[:j]
				}
				if name == "" {
					name = t.Field(i).Name
				}
				return "." + name + p, true
			}
		}
	}
	return "", false
}

func cols(M [][]float64) int {
	if len(M) == 0 {
		return 0
	}
	return len(M[0])
}

func wantLen[T any](name string, v []T, n int) error {
	if len(v) != n {
		return fmt.Errorf("%s has %d entries, want %d", name, len(v), n)
	}
	return nil
}

func wantMatrix(name string, M [][]float64, rows, cols int) error {
	if len(M) != rows {
		return fmt.Errorf("%s has %d rows, want %d", name, len(M), rows)
	}
	for i, r := range M {
		if len(r) != cols {
			return fmt.Errorf("%s row %d has %d entries, want %d", name, i, len(r), cols)
		}
	}
	return nil
}

func checkEMD(a EMDArgs, r EMDResult) error {
	n, m := len(a.A), len(a.B)
	if a.PlanFormat != "sparse" {
		if err := wantMatrix("plan", r.Plan, n, m); err != nil {
			return err
		}
	}
	if r.F != nil || r.G != nil {
		if err := wantLen("f", r.F, n); err != nil {
			return err
		}
		return wantLen("g", r.G, m)
	}
	return nil
}

func checkSinkhorn(a SinkhornArgs, r SinkhornResult) error {
	n, m := len(a.A), len(a.B)
	if a.PlanFormat == "none" {
		if r.F == nil || r.G == nil {
			return fmt.Errorf("plan_format none requires f and g")
		}
	} else if err := wantMatrix("plan", r.Plan, n, m); err != nil {
		return err
	}
	if r.F != nil || r.G != nil {
		if err := wantLen("f", r.F, n); err != nil {
			return err
		}
		return wantLen("g", r.G, m)
	}
	return nil
}

func checkAssignment(a AssignmentArgs, r AssignmentResult) error {
	n := len(a.C)
	if a.C == nil {
		n = len(a.X)
	}
	if err := wantLen("perm", r.Perm, n); err != nil {
		return err
	}
	seen := make([]bool, n)
	for i, p := range r.Perm {
		if p < 0 || p >= n || seen[p] {
			return fmt.Errorf("perm is not a permutation of 0..%d (entry %d is %d)", n-1, i, p)
		}
		seen[p] = true
	}
	return nil
}

func checkSquare(a GaussMapArgs, r MatrixResult) error {
	return wantMatrix("A", r.A, len(a.S0), len(a.S0))
}
