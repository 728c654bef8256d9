package numerics

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestRelErr(t *testing.T) {
	tests := []struct {
		name                  string
		got, want, scale, rel float64
	}{
		{"equal", 3, 3, 0, 0},
		{"both zero", 0, 0, 0, 0},
		{"plain relative", 1.1, 1, 0, 0.1},
		{"scale dominates", 1e-3, 0, 10, 1e-4},
		{"want dominates", 11, 10, 1, 0.1},
		{"zero denominator", 1, 0, 0, math.Inf(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := RelErr(tc.got, tc.want, tc.scale); math.Abs(got-tc.rel) > 1e-15 && got != tc.rel {
				t.Fatalf("RelErr(%v, %v, %v) = %v, want %v", tc.got, tc.want, tc.scale, got, tc.rel)
			}
		})
	}
	if !math.IsNaN(RelErr(math.NaN(), 1, 0)) || !math.IsNaN(RelErr(math.NaN(), 0, 0)) {
		t.Fatal("NaN not propagated")
	}
}

func TestMatMaxAbsDiff(t *testing.T) {
	A := mat.NewDense(2, 2, []float64{1, -5, 3, 4})
	B := mat.NewDense(2, 2, []float64{1, -2, 3, 4.5})
	if d := MatMaxAbsDiff(A, B); d != 3 {
		t.Fatalf("diff = %v, want 3", d)
	}
	if d := MatMaxAbsDiff(A, mat.NewDense(2, 3, nil)); !math.IsInf(d, 1) {
		t.Fatalf("shape mismatch: %v", d)
	}
	if d := MatMaxAbsDiff(A, (*mat.Dense)(nil)); !math.IsInf(d, 1) {
		t.Fatalf("nil: %v", d)
	}
	if m := MatMaxAbs(A); m != 5 {
		t.Fatalf("MatMaxAbs = %v", m)
	}
	B.Set(0, 0, math.NaN())
	if !math.IsNaN(MatMaxAbsDiff(A, B)) || !math.IsNaN(MatMaxAbs(B)) {
		t.Fatal("NaN not propagated")
	}
}
