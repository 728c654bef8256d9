package benches

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/otverify/otverify/internal/kernel"
)

// TestMain prints the configuration lines of the Go benchmark format that
// group results by machine and kernel variant (benchstat splits tables on
// differing configuration values): cpu-features lists the instruction-set
// extensions the kernels care about, kernel the variant the dispatcher
// chose (OTV_KERNEL or OTV_NOASM=1 change it; so does -tags noasm). They
// are printed only when benchmarks run, before any result line.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		fmt.Print(configLines())
	}
	os.Exit(m.Run())
}

// configLines returns the "key: value" lines that head the benchmark
// output, and unit metadata lines saying which custom metrics are better
// higher (verify compare reads them).
func configLines() string {
	return fmt.Sprintf("cpu-features: %s\nkernel: %s\n", kernel.Features(), kernel.Variant()) +
		"Unit GB/s better=higher\nUnit Gexp/s better=higher\nUnit GFLOP/s better=higher\nUnit iter/s better=higher\n"
}
