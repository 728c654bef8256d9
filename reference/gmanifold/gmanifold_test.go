package gmanifold

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

func diag(v ...float64) *mat.SymDense {
	S := mat.NewSymDense(len(v), nil)
	for i, x := range v {
		S.SetSym(i, i, x)
	}
	return S
}

func TestCovarianceVelocityTable(t *testing.T) {
	// On a diagonal C each row acts eigenvalue by eigenvalue.
	C := diag(0.25, 4)
	tests := []struct {
		e    Energy
		want func(l float64) float64
	}{
		{KL, func(l float64) float64 { return 2 * (1 - l) }},
		{Fisher, func(l float64) float64 { return 2 * (1/l - l) }},
		{W2, func(l float64) float64 { return 4 * (math.Sqrt(l) - l) }},
		{MMDPoly, func(l float64) float64 { return 8 * (l - l*l) }},
	}
	for _, tc := range tests {
		t.Run(string(tc.e), func(t *testing.T) {
			V, err := CovarianceVelocity(tc.e, C)
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range []float64{0.25, 4} {
				if math.Abs(V.At(i, i)-tc.want(l)) > 1e-13 {
					t.Errorf("Ċ[%d][%d] = %g, want %g", i, i, V.At(i, i), tc.want(l))
				}
			}
			if V.At(0, 1) != 0 {
				t.Errorf("off-diagonal %g", V.At(0, 1))
			}
			// Ċ = −2(∇_Σ F C + C ∇_Σ F) from the gradient table.
			_, G, err := Gradient(tc.e, nil, C)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ {
				if w := -4 * G.At(i, i) * C.At(i, i); math.Abs(w-V.At(i, i)) > 1e-13 {
					t.Errorf("−2(GC + CG)[%d][%d] = %g, table %g", i, i, w, V.At(i, i))
				}
			}
		})
	}
	if _, err := CovarianceVelocity("bogus", C); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("unknown energy: err = %v", err)
	}
	if _, err := CovarianceVelocity(KL, diag(1, -1)); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("indefinite C: err = %v", err)
	}
}

// TestGradientFiniteDifferences checks the gradient table against central
// differences of Value along random symmetric directions (and of the mean).
func TestGradientFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, e := range Energies {
		for rep := 0; rep < 5; rep++ {
			C, _ := numerics.RandomSPD(3, rng, 10)
			m, _ := numerics.NormalVector(rng, 3)
			gm, G, err := Gradient(e, m, C)
			if err != nil {
				t.Fatal(err)
			}
			H := mat.NewSymDense(3, nil)
			b, _ := numerics.NormalVector(rng, 3)
			for i := 0; i < 3; i++ {
				for j := i; j < 3; j++ {
					H.SetSym(i, j, 0.05*rng.NormFloat64())
				}
			}
			f := func(s float64) float64 {
				P := mat.NewSymDense(3, nil)
				var sH mat.SymDense
				sH.ScaleSym(s, H)
				P.AddSym(C, &sH)
				mm := make([]float64, 3)
				for i := range mm {
					mm[i] = m[i] + s*b[i]
				}
				v, err := Value(e, mm, P)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			fd, _ := numerics.Derivative(f, 0, numerics.Richardson)
			want := 0.0
			for i := 0; i < 3; i++ {
				want += gm[i] * b[i]
				for j := 0; j < 3; j++ {
					want += G.At(i, j) * H.At(j, i)
				}
			}
			if math.Abs(fd-want) > 1e-7*(1+math.Abs(want)) {
				t.Errorf("%s: dF = %g by differences, %g by the gradient", e, fd, want)
			}
		}
	}
}

func TestLyapunov(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, cond := range []float64{1, 1e3, 1e6} {
		Sig, _ := numerics.RandomSPD(4, rng, cond)
		S := mat.NewSymDense(4, nil)
		for i := 0; i < 4; i++ {
			for j := i; j < 4; j++ {
				S.SetSym(i, j, rng.NormFloat64())
			}
		}
		A, err := Lyapunov(Sig, S)
		if err != nil {
			t.Fatal(err)
		}
		var R mat.Dense
		R.Mul(A, Sig)
		var Rt mat.Dense
		Rt.Mul(Sig, A)
		R.Add(&R, &Rt)
		if e := numerics.MatMaxAbsDiff(&R, S); e > 1e-12*cond {
			t.Errorf("κ = %g: residual %g", cond, e)
		}
	}
	if _, err := Lyapunov(diag(1, 0), diag(1, 1)); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("singular Σ: err = %v", err)
	}
}

func TestAffineFlow(t *testing.T) {
	A := mat.NewDense(2, 2, []float64{0, 1, -1, 0}) // rotation generator
	b := []float64{1, 0}
	m, S, err := AffineFlowMoments(A, b, []float64{0, 0}, diag(4, 1), math.Pi/2)
	if err != nil {
		t.Fatal(err)
	}
	// A quarter turn swaps the variances; the mean moves by (π/2)·b.
	if math.Abs(S.At(0, 0)-1) > 1e-12 || math.Abs(S.At(1, 1)-4) > 1e-12 || math.Abs(m[0]-math.Pi/2) > 1e-15 {
		t.Errorf("moments %v %v", m, mat.Formatted(S))
	}
	_, Sd, err := MomentVelocity(A, b, diag(4, 1))
	if err != nil || Sd.At(0, 1) != -3 {
		t.Errorf("Σ̇ = AΣ + ΣAᵀ: got %v (%v), want off-diagonal −3", mat.Formatted(Sd), err)
	}
}

func TestFlowConverges(t *testing.T) {
	C0 := diag(0.1, 5)
	for _, e := range Energies {
		T := map[Energy]float64{KL: 6, Fisher: 4, W2: 6, MMDPoly: 2}[e]
		tr, err := Flow(e, C0, T, 1e-9)
		if err != nil {
			t.Fatal(err)
		}
		prev := math.Inf(1)
		for _, C := range tr.C {
			v, _ := Value(e, nil, C)
			if v > prev+1e-12 {
				t.Errorf("%s: energy increased from %g to %g", e, prev, v)
			}
			prev = v
		}
		CT := tr.C[len(tr.C)-1]
		if math.Abs(CT.At(0, 0)-1) > 1e-3 || math.Abs(CT.At(1, 1)-1) > 1e-3 {
			t.Errorf("%s: C_T = %v, want ≈ I", e, mat.Formatted(CT))
		}
	}
	// KL has the closed form C_t = I + e^{−2t}(C0 − I).
	tr, _ := Flow(KL, C0, 1, 1e-10)
	CT := tr.C[len(tr.C)-1]
	if w := 1 + math.Exp(-2)*(0.1-1); math.Abs(CT.At(0, 0)-w) > 1e-8 {
		t.Errorf("KL flow: %g, want %g", CT.At(0, 0), w)
	}
}

func TestSliced(t *testing.T) {
	// For C = c·I the sliced velocity is V = 2(c^{-1/2} − 1)·E[θθᵀ] = 2(c^{-1/2} − 1)/d·I.
	for d := 1; d <= 3; d++ {
		th, w, err := SphereQuadrature(d, 4)
		if err != nil {
			t.Fatal(err)
		}
		C := mat.NewSymDense(d, nil)
		for i := 0; i < d; i++ {
			C.SetSym(i, i, 4)
		}
		V, err := SlicedV(C, th, w)
		if err != nil {
			t.Fatal(err)
		}
		want := 2 * (0.5 - 1) / float64(d)
		for i := 0; i < d; i++ {
			if math.Abs(V.At(i, i)-want) > 1e-14 {
				t.Errorf("d=%d: V[%d][%d] = %g, want %g", d, i, i, V.At(i, i), want)
			}
		}
		v, _ := SlicedValue(nil, C, th, w)
		if math.Abs(v-1) > 1e-14 { // (√4 − 1)² on every slice
			t.Errorf("d=%d: SW2² = %g, want 1", d, v)
		}
	}
	if _, err := SlicedV(diag(1, 1), [][]float64{{1, 1}}, nil); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("non-unit direction: err = %v", err)
	}
}
