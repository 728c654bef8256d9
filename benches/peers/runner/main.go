// Command runner is the Go side of the side-by-side benchmarks against POT
// and SciPy (benches/peers/peers.py starts it). It reads one JSON request
// per line on stdin, times one run of the named kernel on instance arrays
// that the Python driver wrote (raw little-endian float64 files in the
// request's directory), and answers one JSON line on stdout:
//
//	{"op":"emd","dir":"/tmp/x","n":1000}  →  {"seconds":0.071,"value":0.1234,...}
//
// so that the driver can alternate Go and Python runs of the same instance
// in one process pair and take medians. "value" (and "values") let the
// driver check that both sides computed the same thing.
//
// Ops: roofline (per-kernel rates against the machine's measured roofs, see
// roofline.go), emd (C, a, b), assignment (C), sinkhorn (C, a, b, eps, iters: that
// many log-domain iterations from zero potentials; seconds is per
// iteration), sinkhorn_stab (the same iterations in the kernel domain with
// absorption, sinkhorn.go), w1d (x, y: W₂² of uniform samples), gaussmap (S0, S1: the
// Brenier matrix), sqdist (x, y, d), lse (X: row log-sum-exps), softmax
// (X: row softmax), info (the kernel variant).
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/otverify/otverify/internal/kernel"
	"github.com/otverify/otverify/reference/discrete"
	"github.com/otverify/otverify/reference/gaussian"
	"github.com/otverify/otverify/reference/ot1d"
	"gonum.org/v1/gonum/mat"
)

type request struct {
	Op    string  `json:"op"`
	Dir   string  `json:"dir"`
	N     int     `json:"n"`
	D     int     `json:"d"`
	Eps   float64 `json:"eps"`
	Iters int     `json:"iters"`
}

type response struct {
	Seconds float64   `json:"seconds"`
	Value   float64   `json:"value"`
	Values  []float64 `json:"values,omitempty"`
	Info    string    `json:"info,omitempty"`
	Rows    []roofRow `json:"rows,omitempty"`
	Error   string    `json:"error,omitempty"`
}

// cache keeps the arrays of the current instance directory.
var cache = map[string][]float64{}

func load(dir, name string) ([]float64, error) {
	key := filepath.Join(dir, name)
	if v, ok := cache[key]; ok {
		return v, nil
	}
	b, err := os.ReadFile(key + ".f64")
	if err != nil {
		return nil, err
	}
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	cache[key] = v
	return v, nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	enc := json.NewEncoder(os.Stdout)
	dir := ""
	for in.Scan() {
		var req request
		var resp response
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			resp.Error = err.Error()
		} else {
			if req.Dir != dir { // a new instance: drop the old arrays
				cache, dir = map[string][]float64{}, req.Dir
				runtime.GC()
			}
			if err := serve(req, &resp); err != nil {
				resp.Error = err.Error()
			}
		}
		if err := enc.Encode(resp); err != nil {
			os.Exit(1)
		}
	}
}

func serve(req request, resp *response) error {
	n := req.N
	get := func(name string) []float64 {
		v, err := load(req.Dir, name)
		if err != nil {
			panic(err)
		}
		return v
	}
	defer func() {
		if r := recover(); r != nil {
			resp.Error = fmt.Sprint(r)
		}
	}()
	switch req.Op {
	case "info":
		resp.Info = fmt.Sprintf("kernel=%s features=%s cpu=%q gomaxprocs=%d %s",
			kernel.Variant(), kernel.Features(), kernel.CPU(), runtime.GOMAXPROCS(0), runtime.Version())
	case "emd":
		C, a, b := get("C"), get("a"), get("b")
		start := time.Now()
		sol, err := discrete.EMDWithOptions(a, b, C, n, n, discrete.Options{SparseOnly: true})
		resp.Seconds = time.Since(start).Seconds()
		if err != nil {
			return err
		}
		resp.Value = sol.Cost
	case "assignment":
		C := get("C")
		start := time.Now()
		_, cost, err := discrete.Assignment(C, n)
		resp.Seconds = time.Since(start).Seconds()
		if err != nil {
			return err
		}
		resp.Value = cost
	case "sinkhorn", "sinkhorn_stab":
		C, a, b := get("C"), get("a"), get("b")
		var u, v []float64
		if req.Op == "sinkhorn" {
			u, v = sinkhornLog(C, a, b, req.Eps, req.Iters, resp)
		} else {
			u, v = stabilised(C, a, b, req.Eps, req.Iters, resp)
		}
		resp.Value = u[0]
		resp.Values = []float64{maxAbs(u), maxAbs(v), allFinite(u, v), u[len(u)-1] - u[0]}
	case "w1d":
		x, y := get("x"), get("y")
		w := make([]float64, len(x))
		for i := range w {
			w[i] = 1 / float64(len(x))
		}
		start := time.Now()
		v, err := ot1d.Wpp(x, w, y, w, 2)
		resp.Seconds = time.Since(start).Seconds()
		if err != nil {
			return err
		}
		resp.Value = v
	case "gaussmap":
		d := req.D
		S0 := mat.NewSymDense(d, append([]float64(nil), get("S0")...))
		S1 := mat.NewSymDense(d, append([]float64(nil), get("S1")...))
		start := time.Now()
		A, err := gaussian.BrenierMap(S0, S1)
		resp.Seconds = time.Since(start).Seconds()
		if err != nil {
			return err
		}
		resp.Value = A.At(0, 0)
		resp.Values = []float64{A.At(d-1, d-1), A.At(0, d-1)}
	case "sqdist":
		x, y, d := get("x"), get("y"), req.D
		m := len(y) / d
		dst := make([]float64, (len(x)/d)*m)
		start := time.Now()
		kernel.SqDistPar(dst, x, y, d, 0)
		resp.Seconds = time.Since(start).Seconds()
		resp.Value = dst[len(dst)-1]
	case "lse":
		X := get("X")
		m := n
		dst := make([]float64, len(X)/m)
		zero := make([]float64, m)
		start := time.Now()
		// log Σ_j exp(X_ij) = RowLSE with v = X_i? The kernel takes
		// v_j − s·C_ij: v = 0, s = −1, C = X.
		kernel.RowLSEPar(dst, X, zero, -1, 0)
		resp.Seconds = time.Since(start).Seconds()
		resp.Value = dst[0]
	case "roofline":
		resp.Rows = roofline()
	case "softmax":
		X := get("X")
		dst := make([]float64, len(X))
		start := time.Now()
		kernel.SoftmaxRows(dst, X, n)
		resp.Seconds = time.Since(start).Seconds()
		resp.Value = dst[0]
	default:
		return fmt.Errorf("unknown op %q", req.Op)
	}
	return nil
}

// sinkhornLog runs iters log-domain Sinkhorn iterations from u = v = 0 in
// POT's variables (π = diag(e^u) K diag(e^v), K = e^{−C/ε}):
// v = log b − LSE_i(u_i − C_ij/ε), then u = log a − LSE_j(v_j − C_ij/ε),
// as POT's sinkhorn_log does, with the kernels on all cores (each
// log-sum-exp shifted by its value at the previous iteration); it records
// the time per iteration in resp.Seconds and returns u, v.
func sinkhornLog(C, a, b []float64, eps float64, iters int, resp *response) (u, v []float64) {
	n, m := len(a), len(b)
	u, v = make([]float64, n), make([]float64, m)
	la, lb := make([]float64, n), make([]float64, m)
	for i := range a {
		la[i] = math.Log(a[i])
	}
	for j := range b {
		lb[j] = math.Log(b[j])
	}
	r, c := make([]float64, n), make([]float64, m)
	inv := 1 / eps
	start := time.Now()
	for it := range iters {
		// From the second iteration on, the previous log-sum-exps are the
		// shifts (one read of C per pass instead of two).
		if it == 0 {
			kernel.ColLSEPar(c, C, u, inv, 0)
		} else {
			kernel.ColLSEHintPar(c, C, u, inv, c, 0)
		}
		for j := range v {
			v[j] = lb[j] - c[j]
		}
		if it == 0 {
			kernel.RowLSEPar(r, C, v, inv, 0)
		} else {
			kernel.RowLSEHintPar(r, C, v, inv, r, 0)
		}
		for i := range u {
			u[i] = la[i] - r[i]
		}
	}
	resp.Seconds = time.Since(start).Seconds() / float64(iters)
	return u, v
}

func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}

func allFinite(xs ...[]float64) float64 {
	for _, x := range xs {
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0
			}
		}
	}
	return 1
}
