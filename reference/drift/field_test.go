package drift

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
)

func TestNormalizedFieldClosedForms(t *testing.T) {
	// Two points y1, y2 at distances r1, r2 from x: the weights are a
	// logistic function of the cost difference, so
	// B = y2 − x + s·(y1 − y2), s = 1/(1 + exp((c1 − c2)/τ)).
	x := []float64{0.3, -0.2}
	y1 := []float64{1, 0.5}
	y2 := []float64{-0.7, 0.1}
	r1 := math.Hypot(x[0]-y1[0], x[1]-y1[1])
	r2 := math.Hypot(x[0]-y2[0], x[1]-y2[1])
	tests := []struct {
		name   string
		k      Kernel
		tau    float64
		c1, c2 float64
	}{
		{"laplace", Laplace, 0.7, r1, r2},
		{"gaussian", Gaussian, 0.7, r1 * r1 / 2, r2 * r2 / 2},
		{"laplace tiny tau", Laplace, 1e-3, r1, r2},
		{"gaussian tiny tau", Gaussian, 1e-3, r1 * r1 / 2, r2 * r2 / 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			B, err := NormalizedField([][]float64{x}, [][]float64{y1, y2}, nil, tc.tau, tc.k)
			if err != nil {
				t.Fatal(err)
			}
			s := 1 / (1 + math.Exp((tc.c1-tc.c2)/tc.tau))
			for a := range x {
				want := y2[a] - x[a] + s*(y1[a]-y2[a])
				if math.Abs(B[0][a]-want) > 1e-14 {
					t.Errorf("B[%d] = %.17g, want %.17g", a, B[0][a], want)
				}
			}
		})
	}
}

func TestNormalizedFieldSinglePointAndWeights(t *testing.T) {
	B, err := NormalizedField([][]float64{{1, 2}, {-3, 4}}, [][]float64{{5, 5}}, nil, 0.1, Laplace)
	if err != nil {
		t.Fatal(err)
	}
	if B[0][0] != 4 || B[0][1] != 3 || B[1][0] != 8 || B[1][1] != 1 {
		t.Fatalf("single point: B = %v, want y − x", B)
	}
	// Weights (1, 3) equal the duplicated cloud {y1, y2, y2, y2}.
	x := [][]float64{{0.1, 0.2}}
	y := [][]float64{{1, 0}, {0, 1}}
	w, err := NormalizedField(x, y, []float64{1, 3}, 0.5, Gaussian)
	if err != nil {
		t.Fatal(err)
	}
	dup, _ := NormalizedField(x, [][]float64{{1, 0}, {0, 1}, {0, 1}, {0, 1}}, nil, 0.5, Gaussian)
	if numerics.MaxAbsDiff(w[0], dup[0]) > 1e-15 {
		t.Fatalf("weighted %v != duplicated %v", w, dup)
	}
	// A zero weight removes its point.
	z, _ := NormalizedField(x, y, []float64{0, 1}, 0.5, Gaussian)
	if z[0][0] != -0.1 || z[0][1] != 0.8 {
		t.Fatalf("zero weight: %v", z)
	}
}

func TestFieldLargeLogits(t *testing.T) {
	// Points 1e3 apart and τ = 1e-3: logits of magnitude 1e6. The nearest
	// point takes all the weight; a tie splits it equally.
	x := [][]float64{{1000, 1000}}
	ypos := [][]float64{{1001, 1000}, {999, 1000}, {0, 0}}
	yneg := [][]float64{{-1000, 1000}}
	for _, k := range []Kernel{Laplace, Gaussian} {
		V, err := Field(x, ypos, yneg, 1e-3, k)
		if err != nil {
			t.Fatal(err)
		}
		// B⁺ = mean of the tie (1000,1000) − x = 0; B⁻ = (−2000, 0).
		if V[0][0] != 2000 || V[0][1] != 0 {
			t.Errorf("%v: V = %v, want [2000 0]", k, V[0])
		}
	}
}

func TestFieldAntisymmetry(t *testing.T) {
	x := [][]float64{{0.1, 0.2, 0.3}, {1, -1, 0.5}}
	p := [][]float64{{0, 0, 1}, {1, 1, 0}, {-1, 0.5, 0.2}}
	q := [][]float64{{0.3, 0, -1}, {2, 1, 0}}
	for _, k := range []Kernel{Laplace, Gaussian} {
		a, _ := Field(x, p, q, 0.4, k)
		b, _ := Field(x, q, p, 0.4, k)
		z, _ := Field(x, p, p, 0.4, k)
		for i := range a {
			for j := range a[i] {
				if a[i][j] != -b[i][j] || z[i][j] != 0 {
					t.Fatalf("%v: V_pq = %v, V_qp = %v, V_pp = %v", k, a, b, z)
				}
			}
		}
	}
}

func TestLogSmoothedDensityGradient(t *testing.T) {
	// ε∇log K_ε*ν = B_ε[ν], by central differences (h = 1e-5: error ≈
	// h²·|f'''| + eps·|f|/h ≈ 1e-10).
	y := [][]float64{{0, 0}, {1, 0.5}, {-0.5, 1}}
	w := []float64{0.2, 0.5, 0.3}
	eps := 0.3
	x := []float64{0.4, 0.1}
	B, err := NormalizedField([][]float64{x}, y, w, eps, Gaussian)
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-5
	for a := range x {
		xp := append([]float64(nil), x...)
		xm := append([]float64(nil), x...)
		xp[a] += h
		xm[a] -= h
		lp, _ := LogSmoothedDensity([][]float64{xp}, y, w, eps)
		lm, _ := LogSmoothedDensity([][]float64{xm}, y, w, eps)
		fd := eps * (lp[0] - lm[0]) / (2 * h)
		if math.Abs(fd-B[0][a]) > 1e-8 {
			t.Errorf("coordinate %d: ε∂log = %.12g, B = %.12g", a, fd, B[0][a])
		}
	}
	phi, err := Potential([][]float64{x}, y, [][]float64{{0, 0}}, eps)
	if err != nil || math.IsNaN(phi[0]) {
		t.Fatalf("Potential: %v %v", phi, err)
	}
}

func TestInvalid(t *testing.T) {
	ok := [][]float64{{0, 1}}
	tests := []struct {
		name string
		f    func() error
	}{
		{"empty x", func() error { _, err := Field(nil, ok, ok, 1, Laplace); return err }},
		{"ragged", func() error { _, err := Field([][]float64{{0, 1}, {2}}, ok, ok, 1, Laplace); return err }},
		{"NaN", func() error { _, err := Field([][]float64{{math.NaN(), 1}}, ok, ok, 1, Laplace); return err }},
		{"dimension", func() error { _, err := Field(ok, [][]float64{{1}}, ok, 1, Laplace); return err }},
		{"tau 0", func() error { _, err := Field(ok, ok, ok, 0, Laplace); return err }},
		{"tau Inf", func() error { _, err := Field(ok, ok, ok, math.Inf(1), Laplace); return err }},
		{"kernel", func() error { _, err := Field(ok, ok, ok, 1, Kernel(7)); return err }},
		{"kernel name", func() error { _, err := ParseKernel("cauchy"); return err }},
		{"negative weight", func() error { _, err := NormalizedField(ok, ok, []float64{-1}, 1, Laplace); return err }},
		{"zero weights", func() error { _, err := NormalizedField(ok, ok, []float64{0}, 1, Laplace); return err }},
		{"weights length", func() error { _, err := NormalizedField(ok, ok, []float64{1, 1}, 1, Laplace); return err }},
		{"degree", func() error { _, err := FitResidual(ok, ok, 3); return err }},
		{"u rows", func() error { _, err := FitResidual(ok, [][]float64{{0, 1}, {1, 1}}, 1); return err }},
		{"steps", func() error {
			_, err := DriftParticles(ok, ok, DriftOptions{Kernel: Laplace, Tau: 1, Step: 1})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.f(); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	// Coordinates of opposite sign near the float64 limit: y − x overflows.
	_, err := Field([][]float64{{1.5e308}}, [][]float64{{-1.5e308}}, [][]float64{{0}}, 1, Laplace)
	if !errors.Is(err, ErrOverflow) || errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("overflow: err = %v", err)
	}
}
