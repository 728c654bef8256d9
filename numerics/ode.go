package numerics

import (
	"fmt"
	"math"
)

// ODEFunc is the right-hand side of the system y' = f(t, y), y ∈ Rⁿ: it
// writes f(t, y) into dydt (len(dydt) == len(y)). It must not modify y or
// keep either slice after returning. A non-nil error aborts the integration;
// the integrator returns it wrapped (errors.Is finds it).
type ODEFunc func(t float64, y, dydt []float64) error

// validateODE checks the arguments common to the integrators.
func validateODE(f ODEFunc, t0, t1 float64, y0 []float64) error {
	if f == nil {
		return Invalidf("ODE: f is nil")
	}
	if math.IsNaN(t0) || math.IsInf(t0, 0) || math.IsNaN(t1) || math.IsInf(t1, 0) {
		return Invalidf("ODE: t0 = %v, t1 = %v must be finite", t0, t1)
	}
	if len(y0) == 0 {
		return Invalidf("ODE: y0 is empty")
	}
	if !AllFinite(y0) {
		return Invalidf("ODE: y0 has a non-finite entry")
	}
	return nil
}

// callODE evaluates f and wraps its error with the time of the call.
func callODE(f ODEFunc, t float64, y, dydt []float64) error {
	if err := f(t, y, dydt); err != nil {
		return fmt.Errorf("ODE: f(t = %g) failed: %w", t, err)
	}
	return nil
}

// RK4 integrates y' = f(t, y) from y(t0) = y0 to t1 with the classical
// fourth-order Runge–Kutta method on `steps` equal steps h = (t1 − t0)/steps
// (negative h, i.e. backward integration, when t1 < t0), and returns y(t1)
// (a new slice). It calls f 4·steps times; step k starts at t0 + k·h and the
// last step ends at t1 exactly.
//
// Accuracy: the global error is C·h⁴ + O(h⁵) for f with bounded fifth
// derivatives (halving h divides it by ≈ 16, checked by TestRK4Order), plus
// rounding ≈ steps·eps·max|y|. There is no error control: use DormandPrince
// when an error bound is wanted.
//
// Errors: ErrInvalid for nil f, steps < 1, non-finite t0, t1 or y0; the
// error of f, wrapped; ErrNotConverged if the state becomes non-finite
// (instability: the step is too large for the problem).
func RK4(f ODEFunc, t0, t1 float64, y0 []float64, steps int) ([]float64, error) {
	if err := validateODE(f, t0, t1, y0); err != nil {
		return nil, err
	}
	if steps < 1 {
		return nil, Invalidf("RK4: steps = %d < 1", steps)
	}
	n := len(y0)
	y := append([]float64(nil), y0...)
	k1, k2, k3, k4, tmp := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	h := (t1 - t0) / float64(steps)
	for s := 0; s < steps; s++ {
		t := t0 + float64(s)*h
		tEnd := t0 + float64(s+1)*h
		if s == steps-1 {
			tEnd = t1
		}
		hs := tEnd - t
		if err := callODE(f, t, y, k1); err != nil {
			return nil, err
		}
		for i := range tmp {
			tmp[i] = y[i] + 0.5*hs*k1[i]
		}
		if err := callODE(f, t+0.5*hs, tmp, k2); err != nil {
			return nil, err
		}
		for i := range tmp {
			tmp[i] = y[i] + 0.5*hs*k2[i]
		}
		if err := callODE(f, t+0.5*hs, tmp, k3); err != nil {
			return nil, err
		}
		for i := range tmp {
			tmp[i] = y[i] + hs*k3[i]
		}
		if err := callODE(f, tEnd, tmp, k4); err != nil {
			return nil, err
		}
		for i := range y {
			y[i] += hs / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
		if !AllFinite(y) {
			return nil, fmt.Errorf("%w: RK4: state not finite after step %d (t = %g); the step h = %g is too large or the solution blows up", ErrNotConverged, s+1, tEnd, h)
		}
	}
	return y, nil
}

// Options controls DormandPrince. The zero value asks for the defaults.
type Options struct {
	// RelTol and AbsTol set the error scale of component i,
	// sc_i = AbsTol + RelTol·max(|y_i|, |y_i^new|); a step is accepted when
	// the RMS over i of (local error estimate)_i / sc_i is ≤ 1.
	// RelTol = 0 means 1e-6 and must otherwise lie in [100·eps, 1) ≈
	// [2.2e-14, 1); AbsTol = 0 means AbsTol = RelTol.
	RelTol, AbsTol float64
	// MaxSteps bounds the number of attempted steps (accepted plus
	// rejected); 0 means 100000.
	MaxSteps int
	// InitialStep is |h| of the first attempt; 0 selects it automatically
	// (Hairer, Nørsett & Wanner, Solving ODEs I, §II.4, one extra f call).
	InitialStep float64
	// MaxStep bounds |h|; 0 means |t1 − t0|.
	MaxStep float64
	// Record keeps t0 and every accepted step in Solution.T and Solution.Ys.
	Record bool
	// OutputTimes, if set, are times in the closed interval between t0 and
	// t1, ordered in the direction of integration (non-decreasing when
	// t1 > t0, non-increasing when t1 < t0), at which the solution is
	// reported in Solution.Output by the fourth-order continuous extension
	// of Dormand–Prince (no extra f calls; error of the same order as the
	// step's local error).
	OutputTimes []float64
}

// Solution is the result of DormandPrince.
type Solution struct {
	Y        []float64   // y(t1), or the last accepted state on failure
	T        []float64   // with Options.Record: t0 and the end of each accepted step
	Ys       [][]float64 // with Options.Record: the states at T
	Output   [][]float64 // y at Options.OutputTimes (those reached on failure)
	Steps    int         // accepted steps
	Rejected int         // rejected steps
	Evals    int         // calls of f
	TReached float64     // t1 on success; the last accepted time on failure
}

// Dormand–Prince 5(4) coefficients (Dormand & Prince 1980; Hairer, Nørsett &
// Wanner, Solving ODEs I, Table II.5.2). The fifth-order weights b equal the
// last row a7 (FSAL); e = b − b̂ are the error weights; d are the
// coefficients of the continuous extension of dopri5.f (Hairer).
const (
	dpC2, dpC3, dpC4, dpC5 = 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9

	dpA21 = 1.0 / 5

	dpA31, dpA32 = 3.0 / 40, 9.0 / 40

	dpA41, dpA42, dpA43 = 44.0 / 45, -56.0 / 15, 32.0 / 9

	dpA51, dpA52, dpA53, dpA54 = 19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729

	dpA61, dpA62, dpA63, dpA64, dpA65 = 9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656

	dpA71, dpA73, dpA74, dpA75, dpA76 = 35.0 / 384, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84

	dpE1, dpE3, dpE4, dpE5, dpE6, dpE7 = 71.0 / 57600, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40

	dpD1, dpD3, dpD4 = -12715105075.0 / 11282082432.0, 87487479700.0 / 32700410799.0, -10690763975.0 / 1880347072.0
	dpD5, dpD6, dpD7 = 701980252875.0 / 199316789632.0, -1453857185.0 / 822651844.0, 69997945.0 / 29380423.0
)

// Step-size control (Hairer–Wanner defaults): h_new = h·clamp(0.9·err^{−1/5},
// 0.2, 10), never growing right after a rejection.
const (
	dpSafety = 0.9
	dpFacMin = 0.2
	dpFacMax = 10.0
)

// DormandPrince integrates y' = f(t, y) from y(t0) = y0 to t1 (t1 < t0
// integrates backward) with the adaptive explicit Runge–Kutta pair of
// Dormand and Prince, order 5 with an embedded order-4 error estimate,
// first-same-as-last (6 f calls per attempted step), local extrapolation
// (the order-5 solution is propagated).
//
// Error control: with the order-5 step y_new and the difference err to the
// order-4 step, the step is accepted when
// sqrt( (1/n)·Σ_i (err_i / (AbsTol + RelTol·max(|y_i|, |y_new,i|)))² ) ≤ 1;
// the next step is h·clamp(0.9·errnorm^{−1/5}, 0.2, 10). A trial step whose
// stages or result are not finite is rejected and h multiplied by 0.2.
//
// Accuracy: the local error per step is controlled, not the global error;
// for non-stiff problems the global error is typically 1–100 times the
// tolerance scale (TestDormandPrinceTolerance checks ≤ 100·(AbsTol +
// RelTol·|y|) on test problems). Stiff problems are solved but slowly.
//
// Errors: ErrInvalid for bad arguments (see Options); the error of f,
// wrapped; ErrNotConverged when MaxSteps attempts do not reach t1, when the
// step underflows (t + h == t), or when f(t0, y0) is not finite. On
// ErrNotConverged the partial Solution (Y at TReached, statistics) is
// returned along with the error; otherwise a nil Solution.
func DormandPrince(f ODEFunc, t0, t1 float64, y0 []float64, opt Options) (*Solution, error) {
	if err := validateODE(f, t0, t1, y0); err != nil {
		return nil, err
	}
	rtol, atol := opt.RelTol, opt.AbsTol
	if rtol == 0 {
		rtol = 1e-6
	}
	if !(rtol >= 100*2*eps && rtol < 1) {
		return nil, Invalidf("DormandPrince: RelTol = %v not in [%g, 1)", opt.RelTol, 200*eps)
	}
	if atol == 0 {
		atol = rtol
	}
	if !(atol > 0) || math.IsInf(atol, 1) {
		return nil, Invalidf("DormandPrince: AbsTol = %v must be finite and ≥ 0", opt.AbsTol)
	}
	maxSteps := opt.MaxSteps
	if maxSteps == 0 {
		maxSteps = 100000
	}
	if maxSteps < 0 {
		return nil, Invalidf("DormandPrince: MaxSteps = %d < 0", maxSteps)
	}
	if opt.MaxStep < 0 || math.IsNaN(opt.MaxStep) {
		return nil, Invalidf("DormandPrince: MaxStep = %v must be ≥ 0", opt.MaxStep)
	}
	span := math.Abs(t1 - t0)
	hmax := opt.MaxStep
	if hmax == 0 || hmax > span {
		hmax = span
	}
	if opt.InitialStep < 0 || math.IsNaN(opt.InitialStep) || math.IsInf(opt.InitialStep, 0) {
		return nil, Invalidf("DormandPrince: InitialStep = %v must be finite and ≥ 0", opt.InitialStep)
	}
	dir := 1.0
	if t1 < t0 {
		dir = -1
	}
	for i, to := range opt.OutputTimes {
		if math.IsNaN(to) || dir*(to-t0) < 0 || dir*(to-t1) > 0 {
			return nil, Invalidf("DormandPrince: OutputTimes[%d] = %v outside [%g, %g]", i, to, math.Min(t0, t1), math.Max(t0, t1))
		}
		if i > 0 && dir*(to-opt.OutputTimes[i-1]) < 0 {
			return nil, Invalidf("DormandPrince: OutputTimes not ordered from t0 to t1 at index %d", i)
		}
	}

	n := len(y0)
	sol := &Solution{TReached: t0}
	y := append([]float64(nil), y0...)
	sol.Y = y
	if opt.Record {
		sol.T = append(sol.T, t0)
		sol.Ys = append(sol.Ys, append([]float64(nil), y...))
	}
	nextOut := 0
	for nextOut < len(opt.OutputTimes) && opt.OutputTimes[nextOut] == t0 {
		sol.Output = append(sol.Output, append([]float64(nil), y...))
		nextOut++
	}
	if span == 0 {
		return sol, nil
	}

	buf := make([]float64, 9*n)
	k1, k2, k3, k4, k5, k6, k7 := buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n], buf[4*n:5*n], buf[5*n:6*n], buf[6*n:7*n]
	ytmp, ynew := buf[7*n:8*n], buf[8*n:]
	eval := func(t float64, y, dy []float64) error {
		sol.Evals++
		return callODE(f, t, y, dy)
	}
	if err := eval(t0, y, k1); err != nil {
		return nil, err
	}
	if !AllFinite(k1) {
		return sol, fmt.Errorf("%w: DormandPrince: f(t0, y0) is not finite", ErrNotConverged)
	}

	// rmsScaled returns sqrt(mean((v_i / (atol + rtol·|y_i|))²)).
	rmsScaled := func(v, y []float64) float64 {
		s := 0.0
		for i := range v {
			r := v[i] / (atol + rtol*math.Abs(y[i]))
			s += r * r
		}
		return math.Sqrt(s / float64(n))
	}

	h := opt.InitialStep
	if h == 0 {
		// Initial step heuristic (Hairer, Nørsett & Wanner I, §II.4).
		d0, d1 := rmsScaled(y, y), rmsScaled(k1, y)
		h0 := 1e-6
		if d0 >= 1e-5 && d1 >= 1e-5 {
			h0 = 0.01 * d0 / d1
		}
		h0 = math.Min(h0, hmax)
		for i := range ytmp {
			ytmp[i] = y[i] + dir*h0*k1[i]
		}
		if err := eval(t0+dir*h0, ytmp, k2); err != nil {
			return nil, err
		}
		for i := range k3 {
			k3[i] = k2[i] - k1[i]
		}
		d2 := rmsScaled(k3, y) / h0
		h1 := math.Max(1e-6, h0*1e-3)
		if m := math.Max(d1, d2); m > 1e-15 {
			h1 = math.Pow(0.01/m, 0.2)
		}
		h = math.Min(100*h0, h1)
		if math.IsNaN(h) {
			h = h0
		}
	}
	h = math.Min(h, hmax)

	t := t0
	lastRejected := false
	for attempts := 0; ; attempts++ {
		if attempts >= maxSteps {
			return sol, fmt.Errorf("%w: DormandPrince: MaxSteps = %d attempts reached at t = %g (target %g), step %g", ErrNotConverged, maxSteps, t, t1, h)
		}
		last := false
		if 1.01*h >= math.Abs(t1-t) { // avoid a tiny last step (dopri5.f)
			h = math.Abs(t1 - t)
			last = true
		}
		hs := dir * h
		tn := t + hs
		if last {
			tn = t1
		}
		if tn == t || h < 4*eps*math.Abs(t) {
			return sol, fmt.Errorf("%w: DormandPrince: step size underflow (h = %g) at t = %g", ErrNotConverged, h, t)
		}

		for i := range ytmp {
			ytmp[i] = y[i] + hs*dpA21*k1[i]
		}
		if err := eval(t+dpC2*hs, ytmp, k2); err != nil {
			return nil, err
		}
		for i := range ytmp {
			ytmp[i] = y[i] + hs*(dpA31*k1[i]+dpA32*k2[i])
		}
		if err := eval(t+dpC3*hs, ytmp, k3); err != nil {
			return nil, err
		}
		for i := range ytmp {
			ytmp[i] = y[i] + hs*(dpA41*k1[i]+dpA42*k2[i]+dpA43*k3[i])
		}
		if err := eval(t+dpC4*hs, ytmp, k4); err != nil {
			return nil, err
		}
		for i := range ytmp {
			ytmp[i] = y[i] + hs*(dpA51*k1[i]+dpA52*k2[i]+dpA53*k3[i]+dpA54*k4[i])
		}
		if err := eval(t+dpC5*hs, ytmp, k5); err != nil {
			return nil, err
		}
		for i := range ytmp {
			ytmp[i] = y[i] + hs*(dpA61*k1[i]+dpA62*k2[i]+dpA63*k3[i]+dpA64*k4[i]+dpA65*k5[i])
		}
		if err := eval(tn, ytmp, k6); err != nil {
			return nil, err
		}
		for i := range ynew {
			ynew[i] = y[i] + hs*(dpA71*k1[i]+dpA73*k3[i]+dpA74*k4[i]+dpA75*k5[i]+dpA76*k6[i])
		}
		if err := eval(tn, ynew, k7); err != nil {
			return nil, err
		}

		errNorm := 0.0
		for i := range ynew {
			e := hs * (dpE1*k1[i] + dpE3*k3[i] + dpE4*k4[i] + dpE5*k5[i] + dpE6*k6[i] + dpE7*k7[i])
			r := e / (atol + rtol*math.Max(math.Abs(y[i]), math.Abs(ynew[i])))
			errNorm += r * r
		}
		errNorm = math.Sqrt(errNorm / float64(n))
		if math.IsNaN(errNorm) || math.IsInf(errNorm, 0) || !AllFinite(ynew) || !AllFinite(k7) {
			sol.Rejected++
			lastRejected = true
			h *= dpFacMin
			continue
		}

		if errNorm > 1 {
			sol.Rejected++
			lastRejected = true
			h *= math.Max(dpFacMin, dpSafety*math.Pow(errNorm, -0.2))
			continue
		}

		// Accepted: dense output for the output times in (t, tn].
		for nextOut < len(opt.OutputTimes) && dir*(opt.OutputTimes[nextOut]-tn) <= 0 {
			theta := (opt.OutputTimes[nextOut] - t) / hs
			th1 := 1 - theta
			yo := make([]float64, n)
			for i := range yo {
				ydiff := ynew[i] - y[i]
				bspl := hs*k1[i] - ydiff
				r4 := ydiff - hs*k7[i] - bspl
				r5 := hs * (dpD1*k1[i] + dpD3*k3[i] + dpD4*k4[i] + dpD5*k5[i] + dpD6*k6[i] + dpD7*k7[i])
				yo[i] = y[i] + theta*(ydiff+th1*(bspl+theta*(r4+th1*r5)))
			}
			sol.Output = append(sol.Output, yo)
			nextOut++
		}
		copy(y, ynew)
		copy(k1, k7) // FSAL
		t = tn
		sol.Steps++
		sol.TReached = t
		if opt.Record {
			sol.T = append(sol.T, t)
			sol.Ys = append(sol.Ys, append([]float64(nil), y...))
		}
		if last {
			return sol, nil
		}
		fac := dpFacMax
		if errNorm > 0 {
			fac = math.Min(dpFacMax, math.Max(dpFacMin, dpSafety*math.Pow(errNorm, -0.2)))
		}
		if lastRejected {
			fac = math.Min(fac, 1)
		}
		lastRejected = false
		h = math.Min(h*fac, hmax)
	}
}
