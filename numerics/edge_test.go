package numerics

// Numerical edge cases of issue 9 for numerics: covariances of condition
// number 1e8, singular and tiny/huge matrices, ties and extreme logits,
// duplicate samples. Each case states whether the function answers (checked
// against a closed form) or returns a clear error. The behaviour per
// function is recorded in docs/reliability.md.

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestSymmetricEdgeCases(t *testing.T) {
	rot := func(c, s, l1, l2 float64) [][]float64 { // R diag(l1, l2) Rᵀ
		return [][]float64{
			{c*c*l1 + s*s*l2, c * s * (l1 - l2)},
			{c * s * (l1 - l2), s*s*l1 + c*c*l2},
		}
	}
	c, s := 0.6, 0.8
	for _, tc := range []struct {
		name           string
		M              [][]float64
		l1, l2         float64 // eigenvalues (for the closed forms)
		sqrtErr, invOK bool    // SymSqrt errs; SymInvSqrt answers
		spd            bool    // CheckSPD(·, 0) passes
	}{
		{"cond-1e8", rot(c, s, 1e8, 1), 1e8, 1, false, true, true},
		{"cond-1e8-small", rot(c, s, 1, 1e-8), 1, 1e-8, false, true, true},
		{"singular", rot(c, s, 1, 0), 1, 0, false, false, false},
		{"indefinite", rot(c, s, 1, -1), 1, -1, true, false, false},
		{"tiny-norm", rot(c, s, 3e-200, 1e-200), 3e-200, 1e-200, false, true, true},
		{"huge-norm", rot(c, s, 3e200, 1e200), 3e200, 1e200, false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			A, err := SymFromRows(tc.M)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckSPD(A, 0); (err == nil) != tc.spd {
				t.Fatalf("CheckSPD = %v, want SPD %v", err, tc.spd)
			} else if err != nil && !errors.Is(err, ErrNotSPD) {
				t.Fatalf("CheckSPD error %v does not wrap ErrNotSPD", err)
			}
			S, err := SymSqrt(A)
			if tc.sqrtErr {
				if !errors.Is(err, ErrNotSPD) {
					t.Fatalf("SymSqrt err = %v, want ErrNotSPD", err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				want := rot(c, s, math.Sqrt(tc.l1), math.Sqrt(math.Max(tc.l2, 0)))
				for i := range want {
					for j := range want {
						if math.Abs(S.At(i, j)-want[i][j]) > 1e-7*math.Sqrt(tc.l1) {
							t.Fatalf("SymSqrt[%d][%d] = %v, want %v", i, j, S.At(i, j), want[i][j])
						}
					}
				}
			}
			R, err := SymInvSqrt(A)
			if !tc.invOK {
				if !errors.Is(err, ErrNotSPD) {
					t.Fatalf("SymInvSqrt err = %v, want ErrNotSPD", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var P mat.Dense
			P.Mul(R, A)
			P.Mul(&P, R)
			// ‖A^{−1/2} A A^{−1/2} − I‖ ≤ c·d·eps·κ (doc, c ≤ 20).
			if e := MatMaxAbsDiff(&P, mat.NewDense(2, 2, []float64{1, 0, 0, 1})); e > 40*0x1p-53*tc.l1/tc.l2 {
				t.Fatalf("A^{−1/2} A A^{−1/2} − I = %g", e)
			}
		})
	}
}

func TestLogSumExpEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float64
		want float64
	}{
		{"ties", []float64{2, 2, 2, 2}, 2 + math.Log(4)},
		{"large-logits", []float64{1000, 1000}, 1000 + math.Ln2},
		{"huge-logits", []float64{1e300, 1e300}, 1e300},
		{"far-apart", []float64{0, -1e6}, 0},
		{"one", []float64{-3}, -3},
		{"empty", nil, math.Inf(-1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LogSumExp(tc.x); got != tc.want && math.Abs(got-tc.want) > 4e-16*math.Abs(tc.want) {
				t.Fatalf("LogSumExp = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTwoSampleEdgeCases(t *testing.T) {
	dup := [][]float64{{1, 1}, {1, 1}, {1, 1}}
	if e, err := EnergyDistance(dup, dup, VStatistic); err != nil || e != 0 {
		t.Errorf("EnergyDistance of identical duplicate clouds = %v, %v", e, err)
	}
	// All points equal: the median distance is 0, a clear error.
	if _, err := MedianHeuristic(dup, dup); !errors.Is(err, ErrInvalid) {
		t.Errorf("MedianHeuristic of duplicates: err = %v, want ErrInvalid", err)
	}
	// Points 1e6 apart: MMD² of far clouds is 2 (V-statistic, one point each).
	if v, err := MMD2([][]float64{{0}}, [][]float64{{1e6}}, 1, VStatistic); err != nil || v != 2 {
		t.Errorf("MMD2 of far points = %v, %v; want 2", v, err)
	}
	if _, err := EnergyDistance([][]float64{{1e308}}, [][]float64{{-1e308}}, VStatistic); !errors.Is(err, ErrInvalid) {
		t.Errorf("EnergyDistance overflow: err = %v, want ErrInvalid", err)
	}
}
