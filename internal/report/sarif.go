package report

import (
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/rule"
)

// SARIF 2.1.0, as GitHub code scanning and Azure DevOps read it.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Results     []sarifResult     `json:"results"`
	Invocations []sarifInvocation `json:"invocations"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation map[string]string `json:"artifactLocation"`
	Region           sarifRegion       `json:"region"`
}

type sarifRegion struct {
	StartLine   int       `json:"startLine"`
	StartColumn int       `json:"startColumn"`
	EndLine     int       `json:"endLine"`
	EndColumn   int       `json:"endColumn"`
	Snippet     sarifText `json:"snippet"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

func sarifRuleOf(r rule.Rule) sarifRule {
	help := r.Description
	if r.Remediation != "" {
		help += "\n\nHow to fix: " + r.Remediation
	}
	sr := sarifRule{
		ID:                   r.ID,
		Name:                 ruleName(r.ID),
		ShortDescription:     sarifText{Text: r.Description},
		FullDescription:      sarifText{Text: r.Description},
		Help:                 sarifText{Text: help, Markdown: "**" + r.Description + "**\n\nHow to fix: " + r.Remediation},
		DefaultConfiguration: map[string]any{"level": "error"},
	}
	tags := append([]string{"security", "secret"}, r.Tags...)
	sr.Properties = map[string]any{"tags": tags, "security-severity": "9.0", "precision": "high"}
	return sr
}

// ruleName turns "github-pat" into "GithubPat", the form SARIF viewers show.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// sarifURI makes a relative URI reference from a slash-separated path.
func sarifURI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

func writeSARIF(w io.Writer, r Report, opts Options) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "leakhound",
			InformationURI: "https://github.com/leakhound/leakhound",
			Version:        r.Version,
			Rules:          []sarifRule{},
		}},
		Results:     []sarifResult{},
		Invocations: []sarifInvocation{{ExecutionSuccessful: !r.Incomplete}},
	}
	index := map[string]int{}
	for _, ru := range r.Rules {
		index[ru.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(ru))
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		idx, ok := index[f.RuleID]
		if !ok {
			idx = len(run.Tool.Driver.Rules)
			index[f.RuleID] = idx
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(rule.Rule{ID: f.RuleID, Description: f.Description, Remediation: f.Remediation, Tags: f.Tags}))
		}
		run.Results = append(run.Results, sarifResultOf(f, idx, opts.NoRedact))
	}
	for _, w := range r.Warnings {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications,
			sarifNotification{Level: "warning", Message: sarifText{Text: w}})
	}
	for _, p := range r.Problems {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications,
			sarifNotification{Level: "error", Message: sarifText{Text: p}})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

func sarifResultOf(f *finding.Finding, ruleIndex int, noRedact bool) sarifResult {
	j := ToJSON(f, noRedact)
	secret := j.Secret
	res := sarifResult{
		RuleID:    f.RuleID,
		RuleIndex: ruleIndex,
		Level:     "error",
		Message:   sarifText{Text: f.Description + ": " + secret},
		Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
			ArtifactLocation: map[string]string{"uri": sarifURI(f.Path)},
			Region: sarifRegion{
				StartLine: f.Line, StartColumn: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn,
				Snippet: sarifText{Text: secret},
			},
		}}},
		PartialFingerprints: map[string]string{"leakhound/v1": f.Fingerprint()},
		Properties:          map[string]any{"secret": secret, "checksum": j.Checksum, "entropy": j.Entropy},
	}
	if archive, member, ok := f.InArchive(); ok {
		// a member's lines are not the archive file's: the result is
		// placed on the file, and says which member holds the secret
		loc := &res.Locations[0].PhysicalLocation
		loc.ArtifactLocation["uri"] = sarifURI(archive)
		loc.Region = sarifRegion{StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 1, Snippet: sarifText{Text: secret}}
		res.Message.Text += " (in archive member " + member + ", line " + strconv.Itoa(f.Line) + ")"
		res.Properties["member"] = member
		res.Properties["memberLine"] = f.Line
	}
	if c := f.Commit; c != nil {
		res.Properties["commit"] = j.Commit
		res.Properties["author"] = j.Author
		res.Properties["email"] = j.Email
		res.Properties["date"] = j.Date
		res.Message.Text += " (introduced in commit " + short(c.ID) + ")"
	}
	if f.Verification != nil {
		res.Properties["verification"] = f.Verification
	}
	if f.IsAccepted() {
		res.Properties["suppressed"] = f.Accepted.String()
	}
	return res
}
