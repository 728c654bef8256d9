package numerics

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every error that reports bad input (shape
// mismatch, non-finite entries, negative weights, …). Callers such as the
// otv/1 server branch on it with errors.Is to answer "invalid" rather than
// "failed".
var ErrInvalid = errors.New("invalid input")

// ErrNotConverged is wrapped by errors of iterative methods that stopped
// before reaching their tolerance; the message states the residual reached.
var ErrNotConverged = errors.New("not converged")

// Invalidf returns an error wrapping ErrInvalid with a formatted message.
func Invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
