package kernel

import (
	"fmt"
	"os"
	"strings"

	"github.com/klauspost/cpuid/v2"
)

// Instruction-set levels, in increasing order of speed.
const (
	lvlGeneric = iota
	lvlAVX2
	lvlAVX512
)

var levelNames = [...]string{lvlGeneric: "generic", lvlAVX2: "avx2", lvlAVX512: "avx512"}

var (
	// maxLevel is the best level this binary and this CPU support.
	maxLevel = detect()
	// level is the variant in use.
	level = initialLevel()
)

// detect returns the best level the CPU (and the operating system, which
// must save the wide registers; cpuid checks XCR0) supports, or generic
// when the assembly is not compiled in.
func detect() int {
	if !asmAvailable {
		return lvlGeneric
	}
	switch {
	case cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX2, cpuid.FMA3):
		return lvlAVX512
	case cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3):
		return lvlAVX2
	}
	return lvlGeneric
}

// initialLevel applies OTV_NOASM and OTV_KERNEL to the detected level.
func initialLevel() int {
	l := maxLevel
	if v := os.Getenv("OTV_KERNEL"); v != "" {
		if k, ok := parseLevel(v); ok && k <= maxLevel {
			l = k
		}
	}
	if v := os.Getenv("OTV_NOASM"); v != "" && v != "0" {
		l = lvlGeneric
	}
	return l
}

func parseLevel(name string) (int, bool) {
	for k, n := range levelNames {
		if strings.EqualFold(name, n) {
			return k, true
		}
	}
	return 0, false
}

// Variant returns the variant in use: "avx512", "avx2" or "generic".
func Variant() string { return levelNames[level] }

// Variants returns the variants this binary can run on this CPU, from the
// portable one to the fastest (e.g. [generic avx2 avx512]).
func Variants() []string {
	return append([]string(nil), levelNames[:maxLevel+1]...)
}

// SetVariant selects a variant by name (one of Variants()) and returns a
// function that restores the previous one. It is meant for tests and
// benchmarks that compare variants in one process, and must not be called
// while kernels run on other goroutines.
func SetVariant(name string) (restore func(), err error) {
	k, ok := parseLevel(name)
	if !ok || k > maxLevel {
		return nil, fmt.Errorf("kernel: variant %q not available (have %s)", name, strings.Join(Variants(), ", "))
	}
	prev := level
	level = k
	return func() { level = prev }, nil
}

// labelFeatures are the CPU features relevant to the kernels, in the order
// Features lists them.
var labelFeatures = []cpuid.FeatureID{
	cpuid.SSE2, cpuid.SSE4, cpuid.AVX, cpuid.AVX2, cpuid.FMA3,
	cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW, cpuid.AVX512VL,
}

// Features returns the CPU's features that matter to the kernels, lower
// case and comma-separated in a fixed order (e.g.
// "sse2,sse4,avx,avx2,fma3,avx512f,avx512dq,avx512bw,avx512vl"), for the
// "cpu-features:" configuration line of benchmark output.
func Features() string {
	var out []string
	for _, f := range labelFeatures {
		if cpuid.CPU.Supports(f) {
			out = append(out, strings.ToLower(f.String()))
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ",")
}

// CPU returns the processor's brand name as reported by CPUID (empty on
// other architectures).
func CPU() string { return strings.TrimSpace(cpuid.CPU.BrandName) }
