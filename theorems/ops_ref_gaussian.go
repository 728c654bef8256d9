package theorems

import (
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/gaussian"
	"github.com/otverify/otverify/reference/gmanifold"
	"gonum.org/v1/gonum/mat"
)

// Reference entries of the Gaussian operations of protocol.md (gauss.bures,
// gauss.ot_map, gauss.kr_map, gauss.fm_map, gauss.flow), backed by
// reference/gaussian and reference/gmanifold. Matrices are read with
// numerics.SymFromRows (square, finite, symmetric within 1e-12 relative);
// positive (semi)definiteness is checked by the reference functions. Every
// rejection wraps numerics.ErrInvalid ("invalid" over otv/1).

func init() {
	registerReference(func(o *Ops) {
		o.Bures = refBures
		o.GaussOTMap = refGaussOTMap
		o.GaussKRMap = refGaussKRMap
		o.GaussFMMap = refGaussFMMap
		o.GaussFlow = refGaussFlow
	})
}

// gsSymArg reads a symmetric d×d matrix argument (any d if d < 0).
func gsSymArg(name string, M [][]float64, d int) (*mat.SymDense, error) {
	if _, _, _, err := CheckMatrix(name, M, d, d); err != nil {
		return nil, err
	}
	S, err := numerics.SymFromRows(M)
	if err != nil {
		return nil, numerics.Invalidf("%s: %v", name, err)
	}
	return S, nil
}

// gsCovPair reads S0 and S1 of one dimension.
func gsCovPair(S0, S1 [][]float64) (*mat.SymDense, *mat.SymDense, error) {
	A, err := gsSymArg("S0", S0, -1)
	if err != nil {
		return nil, nil, err
	}
	B, err := gsSymArg("S1", S1, A.SymmetricDim())
	if err != nil {
		return nil, nil, err
	}
	return A, B, nil
}

func refBures(a BuresArgs) (BuresResult, error) {
	S0, S1, err := gsCovPair(a.S0, a.S1)
	if err != nil {
		return BuresResult{}, err
	}
	d := S0.SymmetricDim()
	if err := CheckVector("m0", a.M0, d); err != nil {
		return BuresResult{}, err
	}
	if err := CheckVector("m1", a.M1, d); err != nil {
		return BuresResult{}, err
	}
	w, err := gaussian.W2Sq(a.M0, S0, a.M1, S1)
	if err != nil {
		return BuresResult{}, err
	}
	return BuresResult{W2Sq: w}, nil
}

func refGaussOTMap(a GaussMapArgs) (MatrixResult, error) {
	S0, S1, err := gsCovPair(a.S0, a.S1)
	if err != nil {
		return MatrixResult{}, err
	}
	A, err := gaussian.BrenierMap(S0, S1)
	if err != nil {
		return MatrixResult{}, err
	}
	return MatrixResult{A: numerics.ToRows(A)}, nil
}

func refGaussKRMap(a GaussMapArgs) (MatrixResult, error) {
	S0, S1, err := gsCovPair(a.S0, a.S1)
	if err != nil {
		return MatrixResult{}, err
	}
	A, err := gaussian.KnotheRosenblattMap(S0, S1)
	if err != nil {
		return MatrixResult{}, err
	}
	return MatrixResult{A: numerics.ToRows(A)}, nil
}

func refGaussFMMap(a GaussMapArgs) (MatrixResult, error) {
	S0, S1, err := gsCovPair(a.S0, a.S1)
	if err != nil {
		return MatrixResult{}, err
	}
	if a.T == nil {
		return MatrixResult{}, numerics.Invalidf("t is missing")
	}
	if err := CheckScalar("t", *a.T, 0, 1, false, false); err != nil {
		return MatrixResult{}, err
	}
	A, err := gaussian.FlowMatchingMap(S0, S1, *a.T)
	if err != nil {
		return MatrixResult{}, err
	}
	return MatrixResult{A: numerics.ToRows(A)}, nil
}

func refGaussFlow(a GaussFlowArgs) (GaussFlowResult, error) {
	e, err := gmanifold.ParseEnergy(a.Energy)
	if err != nil {
		return GaussFlowResult{}, err
	}
	C, err := gsSymArg("C", a.C, -1)
	if err != nil {
		return GaussFlowResult{}, err
	}
	V, err := gmanifold.CovarianceVelocity(e, C)
	if err != nil {
		return GaussFlowResult{}, err
	}
	return GaussFlowResult{Cdot: numerics.ToRows(V)}, nil
}
