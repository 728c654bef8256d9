package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/otverify/otverify/protocol"
	"github.com/otverify/otverify/theorems"
)

// version of the reference implementation reported in hello.
const version = "0.1.0"

func cmdServe(stdin io.Reader, stdout io.Writer, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stdout)
	maxMsg := fs.Int("max-message", protocol.DefaultMaxMessage, "largest request line accepted, in bytes (larger ones get an invalid error)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	ops := theorems.ReferenceOps()
	s := &protocol.Server{Ops: &ops, Name: "otverify-reference", Version: version, MaxMessage: *maxMsg, Features: ops.Features}
	return s.Serve(stdin, stdout)
}
