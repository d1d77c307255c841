package cli

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/source/git"
)

// While the walk goes on, the total is marked as growing and no time left
// is guessed from it.
func TestHistoryProgress(t *testing.T) {
	var stats git.Stats
	stats.Commits.Store(10)
	stats.TotalCommits.Store(40)
	line := historyProgress(&stats)(2)
	if !strings.Contains(line, "commits 10/40+ ") || !strings.HasSuffix(line, "eta ?") {
		t.Errorf("walking: %q", line)
	}
	stats.WalkDone.Store(true)
	line = historyProgress(&stats)(2)
	if !strings.Contains(line, "commits 10/40 ") || !strings.HasSuffix(line, "eta 6s") {
		t.Errorf("walked: %q", line)
	}
}
