package mixture

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
)

func mustNew(t *testing.T, w []float64, mu [][]float64, s2 []float64) *Mixture {
	t.Helper()
	m, err := New(w, mu, s2)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func close1(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.17g, want %.17g (tol %g)", what, got, want, tol)
	}
}

func TestSingleGaussianClosedForm(t *testing.T) {
	m := mustNew(t, []float64{1}, [][]float64{{1, -2}}, []float64{4})
	z := []float64{3, 1}
	lp, err := m.LogDensity(z)
	if err != nil {
		t.Fatal(err)
	}
	// log N(z; μ, 4I) in d = 2: −log(2π·4) − ‖z − μ‖²/8, ‖z − μ‖² = 4 + 9.
	close1(t, "log p", lp, -math.Log(8*math.Pi)-13.0/8, 1e-15)
	s, _ := m.Score(nil, z)
	close1(t, "score[0]", s[0], -2.0/4, 1e-16)
	close1(t, "score[1]", s[1], -3.0/4, 1e-16)
}

func TestTwoAtomDenoiserIsTanh(t *testing.T) {
	// W = ±1 with probability ½, Z = W + σY: E[W | Z = z] = tanh(z/σ²).
	m, err := NewDiracs([]float64{0.5, 0.5}, [][]float64{{1}, {-1}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ z, sigma float64 }{{0, 1}, {0.3, 0.5}, {-2, 2}, {1e6, 1}, {-1e6, 1e-3}, {1e-3, 1e-2}}
	for _, tc := range tests {
		got, err := m.Denoise(nil, tc.sigma, []float64{tc.z})
		if err != nil {
			t.Fatal(err)
		}
		close1(t, "E[W|Z]", got[0], math.Tanh(tc.z/(tc.sigma*tc.sigma)), 1e-15)
	}
}

func TestLinearPosteriorGaussianData(t *testing.T) {
	// X ~ N(m, τ²), Z = aX + N, N ~ N(0, ν): E[X|Z] = m + aτ²/(a²τ² + ν)(z − am),
	// E[N|Z] = ν/(a²τ² + ν)(z − am).
	mu, tau2, a, nu, z := 0.7, 2.0, -0.4, 0.3, 1.9
	m := mustNew(t, []float64{1}, [][]float64{{mu}}, []float64{tau2})
	ex, en := make([]float64, 1), make([]float64, 1)
	if err := m.LinearPosterior(a, nu, []float64{z}, ex, en); err != nil {
		t.Fatal(err)
	}
	v := a*a*tau2 + nu
	close1(t, "E[X|Z]", ex[0], mu+a*tau2/v*(z-a*mu), 1e-15)
	close1(t, "E[N|Z]", en[0], nu/v*(z-a*mu), 1e-15)
	// a = 0: the posterior is the prior.
	if err := m.LinearPosterior(0, nu, []float64{z}, ex, en); err != nil {
		t.Fatal(err)
	}
	close1(t, "E[X|Z] at a=0", ex[0], mu, 0)
}

func TestScoreMatchesFiniteDifferences(t *testing.T) {
	m := mustNew(t, []float64{0.2, 0.5, 0.3}, [][]float64{{0, 0}, {1, 2}, {-1, 0.5}}, []float64{0.5, 1, 2})
	for _, z := range [][]float64{{0, 0}, {0.5, 1}, {-3, 2}, {4, -4}} {
		s, _ := m.Score(nil, z)
		for i := range z {
			f := func(h float64) float64 {
				zz := append([]float64(nil), z...)
				zz[i] += h
				v, _ := m.LogDensity(zz)
				return v
			}
			h := 1e-3
			d1 := (f(h) - f(-h)) / (2 * h)
			d2 := (f(h/2) - f(-h/2)) / h
			close1(t, "score vs fd", s[i], (4*d2-d1)/3, 1e-8)
		}
	}
}

func TestFarFromTheMeans(t *testing.T) {
	m := mustNew(t, []float64{0.5, 0.5}, [][]float64{{1, 0}, {-1, 0}}, []float64{1, 1})
	// On the bisector, far away: exact tie, score = (0 − z)/1.
	s, err := m.Score(nil, []float64{0, 1e6})
	if err != nil {
		t.Fatal(err)
	}
	close1(t, "tie score x", s[0], 0, 1e-9)
	close1(t, "tie score y", s[1], -1e6, 1e-9)
	// Off the bisector the nearest mean wins: score = μ − z.
	s, _ = m.Score(nil, []float64{1e6, 3})
	close1(t, "far score x", s[0], 1-1e6, 1e-9)
	close1(t, "far score y", s[1], -3, 1e-15)
	lp, err := m.LogDensity([]float64{1e6, 0})
	if err != nil || math.IsInf(lp, 0) {
		t.Fatalf("log p far away = %v, %v", lp, err)
	}
}

func TestAffine(t *testing.T) {
	m := mustNew(t, []float64{0.25, 0.75}, [][]float64{{1}, {-2}}, []float64{0, 3})
	a, err := m.Affine(-0.5, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	close1(t, "mean0", a.Mean(0)[0], -0.5, 0)
	close1(t, "mean1", a.Mean(1)[0], 1, 0)
	close1(t, "var0", a.Var(0), 0.25, 0)
	close1(t, "var1", a.Var(1), 0.75+0.25, 0)
}

func TestInvalidInput(t *testing.T) {
	tests := []struct {
		name string
		w    []float64
		mu   [][]float64
		s2   []float64
	}{
		{"empty", nil, nil, nil},
		{"sum", []float64{0.5, 0.6}, [][]float64{{0}, {1}}, []float64{1, 1}},
		{"zero weight", []float64{0, 1}, [][]float64{{0}, {1}}, []float64{1, 1}},
		{"ragged", []float64{0.5, 0.5}, [][]float64{{0, 1}, {1}}, []float64{1, 1}},
		{"negative variance", []float64{1}, [][]float64{{0}}, []float64{-1}},
		{"nan mean", []float64{1}, [][]float64{{math.NaN()}}, []float64{1}},
		{"shape", []float64{1}, [][]float64{{0}, {1}}, []float64{1}},
	}
	for _, tc := range tests {
		if _, err := New(tc.w, tc.mu, tc.s2); !errors.Is(err, numerics.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tc.name, err)
		}
	}
	m, _ := NewDiracs([]float64{1}, [][]float64{{0}})
	if _, err := m.LogDensity([]float64{0}); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("density of a Dirac: err = %v", err)
	}
	if _, err := m.Denoise(nil, 0, []float64{0}); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("σ = 0: err = %v", err)
	}
	if _, err := m.Denoise(nil, 1, []float64{0, 1}); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("wrong dimension: err = %v", err)
	}
	g := mustNew(t, []float64{1}, [][]float64{{0}}, []float64{1})
	if _, err := g.Score(nil, []float64{1e300}); !errors.Is(err, ErrOverflow) {
		t.Errorf("overflow: err = %v", err)
	}
}

func TestSampleMoments(t *testing.T) {
	m := mustNew(t, []float64{0.25, 0.75}, [][]float64{{4}, {0}}, []float64{1, 0})
	rng := rand.New(rand.NewPCG(1, 2))
	x, comp, err := m.Sample(rng, 20000)
	if err != nil {
		t.Fatal(err)
	}
	mean, n0 := 0.0, 0
	for p, row := range x {
		mean += row[0]
		if comp[p] == 0 {
			n0++
		} else if row[0] != 0 {
			t.Fatalf("Dirac component sampled at %g", row[0])
		}
	}
	mean /= float64(len(x))
	// E X = 1, sd of the mean ≈ sqrt(Var/n) = sqrt(3.25/20000) ≈ 0.013.
	close1(t, "sample mean", mean, 1, 0.08)
	close1(t, "fraction of component 0", float64(n0)/20000, 0.25, 0.02)
}
