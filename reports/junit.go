package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/otverify/otverify/theorems"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     float64      `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     float64     `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      float64       `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML: one testsuite per family, one
// testcase per claim (name = claim id), failures with the counterexample
// and the reproduction command in the body.
func WriteJUnit(w io.Writer, r *Report) error {
	root := junitSuites{Name: "otverify", Time: r.Duration}
	index := map[string]int{}
	for _, c := range r.Claims {
		i, ok := index[c.Family]
		if !ok {
			i = len(root.Suites)
			index[c.Family] = i
			root.Suites = append(root.Suites, junitSuite{Name: c.Family})
		}
		s := &root.Suites[i]
		jc := junitCase{Name: Label(c), Classname: "otverify." + c.Family, Time: c.Duration}
		switch c.Status {
		case theorems.Fail:
			jc.Failure = &junitMessage{Message: c.Message, Type: "falsified", Body: failureBody(c)}
			s.Failures++
		case theorems.Error:
			jc.Error = &junitMessage{Message: c.Message, Type: "error", Body: failureBody(c)}
			s.Errors++
		case theorems.Skip:
			jc.Skipped = &junitMessage{Message: c.Message}
			s.Skipped++
		default:
			jc.SystemOut = fmt.Sprintf("%d checks; %s", c.Checks, c.Statement)
		}
		s.Tests++
		s.Time += c.Duration
		s.Cases = append(s.Cases, jc)
	}
	for _, s := range root.Suites {
		root.Tests += s.Tests
		root.Failures += s.Failures
		root.Errors += s.Errors
		root.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func failureBody(c theorems.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "claim: %s\nsource: %s\ntolerance: %s\n", c.Statement, c.Source, c.Tolerance)
	if c.Counterexample != nil {
		fmt.Fprintf(&b, "counterexample: %s\n", compact(c.Counterexample, 4000))
	}
	if c.Repro != "" {
		fmt.Fprintf(&b, "reproduce: %s\n", c.Repro)
	}
	return b.String()
}
