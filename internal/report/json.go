package report

import (
	"encoding/json"
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
	Fingerprint  string                `json:"fingerprint"`
	Entropy      float64               `json:"entropy"`
	Checksum     string                `json:"checksum"`
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
	j := JSONFinding{
		Rule:         f.RuleID,
		Description:  f.Description,
		Path:         f.Path,
		Line:         f.Line,
		Column:       f.Column,
		EndLine:      f.EndLine,
		EndColumn:    f.EndColumn,
		Secret:       secretText(f, noRedact),
		Fingerprint:  f.Fingerprint(),
		Entropy:      math.Round(f.Entropy*100) / 100,
		Checksum:     f.Checksum,
		Decoded:      f.Decoded,
		Location:     f.Location,
		Verification: f.Verification,
		Suppressed:   f.Suppressed,
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
