package autoreg

import (
	"math"

	"github.com/otverify/otverify/numerics"
)

// MaxJointSize bounds the number of cells of a Joint table.
const MaxJointSize = 1 << 20

// Joint is a probability table over D discrete coordinates x = (x_1, …,
// x_D), x_i ∈ {0, …, k_i − 1}, stored row-major (last coordinate fastest).
// It is immutable after NewJoint.
type Joint struct {
	sizes  []int
	stride []int
	p      []float64
}

// NewJoint returns the joint table with alphabet sizes k = sizes and cell
// probabilities p (row-major, last coordinate fastest). The methods of a
// nil *Joint or the zero Joint{} return an error wrapping
// numerics.ErrInvalid (Sizes: nil).
// Preconditions (else ErrInvalid): 1 ≤ D, every k_i ≥ 1, Π k_i = len(p) ≤
// MaxJointSize, p a valid distribution (entries finite ≥ 0, |Σp − 1| ≤
// MassTol).
func NewJoint(sizes []int, p []float64) (*Joint, error) {
	if len(sizes) == 0 {
		return nil, numerics.Invalidf("autoreg: joint has no coordinates")
	}
	total := 1
	for i, k := range sizes {
		if k < 1 || total > MaxJointSize/k {
			return nil, numerics.Invalidf("autoreg: size k[%d] = %d invalid or table too large", i, k)
		}
		total *= k
	}
	if len(p) != total {
		return nil, numerics.Invalidf("autoreg: joint has %d cells, sizes %v need %d", len(p), sizes, total)
	}
	if err := checkProbs("joint", p); err != nil {
		return nil, err
	}
	j := &Joint{sizes: append([]int(nil), sizes...), stride: make([]int, len(sizes)), p: append([]float64(nil), p...)}
	s := 1
	for i := len(sizes) - 1; i >= 0; i-- {
		j.stride[i] = s
		s *= sizes[i]
	}
	return j, nil
}

// Sizes returns the alphabet sizes (k_1, …, k_D); nil for a nil or zero
// Joint.
func (j *Joint) Sizes() []int {
	if j == nil {
		return nil
	}
	return append([]int(nil), j.sizes...)
}

// checkPrefix validates a prefix (a full configuration if full) and that j
// was built by NewJoint: a nil *Joint or the zero Joint{} (its fields are
// unexported, so a literal is always empty) has no coordinates, and Prob
// indexed its empty table while Marginal, ChainRule and SampleSequential
// answered for it (regression test TestMalformedMapOrJointIsAnError).
func (j *Joint) checkPrefix(x []int, full bool) error {
	if j == nil || len(j.sizes) == 0 {
		return numerics.Invalidf("autoreg: nil or empty joint (build it with NewJoint)")
	}
	if len(x) > len(j.sizes) || (full && len(x) != len(j.sizes)) {
		return numerics.Invalidf("autoreg: %d coordinates for a %d-dimensional joint", len(x), len(j.sizes))
	}
	for i, v := range x {
		if v < 0 || v >= j.sizes[i] {
			return numerics.Invalidf("autoreg: x[%d] = %d outside [0, %d)", i, v, j.sizes[i])
		}
	}
	return nil
}

// Prob returns p(x) for a full configuration x (ErrInvalid if x has the
// wrong length or an out-of-range value).
func (j *Joint) Prob(x []int) (float64, error) {
	if err := j.checkPrefix(x, true); err != nil {
		return 0, err
	}
	o := 0
	for i, v := range x {
		o += v * j.stride[i]
	}
	return j.p[o], nil
}

// Marginal returns P(X_{<i} = prefix) = Σ over the remaining coordinates of
// p (i = len(prefix); 1 for the empty prefix), summed in index order.
func (j *Joint) Marginal(prefix []int) (float64, error) {
	if err := j.checkPrefix(prefix, false); err != nil {
		return 0, err
	}
	if len(prefix) == 0 {
		return 1, nil
	}
	o := 0
	for i, v := range prefix {
		o += v * j.stride[i]
	}
	w := j.stride[len(prefix)-1]
	s := 0.0
	for _, v := range j.p[o : o+w] {
		s += v
	}
	return s, nil
}

// Conditional returns the next-token distribution p(x_i = · | x_{<i} =
// prefix), i = len(prefix) < D ([P] § Chain Rule Factorization):
// p(prefix, k)/P(prefix) for each k, renormalised to sum to 1 within a few
// ulps. Errors: ErrInvalid for a bad prefix or one of probability 0 (the
// conditional is undefined there).
func (j *Joint) Conditional(prefix []int) ([]float64, error) {
	if err := j.checkPrefix(prefix, false); err != nil {
		return nil, err
	}
	i := len(prefix)
	if i == len(j.sizes) {
		return nil, numerics.Invalidf("autoreg: prefix is a full configuration")
	}
	o := 0
	for l, v := range prefix {
		o += v * j.stride[l]
	}
	c := make([]float64, j.sizes[i])
	s := 0.0
	for k := range c {
		b := o + k*j.stride[i]
		for _, v := range j.p[b : b+j.stride[i]] {
			c[k] += v
		}
		s += c[k]
	}
	if s == 0 {
		return nil, numerics.Invalidf("autoreg: prefix %v has probability 0", prefix)
	}
	for k := range c {
		c[k] /= s
	}
	return c, nil
}

// ChainRule returns Π_{i=1}^{D} p(x_i | x_{<i}), the chain-rule
// factorisation of p(x) ([P] § Chain Rule Factorization), each factor from
// Conditional, which renormalises by the summed prefix mass. The product
// telescopes to p(x)/Σ_y p(y), not p(x): the two agree when the table sums
// to 1, and differ by up to MassTol = 1e-9 relative for the tables NewJoint
// accepts (|Σp − 1| ≤ MassTol). Accuracy: p(x)/Σ_y p(y) to a relative
// rounding error ≲ D·(k+2)·eps per factor, k the largest alphabet. A
// configuration whose prefix has probability 0 gets 0.
func (j *Joint) ChainRule(x []int) (float64, error) {
	if err := j.checkPrefix(x, true); err != nil {
		return 0, err
	}
	prod := 1.0
	for i := range x {
		m, _ := j.Marginal(x[:i])
		if m == 0 {
			return 0, nil
		}
		c, err := j.Conditional(x[:i])
		if err != nil {
			return 0, err
		}
		prod *= c[x[i]]
	}
	return prod, nil
}

// SampleSequential returns x with x_i = index_{p(·|x_{<i})}(u_i), the
// sequential inverse-CDF sampler ([P] § Sampling Rule): for independent
// U_i ~ U[0,1) its law is the joint p. A prefix of probability 0 is never
// reached (Sample never returns a zero-probability token).
// Preconditions: j built by NewJoint, len(u) = D, each u_i in [0, 1)
// (else ErrInvalid).
func (j *Joint) SampleSequential(u []float64) ([]int, error) {
	if err := j.checkPrefix(nil, false); err != nil {
		return nil, err
	}
	if len(u) != len(j.sizes) {
		return nil, numerics.Invalidf("autoreg: %d uniforms for %d coordinates", len(u), len(j.sizes))
	}
	x := make([]int, 0, len(u))
	for i, ui := range u {
		if !(ui >= 0 && ui < 1) || math.IsNaN(ui) {
			return nil, numerics.Invalidf("autoreg: u[%d] = %v, want in [0, 1)", i, ui)
		}
		c, err := j.Conditional(x)
		if err != nil {
			return nil, err
		}
		x = append(x, sample(c, ui))
	}
	return x, nil
}
