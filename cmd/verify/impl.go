package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/otverify/otverify/protocol"
	"github.com/otverify/otverify/reports"
	"github.com/otverify/otverify/theorems"
)

func cmdImpl(stdout, stderr io.Writer, args []string) (int, error) {
	fs := flag.NewFlagSet("impl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rf runFlags
	rf.register(fs)
	command := fs.String("cmd", "", "the implementation's command line, run with sh -c (required)")
	timeout := fs.Duration("timeout", 10*time.Second, "time allowed for each request; a child that exceeds it is killed and restarted (default 5m with --tier large)")
	helloTimeout := fs.Duration("hello-timeout", 30*time.Second, "time allowed for start-up and hello")
	maxMsg := fs.Int("max-message", protocol.DefaultMaxMessage, "largest response line accepted, in bytes")
	robust := fs.Bool("robustness", false, "also send the bad-input battery of protocol.md and report findings")
	strict := fs.Bool("strict", false, "with --robustness, robustness findings fail the run (exit 1)")
	if err := rf.parse(fs, args); err != nil {
		return 2, err
	}
	timeoutSet := false
	fs.Visit(func(f *flag.Flag) { timeoutSet = timeoutSet || f.Name == "timeout" })
	if rf.tier == "large" && !timeoutSet {
		// One large request (ot.emd at n = 8000, an assignment at 4000)
		// takes peer libraries tens of seconds.
		*timeout = 5 * time.Minute
	}
	if *command == "" {
		return 2, errors.New("--cmd is required, e.g. --cmd \"go run ./cmd/verify serve\"")
	}
	if _, err := theorems.Select(rf.families, rf.claims, rf.ops); err != nil {
		return 2, err
	}
	repro := fmt.Sprintf("%s impl --cmd %s", self(), shellQuote(*command))
	opts := rf.options(repro)
	opts.SkipOpless = true

	start := time.Now()
	client, err := protocol.Start(protocol.ClientOptions{Command: *command, Timeout: *timeout,
		HelloTimeout: *helloTimeout, MaxMessage: *maxMsg})
	impl := &reports.Implementation{Command: *command, Ops: []string{}}
	if err != nil {
		// The implementation never became usable: a protocol fault.
		impl.Faults = append(impl.Faults, err.Error())
		rep := reports.New("impl", opts, nil, time.Since(start))
		rep.Implementation = impl
		rep.Summary.Error++
		if werr := writeReport(stdout, rep, rf); werr != nil {
			return 2, werr
		}
		return 1, nil
	}
	// No child outlives the verifier, even on an interrupt.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	stopSig := make(chan struct{})
	go func() {
		select {
		case <-sig:
			client.Close()
			os.Exit(2)
		case <-stopSig:
		}
	}()
	defer func() {
		signal.Stop(sig)
		close(stopSig)
		client.Close()
	}()

	h := client.Hello()
	impl.Name, impl.Version, impl.Ops = h.Name, h.Version, append([]string{}, h.Ops...)
	for _, op := range h.Ops {
		if _, ok := theorems.LookupOp(op); !ok {
			impl.Faults = append(impl.Faults, fmt.Sprintf("hello lists unknown op %q (ignored)", op))
		}
	}
	ops := client.Ops()
	if len(rf.ops) > 0 {
		ops = ops.Restrict(rf.ops)
	}
	results, err := rf.runTier(&ops, opts)
	if err != nil {
		return 2, err
	}
	for i := range results {
		markProtocolErrors(&results[i])
	}
	var findings []reports.Finding
	cases := 0
	// The battery is the same in every shard: only shard 0 sends it, so
	// that merged shard reports list each finding once.
	if *robust && shardIndex(rf.shard) == 0 {
		findings = protocol.Robustness(client, ops.List())
		cases = protocol.RobustnessCases(ops.List())
	}
	rep := reports.New("impl", opts, results, time.Since(start))
	impl.Faults = append(impl.Faults, client.Faults()...)
	impl.StderrTail = client.StderrTail()
	rep.Implementation = impl
	rep.Robustness = findings
	rep.RobustnessCases = cases
	rep.Shard = rf.shard
	if err := writeReport(stdout, rep, rf); err != nil {
		return 2, err
	}
	code := exitCode(rep, true)
	if *strict && len(findings) > 0 && code == 0 {
		code = 1
	}
	return code, nil
}

// markProtocolErrors turns a claim failure caused by a protocol violation
// (crash, timeout, garbage) into status "error": the claim was not
// falsified, the implementation broke the protocol while answering it.
func markProtocolErrors(r *theorems.Result) {
	if r.Status == theorems.Fail && strings.Contains(r.Message, "protocol violation") {
		r.Status = theorems.Error
	}
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`;&|<>()*?[]#~!{}") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shardIndex is i of --shard i/n, 0 when unsharded.
func shardIndex(shard string) int {
	if shard == "" {
		return 0
	}
	i, _, _ := reports.ParseShard(shard)
	return i
}
