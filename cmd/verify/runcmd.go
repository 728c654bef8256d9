package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/otverify/otverify/reports"
	"github.com/otverify/otverify/theorems"
)

// runFlags are the flags shared by `run` and `impl`.
type runFlags struct {
	families, claims, ops listFlag
	checks                int
	seed                  uint64
	budget                time.Duration
	shrink                time.Duration
	format, out           string
	verbose               bool
	parallel              int
	shard                 string
	tier                  string
	budgetSet             bool
}

func (rf *runFlags) register(fs *flag.FlagSet) {
	fs.Var(&rf.families, "family", "only claims of these families (comma-separated)")
	fs.Var(&rf.claims, "claim", "only these claim ids (comma-separated; a trailing * matches a prefix)")
	fs.Var(&rf.ops, "ops", "only claims exercising these ops (comma-separated)")
	fs.IntVar(&rf.checks, "checks", 100, "random instances per claim")
	fs.Uint64Var(&rf.seed, "seed", 1, "seed of the instance generator (same seed, same report)")
	fs.DurationVar(&rf.budget, "budget", 60*time.Second, "wall-time budget of the whole run")
	fs.DurationVar(&rf.shrink, "shrink-time", 10*time.Second, "time allowed to shrink one counterexample")
	fs.StringVar(&rf.format, "format", "text", "report format: text, json, junit or md")
	fs.StringVar(&rf.out, "out", "", "write the report to this file (default stdout)")
	fs.BoolVar(&rf.verbose, "v", false, "verbose text report (closeness to tolerance, witnesses)")
	fs.IntVar(&rf.parallel, "parallel", 0, "claims run at once (default GOMAXPROCS; results do not depend on it)")
	fs.StringVar(&rf.tier, "tier", "property", "property: random small instances, shrunk (default); large: a fixed ladder of production sizes with cheap certificates")
	fs.StringVar(&rf.shard, "shard", "", "run only shard i/n of the selected claims (round-robin over the catalog order); combine the JSON reports with `verify merge`")
}

func (rf *runFlags) validate() error {
	if rf.checks <= 0 {
		return fmt.Errorf("--checks must be positive")
	}
	if rf.seed == 0 {
		return fmt.Errorf("--seed must be nonzero (0 would make rapid pick a random seed)")
	}
	if rf.budget <= 0 {
		return fmt.Errorf("--budget must be positive")
	}
	switch rf.format {
	case "text", "json", "junit", "md":
	default:
		return fmt.Errorf("unknown format %q (text, json, junit or md)", rf.format)
	}
	if rf.shard != "" {
		if _, _, err := reports.ParseShard(rf.shard); err != nil {
			return err
		}
	}
	switch rf.tier {
	case "property", "large":
	default:
		return fmt.Errorf("unknown tier %q (property or large)", rf.tier)
	}
	return nil
}

// largeBudget is the default budget of the large tier, whose sizes are
// meant to take minutes, not seconds.
const largeBudget = 5 * time.Minute

// parseRunFlags parses and validates; it records whether --budget was given.
func (rf *runFlags) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "budget" {
			rf.budgetSet = true
		}
	})
	if rf.tier == "large" && !rf.budgetSet {
		rf.budget = largeBudget
	}
	return rf.validate()
}

// selectLarge applies the filters and the shard to the large tier.
func (rf *runFlags) selectLarge() ([]theorems.LargeCheck, error) {
	if _, err := theorems.Select(rf.families, rf.claims, rf.ops); err != nil {
		return nil, err
	}
	checks := theorems.SelectLarge(rf.families, rf.claims)
	if rf.shard != "" {
		i, n, _ := reports.ParseShard(rf.shard)
		var mine []theorems.LargeCheck
		for k, c := range checks {
			if k%n == i {
				mine = append(mine, c)
			}
		}
		checks = mine
	}
	return checks, nil
}

// runTier runs the selected tier against ops.
func (rf *runFlags) runTier(ops *theorems.Ops, opts theorems.Options) ([]theorems.Result, error) {
	if rf.tier == "large" {
		checks, err := rf.selectLarge()
		if err != nil {
			return nil, err
		}
		return theorems.RunLarge(checks, ops, opts), nil
	}
	claims, err := rf.selectClaims()
	if err != nil {
		return nil, err
	}
	if len(claims) == 0 && rf.shard == "" {
		return nil, fmt.Errorf("no claim selected")
	}
	return theorems.Run(claims, ops, opts), nil
}

// selectClaims applies the filters and the shard.
func (rf *runFlags) selectClaims() ([]*theorems.Claim, error) {
	claims, err := theorems.Select(rf.families, rf.claims, rf.ops)
	if err != nil {
		return nil, err
	}
	if rf.shard != "" {
		i, n, _ := reports.ParseShard(rf.shard)
		var mine []*theorems.Claim
		for k, c := range claims {
			if k%n == i {
				mine = append(mine, c)
			}
		}
		claims = mine
	}
	return claims, nil
}

func (rf *runFlags) options(repro string) theorems.Options {
	return theorems.Options{Seed: rf.seed, Checks: rf.checks, Budget: rf.budget, ShrinkTime: rf.shrink,
		Parallel: rf.parallel, Repro: repro}
}

func cmdRun(stdout, stderr io.Writer, args []string) (int, error) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rf runFlags
	rf.register(fs)
	if err := rf.parse(fs, args); err != nil {
		return 2, err
	}
	ops := theorems.ReferenceOps()
	opts := rf.options(self() + " run")
	start := time.Now()
	results, err := rf.runTier(&ops, opts)
	if err != nil {
		return 2, err
	}
	rep := reports.New("reference", opts, results, time.Since(start))
	rep.Shard = rf.shard
	if err := writeReport(stdout, rep, rf); err != nil {
		return 2, err
	}
	return exitCode(rep, false), nil
}

// exitCode: 1 if a claim was falsified; a claim in error is our own fault
// when checking the reference (2) and a protocol fault of the
// implementation when checking another program (1).
func exitCode(rep *reports.Report, impl bool) int {
	switch {
	case rep.Summary.Error > 0 && !impl:
		return 2
	case rep.Summary.Fail > 0 || rep.Summary.Error > 0:
		return 1
	}
	return 0
}

func writeReport(stdout io.Writer, rep *reports.Report, rf runFlags) error {
	var buf bytes.Buffer
	var err error
	switch rf.format {
	case "json":
		err = reports.WriteJSON(&buf, rep)
	case "junit":
		err = reports.WriteJUnit(&buf, rep)
	case "md":
		err = reports.WriteMarkdown(&buf, rep)
	default:
		err = reports.WriteText(&buf, rep, rf.verbose)
	}
	if err != nil {
		return err
	}
	if rf.out == "" {
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(rf.out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	s := rep.Summary
	_, err = fmt.Fprintf(stdout, "%d passed, %d failed, %d skipped, %d errors; report written to %s\n", s.Pass, s.Fail, s.Skip, s.Error, rf.out)
	return err
}
