package finding

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestSecretNeverPrintsWhole(t *testing.T) {
	const raw = "ghp_aaaaBBBBccccDDDDeeeeFFFFggggHHHH1234"
	s := Secret(raw)
	for _, got := range []string{fmt.Sprint(s), fmt.Sprintf("%v %s %q %#v", s, s, s, s), s.String()} {
		if strings.Contains(got, raw) {
			t.Errorf("printed whole: %s", got)
		}
	}
	b, _ := json.Marshal(struct{ S Secret }{s})
	if strings.Contains(string(b), raw) {
		t.Errorf("marshalled whole: %s", b)
	}
	if s.Reveal() != raw {
		t.Error("Reveal must return the secret")
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"short":                  "****",
		"exactly12ch":            "****",
		"ghp_0123456789abcdefXY": "ghp_...XY",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	f := Finding{Path: "a/b.env", RuleID: "github-pat", Secret: "x", Line: 9}
	g := f
	g.Line, g.Commit = 99, &Commit{ID: "abc"}
	if f.Fingerprint() != g.Fingerprint() {
		t.Error("the fingerprint must not depend on line or commit")
	}
	if want := "a/b.env:github-pat:" + SecretHash("x"); f.Fingerprint() != want || len(SecretHash("x")) != 16 {
		t.Errorf("Fingerprint() = %q, want %q", f.Fingerprint(), want)
	}
}

func TestAcceptance(t *testing.T) {
	var f Finding
	if f.IsAccepted() || f.Accepted.String() != "" {
		t.Error("the zero finding counts")
	}
	for _, tc := range []struct {
		a    Acceptance
		want string
	}{
		{Acceptance{AcceptedInline, "inline leakhound:allow"}, "inline leakhound:allow"},
		{Acceptance{AcceptedByIgnoreFile, ".leakhoundignore:2 (x:*:*)"}, "ignore file .leakhoundignore:2 (x:*:*)"},
		{Acceptance{AcceptedByBaseline, "base.txt:1"}, "baseline base.txt:1"},
	} {
		f.Accepted = tc.a
		if !f.IsAccepted() || f.Accepted.String() != tc.want {
			t.Errorf("%+v: accepted %v, %q", tc.a, f.IsAccepted(), f.Accepted.String())
		}
	}
}
