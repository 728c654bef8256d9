package drift

import (
	"math"

	"github.com/otverify/otverify/numerics"
)

// DriftOptions configure DriftParticles.
type DriftOptions struct {
	// Kernel and Tau select the kernel k and its bandwidth (> 0).
	Kernel Kernel
	Tau    float64
	// Step is the Euler step h > 0 and Steps ≥ 1 the number of steps.
	Step  float64
	Steps int
	// Raw drops the repulsion term: the field is the attraction B[β] alone
	// (a mean-shift step towards the modes of k*β). The default is the
	// self-corrected field B[β] − B[μ_t], μ_t the current particles.
	Raw bool
}

// DriftParticles moves the particles x (n×d) for Steps explicit Euler steps
// of the drifting dynamics x ← x + h·V_t(x) ([C] § Self-corrected drifting
// fields; [P] § One-Step Maps, the drifted target x + V):
//
//	self-corrected: V_t = B[β] − B[μ_t],  μ_t = (1/n)Σ_i δ_{x_i(t)} (the
//	                current particles are the negatives; no pair masked);
//	raw:            V_t = B[β]            (attraction only).
//
// β is the uniform empirical measure of data (m×d). It returns the final
// particles (x is not modified). With the raw field and the Gaussian kernel
// this is the mean-shift iteration for h = 1, which converges to the modes
// of K_ε*β and so collapses the particles when that density is unimodal.
//
// Preconditions (else ErrInvalid): x, data valid clouds of equal dimension;
// Tau and Step finite > 0; Steps ≥ 1; Kernel valid. Cost O(Steps·n·(n+m)·d).
func DriftParticles(x, data [][]float64, o DriftOptions) ([][]float64, error) {
	xc, err := checkCloud("x", x, -1)
	if err != nil {
		return nil, err
	}
	dc, err := checkCloud("data", data, xc.d)
	if err != nil {
		return nil, err
	}
	if err := checkTau(o.Tau); err != nil {
		return nil, err
	}
	if !o.Kernel.valid() {
		return nil, numerics.Invalidf("drift: unknown kernel %d", int(o.Kernel))
	}
	if !(o.Step > 0) || math.IsInf(o.Step, 1) || o.Steps < 1 {
		return nil, numerics.Invalidf("drift: step = %v, steps = %d; want finite step > 0 and steps ≥ 1", o.Step, o.Steps)
	}
	cur := cloud{data: append([]float64(nil), xc.data...), n: xc.n, d: xc.d}
	next := make([]float64, len(cur.data))
	v := make([]float64, xc.d)
	neg := make([]float64, xc.d)
	r := make([]float64, max(xc.n, dc.n))
	for s := 0; s < o.Steps; s++ {
		for i := 0; i < cur.n; i++ {
			xi := cur.row(i)
			if err := normalizedAt(v, xi, dc, nil, o.Tau, o.Kernel, r); err != nil {
				return nil, err
			}
			if !o.Raw {
				if err := normalizedAt(neg, xi, cur, nil, o.Tau, o.Kernel, r); err != nil {
					return nil, err
				}
			}
			for a := range v {
				step := v[a]
				if !o.Raw {
					step -= neg[a]
				}
				next[i*cur.d+a] = xi[a] + o.Step*step
			}
		}
		cur.data, next = next, cur.data
		if !numerics.AllFinite(cur.data) {
			return nil, ErrOverflow
		}
	}
	return numerics.Unflatten(cur.data, cur.n, cur.d), nil
}
