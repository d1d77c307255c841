package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
)

// JSONFinding is the documented JSON shape of a finding (README "JSON schema").
type JSONFinding struct {
	Rule         string                `json:"rule"`
	Description  string                `json:"description"`
	Path         string                `json:"path"`
	Line         int                   `json:"line"`
	Column       int                   `json:"column"`
	EndLine      int                   `json:"end_line"`
	EndColumn    int                   `json:"end_column"`
	Secret       string                `json:"secret"`
	Redacted     *bool                 `json:"redacted,omitempty"`
	Fingerprint  string                `json:"fingerprint"`
	Entropy      float64               `json:"entropy"`
	Checksum     finding.Checksum      `json:"checksum"`
	Decoded      string                `json:"decoded,omitempty"`
	Location     string                `json:"location,omitempty"`
	Commit       string                `json:"commit,omitempty"`
	Author       string                `json:"author,omitempty"`
	Email        string                `json:"email,omitempty"`
	Date         string                `json:"date,omitempty"`
	Message      string                `json:"message,omitempty"`
	Verification *finding.Verification `json:"verification,omitempty"`
	Suppressed   string                `json:"suppressed,omitempty"`
}

// ToJSON converts a finding to its JSON shape.
func ToJSON(f *finding.Finding, noRedact bool) JSONFinding {
	redacted := !noRedact
	j := JSONFinding{
		Rule:         f.RuleID,
		Description:  f.Description,
		Path:         f.Path,
		Line:         f.Line,
		Column:       f.Column,
		EndLine:      f.EndLine,
		EndColumn:    f.EndColumn,
		Secret:       secretText(f, noRedact),
		Redacted:     &redacted,
		Fingerprint:  f.Fingerprint(),
		Entropy:      math.Round(f.Entropy*100) / 100,
		Checksum:     f.Checksum,
		Decoded:      f.Decoded,
		Location:     f.Location,
		Verification: f.Verification,
		Suppressed:   f.Accepted.String(),
	}
	if c := f.Commit; c != nil {
		j.Commit, j.Author, j.Email, j.Message = c.ID, c.Author, c.Email, c.Message
		if !c.Date.IsZero() {
			j.Date = c.Date.Format(time.RFC3339)
		}
	}
	return j
}

func writeJSON(w io.Writer, r Report, opts Options, lines bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if lines {
		for i := range r.Findings {
			if err := enc.Encode(ToJSON(&r.Findings[i], opts.NoRedact)); err != nil {
				return err
			}
		}
		return nil
	}
	out := make([]JSONFinding, 0, len(r.Findings))
	for i := range r.Findings {
		out = append(out, ToJSON(&r.Findings[i], opts.NoRedact))
	}
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// ReadJSON reads the findings of a json (array) or jsonl report.
func ReadJSON(r io.Reader) ([]JSONFinding, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(data)
	var out []JSONFinding
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &out); err != nil {
			return nil, fmt.Errorf("not a leakhound JSON report: %w", err)
		}
		return out, nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	for {
		var f JSONFinding
		if err := dec.Decode(&f); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("not a leakhound JSONL report: %w", err)
		}
		out = append(out, f)
	}
}
