package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/otverify/otverify/protocol"
	"github.com/otverify/otverify/theorems"
)

// vectorsVersion is written into every vector file; bump it when the
// generator changes the cases on purpose.
const vectorsVersion = "1"

func cmdVectors(stdout, stderr io.Writer, args []string) (int, error) {
	fs := flag.NewFlagSet("vectors", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "write the vectors into this directory (one <family>_test.json per op family)")
	check := fs.String("check", "", "replay the vectors of this directory")
	command := fs.String("cmd", "", "with --check: the implementation to replay against (default: the reference, in process)")
	timeout := fs.Duration("timeout", 10*time.Second, "with --cmd: time allowed for each request")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() > 0 || (*out == "") == (*check == "") {
		return 2, errors.New("give exactly one of --out DIR and --check DIR")
	}
	ref := theorems.ReferenceOps()
	if *out != "" {
		files, err := protocol.GenerateVectors(&ref, vectorsVersion)
		if err != nil {
			return 2, err
		}
		if err := protocol.WriteVectors(*out, files); err != nil {
			return 2, err
		}
		n := 0
		for _, f := range files {
			n += f.NumberOfTests
		}
		fmt.Fprintf(stdout, "wrote %d vectors in %d files to %s\n", n, len(files), *out)
		return 0, nil
	}
	files, err := protocol.ReadVectors(*check)
	if err != nil {
		return 2, err
	}
	replay := protocol.InProcess(&ref)
	var offered []string
	if *command != "" {
		c, err := protocol.Start(protocol.ClientOptions{Command: *command, Timeout: *timeout})
		if err != nil {
			fmt.Fprintf(stdout, "PROTOCOL FAULT  %v\n", err)
			return 1, nil
		}
		defer c.Close()
		offered = c.Hello().Ops
		replay = func(op string, a json.RawMessage) (json.RawMessage, error) { return c.CallRaw(op, a) }
	}
	fails, n := protocol.CheckVectors(files, offered, replay)
	for _, f := range fails {
		fmt.Fprintf(stdout, "FAIL  %s tcId %d (%s): %s\n", f.Op, f.TcID, f.Case, f.Reason)
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", n-len(fails), len(fails))
	if len(fails) > 0 {
		return 1, nil
	}
	return 0, nil
}
