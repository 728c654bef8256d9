package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/otverify/otverify/theorems"
)

type listEntry struct {
	ID        string   `json:"id"`
	Family    string   `json:"family"`
	Title     string   `json:"title"`
	Source    string   `json:"source"`
	Statement string   `json:"statement"`
	Tolerance string   `json:"tolerance"`
	Kind      string   `json:"kind"`
	Ops       []string `json:"ops"`
}

func cmdList(stdout io.Writer, args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(stdout)
	format := fs.String("format", "text", "output format: text or json")
	var families listFlag
	fs.Var(&families, "family", "only these families (comma-separated)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	claims, err := theorems.Select(families, nil, nil)
	if err != nil {
		return err
	}
	entries := make([]listEntry, 0, len(claims))
	for _, c := range claims {
		kind := "property"
		if c.Kind == theorems.Existence {
			kind = "existence"
		}
		ops := c.Ops
		if ops == nil {
			ops = []string{}
		}
		entries = append(entries, listEntry{ID: c.ID, Family: c.Family(), Title: c.Title, Source: c.Source,
			Statement: c.Statement, Tolerance: c.Tolerance, Kind: kind, Ops: ops})
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"claims": entries})
	case "text":
		width := 0
		for _, e := range entries {
			width = max(width, len(e.ID))
		}
		for _, e := range entries {
			ops := strings.Join(e.Ops, ",")
			if ops == "" {
				ops = "(reference only)"
			}
			if _, err := fmt.Fprintf(stdout, "%-*s  %s  [%s]  ops: %s\n", width, e.ID, e.Title, e.Source, ops); err != nil {
				return err
			}
		}
		_, err := fmt.Fprintf(stdout, "\n%d claims in %d families\n", len(entries), len(theorems.Families()))
		return err
	default:
		return fmt.Errorf("unknown format %q (text or json)", *format)
	}
}
