// Package numerics holds the numerical building blocks of otverify: stable
// log-sum-exp and softmax, symmetric matrix functions, ODE integrators,
// quadrature, seeded sampling, two-sample statistics, finite differences and
// tolerance comparisons. It depends on gonum only.
//
// Conventions: float64 throughout; matrices given as [][]float64 are
// row-major (a slice of rows, all of one length); randomness only through an
// explicit *rand.Rand; bad input returns an error wrapping ErrInvalid, never a
// panic or a silently returned NaN.
package numerics
