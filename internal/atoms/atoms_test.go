package atoms

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	lit := func(s string) Atom { return Atom{Text: s} }
	fold := func(s string) Atom { return Atom{Text: s, Fold: true} }
	for _, tc := range []struct {
		expr   string
		atoms  []Atom
		maxLen int
	}{
		{`ghp_[A-Za-z0-9]{36}`, []Atom{lit("ghp_")}, 40},
		{`(?i)token`, []Atom{fold("token")}, 5},
		{`(?i)\b(to)(ken)\b`, []Atom{fold("token")}, 5},
		{`\b(ey[a-z]{17,}\.ey[a-z]{3})`, []Atom{lit(".ey")}, -1},
		// the parser factors out the common "A"; what follows it is kept
		{`\b((?:A3T[A-Z0-9]|AKIA|ASIA)[A-Z2-7]{16})\b`, []Atom{lit("3T"), lit("KIA"), lit("SIA")}, 20},
		{`(?:abc)?def`, []Atom{lit("abcdef"), lit("def")}, 6},
		{`[Kk]ey=`, []Atom{lit("Key="), lit("key=")}, 4},
		{`(?i)[\w.-]{0,50}?(?:jfrog|xray)(?:[ \t\w.-]{0,20})=([a-z0-9]{73})`, []Atom{fold("jfrog"), fold("xray")}, 50 + 5 + 20 + 1 + 73},
		{`a|b`, []Atom{lit("a"), lit("b")}, 1},
		{`x*`, nil, -1},
		{`(foo|.*)`, nil, -1},
		{`(foo|)`, nil, 3},
		{`é+`, nil, -1},
		{`caf[é]`, []Atom{lit("caf")}, 3 + 2},
		{`(?i)xcafé`, []Atom{fold("xcaf")}, 4 + 2},
		{`[^a]bc`, []Atom{lit("bc")}, 1 + 2},
		{`(?:x|y){2,3}`, []Atom{lit("x"), lit("y")}, 3}, // a repeat's product is not taken
		{`(?:ab){2,3}`, []Atom{lit("ab")}, 6},
		{`^$`, nil, 0},
		{`[^\x00-\x{10FFFF}]`, nil, 0},
		{`k[^\x00-\x{10FFFF}]|key`, []Atom{lit("key")}, 3},
	} {
		f, err := Parse(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if !slices.Equal(f.Atoms, tc.atoms) || f.MaxLen != tc.maxLen {
			t.Errorf("%s: atoms %v, max %d; want %v, %d", tc.expr, f.Atoms, f.MaxLen, tc.atoms, tc.maxLen)
		}
	}
	if _, err := Parse(`(`); err == nil {
		t.Error("an invalid regex must be an error")
	}
}

// holds reports whether s contains a.
func holds(s string, a Atom) bool {
	if a.Fold {
		return strings.Contains(strings.ToLower(s), a.Text)
	}
	return strings.Contains(s, a.Text)
}

// check finds every match of expr that starts at each position of text
// (in any context a match is a string of the regex's language) and checks
// the facts hold for it.
func check(t *testing.T, expr string, text string) {
	f, err := Parse(expr)
	if err != nil {
		return
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return
	}
	for i := 0; i <= len(text); i++ {
		m := re.FindStringIndex(text[i:])
		if m == nil {
			continue
		}
		s := text[i+m[0] : i+m[1]]
		if f.MaxLen >= 0 && len(s) > f.MaxLen {
			t.Fatalf("%q matched %q (%d bytes) in %q; MaxLen %d", expr, s, len(s), text, f.MaxLen)
		}
		if f.Atoms != nil && !slices.ContainsFunc(f.Atoms, func(a Atom) bool { return holds(s, a) }) {
			t.Fatalf("%q matched %q in %q, which holds none of %v", expr, s, text, f.Atoms)
		}
		if f.Run.Min > 0 && !holdsRun(s, f.Run) {
			t.Fatalf("%q matched %q in %q, which holds no run of %d of its class", expr, s, text, f.Run.Min)
		}
	}
}

// holdsRun reports whether s holds r.Min bytes of r.Class in a row.
func holdsRun(s string, r Run) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if n = n + 1; !r.Class[s[i]] {
			n = 0
		}
		if n >= r.Min {
			return true
		}
	}
	return false
}

func TestLongestRun(t *testing.T) {
	for _, c := range []struct {
		expr string
		min  int
		in   string // bytes the class holds
		out  string // bytes it does not
	}{
		{`(?i)(?:github|gh)[a-z0-9_.-]{0,25}token[ \t]*=[ \t]*([a-f0-9]{40})`, 40, "0aAfF", "gGz-"},
		{`ghp_[A-Za-z0-9]{36}`, 36, "aZ9", "_-"},
		{`(?:ab|cd)+`, 0, "", ""},
		{`x[a-c]{8}|y[0-9]{12}`, 8, "ab09", "dx"},
		{`x[a-c]{8}|y`, 0, "", ""},
		{`[^\n]{5}`, 5, "a\x80\xff", "\n"},
		{`a[0-9]*b`, 0, "", ""},
	} {
		f, err := Parse(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		if f.Run.Min != c.min {
			t.Fatalf("%q: run of %d, want %d", c.expr, f.Run.Min, c.min)
		}
		for _, b := range []byte(c.in) {
			if !f.Run.Class[b] {
				t.Fatalf("%q: class lacks %q", c.expr, b)
			}
		}
		for _, b := range []byte(c.out) {
			if f.Run.Class[b] {
				t.Fatalf("%q: class holds %q", c.expr, b)
			}
		}
	}
}

func TestFactsHoldOnMatches(t *testing.T) {
	text := "xx KEY=abc key=ABCDEF ghp_0123456789abcdefghij Token: eyJhbGciOi.eyJzdWIi.sig AKIAABCDEFGHIJKLMNOP s.x hvs.y"
	for _, expr := range []string{
		`(?i)key=[a-z]+`, `ghp_[a-z0-9]{10,}`, `(?i)(?:token|key)[:=]\s*\w+`, `\b(ey[A-Za-z]{4,}\.ey[A-Za-z]+)`,
		`(AKIA|ASIA)[A-Z]{16}`, `(?:s|hvs)\.[a-z]`, `[Kk][Ee][Yy]`, `(?i)[\w.-]{0,5}?(?:key|token)[=:]`,
	} {
		check(t, expr, text)
	}
}

// The facts must hold for every match of any regex: ASCII text only, so
// that Go's Unicode case folding (K and the Kelvin sign) and RE2's Latin-1
// mode agree on what a byte is.
func FuzzFacts(f *testing.F) {
	f.Add(`(?i)key=[a-z]+`, "xx KEY=abc")
	f.Add(`(?:ab|cd)+e?f{2,}`, "abcdeff ff abff")
	f.Add(`[Kk](?:ey|EY)|\btok`, "Key KEY tok")
	f.Fuzz(func(t *testing.T, expr, text string) {
		if len(expr) > 64 || len(text) > 256 {
			return
		}
		b := []byte(text)
		for i := range b {
			b[i] &= 0x7f
		}
		check(t, expr, string(b))
	})
}
