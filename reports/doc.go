// Package reports holds the run model of otverify and its writers: text for
// people, JSON and JUnit XML for machines, Markdown for documents. A Report
// is deterministic for a given seed apart from its timing fields
// (duration_s, and the machine block), which Normalize zeroes.
package reports
