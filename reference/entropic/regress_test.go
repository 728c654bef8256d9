package entropic

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/otverify/otverify/internal/kernel"
	"github.com/otverify/otverify/numerics"
)

// Regression tests, each named after the defect it pins down.

// normalise returns w divided by its sum.
func normalise(w []float64) []float64 {
	s := 0.0
	for _, v := range w {
		s += v
	}
	out := make([]float64, len(w))
	for i, v := range w {
		out[i] = v / s
	}
	return out
}

// TestIntermediateStageCapNotFatal: with ε-scaling, an intermediate stage
// that reached its iteration cap used to end the solve with
// ErrNotConverged (and a Result at that stage's ε, not the requested one)
// when the cap coincided with MaxIter, although the final stage, with its
// Newton steps, converges in a few dozen iterations. Both instances have
// nearly balanced masses on tied costs (duplicate points), so the
// intermediate stages crawl at marginal error ≈ 2·excess > stageTol.
func TestIntermediateStageCapNotFatal(t *testing.T) {
	type instance struct {
		name string
		a, b []float64
		C    []float64
		n, m int
	}
	var cases []instance
	// n = 11 sources on two sites, m = 2 targets on the same sites (1-D,
	// all rows of a site equal), site masses 1/2 ± δ against 1/2, 1/2.
	for _, delta := range []float64{1.0 / 256, 1.0 / 1024} {
		n := 11
		x, a := make([]float64, n), make([]float64, n)
		for i := range n {
			if i < 6 {
				a[i] = (0.5 + delta) / 6
			} else {
				x[i], a[i] = 1, (0.5-delta)/5
			}
		}
		C, err := SqEuclidean(x, []float64{0, 1}, 1)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, instance{fmt.Sprintf("n=11/m=2/delta=%g", delta), a, uniformProb(2), C, n, 2})
	}
	// The rapid case of TestDualAscent that exposed it (n = 3, m = 2).
	C, err := SqEuclidean([]float64{1, 1, 0.5, 1, 1, 1}, []float64{1, 1, 0.5, 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, instance{"n=3/m=2/rapid", normalise([]float64{0.734375, 0.21875, 0.015625}),
		normalise([]float64{0.056640625, 0.0166015625}), C, 3, 2})

	const maxIter = 3000
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eps := 1e-3 * numerics.MaxAbs(tc.C)
			var last Step
			interIters := 0
			res, err := Sinkhorn(tc.a, tc.b, tc.C, tc.n, tc.m, eps, Options{MaxIter: maxIter, Trace: func(s Step) {
				last = s
				if !s.Final {
					interIters++
				}
			}})
			if err != nil {
				t.Fatalf("err = %v (last step %+v)", err, last)
			}
			if !last.Final || last.Eps != eps || res.Eps != eps {
				t.Fatalf("last step %+v, result eps %g: not the final stage at eps = %g", last, res.Eps, eps)
			}
			if interIters > maxIter/2 || res.Iterations > maxIter {
				t.Fatalf("%d intermediate iterations (share %d), %d in all (MaxIter %d)", interIters, maxIter/2, res.Iterations, maxIter)
			}
			if e := marginalErr(res.Plan, tc.a, tc.b); !(e <= DefaultTol+2*MassTol) {
				t.Fatalf("marginal error %.3g", e)
			}
		})
	}
}

// TestTinyEpsNeverSilentlyWrong: at eps = 1e-20·max C (and 1e-12) the
// exponents (f_i + g_j − C_ij)/eps are rounded to ulp(max C)/eps ≫ 1, so the
// row check of the iteration (a log-sum-exp) and the plan (a sum of
// rounded exponentials) disagree; the solver used to return success with
// plans whose marginal error was 2, 1e196 or NaN. Now every answer without
// error satisfies its stated tolerance, with and without the plan.
func TestTinyEpsNeverSilentlyWrong(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 5, 11} {
		for _, m := range []int{1, 2, 7} {
			for _, rel := range []float64{1e-20, 1e-12} {
				x, y := make([]float64, n), make([]float64, m)
				for i := range x {
					x[i] = rng.Float64()
				}
				for j := range y {
					y[j] = rng.Float64()
				}
				a := make([]float64, n)
				for i := range a {
					a[i] = 0.1 + rng.Float64()
				}
				a, b := normalise(a), uniformProb(m)
				C, err := SqEuclidean(x, y, 1)
				if err != nil {
					t.Fatal(err)
				}
				eps := rel * max(numerics.MaxAbs(C), 1e-300)
				t.Run(fmt.Sprintf("n=%d/m=%d/eps=%g·maxC", n, m, rel), func(t *testing.T) {
					res, err := Sinkhorn(a, b, C, n, m, eps, Options{})
					if err != nil {
						if !errors.Is(err, numerics.ErrNotConverged) {
							t.Fatalf("err = %v, want nil or ErrNotConverged", err)
						}
					} else {
						if !numerics.AllFinite(res.Plan) || !numerics.AllFinite(res.F) || !numerics.AllFinite(res.G) {
							t.Fatal("non-finite result without error")
						}
						if e := marginalErr(res.Plan, a, b); !(e <= DefaultTol+2*MassTol) || res.MarginalError > DefaultTol {
							t.Fatalf("success with marginal error %.3g (reported %.3g) > tol %g", e, res.MarginalError, DefaultTol)
						}
					}
					// Without the plan: the same iterations, the same
					// verdict, the same potentials.
					np, err2 := Sinkhorn(a, b, C, n, m, eps, Options{NoPlan: true})
					if (err == nil) != (err2 == nil) {
						t.Fatalf("with plan: %v; NoPlan: %v", err, err2)
					}
					if res != nil && np != nil && (!slices.Equal(res.F, np.F) || !slices.Equal(res.G, np.G) ||
						res.MarginalError != np.MarginalError && !math.IsNaN(res.MarginalError)) {
						t.Fatalf("NoPlan result differs: marginal error %v vs %v", np.MarginalError, res.MarginalError)
					}
				})
			}
		}
	}
}

// TestWorkersBitIdenticalGOMAXPROCS: with Workers = 0 (GOMAXPROCS
// goroutines) the result is the same bits under GOMAXPROCS = 1, 2 and 4,
// with and without the dense plan; the shared worker pool serves two
// concurrent solves without mixing them up.
func TestWorkersBitIdenticalGOMAXPROCS(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	n, m, d := 260, 150, 2 // m not a multiple of 8 nor of colTile
	x, y := make([]float64, n*d), make([]float64, m*d)
	for k := range x {
		x[k] = rng.NormFloat64()
	}
	for k := range y {
		y[k] = rng.NormFloat64() + 0.5
	}
	C, _ := SqEuclidean(x, y, d)
	a, b := uniformProb(n), uniformProb(m)
	eps := 5e-3 * numerics.MaxAbs(C)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var ref *Result
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		// Two solves at once on the shared workers.
		results := make([]*Result, 2)
		errs := make([]error, 2)
		done := make(chan int)
		for k := range 2 {
			go func() {
				results[k], errs[k] = Sinkhorn(a, b, C, n, m, eps, Options{})
				done <- k
			}()
		}
		<-done
		<-done
		for k := range 2 {
			if errs[k] != nil {
				t.Fatal(errs[k])
			}
			res := results[k]
			if ref == nil {
				ref = res
				continue
			}
			if !slices.Equal(res.Plan, ref.Plan) || !slices.Equal(res.F, ref.F) || !slices.Equal(res.G, ref.G) ||
				res.Iterations != ref.Iterations || res.Dual != ref.Dual || res.MarginalError != ref.MarginalError {
				t.Fatalf("GOMAXPROCS = %d, solve %d: differs from GOMAXPROCS = 1", procs, k)
			}
		}
	}
}

// TestKernelVariantsBitIdentical: the solver gives the same bits with every
// variant of internal/kernel (portable Go, AVX2, AVX-512) — the fast paths
// against the plain one, through the whole solve (ε-scaling, Newton).
func TestKernelVariantsBitIdentical(t *testing.T) {
	vs := kernel.Variants()
	if len(vs) < 2 {
		t.Skip("only the portable kernels on this machine or build (noasm)")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	n, m := 90, 61
	x, y := make([]float64, 2*n), make([]float64, 2*m)
	for k := range x {
		x[k] = rng.Float64()
	}
	for k := range y {
		y[k] = rng.Float64()
	}
	C, _ := SqEuclidean(x, y, 2)
	a, b := uniformProb(n), uniformProb(m)
	var ref *Result
	for _, v := range vs {
		restore, err := kernel.SetVariant(v)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Sinkhorn(a, b, C, n, m, 2e-3*numerics.MaxAbs(C), Options{Workers: 2})
		restore()
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if ref == nil {
			ref = res
			continue
		}
		if !slices.Equal(res.Plan, ref.Plan) || !slices.Equal(res.F, ref.F) || !slices.Equal(res.G, ref.G) ||
			res.Iterations != ref.Iterations {
			t.Fatalf("kernel variant %s differs from %s", v, vs[0])
		}
	}
}

// TestEntropyAndKLOverflowAreErrors: Entropy and KL returned NaN with a nil
// error for entries near MaxFloat64 (−p log p overflows to −Inf, and the
// compensated sum turns it into NaN). A value that does not fit float64 is
// now an error wrapping ErrOverflow; +Inf remains KL's documented answer
// for π_ij > 0 where a_i b_j = 0.
func TestEntropyAndKLOverflowAreErrors(t *testing.T) {
	M := math.MaxFloat64
	cases := []struct {
		name string
		call func() (float64, error)
	}{
		{"Entropy [MaxFloat64]", func() (float64, error) { return Entropy([]float64{M}) }},
		{"Entropy [MaxFloat64, MaxFloat64]", func() (float64, error) { return Entropy([]float64{M, M}) }},
		{"Entropy [MaxFloat64, 1e-300]", func() (float64, error) { return Entropy([]float64{M, 1e-300}) }},
		{"KL π = MaxFloat64, a b = 1e-600", func() (float64, error) { return KL([]float64{M}, []float64{1e-300}, []float64{1e-300}) }},
		{"KL two huge entries", func() (float64, error) { return KL([]float64{M, M}, []float64{M, 1}, []float64{M}) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if v, err := tc.call(); !errors.Is(err, ErrOverflow) {
				t.Fatalf("= %v, %v; want ErrOverflow", v, err)
			}
		})
	}
	if v, err := KL([]float64{0.5, 0.5}, []float64{1, 0}, []float64{1}); err != nil || !math.IsInf(v, 1) {
		t.Errorf("KL with mass outside the support of a⊗b = %v, %v; want +Inf", v, err)
	}
	if v, err := Entropy([]float64{0.5, 0.5}); err != nil || math.Abs(v-math.Ln2) > 1e-15 {
		t.Errorf("Entropy([½, ½]) = %v, %v; want log 2", v, err)
	}
}
