package numerics

import (
	"math"
	"testing"
)

func TestLogSumExp(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		want float64
	}{
		{"empty", nil, math.Inf(-1)},
		{"single", []float64{3}, 3},
		{"two equal", []float64{0, 0}, math.Ln2},
		{"huge no overflow", []float64{1000, 1000}, 1000 + math.Ln2},
		{"tiny no underflow", []float64{-1000, -1000}, -1000 + math.Ln2},
		{"with -Inf", []float64{math.Inf(-1), 0}, 0},
		{"all -Inf", []float64{math.Inf(-1), math.Inf(-1)}, math.Inf(-1)},
		{"+Inf", []float64{1, math.Inf(1)}, math.Inf(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := LogSumExp(tc.x)
			if got != tc.want && math.Abs(got-tc.want) > 1e-15*math.Max(1, math.Abs(tc.want)) {
				t.Fatalf("LogSumExp(%v) = %v, want %v", tc.x, got, tc.want)
			}
		})
	}
	if !math.IsNaN(LogSumExp([]float64{1, math.NaN()})) {
		t.Fatal("LogSumExp with NaN should be NaN")
	}
}

func TestSoftmax(t *testing.T) {
	// The exponents v − LSE(v) are differences of numbers near 1e3, exact to
	// about ulp(1e3) ≈ 1.1e-13 in absolute terms, hence relative error of the
	// same size in p: tolerance 2e-13.
	p := Softmax(nil, []float64{1e3, 1e3 - math.Log(3), -1e3})
	if math.Abs(p[0]-0.75) > 2e-13 || math.Abs(p[1]-0.25) > 2e-13 || p[2] != 0 {
		t.Fatalf("Softmax large logits = %v, want [0.75 0.25 0]", p)
	}
}

func TestFlatten(t *testing.T) {
	if _, _, _, err := Flatten([][]float64{{1, 2}, {3}}); err == nil {
		t.Fatal("ragged matrix accepted")
	}
	if _, _, _, err := Flatten([][]float64{{1, math.Inf(1)}}); err == nil {
		t.Fatal("Inf accepted")
	}
	d, r, c, err := Flatten([][]float64{{1, 2}, {3, 4}})
	if err != nil || r != 2 || c != 2 || d[3] != 4 {
		t.Fatalf("Flatten = %v %d %d %v", d, r, c, err)
	}
}

func TestLogSubnormal(t *testing.T) {
	for _, tc := range []struct{ x, want float64 }{
		{5e-324, -744.4400719213812},
		{0x1p-1060, -1060 * math.Ln2},
		{0x1p-1022, -1022 * math.Ln2},
		{1, 0},
		{math.E, 1},
	} {
		if got := Log(tc.x); math.Abs(got-tc.want) > 1e-13*math.Abs(tc.want)+1e-15 {
			t.Errorf("Log(%g) = %.17g, want %.17g", tc.x, got, tc.want)
		}
	}
	if !math.IsInf(Log(0), -1) || !math.IsNaN(Log(-1)) {
		t.Error("Log(0), Log(−1) differ from math.Log")
	}
}
