// Package report owns the output formats: text for people, json, jsonl,
// SARIF and JUnit for tools, Markdown for CI job summaries, and the CI log
// annotations. Writers never print a secret whole unless asked, and they
// order findings deterministically.
package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/rule"
)

// Formats lists the supported --format values.
var Formats = []string{"text", "json", "jsonl", "sarif", "junit", "markdown"}

// Options shape a report.
type Options struct {
	Format   string
	NoRedact bool
	Color    bool
	// Hint is a line of advice printed after text findings (e.g. how to
	// unstage), empty for none.
	Hint string
}

// Report is what a scan produced.
type Report struct {
	Findings []finding.Finding
	// Incomplete is set when the scan was interrupted or could not read
	// everything it was asked to.
	Incomplete bool
	// Problems say what could not be scanned and why.
	Problems []string
	// Warnings are things a reader of the report must know that did not
	// stop the scan, such as a change to the policy files inside a CI
	// range (listed, never applied to it).
	Warnings []string
	// Rules are the rules in force (SARIF lists them).
	Rules []rule.Rule
	// Targets name what was scanned (JUnit makes a test case of each).
	Targets []string
	// Version is leakhound's version, for SARIF's tool record.
	Version string
	// Scope says what was scanned and why (the Markdown summary shows it).
	Scope string
}

// Sort orders findings by path, position, rule and commit, so output does not
// depend on worker scheduling.
func Sort(fs []finding.Finding) {
	slices.SortStableFunc(fs, func(a, b finding.Finding) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.RuleID, b.RuleID),
			commitTime(a).Compare(commitTime(b)),
			cmp.Compare(commitID(a), commitID(b)),
		)
	})
}

func commitTime(f finding.Finding) time.Time {
	if f.Commit == nil {
		return time.Time{}
	}
	return f.Commit.Date
}

func commitID(f finding.Finding) string {
	if f.Commit == nil {
		return ""
	}
	return f.Commit.ID
}

// Write renders r to w in the chosen format.
func Write(w io.Writer, r Report, opts Options) error {
	switch opts.Format {
	case "", "text":
		return writeText(w, r, opts)
	case "json":
		return writeJSON(w, r, opts, false)
	case "jsonl":
		return writeJSON(w, r, opts, true)
	case "sarif":
		return writeSARIF(w, r, opts)
	case "junit":
		return writeJUnit(w, r, opts)
	case "markdown":
		return writeMarkdown(w, r, opts)
	}
	return fmt.Errorf("unknown format %q", opts.Format)
}

func secretText(f *finding.Finding, noRedact bool) string {
	if noRedact {
		return f.Secret.Reveal()
	}
	return f.Secret.String()
}
