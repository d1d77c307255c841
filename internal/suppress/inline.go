// Package suppress owns the ways a team says "this secret is known and
// accepted": inline markers on the secret's line, the .leakhoundignore file
// and baselines. Allowlists ("this is not a secret") live in config.
package suppress

import (
	"bytes"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/source"
)

// InlineMarkers are the comments that accept a secret on their own line.
// gitleaks:allow and detect-secrets' pragma are honoured for migrating teams.
var InlineMarkers = []string{"leakhound:allow", "gitleaks:allow", "pragma: allowlist secret"}

const markerWindow = 4096

// Inline reports which marker, if any, appears on the lines that hold the
// finding's secret in content.
func Inline(content []byte, f *finding.Finding) (string, bool) {
	start, end := f.Offset, f.End
	if end < start {
		end = start + len(f.Secret.Reveal())
	}
	if start < 0 || end > len(content) {
		return "", false
	}
	// Markers are looked for on the secret's line, within markerWindow
	// bytes of it.
	ls, le := source.LineSpan(content, start, end, markerWindow)
	line := content[ls:le]
	for _, m := range InlineMarkers {
		if bytes.Contains(line, []byte(m)) {
			return "inline " + m, true
		}
	}
	return "", false
}
