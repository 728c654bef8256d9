package theorems

// SetElementLimit lowers the limit of CheckElements for a test and returns
// the function that restores it (tests of limits_test.go, package
// theorems_test).
func SetElementLimit(n int) (restore func()) {
	old := elementLimit
	elementLimit = n
	return func() { elementLimit = old }
}
