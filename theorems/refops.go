package theorems

import "sync"

var (
	refMu      sync.Mutex
	refSetters []func(*Ops)
)

// registerReference adds a function that fills some entries of the
// reference Ops table; each family's ops_ref_*.go file registers its own in
// init.
func registerReference(f func(*Ops)) {
	refMu.Lock()
	refSetters = append(refSetters, f)
	refMu.Unlock()
}

// ReferenceOps returns the reference implementation of every operation of
// protocol.md implemented so far, backed by the packages under reference/.
// Each entry validates its arguments as protocol.md requires and returns
// errors wrapping numerics.ErrInvalid for malformed input.
func ReferenceOps() Ops {
	refMu.Lock()
	defer refMu.Unlock()
	var o Ops
	for _, f := range refSetters {
		f(&o)
	}
	return o
}
