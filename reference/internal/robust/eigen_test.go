package robust

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

// The matrix on which gonum v0.17.0's EigenSym returned an eigenvalue
// 3.2e122 (vectors) or panicked (values only): the covariance of two
// weighted points with coordinates of order 1e-117.
var graded = mat.NewSymDense(4, []float64{
	4.81391659079824e-237, 7.705667585669548e-121, -1.0432288423675714e-119, -9.711512132585391e-119,
	0, 0.00012334512204539974, -0.0016699031907684919, -0.01554528061224487,
	0, 0, 0.02260792012117347, 0.21045918367346939,
	0, 0, 0, 1.9591836734693875})

func TestDecomposeGraded(t *testing.T) {
	lam, V, err := Decompose(graded)
	if err != nil {
		t.Fatal(err)
	}
	if !verified(graded, lam, V) {
		t.Fatalf("not verified: %v", lam)
	}
	// tr and the largest eigenvalue are known: the matrix has rank ≤ 2
	// (two points), so two eigenvalues are ≈ 0 and the others sum to tr.
	tr := mat.Trace(graded)
	if math.Abs(lam[2]+lam[3]-tr) > 1e-14 || math.Abs(lam[0]) > 1e-15 || math.Abs(lam[1]) > 1e-15 {
		t.Errorf("eigenvalues %v, trace %g", lam, tr)
	}
	R, err := Sqrt(graded)
	if err != nil {
		t.Fatal(err)
	}
	var P mat.Dense
	P.Mul(R, R)
	if e := numerics.MatMaxAbsDiff(&P, graded); e > 1e-14 {
		t.Errorf("Sqrt² − S = %g", e)
	}
}

func TestJacobiAgreesWithLapack(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, d := range []int{1, 2, 5, 12} {
		S, _ := numerics.RandomSPD(d, rng, 1e6)
		l1, V1 := jacobi(S)
		if !verified(S, l1, V1) {
			t.Errorf("d=%d: Jacobi not verified", d)
		}
		l2, _, ok := lapack(S)
		for i := range l1 {
			if !ok || math.Abs(l1[i]-l2[i]) > 1e-9*l2[d-1] {
				t.Errorf("d=%d: eigenvalue %d: Jacobi %g, LAPACK %g", d, i, l1[i], l2[i])
			}
		}
	}
	if err := CheckSPD(mat.NewSymDense(2, []float64{1, 0, 0, -1})); err == nil {
		t.Error("indefinite matrix accepted")
	}
}

func TestSVD(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, d := range []int{1, 3, 6} {
		A := mat.NewDense(d, d, nil)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				A.Set(i, j, rng.NormFloat64())
			}
		}
		// Rank-deficient too.
		B := mat.DenseCopyOf(A)
		for i := 0; i < d; i++ {
			B.Set(i, 0, 0)
		}
		for _, M := range []*mat.Dense{A, B} {
			s1, U1, V1 := hestenes(M)
			if !svdVerified(M, s1, U1, V1) {
				t.Errorf("d=%d: one-sided Jacobi not verified: %v", d, s1)
			}
			s2, _, _, err := SVD(M)
			if err != nil {
				t.Fatal(err)
			}
			for i := range s1 {
				if math.Abs(s1[i]-s2[i]) > 1e-12*s2[0] {
					t.Errorf("d=%d: σ_%d: Jacobi %g, SVD %g", d, i, s1[i], s2[i])
				}
			}
		}
	}
}
