package figures

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var figDir = flag.String("figdir", "", "write every figure as <id>.svg and a page index.html into this directory")

var claimID = regexp.MustCompile(`^[a-z0-9]+\.[a-z0-9-]+$`)

// TestFigures builds every figure and checks that it is a well-formed SVG
// document drawn by gonum/plot with a caption, a source and claim ids.
func TestFigures(t *testing.T) {
	var page strings.Builder
	page.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"/><style>body{max-width:1200px;font:14px sans-serif} svg{max-width:100%;height:auto}</style></head><body>\n")
	for _, b := range Builders() {
		t.Run(b.ID, func(t *testing.T) {
			f, err := Build(b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if f.ID != b.ID || f.Title == "" || f.Caption == "" || f.Source == "" || len(f.Claims) == 0 {
				t.Fatalf("incomplete figure: id %q title %q caption %q source %q claims %v", f.ID, f.Title, f.Caption, f.Source, f.Claims)
			}
			for _, c := range f.Claims {
				if !claimID.MatchString(c) {
					t.Errorf("malformed claim id %q", c)
				}
			}
			if err := wellFormed(f.SVG); err != nil {
				t.Fatalf("SVG not well-formed: %v", err)
			}
			if !bytes.Contains(f.SVG, []byte("<svg")) || !bytes.Contains(f.SVG, []byte("Plotinum")) {
				t.Fatalf("not an SVG of gonum/plot's backend")
			}
			if *figDir != "" {
				if err := os.WriteFile(filepath.Join(*figDir, f.ID+".svg"), f.SVG, 0o644); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&page, "<h3>%s</h3>\n<img src=%q/>\n<p>%s</p>\n", f.Title, f.ID+".svg", f.Caption)
			}
		})
	}
	if *figDir != "" {
		page.WriteString("</body></html>\n")
		if err := os.WriteFile(filepath.Join(*figDir, "index.html"), []byte(page.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// TestDeterministic builds every figure twice: same pictures, same captions
// (fixed seeds, no map order, no clock).
func TestDeterministic(t *testing.T) {
	a, b := All(), All()
	for i := range a {
		if a[i].Err != "" {
			t.Errorf("%s: %s", a[i].ID, a[i].Err)
			continue
		}
		if !bytes.Equal(a[i].SVG, b[i].SVG) || a[i].Caption != b[i].Caption {
			t.Errorf("%s differs between two builds", a[i].ID)
		}
	}
}

func TestBuildUnknown(t *testing.T) {
	if _, err := Build("fig-nonesuch"); err == nil {
		t.Error("unknown figure id accepted")
	}
}
