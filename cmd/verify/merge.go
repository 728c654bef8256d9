package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/otverify/otverify/reports"
)

func cmdMerge(stdout, stderr io.Writer, args []string) (int, error) {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rf runFlags
	fs.StringVar(&rf.format, "format", "json", "output format: json, text, junit or md")
	fs.StringVar(&rf.out, "out", "", "write the merged report to this file (default stdout)")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() == 0 {
		return 2, errors.New("usage: verify merge [--format F] [--out FILE] REPORT.json…")
	}
	var parts []*reports.Report
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			return 2, err
		}
		r, err := reports.ReadJSON(f)
		f.Close()
		if err != nil {
			return 2, err
		}
		parts = append(parts, r)
	}
	merged, err := reports.Merge(parts)
	if err != nil {
		return 2, err
	}
	switch rf.format {
	case "text", "json", "junit", "md":
	default:
		return 2, fmt.Errorf("unknown format %q (text, json, junit or md)", rf.format)
	}
	if err := writeReport(stdout, merged, rf); err != nil {
		return 2, err
	}
	return exitCode(merged, merged.Mode == "impl"), nil
}
