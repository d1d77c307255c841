package rule

import (
	"errors"
	"strings"
	"testing"
)

// Every problem is reported, each naming the key it is about.
func TestCheckNamesEachKey(t *testing.T) {
	r := Rule{ID: "bad", Regex: `(a`, Entropy: 9, Validate: "nope", SecretGroup: -1, Keywords: []string{""},
		Allow: Allow{RegexTarget: "everything", Regexes: []string{"("}}}
	keys := map[string]bool{}
	for _, err := range r.Check() {
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Fatalf("%v is not a FieldError", err)
		}
		if !strings.Contains(err.Error(), `rule "bad"`) {
			t.Errorf("%v does not name the rule", err)
		}
		keys[fe.Key] = true
	}
	for _, k := range []string{"regex", "entropy", "validate", "secret_group", "keywords", "allow"} {
		if !keys[k] {
			t.Errorf("no problem reported for %s (got %v)", k, keys)
		}
	}
	if errs := (&Rule{ID: "ok", Regex: `(x+)`}).Check(); len(errs) != 0 {
		t.Errorf("a good rule has problems: %v", errs)
	}
	if errs := (&Rule{ID: "has space", Regex: "x", SecretGroup: 2}).Check(); len(errs) != 2 {
		t.Errorf("want an id and a secret_group problem, got %v", errs)
	}
}

func TestAllowMerge(t *testing.T) {
	a := Allow{Paths: []string{"a"}, Stopwords: []string{"x"}, UnderKeys: []string{"secure"}}
	b := Allow{Paths: []string{"b"}, Regexes: []string{"r"}, RegexTarget: TargetLine}
	m := a.Merge(b)
	if len(m.Paths) != 2 || len(m.Regexes) != 1 || len(m.Stopwords) != 1 || len(m.UnderKeys) != 1 || m.RegexTarget != TargetLine {
		t.Errorf("Merge = %+v", m)
	}
	if (Allow{RegexTarget: TargetMatch}).Merge(b).RegexTarget != TargetMatch {
		t.Error("the first allowlist's target wins")
	}
}
