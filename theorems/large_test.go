package theorems

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// small returns the large tier's checks with a tiny ladder, so the test
// exercises the certificates without production sizes.
func small(sizes ...int) []LargeCheck {
	out := append([]LargeCheck(nil), LargeChecks...)
	for i := range out {
		out[i].Sizes = sizes
	}
	return out
}

func TestLargeReference(t *testing.T) {
	ops := ReferenceOps()
	for _, r := range RunLarge(small(40, 80), &ops, Options{Budget: time.Minute}) {
		if r.Status == Fail || r.Status == Error {
			t.Errorf("%s n=%d: %s", r.ID, r.Size, r.Message)
		}
	}
	// Without the large-problem features the dense forms are used.
	dense := ops
	dense.Features = nil
	for _, r := range RunLarge(small(40), &dense, Options{Budget: time.Minute}) {
		if r.Status == Fail || r.Status == Error {
			t.Errorf("dense %s n=%d: %s", r.ID, r.Size, r.Message)
		}
	}
}

// TestLargeCatchesSuboptimalPlan plants what POT's iteration limit does at
// scale: a feasible plan whose cost is above the optimum, reported with the
// duals of an earlier basis.
func TestLargeCatchesSuboptimalPlan(t *testing.T) {
	ops := ReferenceOps()
	ref := ops.EMD
	ops.EMD = func(a EMDArgs) (EMDResult, error) {
		r, err := ref(a)
		if err != nil {
			return r, err
		}
		for i := range r.F {
			r.F[i] += 0.01 // the certificate no longer matches
		}
		return r, nil
	}
	var checks []LargeCheck
	for _, c := range small(60) {
		if c.Claim == "discrete.strong-duality" {
			checks = append(checks, c)
		}
	}
	res := RunLarge(checks, &ops, Options{Budget: time.Minute, Repro: "verify impl"})
	if len(res) != 1 || res[0].Status != Fail || !strings.Contains(res[0].Message, "dual") || !strings.Contains(res[0].Repro, "--tier large") {
		t.Fatalf("suboptimal certificate not caught: %+v", res)
	}
}

// TestLargeFieldChecksCatchFaults plants wrong Gaussian maps and scores and
// requires the large tier's certificates to reject each, at small sizes.
func TestLargeFieldChecksCatchFaults(t *testing.T) {
	for _, tc := range []struct {
		name, claim, want string
		plant             func(o *Ops)
	}{
		{"map with a skew part (pushes forward to first order only)", "gaussian.brenier-pushforward", "A − Aᵀ",
			func(o *Ops) {
				ref := o.GaussOTMap
				o.GaussOTMap = func(a GaussMapArgs) (MatrixResult, error) {
					r, err := ref(a)
					if err == nil {
						r.A[0][1] += 1e-4
						r.A[1][0] -= 1e-4
					}
					return r, err
				}
			}},
		{"map −A (pushes forward, not positive definite)", "gaussian.brenier-pushforward", "positive definite",
			func(o *Ops) {
				ref := o.GaussOTMap
				o.GaussOTMap = func(a GaussMapArgs) (MatrixResult, error) {
					r, err := ref(a)
					for i := range r.A {
						for j := range r.A[i] {
							r.A[i][j] = -r.A[i][j]
						}
					}
					return r, err
				}
			}},
		{"map with its diagonal scaled by 1 + 1e-5", "gaussian.brenier-pushforward", "vs S1",
			func(o *Ops) {
				ref := o.GaussOTMap
				o.GaussOTMap = func(a GaussMapArgs) (MatrixResult, error) {
					r, err := ref(a)
					for i := range r.A {
						r.A[i][i] += 1e-5 * r.A[i][i]
					}
					return r, err
				}
			}},
		{"score without max-subtraction (underflows far away)", "tweedie.denoiser-score", "not finite",
			func(o *Ops) {
				o.GMMScore = func(a GMMScoreArgs) (ScoreResult, error) {
					out := make([][]float64, len(a.Z))
					for p, z := range a.Z {
						out[p] = make([]float64, len(z))
						den := 0.0
						for j := range a.W {
							d2 := 0.0
							for i := range z {
								d2 += (z[i] - a.Mu[j][i]) * (z[i] - a.Mu[j][i])
							}
							r := a.W[j] * math.Exp(-d2/(2*a.S2[j]))
							den += r
							for i := range z {
								out[p][i] += r * (a.Mu[j][i] - z[i]) / a.S2[j]
							}
						}
						for i := range z {
							out[p][i] /= den
						}
					}
					return ScoreResult{Score: out}, nil
				}
			}},
		{"score with σ in place of σ²", "tweedie.denoiser-score", "posterior mean",
			func(o *Ops) {
				ref := o.GMMScore
				o.GMMScore = func(a GMMScoreArgs) (ScoreResult, error) {
					b := a
					b.S2 = make([]float64, len(a.S2))
					for j := range b.S2 {
						b.S2[j] = math.Sqrt(a.S2[j])
					}
					return ref(b)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ops := ReferenceOps()
			tc.plant(&ops)
			var checks []LargeCheck
			for _, c := range small(12, 40) {
				if c.Claim == tc.claim {
					checks = append(checks, c)
				}
			}
			caught := false
			for _, r := range RunLarge(checks, &ops, Options{Budget: time.Minute}) {
				if r.Status == Fail && strings.Contains(r.Message, tc.want) {
					caught = true
				}
			}
			if !caught {
				t.Errorf("not caught (want a failure mentioning %q)", tc.want)
			}
		})
	}
}

// TestLargeRequestsFitMessageLimit: the largest 1-D and sliced requests of
// the tier fit in otv/1's default 64 MiB line (protocol.DefaultMaxMessage),
// so `verify impl --tier large` against `verify serve` reaches every size.
func TestLargeRequestsFitMessageLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds requests of 40 MB")
	}
	const limit = 64 << 20
	errSeen := errors.New("measured")
	for _, lc := range LargeChecks {
		if lc.Claim != "ot1d.quantile-coupling-optimal" && lc.Claim != "sliced.lower-bound" {
			continue
		}
		n := lc.Sizes[len(lc.Sizes)-1]
		var size int
		ops := Ops{
			EMD1D: func(a EMD1DArgs) (CostResult, error) {
				b, _ := json.Marshal(a)
				size = len(b)
				return CostResult{}, errSeen
			},
			SlicedW2: func(a SlicedArgs) (ValueResult, error) {
				b, _ := json.Marshal(a)
				size = len(b)
				return ValueResult{}, errSeen
			},
		}
		c := &LargeCase{Ops: &ops, N: n, Rng: rand.New(rand.NewPCG(1, 2))}
		if err := lc.Check(c); !errors.Is(err, errSeen) {
			t.Fatalf("%s: %v", lc.Claim, err)
		}
		t.Logf("%s n=%d: request of %d bytes", lc.Claim, n, size)
		if size > limit-1024 {
			t.Errorf("%s n=%d: the request takes %d bytes, over otv/1's default limit %d", lc.Claim, n, size, limit)
		}
	}
}
