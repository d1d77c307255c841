package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/iostreams"
)

func TestVersionFromLdflags(t *testing.T) {
	defer func(v, c, d string) { Version, Commit, Date = v, c, d }(Version, Commit, Date)
	Version, Commit, Date = "v1.2.3", "0123456789abcdef", "2026-01-02T03:04:05Z"
	var out, errs bytes.Buffer
	e := &env{io: &iostreams.IO{Out: &out, Err: &errs}, getenv: func(string) string { return "" }}
	if err := runVersion(context.Background(), e, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"leakhound v1.2.3\n", "commit  0123456789abcdef\n", "built   2026-01-02T03:04:05Z\n", "go      go1."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
	if version() != "v1.2.3" {
		t.Errorf("version() = %q", version())
	}
}

func TestVersionWithoutInformationIsNotJustDevel(t *testing.T) {
	defer func(v, c, d string) { Version, Commit, Date = v, c, d }(Version, Commit, Date)
	Version, Commit, Date = "", "", ""
	b := buildInfo()
	if b.version == "" || b.goVersion == "" {
		t.Fatalf("buildInfo() = %+v", b)
	}
}

// A snapshot release build without a remote gets "none" and the zero time
// from the release tool; those are not a commit and a date.
func TestVersionIgnoresReleaseToolStandIns(t *testing.T) {
	defer func(v, c, d string) { Version, Commit, Date = v, c, d }(Version, Commit, Date)
	Version, Commit, Date = "v0.0.0-SNAPSHOT-none", "none", "0001-01-01T00:00:00Z"
	b := buildInfo()
	if b.commit == "none" || strings.HasPrefix(b.date, "0001") {
		t.Errorf("buildInfo() = %+v", b)
	}
}
