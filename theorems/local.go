package theorems

import (
	"github.com/otverify/otverify/reference/maxent"
)

// LocalOps are Go-only hooks for constructions that have no otv/1 op: the
// reference-only families (maxent) whose claims would otherwise exercise
// nothing replaceable. A Go implementation under test supplies them through
// props.Check (Ops.Local), and the self-tests plant faults there; a nil hook
// means the reference. They are never listed in hello, served, or called
// over the protocol, so `verify impl` skips the claims that use them.
type LocalOps struct {
	// MaxEntAscend is the projected entropy ascent, maxent.Problem.Ascend
	// ([P] § The choice of base distribution).
	MaxEntAscend func(pr *maxent.Problem, p0 []float64, o maxent.Options) (*maxent.Result, error)
	// MaxEntDirection is the projected gradient of the entropy,
	// maxent.Problem.Direction (the slope ∇H·δ second).
	MaxEntDirection func(pr *maxent.Problem, p []float64, m maxent.Metric) ([]float64, float64, error)
	// MaxEntStep is one ascent step p + ηδ, maxent.Problem.Step.
	MaxEntStep func(pr *maxent.Problem, p []float64, eta float64) ([]float64, error)
	// MaxEntIProject is the I-projection onto the constraints,
	// maxent.Problem.IProject.
	MaxEntIProject func(pr *maxent.Problem, q []float64) ([]float64, error)
}

// Local hook groups, named in Claim.Local.
const LocalMaxEnt = "maxent"

// Has reports whether any hook of the group is set.
func (l *LocalOps) Has(group string) bool {
	switch group {
	case LocalMaxEnt:
		return l.MaxEntAscend != nil || l.MaxEntDirection != nil || l.MaxEntStep != nil || l.MaxEntIProject != nil
	}
	return false
}

func (e *Env) maxentAscend(pr *maxent.Problem, p0 []float64, o maxent.Options) (*maxent.Result, error) {
	if f := e.raw.Local.MaxEntAscend; f != nil {
		return f(pr, p0, o)
	}
	return pr.Ascend(p0, o)
}

func (e *Env) maxentDirection(pr *maxent.Problem, p []float64, m maxent.Metric) ([]float64, float64, error) {
	if f := e.raw.Local.MaxEntDirection; f != nil {
		return f(pr, p, m)
	}
	return pr.Direction(p, m)
}

func (e *Env) maxentStep(pr *maxent.Problem, p []float64, eta float64) ([]float64, error) {
	if f := e.raw.Local.MaxEntStep; f != nil {
		return f(pr, p, eta)
	}
	return pr.Step(p, eta)
}

func (e *Env) maxentIProject(pr *maxent.Problem, q []float64) ([]float64, error) {
	if f := e.raw.Local.MaxEntIProject; f != nil {
		return f(pr, q)
	}
	return pr.IProject(q)
}
