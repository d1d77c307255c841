package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML, as Azure Pipelines' PublishTestResults and GitLab's
// artifacts:reports:junit read it: one test case per scanned target, a
// failure per file that holds findings (each finding in its message), and an
// error case when something was not scanned.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName string         `xml:"classname,attr"`
	Name      string         `xml:"name,attr"`
	Failures  []junitFailure `xml:"failure"`
	Error     *junitFailure  `xml:"error"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func writeJUnit(w io.Writer, r Report, opts Options) error {
	byTarget := map[string]*junitCase{}
	var cases []*junitCase
	target := func(name string) *junitCase {
		if c, ok := byTarget[name]; ok {
			return c
		}
		c := &junitCase{ClassName: "leakhound", Name: name}
		byTarget[name] = c
		cases = append(cases, c)
		return c
	}
	for _, t := range r.Targets {
		target(t)
	}
	failures := 0
	for i := range r.Findings {
		f := &r.Findings[i]
		c := target(f.Path)
		if f.IsAccepted() {
			continue // listed with --show-suppressed, but it does not fail the run
		}
		var detail strings.Builder
		fmt.Fprintf(&detail, "%s:%d:%d: %s\nsecret: %s\n", f.Path, f.Line, f.Column, f.Description, secretText(f, opts.NoRedact))
		if f.Commit != nil {
			fmt.Fprintf(&detail, "commit: %s by %s <%s>\n", f.Commit.ID, f.Commit.Author, f.Commit.Email)
		}
		if f.Verification != nil {
			fmt.Fprintf(&detail, "verify: %s\n", verificationText(f.Verification))
		}
		if f.Remediation != "" {
			fmt.Fprintf(&detail, "fix: %s\n", f.Remediation)
		}
		msg := fmt.Sprintf("%s at line %d: %s", f.RuleID, f.Line, secretText(f, opts.NoRedact))
		// one failure per test case (a file): JUnit readers count
		// failures by test case, so more findings extend the one failure
		if len(c.Failures) == 0 {
			c.Failures = append(c.Failures, junitFailure{Message: msg, Type: f.RuleID, Text: detail.String()})
			failures++
			continue
		}
		prev := &c.Failures[0]
		prev.Message += "; " + msg
		if prev.Type != f.RuleID {
			prev.Type = "leakhound"
		}
		prev.Text += "\n" + detail.String()
	}
	errs := 0
	if len(r.Problems) > 0 {
		c := target("leakhound: content that could not be scanned")
		c.Error = &junitFailure{Message: fmt.Sprintf("%d path(s) could not be scanned", len(r.Problems)), Type: "incomplete", Text: strings.Join(r.Problems, "\n")}
		errs = 1
	}
	suite := junitSuite{Name: "leakhound", Tests: len(cases), Failures: failures, Errors: errs}
	for _, c := range cases {
		suite.Cases = append(suite.Cases, *c)
	}
	out := junitSuites{Name: "leakhound", Tests: suite.Tests, Failures: failures, Errors: errs, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
