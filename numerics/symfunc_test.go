package numerics

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// genSPD draws a d×d SPD matrix with condition number 10^e, e ∈ [0, 8].
func genSPD(d int) *rapid.Generator[*mat.SymDense] {
	return rapid.Custom(func(t *rapid.T) *mat.SymDense {
		seed := rapid.Uint64().Draw(t, "seed")
		e := rapid.Float64Range(0, 8).Draw(t, "log10cond")
		A, err := RandomSPD(d, rand.New(rand.NewPCG(seed, 1)), math.Pow(10, e))
		if err != nil {
			t.Fatalf("RandomSPD: %v", err)
		}
		return A
	})
}

func mulSym(A, B mat.Matrix) *mat.Dense {
	var C mat.Dense
	C.Mul(A, B)
	return &C
}

func norm2(A mat.Matrix) float64 { return mat.Norm(A, 2) }

func TestSymFuncKnown2x2(t *testing.T) {
	// A = [[2,1],[1,2]] = V diag(1,3) Vᵀ, V = [[1,1],[−1,1]]/√2, so
	// f(A) = ½[[f(3)+f(1), f(3)−f(1)], [f(3)−f(1), f(3)+f(1)]].
	A := mat.NewSymDense(2, []float64{2, 1, 1, 2})
	r3 := math.Sqrt(3)
	tests := []struct {
		name string
		fn   func(*mat.SymDense) (*mat.SymDense, error)
		f1   float64
		f3   float64
	}{
		{"sqrt", SymSqrt, 1, r3},
		{"invsqrt", SymInvSqrt, 1, 1 / r3},
		{"exp", func(A *mat.SymDense) (*mat.SymDense, error) { return SymFunc(A, math.Exp) }, math.E, math.Exp(3)},
		{"log", func(A *mat.SymDense) (*mat.SymDense, error) { return SymFunc(A, math.Log) }, 0, math.Log(3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.fn(A)
			if err != nil {
				t.Fatal(err)
			}
			a, b := (tc.f3+tc.f1)/2, (tc.f3-tc.f1)/2
			want := mat.NewDense(2, 2, []float64{a, b, b, a})
			// 2×2 eigendecomposition and product: a few ulps of max|f|.
			if d := MatMaxAbsDiff(got, want); d > 8*eps*math.Abs(tc.f3+tc.f1) {
				t.Fatalf("f(A) = %v, want %v (max err %g)", mat.Formatted(got), mat.Formatted(want), d)
			}
		})
	}
}

func TestSymSqrtSquares(t *testing.T) {
	// Bound: ‖S² − A‖_max ≤ 20·d·eps·‖A‖₂ (backward stability of dsyev).
	for _, d := range []int{1, 2, 5, 10, 30} {
		for _, cond := range []float64{1, 1e3, 1e6, 1e8} {
			t.Run(fmt.Sprintf("d=%d/cond=%g", d, cond), func(t *testing.T) {
				A, err := RandomSPD(d, rand.New(rand.NewPCG(uint64(d), 7)), cond)
				if err != nil {
					t.Fatal(err)
				}
				S, err := SymSqrt(A)
				if err != nil {
					t.Fatal(err)
				}
				tol := 20 * float64(d) * eps * norm2(A)
				if e := MatMaxAbsDiff(mulSym(S, S), A); e > tol {
					t.Fatalf("‖S² − A‖_max = %g > %g", e, tol)
				}
			})
		}
	}
}

func TestSymInvSqrt(t *testing.T) {
	// Bounds: ‖X·S − I‖ ≤ 20·d·eps·√κ, ‖X·A·X − I‖ ≤ 20·d·eps·κ.
	for _, d := range []int{2, 5, 10, 30} {
		for _, cond := range []float64{1e2, 1e6, 1e8} {
			t.Run(fmt.Sprintf("d=%d/cond=%g", d, cond), func(t *testing.T) {
				A, err := RandomSPD(d, rand.New(rand.NewPCG(uint64(d), 11)), cond)
				if err != nil {
					t.Fatal(err)
				}
				S, err := SymSqrt(A)
				if err != nil {
					t.Fatal(err)
				}
				X, err := SymInvSqrt(A)
				if err != nil {
					t.Fatal(err)
				}
				I := mat.NewDiagDense(d, nil)
				for i := 0; i < d; i++ {
					I.SetDiag(i, 1)
				}
				tol1 := 20 * float64(d) * eps * math.Sqrt(cond)
				if e := MatMaxAbsDiff(mulSym(X, S), I); e > tol1 {
					t.Errorf("‖A^{-1/2}·A^{1/2} − I‖ = %g > %g", e, tol1)
				}
				tol2 := 20 * float64(d) * eps * cond
				if e := MatMaxAbsDiff(mulSym(mulSym(X, A), X), I); e > tol2 {
					t.Errorf("‖A^{-1/2}·A·A^{-1/2} − I‖ = %g > %g", e, tol2)
				}
			})
		}
	}
}

func TestSymSqrtProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := rapid.IntRange(1, 8).Draw(t, "d")
		A := genSPD(d).Draw(t, "A")
		S, err := SymSqrt(A)
		if err != nil {
			t.Fatalf("SymSqrt: %v", err)
		}
		tol := 20 * float64(d) * eps * norm2(A)
		if e := MatMaxAbsDiff(mulSym(S, S), A); e > tol {
			t.Fatalf("S² != A: max err %g > tol %g", e, tol)
		}
		if err := CheckSPD(S, 0); err != nil {
			t.Fatalf("sqrt not SPD: %v", err)
		}
	})
}

func TestSymSqrtPSDSingular(t *testing.T) {
	// Rank-one PSD v·vᵀ: eigenvalues 0 (up to rounding) and ‖v‖².
	v := []float64{1, 2, 3}
	A := mat.NewSymDense(3, nil)
	A.SymOuterK(1, mat.NewDense(3, 1, v))
	S, err := SymSqrt(A)
	if err != nil {
		t.Fatal(err)
	}
	// √(vvᵀ) = vvᵀ/‖v‖.
	want := mat.NewDense(3, 3, nil)
	want.Scale(1/math.Sqrt(14), A)
	if e := MatMaxAbsDiff(S, want); e > 1e-7 { // eigenvalue noise ~1e-15 enters as √1e-15
		t.Fatalf("sqrt of rank one: max err %g", e)
	}
}

func TestSymRejects(t *testing.T) {
	indef := mat.NewSymDense(2, []float64{1, 2, 2, 1}) // eigenvalues 3, −1
	singular := mat.NewSymDense(2, []float64{1, 1, 1, 1})
	nan := mat.NewSymDense(2, []float64{1, math.NaN(), math.NaN(), 1})
	tests := []struct {
		name   string
		err    error
		notSPD bool
	}{
		{"SymSqrt indefinite", func() error { _, e := SymSqrt(indef); return e }(), true},
		{"SymInvSqrt singular", func() error { _, e := SymInvSqrt(singular); return e }(), true},
		{"SymInvSqrt indefinite", func() error { _, e := SymInvSqrt(indef); return e }(), true},
		{"CheckSPD indefinite", CheckSPD(indef, 0), true},
		{"CheckSPD singular", CheckSPD(singular, 0), true},
		{"CheckSPD bad floor", CheckSPD(singular, -1), false},
		{"SymFunc NaN", func() error { _, e := SymFunc(nan, math.Sqrt); return e }(), false},
		{"SymFunc nil", func() error { _, e := SymFunc(nil, math.Sqrt); return e }(), false},
		{"SymFunc nil f", func() error { _, e := SymFunc(indef, nil); return e }(), false},
		{"SymFunc out of domain", func() error { _, e := SymFunc(indef, math.Log); return e }(), false},
		{"SymSqrt empty", func() error { _, e := SymSqrt(&mat.SymDense{}); return e }(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", tc.err)
			}
			if tc.notSPD && !errors.Is(tc.err, ErrNotSPD) {
				t.Fatalf("err = %v, want ErrNotSPD", tc.err)
			}
		})
	}
}

func TestCheckSPDFloor(t *testing.T) {
	A, err := RandomSPD(6, rand.New(rand.NewPCG(3, 3)), 1e8)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckSPD(A, 0); err != nil {
		t.Fatalf("κ = 1e8 rejected with default floor: %v", err)
	}
	if !IsSPD(A, 1e-9) {
		t.Fatal("κ = 1e8 rejected with floor 1e-9")
	}
	if err := CheckSPD(A, 1e-7); !errors.Is(err, ErrNotSPD) {
		t.Fatalf("κ = 1e8 accepted with floor 1e-7: %v", err)
	}
}

func TestSymFromRows(t *testing.T) {
	tests := []struct {
		name string
		M    [][]float64
		ok   bool
	}{
		{"symmetric", [][]float64{{1, 2}, {2, 3}}, true},
		{"asymmetry within 1e-12 relative", [][]float64{{1, 2}, {2 + 1e-13, 3}}, true},
		{"asymmetric", [][]float64{{1, 2}, {2 + 1e-11, 3}}, false},
		{"ragged", [][]float64{{1, 2}, {2}}, false},
		{"not square", [][]float64{{1, 2}}, false},
		{"empty", nil, false},
		{"Inf", [][]float64{{math.Inf(1)}}, false},
		{"NaN", [][]float64{{1, math.NaN()}, {math.NaN(), 1}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			S, err := SymFromRows(tc.M)
			if tc.ok != (err == nil) {
				t.Fatalf("err = %v, want ok = %v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v does not wrap ErrInvalid", err)
			}
			if err == nil {
				want := (tc.M[0][1] + tc.M[1][0]) / 2
				if S.At(0, 1) != want || S.At(1, 0) != want {
					t.Fatalf("not symmetrised: %v", mat.Formatted(S))
				}
			}
		})
	}
	if _, err := SymFromMatrix((*mat.Dense)(nil)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("nil *mat.Dense: %v", err)
	}
	D, err := DenseFromRows([][]float64{{1, 2, 3}, {4, 5, 6}})
	if err != nil || D.At(1, 2) != 6 {
		t.Fatalf("DenseFromRows: %v %v", D, err)
	}
	if got := ToRows(D); got[1][2] != 6 || len(got) != 2 || len(got[0]) != 3 {
		t.Fatalf("ToRows = %v", got)
	}
}

func TestRandomOrthogonal(t *testing.T) {
	for _, d := range []int{1, 2, 5, 20} {
		Q, err := RandomOrthogonal(d, rand.New(rand.NewPCG(1, uint64(d))))
		if err != nil {
			t.Fatal(err)
		}
		I := mat.NewDiagDense(d, nil)
		for i := 0; i < d; i++ {
			I.SetDiag(i, 1)
		}
		var QtQ mat.Dense
		QtQ.Mul(Q.T(), Q)
		if e := MatMaxAbsDiff(&QtQ, I); e > 10*float64(d)*eps {
			t.Fatalf("d=%d: ‖QᵀQ − I‖ = %g", d, e)
		}
	}
	Q1, _ := RandomOrthogonal(4, rand.New(rand.NewPCG(9, 9)))
	Q2, _ := RandomOrthogonal(4, rand.New(rand.NewPCG(9, 9)))
	if !mat.Equal(Q1, Q2) {
		t.Fatal("same seed, different Q")
	}
	// Haar law on O(3): Q_11 is uniform on [−1, 1] (Archimedes). Without the
	// sign fix Householder QR gives Q_11 < 0 always. False alarm 1e-3.
	rng := rand.New(rand.NewPCG(2024, 1))
	x := make([]float64, 2000)
	for i := range x {
		Q, _ := RandomOrthogonal(3, rng)
		x[i] = Q.At(0, 0)
	}
	res, err := KSOneSample(x, func(v float64) float64 { return math.Min(1, math.Max(0, (v+1)/2)) })
	if err != nil || res.PValue < 1e-3 {
		t.Fatalf("Q_11 not uniform on [−1, 1]: %+v %v", res, err)
	}
	if _, err := RandomOrthogonal(0, rng); !errors.Is(err, ErrInvalid) {
		t.Fatal("d = 0 accepted")
	}
	if _, err := RandomOrthogonal(2, nil); !errors.Is(err, ErrInvalid) {
		t.Fatal("nil rng accepted")
	}
}

func TestRandomSPD(t *testing.T) {
	for _, cond := range []float64{1, 10, 1e6, 1e8} {
		A, err := RandomSPD(7, rand.New(rand.NewPCG(5, 5)), cond)
		if err != nil {
			t.Fatal(err)
		}
		lam, _, err := eigenSym(A, false)
		if err != nil {
			t.Fatal(err)
		}
		// Eigenvalues move by ≤ 16·d·eps·λ_max.
		tol := 16 * 7 * eps * cond
		if math.Abs(lam[0]-1) > tol || math.Abs(lam[6]-cond) > tol {
			t.Fatalf("cond %g: spectrum [%g, %g], want [1, %g] ± %g", cond, lam[0], lam[6], cond, tol)
		}
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []float64{0.5, math.NaN(), math.Inf(1)} {
		if _, err := RandomSPD(3, rng, c); !errors.Is(err, ErrInvalid) {
			t.Fatalf("condition %v accepted", c)
		}
	}
}

func ExampleSymSqrt() {
	A := mat.NewSymDense(2, []float64{4, 0, 0, 9})
	S, _ := SymSqrt(A)
	fmt.Printf("%.6f %.6f\n", S.At(0, 0), S.At(1, 1))
	// Output: 2.000000 3.000000
}
