package detect

import (
	"testing"

	"github.com/leakhound/leakhound/internal/config"
	re2 "github.com/wasilibs/go-re2"
	"github.com/wasilibs/go-re2/experimental"
)

// FuzzRelaxedSetExpr holds the relaxed patterns of the default rules
// (relax.SetExpr, when they were generated) to their purpose: wherever RE2 (as the Set reads patterns, Latin-1) finds a
// rule's regex, it finds the relaxed pattern too, so the Set never keeps a
// rule from running where it would match.
func FuzzRelaxedSetExpr(f *testing.F) {
	files, err := config.ParseDefaults()
	if err != nil {
		f.Fatal(err)
	}
	type pair struct{ orig, relaxed *re2.Regexp }
	var pairs []pair
	for _, file := range files {
		for _, r := range file.Rules {
			relaxed := r.SetRegex
			if relaxed == "" {
				continue
			}
			pairs = append(pairs, pair{experimental.MustCompileLatin1(r.Regex), experimental.MustCompileLatin1(relaxed)})
			for _, ex := range r.Examples.Match {
				f.Add([]byte(ex))
			}
		}
	}
	if len(pairs) == 0 {
		f.Fatal("no default rule is relaxed")
	}
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\n" + "QUJD\n" + "-----END RSA PRIVATE KEY-----"))
	f.Fuzz(func(t *testing.T, content []byte) {
		for _, p := range pairs {
			if p.orig.Match(content) && !p.relaxed.Match(content) {
				t.Fatalf("%q matches %q, its relaxed %q does not", p.orig, content, p.relaxed)
			}
		}
	})
}
