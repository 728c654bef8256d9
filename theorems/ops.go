package theorems

// The Ops table: one entry per operation of protocol.md (otv/1). A claim is a
// property of these operations, not of our code: the reference fills every
// entry (ReferenceOps), the otv/1 client fills the entries a child program
// lists in hello, and a Go user fills their own (props.Check). A nil entry is
// an operation that the implementation does not offer; claims that need it
// are skipped.
//
// Args and results carry the JSON field names of protocol.md, so the same
// values travel over otv/1 unchanged. Matrices are row-major [][]float64.

// EMDArgs are the arguments of ot.emd. With the optional large-problem form
// (feature "points"), X, Y and Cost = "sqeuclidean" replace C.
type EMDArgs struct {
	A          []float64   `json:"a"`
	B          []float64   `json:"b"`
	C          [][]float64 `json:"C,omitempty"`
	X          [][]float64 `json:"x,omitempty"`
	Y          [][]float64 `json:"y,omitempty"`
	Cost       string      `json:"cost,omitempty"`
	PlanFormat string      `json:"plan_format,omitempty"`
}

// EMDResult is the answer of ot.emd: an optimal plan, its cost and optionally
// optimal dual potentials F, G (nil when not provided).
type EMDResult struct {
	Plan [][]float64 `json:"plan"`
	Cost float64     `json:"cost"`
	F    []float64   `json:"f,omitempty"`
	G    []float64   `json:"g,omitempty"`
}

// EMD1DArgs are the arguments of ot.emd1d (W_p^p between weighted 1-D measures).
type EMD1DArgs struct {
	X []float64 `json:"x"`
	Y []float64 `json:"y"`
	A []float64 `json:"a"`
	B []float64 `json:"b"`
	P float64   `json:"p"`
}

// CostResult is a result made of one cost value.
type CostResult struct {
	Cost float64 `json:"cost"`
}

// AssignmentArgs are the arguments of ot.assignment.
type AssignmentArgs struct {
	C    [][]float64 `json:"C,omitempty"`
	X    [][]float64 `json:"x,omitempty"`
	Y    [][]float64 `json:"y,omitempty"`
	Cost string      `json:"cost,omitempty"`
}

// AssignmentResult is a permutation minimising Σ_i C[i][Perm[i]].
type AssignmentResult struct {
	Perm []int `json:"perm"`
}

// SinkhornArgs are the arguments of ot.sinkhorn.
type SinkhornArgs struct {
	A          []float64   `json:"a"`
	B          []float64   `json:"b"`
	C          [][]float64 `json:"C,omitempty"`
	X          [][]float64 `json:"x,omitempty"`
	Y          [][]float64 `json:"y,omitempty"`
	Cost       string      `json:"cost,omitempty"`
	Eps        float64     `json:"eps"`
	PlanFormat string      `json:"plan_format,omitempty"`
}

// SinkhornResult is the entropic plan and optionally the potentials with
// π_ij = a_i b_j exp((F_i + G_j − C_ij)/eps) (protocol.md convention).
type SinkhornResult struct {
	Plan [][]float64 `json:"plan,omitempty"`
	F    []float64   `json:"f,omitempty"`
	G    []float64   `json:"g,omitempty"`
}

// DivergenceArgs are the arguments of ot.sinkhorn_divergence.
type DivergenceArgs struct {
	X   [][]float64 `json:"x"`
	Y   [][]float64 `json:"y"`
	A   []float64   `json:"a"`
	B   []float64   `json:"b"`
	Eps float64     `json:"eps"`
}

// ValueResult is a result made of one scalar value.
type ValueResult struct {
	Value float64 `json:"value"`
}

// SlicedArgs are the arguments of ot.sliced_w2.
type SlicedArgs struct {
	X     [][]float64 `json:"x"`
	Y     [][]float64 `json:"y"`
	Theta [][]float64 `json:"theta"`
}

// QuantileArgs are the arguments of ot1d.quantile.
type QuantileArgs struct {
	X []float64 `json:"x"`
	A []float64 `json:"a"`
	U []float64 `json:"u"`
}

// QuantileResult holds F^{-1}(u_k) for each requested level.
type QuantileResult struct {
	Q []float64 `json:"q"`
}

// BuresArgs are the arguments of gauss.bures.
type BuresArgs struct {
	M0 []float64   `json:"m0"`
	S0 [][]float64 `json:"S0"`
	M1 []float64   `json:"m1"`
	S1 [][]float64 `json:"S1"`
}

// BuresResult is the squared Bures–Wasserstein distance.
type BuresResult struct {
	W2Sq float64 `json:"w2sq"`
}

// GaussMapArgs are the arguments of gauss.ot_map and gauss.kr_map (T unused)
// and gauss.fm_map (T is the time t ∈ [0,1]).
type GaussMapArgs struct {
	S0 [][]float64 `json:"S0"`
	S1 [][]float64 `json:"S1"`
	T  *float64    `json:"t,omitempty"`
}

// MatrixResult is a d×d matrix A.
type MatrixResult struct {
	A [][]float64 `json:"A"`
}

// GaussFlowArgs are the arguments of gauss.flow.
type GaussFlowArgs struct {
	Energy string      `json:"energy"`
	C      [][]float64 `json:"C"`
}

// GaussFlowResult is the covariance velocity Ċ.
type GaussFlowResult struct {
	Cdot [][]float64 `json:"Cdot"`
}

// GMMScoreArgs are the arguments of gmm.score.
type GMMScoreArgs struct {
	W  []float64   `json:"w"`
	Mu [][]float64 `json:"mu"`
	S2 []float64   `json:"s2"`
	Z  [][]float64 `json:"z"`
}

// ScoreResult is ∇_z log p(z) at each query point.
type ScoreResult struct {
	Score [][]float64 `json:"score"`
}

// DenoiseArgs are the arguments of gmm.denoise.
type DenoiseArgs struct {
	W     []float64   `json:"w"`
	Mu    [][]float64 `json:"mu"`
	Sigma float64     `json:"sigma"`
	Z     [][]float64 `json:"z"`
}

// MeanResult is E[W | W + σY = z] at each query point.
type MeanResult struct {
	Mean [][]float64 `json:"mean"`
}

// VelocityArgs are the arguments of flow.velocity.
type VelocityArgs struct {
	Schedule string      `json:"schedule"`
	W        []float64   `json:"w"`
	Mu       [][]float64 `json:"mu"`
	Sigma    float64     `json:"sigma"`
	T        float64     `json:"t"`
	Z        [][]float64 `json:"z"`
}

// FieldResult is a vector field evaluated at each query point.
type FieldResult struct {
	V [][]float64 `json:"v"`
}

// DriftArgs are the arguments of drift.field.
type DriftArgs struct {
	X      [][]float64 `json:"x"`
	YPos   [][]float64 `json:"ypos"`
	YNeg   [][]float64 `json:"yneg"`
	Tau    float64     `json:"tau"`
	Kernel string      `json:"kernel"`
}

// AttnArgs are the arguments of attn.gamma.
type AttnArgs struct {
	Q [][]float64 `json:"Q"`
	K [][]float64 `json:"K"`
	V [][]float64 `json:"V"`
	X [][]float64 `json:"x"`
}

// GammaResult is the attention field at each token.
type GammaResult struct {
	Gamma [][]float64 `json:"gamma"`
}

// ARSampleArgs are the arguments of ar.sample.
type ARSampleArgs struct {
	P []float64 `json:"p"`
	U float64   `json:"u"`
}

// IndexResult is a 0-based index.
type IndexResult struct {
	Index int `json:"index"`
}

// Ops is the table of operations a claim runs against. See the package doc.
type Ops struct {
	EMD                func(EMDArgs) (EMDResult, error)
	EMD1D              func(EMD1DArgs) (CostResult, error)
	Assignment         func(AssignmentArgs) (AssignmentResult, error)
	Sinkhorn           func(SinkhornArgs) (SinkhornResult, error)
	SinkhornDivergence func(DivergenceArgs) (ValueResult, error)
	SlicedW2           func(SlicedArgs) (ValueResult, error)
	Quantile           func(QuantileArgs) (QuantileResult, error)
	Bures              func(BuresArgs) (BuresResult, error)
	GaussOTMap         func(GaussMapArgs) (MatrixResult, error)
	GaussKRMap         func(GaussMapArgs) (MatrixResult, error)
	GaussFMMap         func(GaussMapArgs) (MatrixResult, error)
	GaussFlow          func(GaussFlowArgs) (GaussFlowResult, error)
	GMMScore           func(GMMScoreArgs) (ScoreResult, error)
	GMMDenoise         func(DenoiseArgs) (MeanResult, error)
	FlowVelocity       func(VelocityArgs) (FieldResult, error)
	DriftField         func(DriftArgs) (FieldResult, error)
	AttnGamma          func(AttnArgs) (GammaResult, error)
	ARSample           func(ARSampleArgs) (IndexResult, error)

	// Features lists the optional large-problem forms of protocol.md the
	// implementation accepts: FeaturePoints, FeatureSparsePlan.
	Features []string

	// Local holds Go-only hooks for constructions without an otv/1 op
	// (local.go); nil hooks mean the reference.
	Local LocalOps
}

// Optional features of protocol.md ("Large problems").
const (
	// FeaturePoints: ot.emd, ot.sinkhorn and ot.assignment accept x, y and
	// "cost": "sqeuclidean" in place of C.
	FeaturePoints = "points"
	// FeatureSparsePlan: ot.emd answers "plan_format": "sparse" with
	// [i, j, mass] triples; ot.sinkhorn answers "plan_format": "none" with
	// f and g only.
	FeatureSparsePlan = "sparse_plan"
)

// HasFeature reports whether the implementation advertises feature f.
func (o *Ops) HasFeature(f string) bool {
	for _, x := range o.Features {
		if x == f {
			return true
		}
	}
	return false
}

// Operation names of protocol.md.
const (
	OpEMD                = "ot.emd"
	OpEMD1D              = "ot.emd1d"
	OpAssignment         = "ot.assignment"
	OpSinkhorn           = "ot.sinkhorn"
	OpSinkhornDivergence = "ot.sinkhorn_divergence"
	OpSlicedW2           = "ot.sliced_w2"
	OpQuantile           = "ot1d.quantile"
	OpBures              = "gauss.bures"
	OpGaussOTMap         = "gauss.ot_map"
	OpGaussKRMap         = "gauss.kr_map"
	OpGaussFMMap         = "gauss.fm_map"
	OpGaussFlow          = "gauss.flow"
	OpGMMScore           = "gmm.score"
	OpGMMDenoise         = "gmm.denoise"
	OpFlowVelocity       = "flow.velocity"
	OpDriftField         = "drift.field"
	OpAttnGamma          = "attn.gamma"
	OpARSample           = "ar.sample"
)
