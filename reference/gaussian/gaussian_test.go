package gaussian

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

func sym(rows ...[]float64) *mat.SymDense {
	S, err := numerics.SymFromRows(rows)
	if err != nil {
		panic(err)
	}
	return S
}

func diag(v ...float64) *mat.SymDense {
	S := mat.NewSymDense(len(v), nil)
	for i, x := range v {
		S.SetSym(i, i, x)
	}
	return S
}

// termsResidual returns max|A S Aᵀ − T| / max(|A||S||A|ᵀ).
func termsResidual(A mat.Matrix, S, T mat.Symmetric) float64 {
	P := mul3(A, S, A.T())
	d := S.SymmetricDim()
	abs := func(M mat.Matrix) *mat.Dense {
		r, c := M.Dims()
		B := mat.NewDense(r, c, nil)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				B.Set(i, j, math.Abs(M.At(i, j)))
			}
		}
		return B
	}
	scale := numerics.MatMaxAbs(mul3(abs(A), abs(S), abs(A).T()))
	worst := 0.0
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			worst = math.Max(worst, math.Abs(P.At(i, j)-T.At(i, j)))
		}
	}
	return worst / scale
}

func TestBuresClosedForms(t *testing.T) {
	// 2×2: tr((S0^{1/2} S1 S0^{1/2})^{1/2}) = (tr(S0 S1) + 2 (det S0 det S1)^{1/2})^{1/2}.
	S0 := sym([]float64{2, 1}, []float64{1, 3})
	S1 := sym([]float64{1, -0.5}, []float64{-0.5, 4})
	tr01 := 2*1 + 1*(-0.5) + 1*(-0.5) + 3*4.0
	cross := math.Sqrt(tr01 + 2*math.Sqrt(5*3.75))
	tests := []struct {
		name   string
		S0, S1 *mat.SymDense
		want   float64
	}{
		{"1-D", diag(4), diag(9), 1},
		{"commuting diagonal", diag(1, 4, 9), diag(4, 1, 9), 2},
		{"equal", S0, S0, 0},
		{"2×2 non-commuting", S0, S1, 5 + 5 - 2*cross},
		{"singular", diag(1, 0), diag(0, 1), 2},
		{"zero", diag(0, 0), diag(1, 1), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := BuresSq(tc.S0, tc.S1)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > 1e-13*(mat.Trace(tc.S0)+mat.Trace(tc.S1)) {
				t.Errorf("BuresSq = %.17g, want %.17g", got, tc.want)
			}
		})
	}
	w, err := W2Sq([]float64{1, 2}, S0, []float64{0, 0}, S0)
	if err != nil || math.Abs(w-5) > 1e-13 {
		t.Errorf("W2Sq mean part = %v, %v; want 5", w, err)
	}
}

func TestBuresInvalid(t *testing.T) {
	tests := []struct {
		name   string
		S0, S1 *mat.SymDense
	}{
		{"indefinite", diag(1, -1), diag(1, 1)},
		{"dimension mismatch", diag(1, 1), diag(1)},
		{"NaN", diag(math.NaN(), 1), diag(1, 1)},
		{"nil", nil, diag(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := BuresSq(tc.S0, tc.S1); !errors.Is(err, numerics.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
	if _, err := W2Sq([]float64{0}, diag(1, 1), []float64{0, 0}, diag(1, 1)); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("short mean: err = %v", err)
	}
}

func TestBrenierMap(t *testing.T) {
	A, err := BrenierMap(diag(1, 4), diag(4, 1))
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{2, 0, 0, 0.5}
	for i, v := range []float64{A.At(0, 0), A.At(0, 1), A.At(1, 0), A.At(1, 1)} {
		if math.Abs(v-want[i]) > 1e-15 {
			t.Fatalf("commuting Brenier map = %v, want diag(2, 0.5)", mat.Formatted(A))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		d    int
		cond float64
	}{{2, 1}, {3, 1e3}, {8, 1e6}} {
		for rep := 0; rep < 20; rep++ {
			S0, _ := numerics.RandomSPD(tc.d, rng, tc.cond)
			S1, _ := numerics.RandomSPD(tc.d, rng, tc.cond)
			A, err := BrenierMap(S0, S1)
			if err != nil {
				t.Fatal(err)
			}
			if r := termsResidual(A, S0, S1); r > 1e-9 {
				t.Errorf("d=%d κ=%g: pushforward residual %g relative to the terms", tc.d, tc.cond, r)
			}
			var ch mat.Cholesky
			if !ch.Factorize(A) {
				t.Errorf("d=%d κ=%g: A not positive definite", tc.d, tc.cond)
			}
			cost, err := MapCost(A, S0)
			b, err2 := BuresSq(S0, S1)
			if err != nil || err2 != nil || math.Abs(cost-b) > 1e-9*(mat.Trace(S0)+mat.Trace(S1)) {
				t.Errorf("d=%d κ=%g: MapCost(Brenier) = %g, BuresSq = %g", tc.d, tc.cond, cost, b)
			}
		}
	}
	if _, err := BrenierMap(diag(1, 0), diag(1, 1)); !errors.Is(err, numerics.ErrInvalid) || !errors.Is(err, numerics.ErrNotSPD) {
		t.Errorf("singular S0: err = %v, want ErrInvalid and ErrNotSPD", err)
	}
}

func TestMcCann(t *testing.T) {
	S0, S1 := diag(1, 4), diag(9, 1)
	A, _ := BrenierMap(S0, S1)
	for _, tt := range []float64{0, 0.25, 1} {
		C, err := McCannCovariance(S0, A, tt)
		if err != nil {
			t.Fatal(err)
		}
		// Commuting: the standard deviations interpolate linearly.
		w0 := math.Pow((1-tt)*1+tt*3, 2)
		w1 := math.Pow((1-tt)*2+tt*1, 2)
		if math.Abs(C.At(0, 0)-w0) > 1e-14 || math.Abs(C.At(1, 1)-w1) > 1e-14 {
			t.Errorf("t=%g: McCann covariance %v, want diag(%g, %g)", tt, mat.Formatted(C), w0, w1)
		}
	}
	if _, err := McCannMap(A, math.NaN()); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("NaN t: err = %v", err)
	}
}

func TestKnotheRosenblatt(t *testing.T) {
	// From N(0, I) the KR map is the Cholesky factor of S1.
	A, err := KnotheRosenblattMap(diag(1, 1), sym([]float64{4, 2}, []float64{2, 2}))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{2, 0}, {1, 1}}
	for i := range want {
		for j := range want[i] {
			if math.Abs(A.At(i, j)-want[i][j]) > 1e-15 {
				t.Fatalf("KR = %v, want %v", mat.Formatted(A), want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{1, 2, 5} {
		S0, _ := numerics.RandomSPD(d, rng, 1e3)
		S1, _ := numerics.RandomSPD(d, rng, 1e3)
		A, err := KnotheRosenblattMap(S0, S1)
		if err != nil {
			t.Fatal(err)
		}
		if r := termsResidual(A, S0, S1); r > 1e-12 {
			t.Errorf("d=%d: residual %g", d, r)
		}
		for i := 0; i < d; i++ {
			if A.At(i, i) <= 0 {
				t.Errorf("d=%d: diagonal %d not positive", d, i)
			}
			for j := i + 1; j < d; j++ {
				if A.At(i, j) != 0 {
					t.Errorf("d=%d: A[%d][%d] = %g above the diagonal", d, i, j, A.At(i, j))
				}
			}
		}
		// The sequential conditional-quantile form agrees on random points.
		for k := 0; k < 5; k++ {
			x, _ := numerics.NormalVector(rng, d)
			y, err := KnotheRosenblattApply(S0, S1, x)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < d; i++ {
				ax := 0.0
				for j := 0; j < d; j++ {
					ax += A.At(i, j) * x[j]
				}
				if math.Abs(ax-y[i]) > 1e-10*(1+math.Abs(ax)) {
					t.Errorf("d=%d: sequential y[%d] = %g, A x = %g", d, i, y[i], ax)
				}
			}
		}
	}
}

func TestWeightedBrenierLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	S0, _ := numerics.RandomSPD(3, rng, 10)
	S1, _ := numerics.RandomSPD(3, rng, 10)
	K, _ := KnotheRosenblattMap(S0, S1)
	B, _ := BrenierMap(S0, S1)
	W, err := WeightedBrenierMap(S0, S1, []float64{1, 1, 1})
	if err != nil || numerics.MatMaxAbsDiff(W, B) > 1e-12 {
		t.Fatalf("λ = 1 must give the Brenier map: %v", err)
	}
	prev := math.Inf(1)
	for _, delta := range []float64{1e-1, 1e-2, 1e-3, 1e-4} {
		W, err := WeightedBrenierMap(S0, S1, []float64{1, delta, delta * delta})
		if err != nil {
			t.Fatal(err)
		}
		e := numerics.MatMaxAbsDiff(W, K) / numerics.MatMaxAbs(K)
		if e > 0.3*prev || e > 10*delta {
			t.Errorf("δ = %g: distance to KR %g (previous %g): not first-order convergence", delta, e, prev)
		}
		prev = e
	}
	if _, err := WeightedBrenierMap(S0, S1, []float64{1, 0, 1}); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("zero weight: err = %v", err)
	}
}

func TestFlowMatching(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	S0, _ := numerics.RandomSPD(3, rng, 100)
	S1, _ := numerics.RandomSPD(3, rng, 100)
	for _, s := range []Schedule{Linear, Trigonometric, VariancePreserving} {
		A0, err := FlowMatchingMapSchedule(S0, S1, s, 0)
		if err != nil || numerics.MatMaxAbsDiff(A0, identity(3)) > 1e-12 {
			t.Errorf("%s: A_0 = I fails: %v", s.Name, err)
		}
		for _, tt := range []float64{0.3, 1} {
			A, _ := FlowMatchingMapSchedule(S0, S1, s, tt)
			St, _ := InterpolantCovariance(S0, S1, s, tt)
			if r := termsResidual(A, S0, St); r > 1e-12 {
				t.Errorf("%s t=%g: pushforward residual %g", s.Name, tt, r)
			}
			// d/dt A_t = V_t A_t, by a central difference.
			if tt < 1 {
				h := 1e-5
				Ap, _ := FlowMatchingMapSchedule(S0, S1, s, tt+h)
				Am, _ := FlowMatchingMapSchedule(S0, S1, s, tt-h)
				V, _ := FlowMatchingVelocitySchedule(S0, S1, s, tt)
				D := mat.NewDense(3, 3, nil)
				D.Sub(Ap, Am)
				D.Scale(1/(2*h), D)
				if e := numerics.MatMaxAbsDiff(D, mul(V, A)); e > 1e-6*numerics.MatMaxAbs(D) {
					t.Errorf("%s t=%g: dA/dt − V A = %g", s.Name, tt, e)
				}
			}
		}
	}
	// Terminal maps agree across schedules; they equal Brenier only for commuting pairs.
	A1, _ := FlowMatchingMap(S0, S1, 1)
	for _, s := range []Schedule{Trigonometric, VariancePreserving} {
		B, _ := FlowMatchingMapSchedule(S0, S1, s, 1)
		if e := numerics.MatMaxAbsDiff(A1, B); e > 1e-12*numerics.MatMaxAbs(A1) {
			t.Errorf("%s: terminal map differs by %g", s.Name, e)
		}
	}
	T, _ := BrenierMap(S0, S1)
	if numerics.MatMaxAbsDiff(A1, T) < 1e-3 {
		t.Errorf("non-commuting pair: FM map equals the Brenier map")
	}
	Ac, _ := FlowMatchingMap(diag(1, 4), diag(9, 1), 1)
	Tc, _ := BrenierMap(diag(1, 4), diag(9, 1))
	if numerics.MatMaxAbsDiff(Ac, Tc) > 1e-14 {
		t.Errorf("commuting pair: FM map %v ≠ Brenier %v", mat.Formatted(Ac), mat.Formatted(Tc))
	}
	if _, err := FlowMatchingMap(S0, S1, 1.5); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("t = 1.5: err = %v", err)
	}
}

func TestNormalQuantile(t *testing.T) {
	tests := []struct{ u, want float64 }{
		{0.5, 0},
		{0.975, 1.959963984540054},
		{0.025, -1.959963984540054},
		{1e-10, -6.361340902404056},
		{1e-300, -37.04709629936120},
	}
	for _, tc := range tests {
		if got := NormalQuantile(tc.u); math.Abs(got-tc.want) > 1e-14*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("NormalQuantile(%g) = %.17g, want %.17g", tc.u, got, tc.want)
		}
	}
	for _, z := range []float64{-30, -5, -1, 0.3, 4, 8} {
		if got := normalTransform(z); math.Abs(got-z) > 1e-14*math.Max(1, math.Abs(z)) {
			t.Errorf("Φ^{-1}(Φ(%g)) = %.17g", z, got)
		}
	}
	if !math.IsNaN(NormalQuantile(1.5)) || !math.IsInf(NormalQuantile(0), -1) {
		t.Errorf("NormalQuantile out of range")
	}
}

func TestGelbrich(t *testing.T) {
	x := [][]float64{{0, 0}, {2, 0}, {0, 2}, {2, 2}}
	m, S, err := Moments(x, nil)
	if err != nil || m[0] != 1 || m[1] != 1 || S.At(0, 0) != 1 || S.At(0, 1) != 0 || S.At(1, 1) != 1 {
		t.Fatalf("Moments = %v, %v, %v", m, mat.Formatted(S), err)
	}
	// y = A x + c with A SPD: the identity coupling is optimal and Gelbrich is tight.
	A := [][]float64{{2, 0.5}, {0.5, 1}}
	y := make([][]float64, len(x))
	cost := 0.0
	for i, p := range x {
		y[i] = []float64{A[0][0]*p[0] + A[0][1]*p[1] + 1, A[1][0]*p[0] + A[1][1]*p[1] - 1}
		cost += ((y[i][0]-p[0])*(y[i][0]-p[0]) + (y[i][1]-p[1])*(y[i][1]-p[1])) / 4
	}
	g, err := GelbrichBound(x, nil, y, nil)
	if err != nil || math.Abs(g-cost) > 1e-12 {
		t.Errorf("GelbrichBound = %v (%v), want the identity coupling's cost %v", g, err, cost)
	}
	plan := [][]float64{{0.25, 0, 0, 0}, {0, 0.25, 0, 0}, {0, 0, 0.25, 0}, {0, 0, 0, 0.25}}
	ct, err := CrossCovarianceTrace(x, y, plan)
	_, Sy, _ := Moments(y, nil)
	bound, _ := CrossTrace(S, Sy)
	if err != nil || math.Abs(ct-bound) > 1e-12 {
		t.Errorf("trace of the cross-covariance %v (%v), bound %v: must be equal", ct, err, bound)
	}
	if _, _, err := Moments(x, []float64{0.5, 0.5, 0.5, -0.5}); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("negative weight: err = %v", err)
	}
	if _, err := CrossCovarianceTrace(x, y, plan[:3]); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("short plan: err = %v", err)
	}
}

// TestBuresGradedCovariance is the regression test of a gonum v0.17.0
// EigenSym failure (see reference/internal/robust): the covariance of two
// weighted points with coordinates of order 1e-117 is rank one,
// S = w(1−w)·δδᵀ, so B²(I, S) = d + λ − 2√λ with λ = w(1−w)‖δ‖²; gonum's
// dsyev returned an eigenvalue 3.2e122 for it and BuresSq returned 0.
func TestBuresGradedCovariance(t *testing.T) {
	y := [][]float64{{3.3707040026848466e-117, 0.03173828125, 0.0703125, 1}, {3.1724272966445615e-117, 5.551115123125783e-17, 0.5, 5}}
	w := []float64{1.0 / 7, 6.0 / 7}
	_, S, err := Moments(y, w)
	if err != nil {
		t.Fatal(err)
	}
	lam := 0.0
	for k := range y[0] {
		lam += (y[0][k] - y[1][k]) * (y[0][k] - y[1][k])
	}
	lam *= w[0] * w[1]
	want := 4 + lam - 2*math.Sqrt(lam)
	got, err := BuresSq(identity(4), S)
	// S is singular, so B² is only Hölder-½ in S: rounding of order eps in
	// S moves it by d·(eps·‖S‖)^{1/2} ≈ 1e-7 (see CrossTrace).
	if err != nil || math.Abs(got-want) > 1e-7*(4+lam) {
		t.Errorf("BuresSq(I, S) = %.17g (%v), want %.17g", got, err, want)
	}
}
