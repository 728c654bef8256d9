package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/otverify/otverify/internal/kernel"
	"github.com/otverify/otverify/reports"
)

const benchUsage = `usage: verify bench [--count N] [--out FILE] [--bench REGEXP] [--benchtime D] [--kernel V]

Runs the kernel benchmarks (go test -bench over ./benches/ of the otverify
source tree, so the Go toolchain and the source are needed) and writes their
results in the standard Go benchmark format, headed by the configuration
lines cpu-features and kernel, to FILE (default
reports/bench/<UTC time>-<kernel>.txt under the module root). Progress goes
to stdout as go test prints it. Compare two such files with verify compare.

`

// benchGoCommand builds the go test command; tests replace it.
var benchGoCommand = func(dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = env
	return cmd
}

func cmdBench(stdout, stderr io.Writer, args []string) (int, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, benchUsage); fs.PrintDefaults() }
	count := fs.Int("count", 6, "runs of each benchmark (the U test needs ≥ 4 per side for p < 0.05; 6 or more is better)")
	out := fs.String("out", "", "output file (default reports/bench/<UTC time>-<kernel>.txt under the module root)")
	bench := fs.String("bench", ".", "benchmarks to run (go test -bench regexp)")
	benchtime := fs.String("benchtime", "1s", "time or iterations per benchmark run (go test -benchtime)")
	pkg := fs.String("pkg", "./benches/", "package of the benchmarks")
	variant := fs.String("kernel", "", "kernel variant to force: generic, avx2 or avx512 (sets OTV_KERNEL; default: the fastest the CPU has)")
	dir := fs.String("C", "", "otverify module root (default: found from the working directory upwards)")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() > 0 {
		return 2, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *count < 1 {
		return 2, fmt.Errorf("--count must be ≥ 1")
	}
	env := os.Environ()
	label := kernel.Variant()
	if *variant != "" {
		if !contains(kernel.Variants(), *variant) {
			return 2, fmt.Errorf("--kernel %q: this machine has %s", *variant, strings.Join(kernel.Variants(), ", "))
		}
		env = append(env, "OTV_KERNEL="+*variant, "OTV_NOASM=")
		label = *variant
	}
	root := *dir
	if root == "" {
		var err error
		if root, err = moduleRoot(); err != nil {
			return 2, err
		}
	}
	path := *out
	if path == "" {
		path = filepath.Join(root, "reports", "bench", time.Now().UTC().Format("20060102-150405")+"-"+label+".txt")
	}

	var buf bytes.Buffer
	cmd := benchGoCommand(root, env, "test", "-run", "^$", "-bench", *bench, "-benchmem",
		"-count", fmt.Sprint(*count), "-benchtime", *benchtime, *pkg)
	cmd.Stdout = io.MultiWriter(stdout, &buf)
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return 2, fmt.Errorf("go test -bench failed: %w", err)
	}
	res, units, err := reports.ReadBenchResults(path, &buf)
	if err != nil {
		return 2, err
	}
	if len(res) == 0 {
		return 2, fmt.Errorf("no benchmark matched %q", *bench)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 2, err
	}
	var file bytes.Buffer
	if err := reports.WriteBenchResults(&file, res, units); err != nil {
		return 2, err
	}
	if err := os.WriteFile(path, file.Bytes(), 0o644); err != nil {
		return 2, err
	}
	fmt.Fprintf(stderr, "verify bench: %d results written to %s\n", len(res), path)
	return 0, nil
}

// moduleRoot returns the directory of the otverify go.mod at or above the
// working directory.
func moduleRoot() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("module github.com/otverify/otverify")) {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("not inside the otverify source tree (no go.mod of github.com/otverify/otverify above the working directory); use -C DIR")
		}
		d = parent
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
