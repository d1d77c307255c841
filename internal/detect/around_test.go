package detect

import (
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/rule"
)

// windowedRule compiles expr as a rule and says whether its atoms narrow
// where it runs.
func windowedRule(t testing.TB, expr string) (*compiledRule, bool) {
	t.Helper()
	r, err := compileRule(rule.Rule{ID: "x", Regex: expr}, 0)
	if err != nil {
		return nil, false
	}
	r.byWords = true // as an imported rule: atoms may also decide whether to run
	if r.compile() != nil {
		return nil, false
	}
	return r, len(r.atoms().atoms) > 0
}

// sameMatches checks that running r only around its atoms finds what
// running it on the whole content finds.
func sameMatches(t testing.TB, r *compiledRule, content []byte, n int) {
	t.Helper()
	got, want := r.findAll(content, n), r.findAllIn(content, n)
	if !slices.EqualFunc(got, want, slices.Equal[[]int]) {
		t.Fatalf("rule %q over %q: around its atoms %v, whole %v", r.Regex, content, got, want)
	}
}

// windowsAlways makes windows be used however much of the content they
// cover, for the length of a test.
func windowsAlways(t testing.TB) {
	share, minContent := windowedShare, aroundMinContent
	windowedShare, aroundMinContent = 1<<20, 0
	t.Cleanup(func() { windowedShare, aroundMinContent = share, minContent })
}

func TestAroundAtomsFindsTheSame(t *testing.T) {
	windowsAlways(t)
	cfg, err := config.Load(config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	exprs := []string{
		`(?i)[\w.-]{0,50}?(?:jfrog|xray)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|:)[\x60'"\s=]{0,5}([a-z0-9]{12})(?:[\x60'"\s;]|$)`,
		`\b((?:hvs\.[\w-]{10,12}|s\.(?i:[a-z0-9]{4})))(?:[\x60'"\s;]|\\[nr]|$)`,
		`\b((?:A3T[A-Z0-9]|AKIA|ASIA)[A-Z2-7]{6})\b`,
		`\b(ey[a-zA-Z0-9]{3,}\.ey[a-zA-Z0-9]{3,})`,
		`^key=(\w{4})$`, `(?m)^key=(\w{4})$`, `key(\d{3})`, `(?i)tok(\d{2})(\w{0,3})`,
	}
	for _, r := range cfg.Rules {
		exprs = append(exprs, r.Regex)
	}
	texts := []string{
		"", "key=abcd", "xkey=abcd", "key=abcd\nkey=efgh\n KEY=ijkl",
		"JFROG_TOKEN = 'abcdef123456' and xray: 0123456789ab\n",
		"s.abcd s.ABCD hvs.0123456789ab; s.ab",
		"AKIAABCDEFG ASIAABCDEF2 A3TXABCDEF xAKIAABCDEF",
		"eyabc.eydef eyJhbGciOi.eyJzdWIi",
		"key123key456 key7 key999", "tok12abc TOK34 tok5",
		strings.Repeat("filler ", 300) + "key=zzzz " + strings.Repeat("x", 5000) + "\nkey=yyyy",
	}
	windowed := 0
	for _, expr := range exprs {
		r, ok := windowedRule(t, expr)
		if r == nil {
			t.Fatalf("%s does not compile", expr)
		}
		if ok {
			windowed++
		}
		for _, text := range texts {
			for _, n := range []int{1, 2, 1000} {
				sameMatches(t, r, []byte(text), n)
			}
		}
	}
	if windowed < len(exprs)/2 {
		t.Errorf("only %d of %d rules run around atoms", windowed, len(exprs))
	}
}

// A window is no longer than the rule's match bound allows, so a rule
// examining little of a large content runs on little of it.
func TestAroundAtomsNarrows(t *testing.T) {
	r, ok := windowedRule(t, `\bkey(\d{3})\b`)
	if !ok {
		t.Fatal("the rule should run around its atom")
	}
	content := []byte(strings.Repeat("filler text ", 1000) + " key123 " + strings.Repeat("more filler ", 1000))
	wins, whole := r.atoms().windows(content)
	if whole || len(wins) != 1 || wins[0].end-wins[0].start > 3*len("key123")+2 {
		t.Errorf("windows %v (whole %v)", wins, whole)
	}
	if wins, whole := r.atoms().windows([]byte(strings.Repeat("filler ", 100))); whole || wins != nil {
		t.Errorf("no atom: windows %v (whole %v), want none", wins, whole)
	}
	if _, whole := r.atoms().windows([]byte(strings.Repeat("key1 ", 100))); !whole {
		t.Error("atoms everywhere: the whole content should be searched")
	}
}

func FuzzAroundAtoms(f *testing.F) {
	f.Add(`key(\d{3})`, []byte("key123 key45 KEY678"))
	f.Add(`\b(?i:tok)[a-z]{2}\b`, []byte("TOKab tokcd\ntokef"))
	f.Add(`(?m)^s\.[a-z]{4}$`, []byte("s.abcd\nxs.abcd\ns.ab"))
	windowsAlways(f)
	f.Fuzz(func(t *testing.T, expr string, content []byte) {
		if len(expr) > 64 || len(content) > 4096 {
			return
		}
		if _, err := rule.Captures(expr); err != nil {
			return
		}
		r, ok := windowedRule(t, expr)
		if !ok {
			return
		}
		for _, n := range []int{1, 3, 1000} {
			sameMatches(t, r, content, n)
		}
	})
}
