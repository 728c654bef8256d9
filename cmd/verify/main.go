// Command verify checks transport-based generative modelling code against
// the claims of its source documents.
//
// Usage:
//
//	verify                  same as `verify run` with the default budget
//	verify list             the catalog: id, family, title, source, ops
//	verify run              every claim against the reference implementation
//	verify impl --cmd "…"   the same claims against another program over otv/1
//	verify serve            the reference as an otv/1 server on stdin/stdout
//	verify merge R…         combine the JSON reports of `--shard i/n` runs
//	verify vectors          write (--out DIR) or replay (--check DIR) test vectors
//	verify report           an HTML report: the catalog's status and the documents' figures
//	verify bench            run the kernel benchmarks; write Go benchmark format under reports/bench/
//	verify compare OLD NEW  benchstat comparison of two benchmark files; exit 1 on a significant regression
//	verify help             this text
//
// Exit codes: 0 every selected claim holds; 1 a claim was falsified (or an
// implementation under test broke the protocol); 2 usage or internal error.
//
// Examples:
//
//	$ verify run --family discrete,entropic --checks 200 --seed 7
//	$ verify run --claim entropic.gibbs-form --format json --out report.json
//	$ verify list --format json
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	os.Exit(run(os.Stdin, os.Stdout, os.Stderr, os.Args[1:]))
}

// errUsage marks errors that are the caller's (exit 2 after the usage line).
var errUsage = errors.New("usage")

const usage = `usage: verify <command> [flags]

commands:
  run      check every claim against the reference implementation (default)
  impl     check another implementation over otv/1: verify impl --cmd "…"
  list     print the catalog of claims
  merge    combine the JSON reports of --shard i/n runs into one
  vectors  write test vectors (--out DIR) or replay them (--check DIR [--cmd "…"])
  report   write an HTML report of the catalog with the documents' figures (--out report.html)
  serve    serve the reference implementation over otv/1 on stdin/stdout
  bench    run the kernel benchmarks, write Go benchmark format under reports/bench/ (--count N --out FILE)
  compare  compare two benchmark files as benchstat (OLD NEW --threshold 5% --alpha 0.05); exit 1 on a regression
  help     print this text

Run 'verify <command> -h' for the flags of a command.
Exit codes: 0 all claims hold, 1 a claim falsified, 2 usage or internal error.
`

// run is the whole program: it returns the exit code.
func run(stdin io.Reader, stdout, stderr io.Writer, args []string) int {
	cmd := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	code := 0
	switch cmd {
	case "run":
		code, err = cmdRun(stdout, stderr, args)
	case "impl":
		code, err = cmdImpl(stdout, stderr, args)
	case "merge":
		code, err = cmdMerge(stdout, stderr, args)
	case "report":
		code, err = cmdReport(stdout, stderr, args)
	case "vectors":
		code, err = cmdVectors(stdout, stderr, args)
	case "list":
		err = cmdList(stdout, args)
	case "serve":
		err = cmdServe(stdin, stdout, args)
	case "bench":
		code, err = cmdBench(stdout, stderr, args)
	case "compare":
		code, err = cmdCompare(stdout, stderr, args)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "verify: unknown command %q\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "verify %s: %v\n", cmd, err)
		return 2
	}
	return code
}

// self is how the user invoked this program, for reproduction commands.
func self() string {
	a0 := os.Args[0]
	if strings.Contains(a0, "go-build") || strings.HasPrefix(filepath.Base(a0), "verify.test") {
		return "go run ./cmd/verify"
	}
	return filepath.Base(a0)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// listFlag accumulates repeated or comma-separated values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error {
	*l = append(*l, splitList(s)...)
	return nil
}
