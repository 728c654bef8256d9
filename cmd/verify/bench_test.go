package main

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite the golden files of verify compare")

// The synthetic files in testdata/compare are deterministic: old.txt and
// noise.txt are eight runs of four kernel benchmarks with ±1.5% noise
// (different seeds), new.txt the same with LSECols slowed by 25%.

func TestCompareFlagsSlowedKernel(t *testing.T) {
	code, out, errOut := runCLI(t, "compare", "testdata/compare/old.txt", "testdata/compare/new.txt")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (regression); stderr %s", code, errOut)
	}
	golden := filepath.Join("testdata", "compare", "golden.txt")
	if *updateGolden {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("output differs from %s (go test ./cmd/verify -run Compare -update-golden rewrites it):\n%s", golden, out)
	}
	for _, s := range []string{"LSECols/impl=avx512/n=2000-2 [sec/op] +25.", "2 regression(s) beyond 5% at alpha 0.05"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	// A threshold above the slow-down, or a filter that leaves it out,
	// passes.
	if code, _, _ := runCLI(t, "compare", "testdata/compare/old.txt", "testdata/compare/new.txt", "--threshold", "30%"); code != 0 {
		t.Errorf("--threshold 30%%: exit %d, want 0", code)
	}
	if code, _, _ := runCLI(t, "compare", "--filter", "/impl:kernel", "testdata/compare/old.txt", "testdata/compare/new.txt"); code != 0 {
		t.Errorf("--filter /impl:kernel: exit %d, want 0", code)
	}
}

func TestCompareNoise(t *testing.T) {
	code, out, _ := runCLI(t, "compare", "testdata/compare/old.txt", "testdata/compare/noise.txt", "--alpha", "0.05", "--threshold", "0.05")
	if code != 0 || !strings.Contains(out, "0 regression(s)") {
		t.Errorf("noise only: exit %d\n%s", code, out)
	}
}

func TestCompareUsage(t *testing.T) {
	for _, args := range [][]string{
		{"compare"},
		{"compare", "testdata/compare/old.txt"},
		{"compare", "a", "b", "c"},
		{"compare", "testdata/compare/old.txt", "testdata/compare/nosuchfile.txt"},
		{"compare", "--threshold", "-3%", "testdata/compare/old.txt", "testdata/compare/new.txt"},
		{"compare", "--alpha", "2", "testdata/compare/old.txt", "testdata/compare/new.txt"},
		{"compare", "testdata/compare/old.txt", "bench_test.go"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("verify %v: exit %d, want 2", args, code)
		}
	}
}

// TestBench runs verify bench with a stand-in for go test that prints
// canned benchmark output (running the real benchmarks takes minutes: make
// bench does that).
func TestBench(t *testing.T) {
	old := benchGoCommand
	defer func() { benchGoCommand = old }()
	var gotArgs []string
	benchGoCommand = func(dir string, env []string, args ...string) *exec.Cmd {
		gotArgs = args
		return exec.Command("cat", filepath.Join("testdata", "compare", "old.txt"))
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "sub", "run.txt")
	code, stdout, stderr := runCLI(t, "bench", "--count", "3", "--bench", "Exp", "--out", out, "-C", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(strings.Join(gotArgs, " "), "test -run ^$ -bench Exp -benchmem -count 3") {
		t.Errorf("go arguments %q", gotArgs)
	}
	if !strings.Contains(stdout, "BenchmarkExp") {
		t.Error("go test output not passed through")
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"cpu-features: ", "kernel: avx512", "BenchmarkLSECols/impl=avx512/n=2000-2", "Unit GB/s better=higher"} {
		if !strings.Contains(string(b), s) {
			t.Errorf("written file lacks %q", s)
		}
	}
	// The file it wrote compares with itself without a regression.
	if code, _, _ := runCLI(t, "compare", out, out); code != 0 {
		t.Errorf("self-compare: exit %d", code)
	}
	// A failing go test is exit 2; so are bad flags.
	benchGoCommand = func(dir string, env []string, args ...string) *exec.Cmd { return exec.Command("false") }
	if code, _, _ := runCLI(t, "bench", "--out", out, "-C", dir); code != 2 {
		t.Errorf("failing go test: exit %d, want 2", code)
	}
	for _, args := range [][]string{{"bench", "--count", "0"}, {"bench", "--kernel", "sse9"}, {"bench", "extra"}} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("verify %v: exit %d, want 2", args, code)
		}
	}
}
