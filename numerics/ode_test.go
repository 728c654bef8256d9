package numerics

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// linear returns the right-hand side y' = M·y.
func linear(M *mat.Dense) ODEFunc {
	return func(_ float64, y, dy []float64) error {
		r, c := M.Dims()
		for i := 0; i < r; i++ {
			s := 0.0
			for j := 0; j < c; j++ {
				s += M.At(i, j) * y[j]
			}
			dy[i] = s
		}
		return nil
	}
}

func scalar(lambda float64) ODEFunc {
	return func(_ float64, y, dy []float64) error { dy[0] = lambda * y[0]; return nil }
}

// oscillator is q' = p, p' = −q; energy (q² + p²)/2 is conserved and
// (q, p)(t) = (cos t, −sin t) from (1, 0).
func oscillator(_ float64, y, dy []float64) error {
	dy[0], dy[1] = y[1], -y[0]
	return nil
}

func TestRK4Exponential(t *testing.T) {
	tests := []struct {
		name           string
		lambda, t0, t1 float64
	}{
		{"decay", -1, 0, 1},
		{"growth", 2, 0, 1},
		{"backward", -1, 1, 0},
		{"offset start", -3, 2, 2.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y, err := RK4(scalar(tc.lambda), tc.t0, tc.t1, []float64{1}, 200)
			if err != nil {
				t.Fatal(err)
			}
			want := math.Exp(tc.lambda * (tc.t1 - tc.t0))
			// Global error of RK4 ≈ |λh|⁴/120·|λ(t1−t0)|·want; with
			// |λh| ≤ 0.01 that is < 1e-9 relative.
			if e := RelErr(y[0], want, 0); e > 1e-9 {
				t.Fatalf("y(t1) = %v, want %v (rel err %g)", y[0], want, e)
			}
		})
	}
}

func TestRK4Order(t *testing.T) {
	// y' = y·cos t, y(0) = 1, y(t) = exp(sin t). The error ratio between N
	// and 2N steps tends to 2⁴ = 16 for a fourth-order method.
	f := func(t float64, y, dy []float64) error { dy[0] = y[0] * math.Cos(t); return nil }
	want := math.Exp(math.Sin(3))
	var prev float64
	// (Pre-asymptotic below 40 steps: the ratio is 21 from 10 to 20.)
	for _, n := range []int{40, 80, 160, 320} {
		y, err := RK4(f, 0, 3, []float64{1}, n)
		if err != nil {
			t.Fatal(err)
		}
		e := math.Abs(y[0] - want)
		if prev != 0 {
			if r := prev / e; r < 15 || r > 19 {
				t.Fatalf("steps %d: error ratio %g, want ≈ 16", n, r)
			}
		}
		prev = e
	}
}

func TestDormandPrinceTolerance(t *testing.T) {
	// Stated accuracy: global error ≤ 100·(AbsTol + RelTol·|y|) per component.
	M := mat.NewDense(2, 2, []float64{-1, 2, -3, -0.5})
	var E mat.Dense
	E.Exp(M) // y(1) = e^M·y0 (gonum Padé, ≈ 1e-15 relative)
	y0 := []float64{1, -1}
	wantLin := []float64{E.At(0, 0)*y0[0] + E.At(0, 1)*y0[1], E.At(1, 0)*y0[0] + E.At(1, 1)*y0[1]}
	problems := []struct {
		name   string
		f      ODEFunc
		t0, t1 float64
		y0     []float64
		want   []float64
	}{
		{"decay", scalar(-1), 0, 1, []float64{1}, []float64{math.Exp(-1)}},
		{"growth", scalar(3), 0, 2, []float64{1}, []float64{math.Exp(6)}},
		{"backward decay", scalar(-1), 1, 0, []float64{math.Exp(-1)}, []float64{1}},
		{"oscillator 10 periods", oscillator, 0, 20 * math.Pi, []float64{1, 0}, []float64{1, 0}},
		{"linear 2-D vs expm", linear(M), 0, 1, y0, wantLin},
	}
	for _, p := range problems {
		for _, rtol := range []float64{1e-4, 1e-6, 1e-8, 1e-10, 1e-12} {
			t.Run(fmt.Sprintf("%s/rtol=%g", p.name, rtol), func(t *testing.T) {
				sol, err := DormandPrince(p.f, p.t0, p.t1, p.y0, Options{RelTol: rtol, AbsTol: rtol})
				if err != nil {
					t.Fatal(err)
				}
				for i := range p.want {
					tol := 100 * (rtol + rtol*math.Abs(p.want[i]))
					if e := math.Abs(sol.Y[i] - p.want[i]); e > tol {
						t.Fatalf("y[%d] = %v, want %v: err %g > %g (steps %d)", i, sol.Y[i], p.want[i], e, tol, sol.Steps)
					}
				}
			})
		}
	}
}

func TestDormandPrinceOscillatorEnergy(t *testing.T) {
	sol, err := DormandPrince(oscillator, 0, 100, []float64{1, 0}, Options{RelTol: 1e-10, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	// Energy drift of a non-symplectic method grows linearly in t; the local
	// control at 1e-10 keeps it below 1e-8 over 16 periods.
	for k, y := range sol.Ys {
		if e := math.Abs((y[0]*y[0]+y[1]*y[1])/2 - 0.5); e > 1e-8 {
			t.Fatalf("energy drift %g at t = %g", e, sol.T[k])
		}
	}
	if len(sol.T) != sol.Steps+1 || sol.T[0] != 0 || sol.T[len(sol.T)-1] != 100 {
		t.Fatalf("Record: %d times for %d steps, ends %v", len(sol.T), sol.Steps, sol.T[len(sol.T)-1])
	}
	// Stats: one call for f(t0), one for the initial-step heuristic, six
	// per attempted step (FSAL).
	if want := 2 + 6*(sol.Steps+sol.Rejected); sol.Evals != want {
		t.Fatalf("Evals = %d, want %d", sol.Evals, want)
	}
}

func TestDormandPrinceDenseOutput(t *testing.T) {
	times := []float64{0, 0.1, 0.25, 0.5, 0.5, 0.77, 1.3, 2}
	sol, err := DormandPrince(scalar(-1), 0, 2, []float64{1}, Options{RelTol: 1e-9, OutputTimes: times})
	if err != nil {
		t.Fatal(err)
	}
	if len(sol.Output) != len(times) {
		t.Fatalf("%d outputs for %d times", len(sol.Output), len(times))
	}
	for i, tt := range times {
		if e := math.Abs(sol.Output[i][0] - math.Exp(-tt)); e > 100*2e-9 {
			t.Fatalf("y(%g) = %v, want %v (err %g)", tt, sol.Output[i][0], math.Exp(-tt), e)
		}
	}
	// Backward with output times.
	sol, err = DormandPrince(scalar(-1), 2, 0, []float64{math.Exp(-2)}, Options{RelTol: 1e-9, OutputTimes: []float64{1.5, 0.3}})
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range []float64{1.5, 0.3} {
		if e := math.Abs(sol.Output[i][0] - math.Exp(-tt)); e > 100*2e-9 {
			t.Fatalf("backward y(%g) = %v, want %v", tt, sol.Output[i][0], math.Exp(-tt))
		}
	}
}

func TestDormandPrinceDenseOrder(t *testing.T) {
	// One step of size h on y' = y (InitialStep = MaxStep = h = t1, loose
	// tolerance so it is accepted). The continuous extension at θ = ½ is
	// fourth order: its error is O(h⁵), ratio ≈ 32 when h halves. A wrong
	// coefficient of the extension drops the order (ratio ≤ 16).
	var prev float64
	// (Ratios measured: 27.0, 29.6, 30.9 from h = 0.1 down.)
	for _, h := range []float64{0.1, 0.05, 0.025} {
		sol, err := DormandPrince(scalar(1), 0, h, []float64{1}, Options{RelTol: 0.5, InitialStep: h, OutputTimes: []float64{h / 2}})
		if err != nil {
			t.Fatal(err)
		}
		if sol.Steps != 1 {
			t.Fatalf("h = %g: %d steps, want 1", h, sol.Steps)
		}
		e := math.Abs(sol.Output[0][0] - math.Exp(h/2))
		if prev != 0 {
			if r := prev / e; r < 25 || r > 36 {
				t.Fatalf("h = %g: dense-output error ratio %g, want ≈ 32", h, r)
			}
		}
		prev = e
	}
}

func TestDormandPrinceRoundTrip(t *testing.T) {
	f := func(t float64, y, dy []float64) error {
		dy[0] = math.Sin(t) * y[1]
		dy[1] = -y[0] + 0.1*y[1]*y[1]
		return nil
	}
	y0 := []float64{0.3, -0.7}
	fw, err := DormandPrince(f, 0, 3, y0, Options{RelTol: 1e-11})
	if err != nil {
		t.Fatal(err)
	}
	bw, err := DormandPrince(f, 3, 0, fw.Y, Options{RelTol: 1e-11})
	if err != nil {
		t.Fatal(err)
	}
	if e := MaxAbsDiff(bw.Y, y0); e > 1e-8 {
		t.Fatalf("forward then backward: %v, want %v (err %g)", bw.Y, y0, e)
	}
}

var errPlanted = errors.New("planted failure")

func TestDormandPrinceErrors(t *testing.T) {
	failing := func(t float64, y, dy []float64) error {
		if t > 0.5 {
			return errPlanted
		}
		dy[0] = -y[0]
		return nil
	}
	blowup := func(_ float64, y, dy []float64) error { dy[0] = y[0] * y[0]; return nil } // y = 1/(1−t)
	tests := []struct {
		name string
		f    ODEFunc
		t1   float64
		y0   []float64
		opt  Options
		want error
	}{
		{"f error aborts", failing, 1, []float64{1}, Options{}, errPlanted},
		{"blow-up: step underflow", blowup, 2, []float64{1}, Options{}, ErrNotConverged},
		{"MaxSteps", oscillator, 100, []float64{1, 0}, Options{MaxSteps: 10}, ErrNotConverged},
		{"nil f", nil, 1, []float64{1}, Options{}, ErrInvalid},
		{"empty y0", oscillator, 1, nil, Options{}, ErrInvalid},
		{"NaN y0", scalar(1), 1, []float64{math.NaN()}, Options{}, ErrInvalid},
		{"NaN t1", scalar(1), math.NaN(), []float64{1}, Options{}, ErrInvalid},
		{"negative RelTol", scalar(1), 1, []float64{1}, Options{RelTol: -1}, ErrInvalid},
		{"RelTol below 100 eps", scalar(1), 1, []float64{1}, Options{RelTol: 1e-16}, ErrInvalid},
		{"negative AbsTol", scalar(1), 1, []float64{1}, Options{AbsTol: -1}, ErrInvalid},
		{"negative MaxSteps", scalar(1), 1, []float64{1}, Options{MaxSteps: -1}, ErrInvalid},
		{"output time outside", scalar(1), 1, []float64{1}, Options{OutputTimes: []float64{2}}, ErrInvalid},
		{"output times unordered", scalar(1), 1, []float64{1}, Options{OutputTimes: []float64{0.5, 0.2}}, ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sol, err := DormandPrince(tc.f, 0, tc.t1, tc.y0, tc.opt)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if errors.Is(err, ErrNotConverged) && (sol == nil || !AllFinite(sol.Y)) {
				t.Fatalf("ErrNotConverged without a finite partial solution: %+v", sol)
			}
		})
	}
	if _, err := RK4(failing, 0, 1, []float64{1}, 10); !errors.Is(err, errPlanted) {
		t.Fatalf("RK4 f error: %v", err)
	}
	if _, err := RK4(scalar(-1), 0, 1, []float64{1}, 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("RK4 steps 0: %v", err)
	}
	if _, err := RK4(blowup, 0, 1, []float64{1e200}, 1); !errors.Is(err, ErrNotConverged) {
		t.Fatalf("RK4 blow-up: %v", err)
	}
}

func TestDormandPrinceZeroSpan(t *testing.T) {
	sol, err := DormandPrince(scalar(1), 1, 1, []float64{2}, Options{OutputTimes: []float64{1}})
	if err != nil || sol.Y[0] != 2 || sol.Evals != 0 || len(sol.Output) != 1 {
		t.Fatalf("zero span: %+v %v", sol, err)
	}
}

func ExampleDormandPrince() {
	// y' = −y, y(0) = 1, so y(1) = e^{−1}.
	f := func(t float64, y, dydt []float64) error { dydt[0] = -y[0]; return nil }
	sol, err := DormandPrince(f, 0, 1, []float64{1}, Options{RelTol: 1e-10})
	if err != nil {
		panic(err)
	}
	fmt.Printf("y(1) = %.9f (e^-1 = %.9f)\n", sol.Y[0], math.Exp(-1))
	// Output: y(1) = 0.367879441 (e^-1 = 0.367879441)
}

func ExampleRK4() {
	f := func(t float64, y, dydt []float64) error { dydt[0] = -y[0]; return nil }
	y, _ := RK4(f, 0, 1, []float64{1}, 100)
	fmt.Printf("%.8f\n", y[0])
	// Output: 0.36787944
}
