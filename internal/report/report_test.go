package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/rule"
)

// -update rewrites the golden files from the writers' current output.
// Review the diff before committing it: the files are the formats' contract.
var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

// Fixed token-shaped values: not real, and not valid GitHub tokens (their
// checksums are wrong), so nothing here is a secret.
const (
	fakeToken    = "ghp_aaaaBBBBccccDDDDeeeeFFFFggggHHHH1234"
	fakeAnaconda = "cf-00000000-0000-4000-8000-000000000000"
)

func sampleReport() Report {
	date := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	return Report{
		Version: "1.2.3",
		Rules: []rule.Rule{
			{ID: "github-pat", Description: "GitHub personal access token (classic)", Remediation: "Delete the token at https://github.com/settings/tokens.", Tags: []string{"github"}},
			{ID: "anaconda-env-token", Description: "Anaconda token", Remediation: "Revoke it at https://anaconda.org.", Tags: []string{"anaconda"}},
		},
		Targets:  []string{"app.env", "ci.yml", "clean.txt"},
		Warnings: []string{"policy change in the range: .leakhoundignore is added; it is not applied"},
		Findings: []finding.Finding{
			{
				RuleID: "github-pat", Description: "GitHub personal access token (classic)",
				Remediation: "Delete the token at https://github.com/settings/tokens.",
				Path:        "app.env", Line: 2, Column: 14, EndLine: 2, EndColumn: 54,
				ContextBefore: "GITHUB_TOKEN=", ContextAfter: " # prod",
				Secret: finding.Secret(fakeToken), Entropy: 4.71, Checksum: finding.ChecksumValid,
				Commit:       &finding.Commit{ID: strings.Repeat("ab", 20), Author: "Ada", Email: "ada@example.com", Date: date, Message: "add config"},
				Verification: &finding.Verification{Status: finding.Live, Owner: "octocat", Scopes: []string{"repo"}, CheckedAt: date},
			},
			{
				RuleID: "github-pat", Description: "GitHub personal access token (classic)",
				Path: "app.env", Line: 5, Column: 7, EndLine: 5, EndColumn: 67,
				ContextBefore: "BLOB: ", Offset: 100, End: 160,
				Secret: finding.Secret(fakeToken), Entropy: 4.71, Checksum: finding.ChecksumValid, Decoded: "base64",
			},
			{
				RuleID: "anaconda-env-token", Description: "Anaconda token",
				Path: "ci.yml", Line: 3, Column: 18, EndLine: 3, EndColumn: 57,
				ContextBefore: "  BINSTAR_TOKEN: ",
				Secret:        finding.Secret(fakeAnaconda), Entropy: 3.1, Checksum: finding.ChecksumNone,
				Accepted: finding.Acceptance{By: finding.AcceptedByIgnoreFile, Entry: ".leakhoundignore:1 (ci.yml:*:*)"},
			},
		},
	}
}

func TestGolden(t *testing.T) {
	for _, format := range Formats {
		for _, noRedact := range []bool{false, true} {
			name := format
			if noRedact {
				name += "-no-redact"
			}
			t.Run(name, func(t *testing.T) {
				var b bytes.Buffer
				if err := Write(&b, sampleReport(), Options{Format: format, NoRedact: noRedact, Hint: "To commit without the secret: ..."}); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", "golden", name+".golden")
				if *update {
					if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
				}
				if !bytes.Equal(b.Bytes(), want) {
					t.Errorf("%s output differs from %s (if intended, run go test ./internal/report -update and review the diff):\n%s", format, path, b.String())
				}
				whole := strings.Contains(b.String(), fakeToken) || strings.Contains(b.String(), fakeAnaconda)
				if whole != noRedact {
					t.Errorf("secret shown whole: %v, want %v", whole, noRedact)
				}
			})
		}
	}
}

func TestSortIsDeterministic(t *testing.T) {
	a := sampleReport().Findings
	b := []finding.Finding{a[2], a[1], a[0]}
	Sort(b)
	for i := range a {
		if a[i].Path != b[i].Path || a[i].Line != b[i].Line {
			t.Fatalf("order %d: %s:%d, want %s:%d", i, b[i].Path, b[i].Line, a[i].Path, a[i].Line)
		}
	}
}

func TestAnnotationEscapesAndRedacts(t *testing.T) {
	f := sampleReport().Findings[0]
	f.Path = "dir,with:odd%chars\nx.env"
	gh := Annotation("github", &f)
	if strings.Contains(gh, fakeToken) || strings.Contains(gh, "\n") || !strings.Contains(gh, "file=dir%2Cwith%3Aodd%25chars%0Ax.env") {
		t.Errorf("GitHub annotation: %s", gh)
	}
	az := Annotation("azure", &f)
	if strings.Contains(az, fakeToken) || strings.Contains(az, "\n") || !strings.HasPrefix(az, "##vso[task.logissue type=error;") {
		t.Errorf("Azure annotation: %s", az)
	}
	if Annotation("", &f) != "" {
		t.Error("no platform, no annotation")
	}
}
