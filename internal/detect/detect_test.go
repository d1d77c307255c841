package detect

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/rule"
	"github.com/leakhound/leakhound/internal/source"
	"github.com/leakhound/leakhound/internal/tokengen"
)

func defaultEngine(t testing.TB, opts Options) *Engine {
	t.Helper()
	cfg, err := config.Load(config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(cfg.Rules, cfg.Allow, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func expand(t testing.TB, s string) string {
	t.Helper()
	out, err := tokengen.Expand(t.Name(), s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkSpans asserts that every finding's secret is where its offset, line
// and columns say.
func checkSpans(t testing.TB, content []byte, e *Engine, path string) int {
	found := e.Detect(source.Fragment{Path: path, Content: content})
	for _, f := range found {
		secret := f.Secret.Reveal()
		if f.Offset < 0 || f.Offset+len(secret) > len(content) || string(content[f.Offset:f.Offset+len(secret)]) != secret {
			t.Fatalf("%s: secret not at offset %d", f.RuleID, f.Offset)
		}
		line := bytes.Count(content[:f.Offset], []byte{'\n'}) + 1
		col := f.Offset - (bytes.LastIndexByte(content[:f.Offset], '\n') + 1) + 1
		if f.Line != line || f.Column != col {
			t.Fatalf("%s: at %d:%d, want %d:%d", f.RuleID, f.Line, f.Column, line, col)
		}
		end := f.Offset + len(secret)
		endLine := bytes.Count(content[:end], []byte{'\n'}) + 1
		endCol := end - (bytes.LastIndexByte(content[:end], '\n') + 1) + 1
		if f.EndLine != endLine || f.EndColumn != endCol {
			t.Fatalf("%s: ends at %d:%d, want %d:%d", f.RuleID, f.EndLine, f.EndColumn, endLine, endCol)
		}
	}
	return len(found)
}

func TestPositions(t *testing.T) {
	e := defaultEngine(t, Options{})
	content := []byte(expand(t, "a\r\nb {{gen:github ghp}}\n\n  x={{gen:github gho}} y={{gen:github ghu}}\n{{gen:pem}}\nBINSTAR_TOKEN={{gen:anaconda an}}"))
	if n := checkSpans(t, content, e, "x"); n != 5 {
		t.Fatalf("found %d, want 5", n)
	}
}

func TestChecksumDecides(t *testing.T) {
	e := defaultEngine(t, Options{})
	bad := expand(t, "t={{gen:github-bad-checksum ghp}}")
	if got := e.Detect(source.Fragment{Content: []byte(bad)}); len(got) != 0 {
		t.Fatalf("checksum-invalid token reported: %v", got[0].RuleID)
	}
	loud := defaultEngine(t, Options{ShowInvalid: true})
	got := loud.Detect(source.Fragment{Content: []byte(bad)})
	if len(got) != 1 || got[0].Checksum != "invalid" {
		t.Fatalf("ShowInvalid: %+v", got)
	}
}

func TestSameSpanReportedOnce(t *testing.T) {
	e := defaultEngine(t, Options{})
	// anaconda-env-token and anaconda-org-token both capture this value.
	got := e.Detect(source.Fragment{Content: []byte(expand(t, "ANACONDA_API_TOKEN={{gen:anaconda an}}"))})
	if len(got) != 1 || got[0].RuleID != "anaconda-env-token" {
		t.Fatalf("got %+v", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := defaultEngine(t, Options{})
	content := []byte(expand(t, strings.Repeat("filler line\n", 100)+"GH={{gen:github ghp}}\n"))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				if n := len(e.Detect(source.Fragment{Content: content})); n != 1 {
					t.Errorf("found %d", n)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestSetErrorRunsEveryRule(t *testing.T) {
	e := defaultEngine(t, Options{})
	if got, exact := e.everyRule(); len(got) != len(e.rules) || exact {
		t.Fatalf("fallback ran %d of %d rules", len(got), len(e.rules))
	}
	if e.Stats().SetFallbacks != 1 {
		t.Fatal("fallback not counted")
	}
	p := &setPass{rules: e.rules}
	if got := p.selected([]int{3, 1}); len(got) != 2 || got[0].index != 1 || got[1].index != 3 {
		t.Fatalf("selected %v", got)
	}
}

func TestEntropy(t *testing.T) {
	for s, want := range map[string]float64{"": 0, "aaaa": 0, "ab": 1, "abcd": 2} {
		if got := Entropy(s); got != want {
			t.Errorf("Entropy(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCompileErrorsNameRules(t *testing.T) {
	rules := []rule.Rule{
		{ID: "a", Regex: "(", Source: "f.toml:1"},
		{ID: "b", Regex: "x", Source: "f.toml:5"},
		{ID: "b", Regex: "y", Source: "f.toml:9"},
		{ID: "c", Regex: "(x)", SecretGroup: 3, Source: "f.toml:13"},
	}
	_, err := Compile(rules, rule.Allow{}, Options{})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`f.toml:1: rule "a": invalid regex`, `f.toml:9: duplicate rule id "b"`, `f.toml:13: rule "c": secret_group 3`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func FuzzDetect(f *testing.F) {
	e := defaultEngine(f, Options{ShowInvalid: true})
	g := tokengen.New("fuzz")
	f.Add([]byte("GITHUB_TOKEN="+g.GitHub("ghp")), "a.env")
	f.Add([]byte("x\r\nANACONDA_API_TOKEN="+g.Anaconda("an")+"\r\n"), "b.yml")
	f.Add([]byte("https://conda.anaconda.org/t/"+g.Anaconda("py")+"/ch"), "")
	f.Add([]byte(g.PEM()), "k.2026-01-01.private-key.pem")
	f.Add([]byte("\xff\x00"+g.GitHub("gho")+"\x00"+g.Stateless()), "bin")
	f.Fuzz(func(t *testing.T, content []byte, path string) {
		checkSpans(t, content, e, path)
	})
}

// BenchmarkEngine measures the engine as leakhound runs it: default rules,
// decoding two layers deep.
func BenchmarkEngine(b *testing.B) {
	e := defaultEngine(b, Options{MaxDecodeDepth: 2})
	corpus := benchCorpus(b)
	before := e.Stats()
	found := 0
	for i := 0; i < b.N; i++ {
		for _, c := range corpus {
			found += len(e.Detect(source.Fragment{Path: "f", Content: c}))
		}
	}
	after := e.Stats()
	frags := float64(after.Fragments - before.Fragments)
	b.ReportMetric(float64(after.RuleRuns-before.RuleRuns)/frags, "rule-runs/fragment")
	b.ReportMetric(float64(found)/float64(b.N), "findings/op")
}

// benchCorpus makes the 64 MiB mixed corpus and tells b its size.
func benchCorpus(b *testing.B) [][]byte {
	corpus := mixedCorpus(64 << 20)
	var total int64
	for _, c := range corpus {
		total += int64(len(c))
	}
	b.SetBytes(total)
	b.ResetTimer()
	return corpus
}

// mixedCorpus makes fragments of source code, config, prose, minified and
// base64 text, with a token every few hundred kilobytes, size bytes in all.
func mixedCorpus(size int) [][]byte {
	g := tokengen.New("bench")
	kinds := []func(i int) string{
		func(i int) string {
			return fmt.Sprintf("func handler%d(w http.ResponseWriter, r *http.Request) {\n\tif err := r.ParseForm(); err != nil {\n\t\treturn\n\t}\n\tlog.Printf(\"request %%s\", r.URL.Path)\n}\n", i)
		},
		func(i int) string {
			return fmt.Sprintf("service_%d:\n  image: registry.example.com/app:%d\n  environment:\n    LOG_LEVEL: info\n    CONDA_CHANNEL: conda-forge\n", i, i)
		},
		func(i int) string {
			return "The quick brown fox jumps over the lazy dog; conda install numpy from anaconda channels. "
		},
		func(i int) string { return g.Alnum(76) + "\n" },
		func(i int) string { return "var a=function(b){return b.map(function(c){return c*2})};" },
	}
	var out [][]byte
	total := 0
	for n := 0; total < size; n++ {
		var b strings.Builder
		fragSize := 4<<10 + (n*7919)%(60<<10)
		kind := kinds[n%len(kinds)]
		for i := 0; b.Len() < fragSize; i++ {
			b.WriteString(kind(i))
		}
		if n%50 == 0 {
			b.WriteString("\nGITHUB_TOKEN=" + g.GitHub("ghp") + "\nBINSTAR_TOKEN: " + g.Anaconda("cf") + "\n")
		}
		out = append(out, []byte(b.String()))
		total += b.Len()
	}
	return out
}

// BenchmarkEngineWithoutSet runs every rule's own regex over every fragment,
// to show what the one-pass Set saves.
func BenchmarkEngineWithoutSet(b *testing.B) {
	e := defaultEngine(b, Options{})
	corpus := benchCorpus(b)
	for i := 0; i < b.N; i++ {
		for _, c := range corpus {
			var cands []candidate
			for _, r := range e.rules {
				cands = e.matchRule(cands, r, c, newStreamState("f"))
			}
		}
	}
}

// Built-in rules skip the breadth check when compiled (it costs start-up
// time); this is where they take it.
func TestDefaultRulesAreNotBroad(t *testing.T) {
	cfg, err := config.Load(config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Rules {
		if !cfg.Rules[i].BuiltIn {
			t.Fatalf("default rule %s is not marked built in", cfg.Rules[i].ID)
		}
		cfg.Rules[i].BuiltIn = false
	}
	e, err := Compile(cfg.Rules, cfg.Allow, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w := e.Warnings(); len(w) > 0 {
		t.Fatalf("default rules warn: %v", w)
	}
	e, err = Compile([]rule.Rule{{ID: "all", Regex: `.`, Source: "x.toml:1"}, {ID: "empty", Regex: `a*`, Source: "x.toml:5"}}, rule.Allow{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(e.Warnings(), "\n"); !strings.Contains(w, `rule "all" matches ordinary text`) || !strings.Contains(w, `rule "empty" matches the empty string`) {
		t.Fatalf("warnings: %s", w)
	}
	var limited []string
	e, _ = Compile([]rule.Rule{{ID: "all", Regex: `.`, Source: "x"}}, rule.Allow{}, Options{OnProblem: func(p, reason string) { limited = append(limited, p+": "+reason) }})
	if n := len(e.Detect(source.Fragment{Path: "big", Content: bytes.Repeat([]byte("x"), 5000)})); n != MaxMatchesPerRule {
		t.Fatalf("%d findings, want the cap %d", n, MaxMatchesPerRule)
	}
	if len(limited) != 1 || !strings.HasPrefix(limited[0], `big: rule "all" has more than 1000 findings`) {
		t.Fatalf("OnProblem: %v", limited)
	}
}

// Token-shaped values that fail the checksum are not findings and do not
// count towards the cap: 5,000 of them cannot hide a real token after them.
// A cap that is reached is a problem, never a quiet cut.
func TestCapsCountOnlyFindingsAndAreProblems(t *testing.T) {
	var problems []string
	e := defaultEngine(t, Options{OnProblem: func(p, reason string) { problems = append(problems, p+": "+reason) }})
	g := tokengen.New(t.Name())
	var b strings.Builder
	for i := 0; i < 5000; i++ {
		b.WriteString("t = " + g.GitHubBadChecksum("ghp") + "\n")
	}
	tok := g.GitHub("ghp")
	b.WriteString("real = " + tok + "\n")
	found, _, err := e.DetectReader(t.Context(), "decoys.txt", strings.NewReader(b.String()), nil)
	if err != nil || len(found) != 1 || found[0].Secret.Reveal() != tok || len(problems) != 0 {
		t.Fatalf("err %v, %d findings, problems %q", err, len(found), problems)
	}
	// more real findings than the cap, in windows: a problem naming file and rule
	b.Reset()
	for i := 0; i < MaxMatchesPerRule+5; i++ {
		b.WriteString("t = " + g.GitHub("ghp") + "\n")
	}
	found, _, _ = e.detectWindows(t.Context(), "many.txt", strings.NewReader(b.String()), 8<<10, 1<<10, nil)
	if len(found) != MaxMatchesPerRule || len(problems) != 1 || !strings.HasPrefix(problems[0], `many.txt: rule "github-pat" has more than 1000 findings`) {
		t.Fatalf("%d findings, problems %q", len(found), problems)
	}
	// more raw matches than a window may examine: a problem too
	problems = nil
	e, _ = Compile([]rule.Rule{{ID: "dots", Regex: `\.`, Source: "x", Validate: "github-checksum"}}, rule.Allow{}, Options{OnProblem: func(p, reason string) { problems = append(problems, p+": "+reason) }})
	e.Detect(source.Fragment{Path: "dots", Content: bytes.Repeat([]byte("."), maxRawMatches+10)})
	if len(problems) != 1 || !strings.Contains(problems[0], `rule "dots" matched more than 100000 times in one window`) {
		t.Fatalf("problems %q", problems)
	}
}

// TestSeamsLoseNothing puts a secret whose rule needs context before it
// (a variable name, a URL, a multi-line header) at every offset around a
// window seam: windowed scanning must find what one pass finds.
func TestSeamsLoseNothing(t *testing.T) {
	e := defaultEngine(t, Options{MaxDecodeDepth: 2})
	g := tokengen.New(t.Name())
	payloads := []string{
		"BINSTAR_TOKEN=" + g.Anaconda("bi"),
		"channels:\n  - https://conda.anaconda.org/t/" + g.Anaconda("an") + "/private\n",
		"GITHUB_TOKEN=" + g.GitHub("ghp"),
		"auth: " + base64.StdEncoding.EncodeToString([]byte("me:"+g.GitHub("gho"))),
	}
	const size, overlap = 4096, 512
	for _, p := range payloads {
		want := e.Detect(source.Fragment{Content: []byte(p)})
		if len(want) != 1 {
			t.Fatalf("%q: one pass found %d", p, len(want))
		}
		for pos := size - overlap - 150; pos < size-overlap+150; pos++ {
			for _, lineLen := range []int{60, 3000} {
				var b bytes.Buffer
				for b.Len() < pos {
					b.WriteString(strings.Repeat("f", min(lineLen, pos-b.Len())))
					if b.Len() < pos {
						b.WriteByte('\n')
					}
				}
				b.WriteString(" ")
				b.WriteString(p)
				b.WriteString("\n" + strings.Repeat("tail line\n", 600))
				got, _, err := e.detectWindows(t.Context(), "", bytes.NewReader(b.Bytes()), size, overlap, nil)
				if err != nil || len(got) != 1 || got[0].Secret != want[0].Secret || got[0].RuleID != want[0].RuleID {
					t.Fatalf("payload %q at %d (lines of %d): %d findings, want 1", p, pos, lineLen, len(got))
				}
				one := e.Detect(source.Fragment{Content: b.Bytes()})
				if len(one) != 1 || one[0].Line != got[0].Line || one[0].Column != got[0].Column || one[0].Offset != got[0].Offset {
					t.Fatalf("payload %q at %d: windowed %d:%d, one pass %+v", p, pos, got[0].Line, got[0].Column, one)
				}
			}
		}
	}
}

// TestWindowsFindWhatOnePassFinds scans the same content in one pass and in
// small overlapping windows: the findings, their positions and line and
// column numbers must agree.
func TestWindowsFindWhatOnePassFinds(t *testing.T) {
	e := defaultEngine(t, Options{MaxDecodeDepth: 2})
	g := tokengen.New(t.Name())
	var b strings.Builder
	for i := 0; i < 300; i++ {
		b.WriteString(strings.Repeat("filler ", i%13))
		if i%7 == 0 {
			b.WriteString("GH=" + g.GitHub("ghp") + " ")
		}
		if i%11 == 0 {
			b.WriteString("\n")
		}
	}
	content := []byte(b.String())
	want := e.Detect(source.Fragment{Content: content})
	got, n, err := e.detectWindows(t.Context(), "", bytes.NewReader(content), 1000, 200, nil)
	if err != nil || n != int64(len(content)) {
		t.Fatal(err, n)
	}
	if len(got) != len(want) || len(want) < 40 {
		t.Fatalf("windows found %d, one pass %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.Offset != g.Offset || w.Line != g.Line || w.Column != g.Column || w.EndColumn != g.EndColumn || w.Secret != g.Secret {
			t.Fatalf("finding %d: window %d:%d@%d, one pass %d:%d@%d", i, g.Line, g.Column, g.Offset, w.Line, w.Column, w.Offset)
		}
	}
}

// Streams share pooled buffers (the first 32 KiB buffer, full windows):
// concurrent streams of different sizes, each with its own tokens, find
// exactly their own, byte for byte.
func TestPooledBuffersAreNotShared(t *testing.T) {
	e := defaultEngine(t, Options{})
	g := tokengen.New(t.Name())
	type stream struct {
		content []byte
		tokens  []string
	}
	var streams []stream
	for i, size := range []int{100, 5000, 40 << 10, 1 << 20, 3 << 20} {
		var s stream
		var b strings.Builder
		next := 1000 * i
		for b.Len() < size {
			b.WriteString(strings.Repeat("filler ", 1+i))
			if b.Len() > next { // a token every 30,000 bytes or so
				tok := g.GitHub("ghp")
				s.tokens = append(s.tokens, tok)
				b.WriteString("GH=" + tok + "\n")
				next += 30000
			}
		}
		tok := g.GitHub("ghp") // at least one per stream, at the end
		s.tokens = append(s.tokens, tok)
		b.WriteString("\nGH=" + tok + "\n")
		s.content = []byte(b.String())
		streams = append(streams, s)
	}
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				s := streams[(w+j)%len(streams)]
				got, _, err := e.DetectReader(t.Context(), "", bytes.NewReader(s.content), nil)
				if err != nil {
					t.Error(err)
					return
				}
				var secrets []string
				for _, f := range got {
					secrets = append(secrets, f.Secret.Reveal())
				}
				if strings.Join(secrets, ",") != strings.Join(s.tokens, ",") {
					t.Errorf("stream of %d bytes: found %d secrets, want %d", len(s.content), len(secrets), len(s.tokens))
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestWindowsStopOnCancel(t *testing.T) {
	e := defaultEngine(t, Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := e.DetectReader(ctx, "", bytes.NewReader(make([]byte, 1<<20)), nil); err == nil {
		t.Fatal("a cancelled scan went on")
	}
}

func TestPathologicalRegexIsRejected(t *testing.T) {
	for _, re := range []string{`(a{1000}){1000}`, `((((((((((x*)*)*)*)*)*)*)*)*)*){1001}`, `\p{Nope}`} {
		_, err := Compile([]rule.Rule{{ID: "bad", Regex: re, Source: "c.toml:3"}}, rule.Allow{}, Options{})
		if err == nil || !strings.Contains(err.Error(), `c.toml:3: rule "bad"`) {
			t.Errorf("%s: %v", re, err)
		}
	}
}

// A rule that needs context after its secret must still find a second
// secret inside the first match's context, and a rule with file keywords
// runs only where the path or the text mentions one.
func TestTrailingContextAndFileKeywords(t *testing.T) {
	rules := []rule.Rule{
		{ID: "after", Regex: `(tok[0-9]{4})[^\n]{0,40}?acme`, Source: "x.toml:1"},
		{ID: "infile", Regex: `\b(key[0-9]{4})\b`, FileKeywords: []string{"Widget"}, Source: "x.toml:5"},
	}
	e, err := Compile(rules, rule.Allow{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	secrets := func(path, text string) []string {
		var out []string
		for _, f := range e.Detect(source.Fragment{Path: path, Content: []byte(text)}) {
			out = append(out, f.RuleID+":"+f.Secret.Reveal())
		}
		return out
	}
	for _, tc := range []struct {
		path, text string
		want       []string
	}{
		{"a", "tok1111 tok2222 tok3333 acme", []string{"after:tok1111", "after:tok2222", "after:tok3333"}},
		{"a", "tok1111 acme tok2222", []string{"after:tok1111"}},
		{"a", "key1234 in a file about nothing", nil},
		{"a", "key1234\n...\nwidgets: 3", []string{"infile:key1234"}},
		{"widget/config", "key1234", []string{"infile:key1234"}},
	} {
		if got := secrets(tc.path, tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("%s %q: got %v, want %v", tc.path, tc.text, got, tc.want)
		}
	}
	if !e.PathSensitive("src/widget.yaml") || e.PathSensitive("src/other.yaml") {
		t.Error("a path holding a file keyword must be path-sensitive, and only such a path")
	}
}

// With many rules that need a word in the file (an imported rule pack), the
// Set looks for the words, not the regexes, except for built-in rules; what
// is found is the same: in the window, in text decoded from it, and where
// only the path has the word.
func TestManyFileKeywordRules(t *testing.T) {
	var rules []rule.Rule
	for i := 0; i < maxGatedInSet+8; i++ {
		rules = append(rules, rule.Rule{ID: fmt.Sprintf("filler-%d", i), Regex: fmt.Sprintf(`\bfill%d_[0-9]{6}\b`, i), FileKeywords: []string{fmt.Sprintf("fillword%d", i)}, Source: "x.toml"})
	}
	rules = append(rules, rule.Rule{ID: "infile", Regex: `\b(key[0-9]{4})\b`, FileKeywords: []string{"widget"}, Source: "x.toml"})
	rules = append(rules, rule.Rule{ID: "builtin", Regex: `\b(bin[0-9]{4})\b`, FileKeywords: []string{"gadget"}, Source: "rules/x.toml", BuiltIn: true})
	// a word outside ASCII is looked for on its own, with Unicode folding
	rules = append(rules, rule.Rule{ID: "cyrillic", Regex: `\b(pw[0-9]{4})\b`, FileKeywords: []string{"Пароль", "mot-de-passe"}, Source: "x.toml"})
	e, err := Compile(rules, rule.Allow{}, Options{MaxDecodeDepth: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !e.wordSet {
		t.Fatal("the Set should hold words for this many gated rules")
	}
	if e.set == nil || e.beforeSet().words == nil || len(e.byWords) == 0 {
		t.Fatal("want a Set for regexes and a word pass for the rules going by their words")
	}
	for _, r := range e.rules {
		if r.byWords == r.BuiltIn {
			t.Errorf("rule %s (built in: %v): by words %v", r.ID, r.BuiltIn, r.byWords)
		}
	}
	for _, r := range e.set.rules {
		if r.byWords {
			t.Errorf("rule %s goes by its words and is in the Set", r.ID)
		}
	}
	encoded := base64.StdEncoding.EncodeToString([]byte("value=key4321 and more text to make it long enough"))
	for _, tc := range []struct {
		path, text string
		want       int
	}{
		{"a", "key1234 in a file about nothing", 0},
		{"a", "key1234\n...\nwidgets: 3", 1},
		{"widget/config", "key1234", 1},
		{"a", "widget config\nblob: " + encoded + "\n", 1},
		{"a", "fillword3 fill3_123456 fill4_123456", 1},
		{"a", "bin1234 in a file about nothing", 0},
		{"a", "bin1234\n...\ngadgets: 3", 1},
		{"gadget/config", "bin1234", 1},
		{"a", "gadget config\nblob: " + base64.StdEncoding.EncodeToString([]byte("value=bin4321 and more text to make it long enough")) + "\n", 1},
		{"a", "pw1234 in a file about nothing", 0},
		{"a", "ПАРОЛЬ: pw1234", 1},
		{"a", "MOT-DE-PASSE: pw1234", 1},
		{"a", "key1234 WIDGET", 1},
		{"a", "key1234 \u212aey wid\u017fget", 0}, // no Unicode folding of ASCII words
	} {
		got := e.Detect(source.Fragment{Path: tc.path, Content: []byte(tc.text)})
		if len(got) != tc.want {
			t.Errorf("%s %q: %d findings, want %d: %v", tc.path, tc.text, len(got), tc.want, got)
		}
	}
}

func TestContainsFold(t *testing.T) {
	for _, tc := range []struct {
		haystack, needle string
		want             bool
	}{
		{"", "", true}, {"abc", "", true}, {"", "a", false},
		{"xxCONDAxx", "conda", true}, {"Conda", "conda", true}, {"cond", "conda", false},
		{"cOnD conda", "conda", true}, {"ANACOND", "conda", false}, {"-t x", "-t", true},
		{"a/T/b", "/t/", true}, {"aaaab", "aab", true}, {"AaAaB", "aab", true},
	} {
		if got := containsFold([]byte(tc.haystack), []byte(tc.needle)); got != tc.want {
			t.Errorf("containsFold(%q, %q) = %v", tc.haystack, tc.needle, got)
		}
	}
}

// eachFold finds every occurrence a byte-by-byte comparison finds, in
// order, whichever byte of the needle it anchors on.
func FuzzEachFold(f *testing.F) {
	f.Add([]byte("a Token, TOKEN and tokens: token"), []byte("token"))
	f.Add([]byte("xxGHP_ghp_gHp_"), []byte("ghp_"))
	f.Add([]byte("/T//t/"), []byte("/t/"))
	f.Fuzz(func(t *testing.T, haystack, needle []byte) {
		if len(needle) == 0 || len(needle) > 16 {
			return
		}
		lower := bytes.ToLower(needle)
		var want, got []int
		for i := 0; i+len(lower) <= len(haystack); i++ {
			if equalFoldASCII(haystack[i:i+len(lower)], lower) {
				want = append(want, i)
			}
		}
		eachFold(haystack, lower, equalFoldASCII, func(i int) bool {
			got = append(got, i)
			return true
		})
		if !slices.Equal(got, want) {
			t.Fatalf("eachFold(%q, %q) = %v, want %v", haystack, lower, got, want)
		}
	})
}

func TestRepeatsBlock(t *testing.T) {
	for s, want := range map[string]bool{
		"deadbeefdeadbeefdeadbeefdeadbeefdeadbeef": true,
		"1a2b3c4d5e1a2b3c4d5e1a2b3c4d5e1a2b3c4d5e": true,
		"abcabcabcabcabcab":                        true, // cut short
		"xxxxxxxxxxxxxxxxxxxx":                     true,
		"short-abshort-ab":                         true,
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b": false,
		"ghp_aaaaBBBBccccDDDDeeeeFFFFggggHHHH1234": false,
		"abab": false, // too short to judge
	} {
		if got := repeatsBlock(s); got != want {
			t.Errorf("repeatsBlock(%q) = %v", s, got)
		}
	}
}

// A lazy engine (the hook's) finds exactly what an eager one finds, with
// the same context and masking, on small and large fragments.
func TestLazyEngineFindsTheSame(t *testing.T) {
	g := tokengen.New("lazy")
	corpus := mixedCorpus(2 << 20)
	corpus = append(corpus,
		[]byte("GITHUB_TOKEN="+g.GitHub("ghp")+" # and "+g.GitHub("gho")),
		[]byte("conda config: upload "+g.Anaconda("cf")+"\npassword: "+g.Anaconda("ab")),
		[]byte("x: "+base64.StdEncoding.EncodeToString([]byte("token = "+g.GitHub("ghp")))),
		[]byte(g.PEM()),
	)
	for _, mask := range []bool{false, true} {
		eager := defaultEngine(t, Options{MaxDecodeDepth: 2, MaskContext: mask})
		lazy := defaultEngine(t, Options{MaxDecodeDepth: 2, MaskContext: mask, Lazy: true})
		for i, c := range corpus {
			want := eager.Detect(source.Fragment{Path: "a.env", Content: c})
			got := lazy.Detect(source.Fragment{Path: "a.env", Content: c})
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("fragment %d (%d bytes, mask %v): lazy found %+v, eager %+v", i, len(c), mask, got, want)
			}
		}
	}
}

func FuzzLazyEngine(f *testing.F) {
	eager := defaultEngine(f, Options{MaxDecodeDepth: 2, MaskContext: true})
	lazy := defaultEngine(f, Options{MaxDecodeDepth: 2, MaskContext: true, Lazy: true})
	g := tokengen.New("fuzz-lazy")
	f.Add([]byte("GITHUB_TOKEN="+g.GitHub("ghp")), "a.env")
	f.Add([]byte("binstar upload -t "+g.Anaconda("cf")), ".binstar/x.token")
	f.Add([]byte("gh_token: "+strings.Repeat("ab", 20)), "c.yml")
	f.Fuzz(func(t *testing.T, content []byte, path string) {
		want := eager.Detect(source.Fragment{Path: path, Content: content})
		got := lazy.Detect(source.Fragment{Path: path, Content: content})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("lazy found %+v, eager %+v", got, want)
		}
	})
}

// The shape gate keeps from the Set only content in which no rule of the
// Set can match: what is found is the same as with every content given to
// the Set.
func FuzzShapeGate(f *testing.F) {
	gated := defaultEngine(f, Options{MaxDecodeDepth: 2, MaskContext: true})
	every := defaultEngine(f, Options{MaxDecodeDepth: 2, MaskContext: true})
	every.noShapeGate = true
	// and beside rules going by their words (one word automaton for both)
	cfg, err := config.Load(config.LoadOptions{})
	if err != nil {
		f.Fatal(err)
	}
	pack := cfg.Rules
	for i := 0; i < maxGatedInSet+8; i++ {
		pack = append(pack, rule.Rule{ID: fmt.Sprintf("worded-%d", i), Regex: fmt.Sprintf(`\bw%d_([0-9a-z]{8})\b`, i), FileKeywords: []string{fmt.Sprintf("word%d", i), "token"}, Source: "x.toml"})
	}
	packs := [2]*Engine{}
	for i := range packs {
		if packs[i], err = Compile(pack, cfg.Allow, Options{MaxDecodeDepth: 2, MaskContext: true}); err != nil {
			f.Fatal(err)
		}
	}
	packs[1].noShapeGate = true
	f.Add([]byte("word3 w3_abcdefgh and w7_12345678 token"), "p.txt")
	g := tokengen.New("fuzz-gate")
	f.Add([]byte("GITHUB_TOKEN="+g.GitHub("ghp")), "a.env")
	f.Add([]byte("binstar upload -t "+g.Anaconda("cf")), "x.sh")
	f.Add([]byte("gh_token: "+strings.Repeat("ab", 20)), "c.yml")
	f.Add([]byte("token = \""+g.Anaconda("ab")+"\"\n"), "conda.cfg")
	f.Add([]byte(base64.StdEncoding.EncodeToString([]byte("x="+g.GitHub("ghp")+"\n"))), "b.txt")
	f.Fuzz(func(t *testing.T, content []byte, path string) {
		want := every.Detect(source.Fragment{Path: path, Content: content})
		got := gated.Detect(source.Fragment{Path: path, Content: content})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("gated found %+v, every content to the Set %+v", got, want)
		}
		want = packs[1].Detect(source.Fragment{Path: path, Content: content})
		got = packs[0].Detect(source.Fragment{Path: path, Content: content})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("beside worded rules, gated found %+v, every content to the Set %+v", got, want)
		}
	})
}

func TestShapeGate(t *testing.T) {
	e := defaultEngine(t, Options{})
	if !e.beforeSet().gated {
		t.Fatal("the default rules' Set has no gate")
	}
	g := tokengen.New(t.Name())
	for _, c := range []struct {
		content string
		may     bool
	}{
		{"package main\n\nimport \"go/token\"\n\nfunc main() { _ = token.NoPos }\n", false},
		{"x := " + g.GitHub("ghp"), true},
		{"auth: " + g.Hex(40), true},
		{"upload with " + g.Anaconda("ab"), true},
		{"see https://anaconda.org/t/" + g.Anaconda("xy") + "/", true},
	} {
		if _, got := e.beforeSet().selectRules([]byte(c.content), true); got != c.may {
			t.Errorf("Set needed for %q: %v, want %v", c.content, got, c.may)
		}
	}
	// a rule with nothing to look for opens the gate to all content
	e, err := Compile([]rule.Rule{{ID: "letters", Regex: `(?i)[a-z]+`}}, rule.Allow{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.beforeSet().gated {
		t.Error("a gate for a rule without a shape")
	}
}

// A rule whose regex Go's parser accepts but RE2 refuses (none is known
// today; RE2 may differ in Unicode tables or size limits) is, for a lazy
// engine, found out when it would run: the scan reports it, so the run
// fails, and never skips the rule quietly.
func TestLazyEngineReportsARuleRE2Refuses(t *testing.T) {
	var problems []string
	r := rule.Rule{ID: "refused", Regex: `x(y+)`, Source: "x.toml:1"}
	e, err := Compile([]rule.Rule{r}, rule.Allow{}, Options{Lazy: true, OnProblem: func(p, reason string) { problems = append(problems, p+": "+reason) }})
	if err != nil {
		t.Fatal(err)
	}
	e.rules[0].reOnce.Do(func() { e.rules[0].reErr = errors.New(`x.toml:1: rule "refused": invalid regex: refused by RE2`) })
	e.Detect(source.Fragment{Path: "a.txt", Content: []byte("xyz")})
	if len(problems) != 1 || !strings.Contains(problems[0], `a.txt: x.toml:1: rule "refused": invalid regex`) || !strings.Contains(problems[0], "not applied") {
		t.Fatalf("problems: %q", problems)
	}
}

// FuzzWordChanged holds the shortcut (search around the edit, then the
// shared text) to its definition: one version mentions the word and the
// other does not.
func FuzzWordChanged(f *testing.F) {
	f.Add([]byte("x conda y"), []byte("x cond y"), []byte("conda"))
	f.Add([]byte("conda\nabc"), []byte("conda\nabd"), []byte("conda"))
	f.Add([]byte("ana"), []byte("anaconda"), []byte("conda"))
	f.Fuzz(func(t *testing.T, prev, cur, w []byte) {
		if len(w) == 0 {
			return
		}
		w = bytes.ToLower(w)
		n := min(len(prev), len(cur))
		p := 0
		for p < n && prev[p] == cur[p] {
			p++
		}
		s := 0
		for s < n-p && prev[len(prev)-1-s] == cur[len(cur)-1-s] {
			s++
		}
		want := containsFold(prev, w) != containsFold(cur, w)
		if got := wordChanged(prev, cur, p, s, w); got != want {
			t.Fatalf("wordChanged(%q, %q, %d, %d, %q) = %v, want %v", prev, cur, p, s, w, got, want)
		}
	})
}

// An engine that is not lazy compiles in the background: a scan waits for
// what it needs, and when RE2 refuses the Set (here: too little memory for
// it), scans still apply every rule and Ready reports the refusal, so the
// run fails instead of passing on a partial engine.
func TestReadyReportsWhatRE2Refused(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("ghp")
	rules := []rule.Rule{{ID: "classic", Regex: `ghp_[A-Za-z0-9]{36}`, Source: "x.toml:1"}}
	e, err := Compile(rules, rule.Allow{}, Options{SetMaxMem: 1})
	if err != nil {
		t.Fatal(err)
	}
	found := e.Detect(source.Fragment{Path: "a.txt", Content: []byte("token = " + tok + "\n")})
	if len(found) != 1 {
		t.Fatalf("found %d, want the token", len(found))
	}
	if err := e.Ready(); err == nil || !strings.Contains(err.Error(), "rule set") {
		t.Fatalf("Ready: %v", err)
	}
	if _, err := CompileNow(rules, rule.Allow{}, Options{SetMaxMem: 1}); err == nil {
		t.Fatal("CompileNow passed a refused Set")
	}
	if _, err := CompileNow(rules, rule.Allow{}, Options{}); err != nil {
		t.Fatal(err)
	}
}

// Allow regexes compile when a candidate first needs them, except that a
// bad one in the global allowlist or a configured rule is still refused
// when the engine is built: it must not quietly allow nothing.
func TestBadAllowRegexIsRefused(t *testing.T) {
	good := rule.Rule{ID: "r", Regex: `ghp_[A-Za-z0-9]{36}`}
	if _, err := Compile([]rule.Rule{good}, rule.Allow{Regexes: []string{`(`}}, Options{}); err == nil || !strings.Contains(err.Error(), "global allow") {
		t.Errorf("global: %v", err)
	}
	bad := good
	bad.Allow.Regexes = []string{`[z-a]`}
	if _, err := Compile([]rule.Rule{bad}, rule.Allow{}, Options{}); err == nil || !strings.Contains(err.Error(), "allow") {
		t.Errorf("rule: %v", err)
	}
	// a lazily compiled allow regex allows what it matches
	tok := tokengen.New(t.Name()).GitHub("ghp")
	allowed := good
	allowed.Allow.Regexes = []string{`^ghp_`}
	e, err := Compile([]rule.Rule{allowed}, rule.Allow{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if found := e.Detect(source.Fragment{Path: "a.txt", Content: []byte(tok + "\n")}); len(found) != 0 {
		t.Errorf("allowed token reported: %d", len(found))
	}
}

// TestLongBase64RunAcrossASeam: a base64 run on one line longer than two
// overlaps crosses window seams with a token encoded across one. The next
// window starts inside the run; it must start at a multiple of four
// characters from the run's start, or it decodes garbage and the token is
// lost to both windows. The token is put across the first seam and, in a
// run longer than two windows, across the second.
func TestLongBase64RunAcrossASeam(t *testing.T) {
	e := defaultEngine(t, Options{MaxDecodeDepth: 2})
	g := tokengen.New(t.Name())
	tok := g.GitHub("ghp")
	const size, overlap = 8192, 512
	for lead := 0; lead < 4; lead++ {
		prefix := strings.Repeat("x", lead) + "blob: "
		for _, seam := range []int{size, 2*size - overlap} {
			for at := seam - 2*overlap - 40; at < seam+20; at += 7 {
				// plain text whose token is encoded at about offset at
				textBefore := (at - len(prefix)) * 3 / 4
				text := strings.Repeat("lorem ipsum ", textBefore/12+1)[:textBefore] + " token " + tok + " end " + strings.Repeat("dolor sit ", 2*size/10)
				content := []byte(prefix + base64.StdEncoding.EncodeToString([]byte(text)) + "\n")
				one := e.Detect(source.Fragment{Content: content})
				got, _, err := e.detectWindows(t.Context(), "", bytes.NewReader(content), size, overlap, nil)
				if err != nil || len(one) != 1 || len(got) != 1 || got[0].Secret != one[0].Secret {
					t.Fatalf("lead %d, token at %d: windows found %d, one pass %d (%v)", lead, at, len(got), len(one), err)
				}
			}
		}
	}
}

// FuzzSeamCut: the next window starts within the buffer, no further back
// than two overlaps and an alignment, and inside a base64 run only at a
// multiple of four characters from the run's start.
func FuzzSeamCut(f *testing.F) {
	f.Add([]byte("abc\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n"), uint8(8))
	f.Add([]byte(strings.Repeat("QUJD", 40)), uint8(17))
	f.Add([]byte("x: "+strings.Repeat("QUJD", 40)+"\nmore\n"), uint8(30))
	f.Fuzz(func(t *testing.T, buf []byte, ov uint8) {
		overlap := int(ov)%64 + 4 // windows overlap by far more
		if len(buf) <= 2*overlap {
			return
		}
		cut := seamCut(buf, 0, overlap, nil)
		if cut < 1 || cut > len(buf)-overlap || cut < len(buf)-2*overlap-3 {
			t.Fatalf("cut %d of %d bytes, overlap %d", cut, len(buf), overlap)
		}
		if b64Either[buf[cut]] && b64Either[buf[cut-1]] {
			start := cut - 1
			for start > 0 && b64Either[buf[start-1]] {
				start--
			}
			if (cut-start)%4 != 0 {
				t.Fatalf("cut %d is %d characters into a base64 run", cut, cut-start)
			}
		}
	})
}

// A file keyword counts anywhere before the secret in a stream, not only
// in the secret's window: a conda recipe over a window long whose only
// mention of conda is at its top still has its token found.
func TestFileKeywordInAnEarlierWindow(t *testing.T) {
	e := defaultEngine(t, Options{MaxDecodeDepth: 2})
	tok := tokengen.New(t.Name()).Anaconda("up")
	const size, overlap = 8192, 512
	content := "# conda recipe\n" + strings.Repeat("build step without the word\n", 3*size/27) + "UPLOAD_WITH=" + tok + "\n"
	if strings.Contains(strings.ToLower(content[size:]), "conda") {
		t.Fatal("the word must be in the first window only")
	}
	one := e.Detect(source.Fragment{Path: "build.sh", Content: []byte(content)})
	got, _, err := e.detectWindows(t.Context(), "build.sh", strings.NewReader(content), size, overlap, nil)
	if err != nil || len(one) != 1 || len(got) != 1 || got[0].Secret != one[0].Secret {
		t.Fatalf("windows found %d, one pass %d (%v)", len(got), len(one), err)
	}
}

// A file keyword after the secret's window counts too: the token is held
// until the stream ends and reported once a later window mentions the
// word; without any mention it is not reported.
func TestFileKeywordInALaterWindow(t *testing.T) {
	e := defaultEngine(t, Options{MaxDecodeDepth: 2})
	tok := tokengen.New(t.Name()).Anaconda("up")
	const size, overlap = 8192, 512
	filler := strings.Repeat("build step without the word\n", 3*size/27)
	for _, tc := range []struct {
		content string
		want    int
	}{
		{"UPLOAD_WITH=" + tok + "\n" + filler + "# conda recipe\n", 1},
		{"UPLOAD_WITH=" + tok + "\n" + filler + "# a recipe\n", 0},
		{"UPLOAD_WITH=" + tok + "\n" + filler + "# conda recipe\n" + filler + "UPLOAD_AGAIN=" + tok + "\n", 2},
	} {
		one := e.Detect(source.Fragment{Path: "build.sh", Content: []byte(tc.content)})
		got, _, err := e.detectWindows(t.Context(), "build.sh", strings.NewReader(tc.content), size, overlap, nil)
		if err != nil || len(one) != tc.want || len(got) != tc.want {
			t.Fatalf("windows found %d, one pass %d, want %d (%v)", len(got), len(one), tc.want, err)
		}
		for i := range got {
			if got[i].Line != one[i].Line || got[i].Offset != one[i].Offset {
				t.Errorf("finding %d: windows %d@%d, one pass %d@%d", i, got[i].Line, got[i].Offset, one[i].Line, one[i].Offset)
			}
		}
	}
}

// A rule with a path regex stays out of the Set and runs on every text of
// a file whose path it matches: what is found is the same, lazy or not.
func TestPathRulesRunOutsideTheSet(t *testing.T) {
	rules := []rule.Rule{
		{ID: "token-file", Regex: `\A\s*([a-z0-9]{20})\s*\z`, Path: `(^|/)[^/]+\.token$`, Source: "x.toml"},
		{ID: "other", Regex: `\b(zz[0-9]{8})\b`, Source: "x.toml"},
	}
	for _, lazy := range []bool{false, true} {
		e, err := Compile(rules, rule.Allow{}, Options{MaxDecodeDepth: 2, Lazy: lazy})
		if err != nil {
			t.Fatal(err)
		}
		if len(e.pathGated) != 1 || e.set == nil || len(e.set.rules) != 1 || e.set.rules[0].ID != "other" {
			t.Fatalf("path-gated %d, Set %v", len(e.pathGated), e.set)
		}
		for _, tc := range []struct {
			path, text string
			want       int
		}{
			{"home/.conda/a.token", "abcdefghij0123456789\n", 1},
			{"home/.conda/a.txt", "abcdefghij0123456789\n", 0},
			{"home/.conda/a.token", "abcdefghij0123456789 zz12345678\n", 1},
			{"b.token", strings.Repeat(" ", 2*DirectMax) + "abcdefghij0123456789", 1},
		} {
			got := e.Detect(source.Fragment{Path: tc.path, Content: []byte(tc.text)})
			if len(got) != tc.want {
				t.Errorf("lazy %v: %s %q: %d findings, want %d: %v", lazy, tc.path, tc.text, len(got), tc.want, got)
			}
		}
	}
}
