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
		Scope:   "GitHub pull_request: the pull request's commits (base..head)",
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

// Paths, descriptions and verdicts come from the content scanned: in a job
// summary they must stay text, never links, HTML, emphasis or new columns.
func TestMarkdownEscapes(t *testing.T) {
	r := sampleReport()
	r.Findings[0].Path = "a|b/<img src=x onerror=alert(1)>/[x](https://evil.example)/``tick``.env"
	r.Findings[0].Verification.Owner = "<b>x</b> | [y](z)"
	r.Problems = []string{"big.bin: **larger** than 50MiB <script>"}
	var b bytes.Buffer
	if err := Write(&b, r, Options{Format: "markdown"}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<img", "<b>", "<script>", "](https", "](z)", "**larger**", fakeToken} {
		if strings.Contains(out, bad) && !insideCode(out, bad) {
			t.Errorf("markdown keeps %q outside a code span:\n%s", bad, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| `") {
			// five cells: six unescaped pipes
			if n := strings.Count(line, "|") - strings.Count(line, "\\|"); n != 6 {
				t.Errorf("row has %d cell separators, want 6: %s", n, line)
			}
		}
	}
}

// insideCode reports whether every occurrence of s in md lies inside a
// code span opened on the same line.
func insideCode(md, s string) bool {
	for _, line := range strings.Split(md, "\n") {
		i := strings.Index(line, s)
		if i < 0 {
			continue
		}
		if strings.Count(line[:i], "`")%2 == 0 {
			return false
		}
	}
	return true
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
	// other control characters are escaped: a log viewer would run them
	f.Path = "evil\x1b[2J.env"
	if gh := Annotation("github", &f); strings.Contains(gh, "\x1b") || !strings.Contains(gh, `file=evil\x1b[2J.env`) {
		t.Errorf("GitHub annotation with an escape sequence: %q", gh)
	}
	if az := Annotation("azure", &f); strings.Contains(az, "\x1b") {
		t.Errorf("Azure annotation with an escape sequence: %q", az)
	}
	f.Path = "dir,with:odd%chars\nx.env"
	az := Annotation("azure", &f)
	if strings.Contains(az, fakeToken) || strings.Contains(az, "\n") || !strings.HasPrefix(az, "##vso[task.logissue type=error;") {
		t.Errorf("Azure annotation: %s", az)
	}
	if Annotation("", &f) != "" {
		t.Error("no platform, no annotation")
	}
}

// A finding in an archive member is placed on the archive file (a
// member's lines are not the file's), naming the member and its line.
func TestArchiveMembersArePlacedOnTheArchive(t *testing.T) {
	r := sampleReport()
	f := &r.Findings[0]
	f.Path, f.Archive, f.Line = "dist/app.zip!conf/app.env", "dist/app.zip", 7
	r.Findings = r.Findings[:1]
	var buf bytes.Buffer
	if err := writeSARIF(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`"uri": "dist/app.zip"`, `"startLine": 1,`, `in archive member conf/app.env, line 7`, `"member": "conf/app.env"`} {
		if !strings.Contains(out, want) {
			t.Errorf("SARIF lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, `"uri": "dist/app.zip!`) {
		t.Errorf("SARIF names a path GitHub cannot place:\n%s", out)
	}
	gh := Annotation("github", f)
	if !strings.Contains(gh, "file=dist/app.zip,line=1,") || !strings.Contains(gh, "in archive member conf/app.env, line 7") {
		t.Errorf("GitHub annotation: %s", gh)
	}
	if az := Annotation("azure", f); !strings.Contains(az, "sourcepath=dist/app.zip;linenumber=1;") {
		t.Errorf("Azure annotation: %s", az)
	}
}
