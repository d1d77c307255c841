package detect

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/leakhound/leakhound/internal/archivetest"
	"github.com/leakhound/leakhound/internal/source"
	"github.com/leakhound/leakhound/internal/tokengen"
)

func decodingEngine(t testing.TB) *Engine {
	return defaultEngine(t, Options{MaxDecodeDepth: 2})
}

// octal writes s as \NNN escapes, as printf's %o and C write bytes.
func octal(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "\\%03o", s[i])
	}
	return b.String()
}

func utf16le(s string, bom bool) []byte {
	var out []byte
	if bom {
		out = append(out, 0xff, 0xfe)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func TestDecodedSecretsPointAtTheEncodedSpan(t *testing.T) {
	g := tokengen.New(t.Name())
	tok := g.GitHub("ghp")
	ana := g.Anaconda("an")
	b64 := base64.StdEncoding.EncodeToString([]byte("GITHUB_TOKEN=" + tok + "\n"))
	dockerAuth := base64.StdEncoding.EncodeToString([]byte(`{"auths":{"ghcr.io":{"auth":"` + base64.StdEncoding.EncodeToString([]byte("me:"+tok)) + `"}}}`))
	release := []byte(`{"name":"app","config":{"github":{"token":"` + tok + `"}}}`)
	gzipped64 := base64.StdEncoding.EncodeToString(archivetest.Gzip("", release))
	helmRelease := base64.StdEncoding.EncodeToString([]byte(gzipped64))
	zstd64 := base64.StdEncoding.EncodeToString(archivetest.Zstd(release))
	zip64 := base64.StdEncoding.EncodeToString(archivetest.Zip(zip.Deflate, archivetest.File{Name: "release.json", Data: release}))
	cases := []struct {
		name, content, how string
		encoded            string // the span the finding must point at
	}{
		{"kubernetes secret", "data:\n  token: " + b64 + "\n", "base64", b64},
		{"base64url", "x=" + base64.RawURLEncoding.EncodeToString([]byte("export GH="+tok)) + ";", "base64url", base64.RawURLEncoding.EncodeToString([]byte("export GH=" + tok))},
		{"nested: dockerconfigjson", ".dockerconfigjson: " + dockerAuth, "base64, then base64", dockerAuth},
		{"percent-encoded", "url=https%3A%2F%2Fconda.anaconda.org%2Ft%2F" + ana + "%2Fch", "percent-encoding", "url=https%3A%2F%2Fconda.anaconda.org%2Ft%2F" + ana + "%2Fch"},
		{"json escapes", `{"k": "ANACONDA_API_TOKEN\u003d` + ana + `"}`, "escapes", `ANACONDA_API_TOKEN\u003d` + ana},
		{"hex", `seed = "` + hex.EncodeToString([]byte("GH_TOKEN="+tok)) + `"`, "hex", hex.EncodeToString([]byte("GH_TOKEN=" + tok))},
		{"upper-case hex after a word ending in a hex letter", "name" + strings.ToUpper(hex.EncodeToString([]byte(tok))) + ";", "hex", "e" + strings.ToUpper(hex.EncodeToString([]byte(tok)))},
		{"hex, then base64", "v=" + hex.EncodeToString([]byte(b64)), "hex, then base64", hex.EncodeToString([]byte(b64))},
		{"gzip in base64", "payload: " + gzipped64 + "\n", "base64, then gzip", gzipped64},
		{"a Helm release: gzip in base64 in a Secret's base64", "data:\n  release: " + helmRelease + "\n", "base64, then base64, then gzip", helmRelease},
		{"zstd in base64", "blob=" + zstd64, "base64, then zstd", zstd64},
		{"a zip in base64", "binaryData:\n  conf.zip: " + zip64 + "\n", "base64, then zip", zip64},
		{"octal escapes", `printf "GH_TOKEN=` + octal(tok) + `"`, "octal escapes", `GH_TOKEN=` + octal(tok)},
	}
	e := decodingEngine(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			content := []byte(c.content)
			found := e.Detect(source.Fragment{Path: "f", Content: content})
			if len(found) != 1 {
				t.Fatalf("found %d findings", len(found))
			}
			f := found[0]
			if f.Decoded != c.how && !(c.how == "base64url" && f.Decoded == "base64") {
				t.Fatalf("decoded %q, want %q", f.Decoded, c.how)
			}
			if got := string(content[f.Offset:f.End]); got != c.encoded {
				t.Fatalf("span %q, want %q", got, c.encoded)
			}
			if s := f.Secret.Reveal(); s != tok && s != ana {
				t.Fatalf("secret %q", f.Secret)
			}
			line := bytes.Count(content[:f.Offset], []byte{'\n'}) + 1
			if f.Line != line {
				t.Fatalf("line %d, want %d", f.Line, line)
			}
		})
	}
}

func TestUTF16KeepsExactPositions(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("gho")
	for _, bom := range []bool{true, false} {
		content := utf16le("first line\r\nTOKEN="+tok+"\r\n", bom)
		found := decodingEngine(t).Detect(source.Fragment{Content: content})
		if len(found) != 1 || found[0].Decoded != "utf-16" || found[0].Line != 2 {
			t.Fatalf("bom=%v: %+v", bom, found)
		}
		f := found[0]
		if f.End-f.Offset != 2*len(tok) || content[f.Offset] != 'g' || content[f.Offset+1] != 0 {
			t.Fatalf("bom=%v: span %d:%d", bom, f.Offset, f.End)
		}
	}
}

func TestRawFindingWinsOverDecodedCopy(t *testing.T) {
	ana := tokengen.New(t.Name()).Anaconda("an")
	content := []byte("https://conda.anaconda.org/t/" + ana + "/my%20channel")
	found := decodingEngine(t).Detect(source.Fragment{Content: content})
	if len(found) != 1 || found[0].Decoded != "" {
		t.Fatalf("%+v", found)
	}
}

func TestDecodingOffAndBudget(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("ghp")
	content := []byte("v: " + base64.StdEncoding.EncodeToString([]byte("T="+tok)))
	if n := len(defaultEngine(t, Options{}).Detect(source.Fragment{Content: content})); n != 0 {
		t.Fatalf("decoding off still found %d", n)
	}
	b := budget{}
	if segs := base64Segments(content, &b); len(segs) != 0 {
		t.Fatal("decoded past an exhausted budget")
	}
	// binary in base64 (an image) is not scanned as text
	img := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x89, 0x50, 0x00, 0xff}, 64))
	b = budget{n: 1 << 20}
	if segs := base64Segments([]byte(img), &b); len(segs) != 0 {
		t.Fatal("binary decoded as text")
	}
}

// checkSegments asserts what every decoder promises: spans inside the
// content, positions (when kept) inside it and non-decreasing.
func checkSegments(t *testing.T, content []byte, segs []segment) {
	for _, s := range segs {
		if s.start < 0 || s.end > len(content) || s.start > s.end {
			t.Fatalf("segment %d:%d outside %d bytes", s.start, s.end, len(content))
		}
		// text joined from the content is never longer than what it
		// joins, and its pieces come from the segment, in order
		if s.joined && len(s.text) > s.end-s.start {
			t.Fatalf("joined text %q longer than its source %q", s.text, content[s.start:s.end])
		}
		prev := joinSpan{text: -1, end: s.start}
		for _, sp := range s.spans {
			if sp.text <= prev.text || sp.text > len(s.text) || sp.start < prev.end || sp.start > sp.end || sp.end > s.end {
				t.Fatalf("span %+v after %+v in segment %d:%d of %d text bytes", sp, prev, s.start, s.end, len(s.text))
			}
			prev = sp
		}
		if s.wide != nil {
			prev := 0
			for i := 0; i <= len(s.text); i++ {
				o := s.origin(i)
				if o < prev || o > len(content) {
					t.Fatalf("origin(%d) = %d after %d", i, o, prev)
				}
				prev = o
			}
		}
	}
}

// sameAsByteByByte checks a run decoder's segments and holds its strided
// scan to one that looks at every byte: they find exactly the same.
func sameAsByteByByte(t *testing.T, content []byte, scan func([]byte, *budget, bool) []segment) {
	b, ref := budget{n: 1 << 20}, budget{n: 1 << 20}
	got, want := scan(content, &b, true), scan(content, &ref, false)
	checkSegments(t, content, got)
	if len(got) != len(want) {
		t.Fatalf("%d segments, byte-by-byte scan finds %d", len(got), len(want))
	}
	for i := range got {
		if got[i].start != want[i].start || got[i].end != want[i].end || !bytes.Equal(got[i].text, want[i].text) {
			t.Fatalf("segment %d differs: %d-%d vs %d-%d", i, got[i].start, got[i].end, want[i].start, want[i].end)
		}
	}
}

func FuzzBase64Segments(f *testing.F) {
	f.Add([]byte("a: " + base64.StdEncoding.EncodeToString([]byte("hello secret world 12345"))))
	f.Add([]byte("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB=="))
	f.Add([]byte("short words then QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\nand\tmore aGVsbG8gd29ybGQgaGVsbG8gd29y\n  bGQ="))
	f.Fuzz(func(t *testing.T, content []byte) {
		sameAsByteByByte(t, content, scanBase64)
	})
}

// Hashes, ids and binary in hex decode to bytes that are not text and are
// not scanned again.
func TestHexOfBinaryIsNotDecoded(t *testing.T) {
	g := tokengen.New(t.Name())
	content := []byte("commit " + g.Hex(40) + "\nsha256:" + g.Hex(64) + "\nkey " + strings.ToUpper(g.Hex(128)) + "\n")
	b := budget{n: 1 << 20}
	if segs := hexSegments(content, &b); len(segs) != 0 {
		t.Fatalf("%d segments from hashes", len(segs))
	}
}

func FuzzHexSegments(f *testing.F) {
	f.Add([]byte("x=" + hex.EncodeToString([]byte("hello secret world 12345"))))
	f.Add([]byte("dead" + hex.EncodeToString([]byte("an odd run of hex digits")) + "f"))
	f.Fuzz(func(t *testing.T, content []byte) {
		sameAsByteByByte(t, content, scanHex)
	})
}

func FuzzPercentSegments(f *testing.F) {
	f.Add([]byte("https%3A%2F%2Fexample.com%2Ft%2Fabc"))
	f.Add([]byte("%%%41%4"))
	f.Fuzz(func(t *testing.T, content []byte) {
		b := budget{n: 1 << 20}
		checkSegments(t, content, percentSegments(content, &b))
	})
}

func FuzzEscapeSegments(f *testing.F) {
	f.Add([]byte(`"\u0041\u0042\x43defghij"`))
	f.Add([]byte(`\u12\x`))
	f.Add([]byte(`"\147\150\160\137\101\102\103\104"`))
	f.Add([]byte(`\377\4\400`))
	f.Fuzz(func(t *testing.T, content []byte) {
		b := budget{n: 1 << 20}
		checkSegments(t, content, escapeSegments(content, &b))
		checkSegments(t, content, octalSegments(content, &b))
	})
}

func FuzzWideSegment(f *testing.F) {
	f.Add(utf16le("hello world token", true))
	f.Add(utf16le("hello world token", false))
	f.Add([]byte{0xfe, 0xff, 0, 'a', 0xd8, 0x00})
	f.Add([]byte{0xff, 0xfe, 0, 0, 'a', 0, 0, 0, 0xff, 0xff, 0x10, 0})
	f.Fuzz(func(t *testing.T, content []byte) {
		if enc, ok := sniffWide(content); ok {
			checkSegments(t, content, []segment{wideSegment(content, enc)})
		}
	})
}

func utf32(s string, bigEndian bool) []byte {
	out := []byte{0xff, 0xfe, 0, 0}
	if bigEndian {
		out = []byte{0, 0, 0xfe, 0xff}
	}
	for _, r := range s {
		if bigEndian {
			out = append(out, byte(r>>24), byte(r>>16), byte(r>>8), byte(r))
		} else {
			out = append(out, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
		}
	}
	return out
}

// Wide text is scanned whatever its script: a Japanese comment above the
// token does not hide it, with or without a byte order mark, in UTF-16 or
// UTF-32.
func TestWideTextInAnyScript(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("ghp")
	text := strings.Repeat("# 本番環境の設定ファイルです。トークンは下にあります。\n", 40) + "GITHUB_TOKEN=" + tok + "\n"
	cases := map[string][]byte{
		"utf-16 with BOM":    utf16le(text, true),
		"utf-16 without BOM": utf16le(text, false),
		// a stray NUL and escape character among the text
		"utf-16 without BOM, odd characters": utf16le("\x00\x1b"+text, false),
		"utf-32 LE":                          utf32(text, false),
		"utf-32 BE":                          utf32(text, true),
	}
	for name, content := range cases {
		found := decodingEngine(t).Detect(source.Fragment{Content: content})
		if len(found) != 1 || found[0].Secret.Reveal() != tok || found[0].Line != 41 {
			t.Fatalf("%s: %+v", name, found)
		}
		f := found[0]
		if bytes.IndexByte(content[f.Offset:f.Offset+4], 'g') < 0 || f.End-f.Offset != len(tok)*(len(content)/len([]rune(text))) {
			t.Fatalf("%s: span %d:%d", name, f.Offset, f.End)
		}
	}
}

// Text that is not wide (ASCII with a stray NUL, binary) is not taken for
// UTF-16, and base64 next to it is still decoded.
func TestNotWide(t *testing.T) {
	for _, c := range [][]byte{[]byte("plain ascii text\n"), append([]byte("abcdefgh"), 0, 0, 0, 0), {0, 1, 0, 2, 3, 0}} {
		if _, ok := sniffWide(c); ok {
			t.Fatalf("%q taken for wide text", c)
		}
	}
	tok := tokengen.New(t.Name()).GitHub("ghp")
	content := []byte("a\x00bc " + base64.StdEncoding.EncodeToString([]byte("GITHUB_TOKEN="+tok)) + "\n")
	if found := decodingEngine(t).Detect(source.Fragment{Content: content}); len(found) != 1 {
		t.Fatalf("%+v", found)
	}
}

// Base64 as tools write it: wrapped at 76 (base64(1), MIME) or 64 columns,
// indented in a YAML block scalar, with CRLF line ends; the token may sit
// at any offset of the encoded text, and binary may come before it.
func TestWrappedBase64(t *testing.T) {
	e := decodingEngine(t)
	g := tokengen.New(t.Name())
	wrap := func(enc string, width int, indent, eol string) string {
		var b strings.Builder
		for len(enc) > width {
			b.WriteString(indent + enc[:width] + eol)
			enc = enc[width:]
		}
		b.WriteString(indent + enc + eol)
		return b.String()
	}
	for offset := 0; offset < 120; offset++ {
		tok := g.GitHub("ghp")
		plain := strings.Repeat("x", offset) + "\nGITHUB_TOKEN=" + tok + "\n" + strings.Repeat("y", 200-offset)
		enc := base64.StdEncoding.EncodeToString([]byte(plain))
		for _, form := range []string{
			wrap(enc, 76, "", "\n"),
			wrap(enc, 64, "", "\r\n"),
			"data: |\n" + wrap(enc, 76, "    ", "\n") + "next: 1\n",
			// inside a JSON, JavaScript or YAML double-quoted string,
			// whose line breaks are escapes
			`{"data": "` + strings.TrimSuffix(wrap(enc, 76, "", `\n`), `\n`) + `"}` + "\n",
			`key: "` + wrap(enc, 64, "", `\r\n`) + `"` + "\n",
		} {
			found := e.Detect(source.Fragment{Content: []byte(form)})
			if len(found) != 1 || found[0].Secret.Reveal() != tok {
				t.Fatalf("offset %d: %d findings in\n%s", offset, len(found), form)
			}
		}
	}
	// binary before the token does not hide it
	tok := g.GitHub("gho")
	bin := append(bytes.Repeat([]byte{0x80, 0x03, 0xff, 0x00}, 16), []byte("token="+tok+"\x00\x01")...)
	found := e.Detect(source.Fragment{Content: []byte("v: " + base64.StdEncoding.EncodeToString(bin) + "\n")})
	if len(found) != 1 || found[0].Secret.Reveal() != tok {
		t.Fatalf("behind binary: %+v", found)
	}
	// lines of one width that are separate values are decoded one by one
	a, b := base64.StdEncoding.EncodeToString([]byte("GITHUB_TOKEN="+g.GitHub("ghp")+"\n")), base64.StdEncoding.EncodeToString([]byte("z"))
	if found := e.Detect(source.Fragment{Content: []byte(a + "\n" + strings.Repeat("A", len(a)-len(b)) + b + "\n")}); len(found) != 1 {
		t.Fatalf("separate values: %+v", found)
	}
}

// The decode budget is per stream, and using it up is a warning naming the
// file.
func TestDecodeBudgetIsPerFileAndWarns(t *testing.T) {
	var warned []string
	e := defaultEngine(t, Options{MaxDecodeDepth: 2, OnWarning: func(p, msg string) { warned = append(warned, p+": "+msg) }})
	chunk := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("harmless text "), 1000)) + "\n"
	var content strings.Builder
	for content.Len() < 8<<20 {
		content.WriteString(chunk)
	}
	_, _, err := e.detectWindows(t.Context(), "big.txt", strings.NewReader(content.String()), 1<<20, 64<<10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(warned) != 1 || !strings.HasPrefix(warned[0], "big.txt: more than 4 MiB of encoded text") {
		t.Fatalf("warnings: %q", warned)
	}
}

// Escapes that tools and languages write: each hides a token from a plain
// scan, and each is decoded.
func TestMoreEscapes(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("ghp")
	each := func(f func(r rune) string, sep string) string {
		var parts []string
		for _, r := range tok {
			parts = append(parts, f(r))
		}
		return strings.Join(parts, sep)
	}
	cases := map[string]string{
		"html decimal":   `<input value="` + each(func(r rune) string { return fmt.Sprintf("&#%d;", r) }, "") + `">`,
		"html hex":       `<input value="` + each(func(r rune) string { return fmt.Sprintf("&#x%x;", r) }, "") + `">`,
		"python \\U":     `t = "` + each(func(r rune) string { return fmt.Sprintf(`\U%08x`, r) }, "") + `"`,
		"js \\u{}":       `t = "` + each(func(r rune) string { return fmt.Sprintf(`\u{%x}`, r) }, "") + `"`,
		"perl \\x{}":     `my $t = "` + each(func(r rune) string { return fmt.Sprintf(`\x{%x}`, r) }, "") + `";`,
		"js escape() %u": `t=` + each(func(r rune) string { return fmt.Sprintf("%%u%04X", r) }, ""),
		"U+ notation":    `code points: ` + each(func(r rune) string { return fmt.Sprintf("U+%04X", r) }, " "),
		"css":            `.x::after { content: "` + each(func(r rune) string { return fmt.Sprintf(`\%x `, r) }, "") + `"; }`,
	}
	e := decodingEngine(t)
	for name, content := range cases {
		found := e.Detect(source.Fragment{Content: []byte(content)})
		if len(found) != 1 || found[0].Secret.Reveal() != tok {
			t.Errorf("%s: %d findings in %.80q", name, len(found), content)
		}
	}
}

func FuzzEntityAndCodePointSegments(f *testing.F) {
	f.Add([]byte(`v="&#103;&#x68;&#112"`))
	f.Add([]byte(`U+0067 U+0068, U+10FFFF U+110000`))
	f.Add([]byte(`\67 \68 \U00000067\u{68}\x{70}%u0067`))
	f.Fuzz(func(t *testing.T, content []byte) {
		b := budget{n: 1 << 20}
		checkSegments(t, content, entitySegments(content, &b))
		checkSegments(t, content, codePointSegments(content, &b))
		checkSegments(t, content, escapeSegments(content, &b))
		checkSegments(t, content, percentSegments(content, &b))
	})
}

// mayHoldText never skips a run that holds minTextRun printable bytes,
// wherever they fall among binary, and skips random binary.
func TestMayHoldText(t *testing.T) {
	g := tokengen.New(t.Name())
	binary := func(n int) []byte {
		b := []byte(g.Hex(2 * n))
		out := make([]byte, n)
		for i := range out {
			out[i] = hexVal(b[2*i])<<4 | hexVal(b[2*i+1]) | 0x80
		}
		return out
	}
	for prefix := 0; prefix < 12; prefix++ {
		raw := append(append(binary(prefix), []byte(g.Alnum(minTextRun))...), binary(9)...)
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			s := []byte(enc.EncodeToString(raw))
			if !mayHoldText(s, []piece{{0, len(s)}}) {
				t.Fatalf("prefix %d: text skipped", prefix)
			}
		}
	}
	s := []byte(base64.RawStdEncoding.EncodeToString(binary(3000)))
	if mayHoldText(s, []piece{{0, len(s)}}) {
		t.Fatal("binary with every high bit set taken for text")
	}
}

// splitToken is a text with a token cut in two (its %s verbs), and
// whether the token is found in it.
type splitToken struct {
	name, text string
	found      bool
}

// findSplitTokens checks each case with a fresh token: found once, whole,
// decoded as one of decoded says, its span covering both halves; or not
// found at all.
func findSplitTokens(t *testing.T, cases []splitToken, decoded ...string) {
	t.Helper()
	e := decodingEngine(t)
	g := tokengen.New(t.Name())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok := g.GitHub("ghp")
			text := fmt.Sprintf(tc.text, tok[:17], tok[17:])
			found := e.Detect(source.Fragment{Path: "f", Content: []byte(text)})
			if tc.found != (len(found) == 1) || tc.found && found[0].Secret.Reveal() != tok {
				t.Fatalf("found %d in %q", len(found), text)
			}
			if !tc.found {
				return
			}
			if !slices.Contains(decoded, found[0].Decoded) {
				t.Fatalf("decoded %q", found[0].Decoded)
			}
			if span := text[found[0].Offset:found[0].End]; !strings.Contains(span, tok[:17]) || !strings.Contains(span, tok[17:]) {
				t.Fatalf("span %q leaves pieces of the token outside", span)
			}
		})
	}
}

// A token cut by a soft line break (quoted-printable's "=", a backslash
// continuation) is found in the joined lines, and nothing else is joined.
func TestSoftLineBreaks(t *testing.T) {
	findSplitTokens(t, []splitToken{
		{"quoted-printable", "Your token is %s=\n%s, keep it safe.=0A\n", true},
		{"quoted-printable, CRLF", "Your token is %s=\r\n%s, keep it safe.\r\n", true},
		{"a continued command line", "run --token %s \\\n  --other %s\n", false},
		{"quoted-printable with escapes", "key=3D%s=\n%s\n", true},
		{"shell continuation", "export GITHUB_TOKEN=%s\\\n%s\n", true},
		{"continuation with CRLF", "RUN echo %s\\\r\n%s\r\n", true},
		{"an escaped backslash ends no line softly", "a = \"%s\\\\\n%s\"\n", false},
		{"YAML double-quoted string, the next line indented", "token: \"%s\\\n    %s\"\n", true},
		{"TOML multi-line string", "token = \"\"\"\\\n  %s\\\n  %s\"\"\"\n", true},
		{"a hard line break", "%s\n%s\n", false},
		// a megabyte of continued lines (where a run's text is cut)
		// before the break that splits the token
		{"after a megabyte of continued lines", strings.Repeat(strings.Repeat("a ", 32)+"\\\n", 1<<20/64) + "t=%s\\\n%s\n", true},
	}, "quoted-printable", "line continuations")
	// "==" (base64's padding) is not a soft break, nor a break between
	// spaces, nor "=" at the end of the text
	b := budget{n: 1 << 20}
	if segs := softBreakSegments([]byte("next: QUJDREVGR0==\nlast\nx = \n  y\nz="), &b); len(segs) != 0 {
		t.Fatalf("segments %+v", segs)
	}
	segs := softBreakSegments([]byte("one\ntwo=\nthree=3D=\nfour\nfive\n"), &b)
	if len(segs) != 1 || string(segs[0].text) != "twothree=four" || segs[0].start != 4 || segs[0].end != 23 {
		t.Fatalf("segments %+v", segs)
	}
}

// softBreakSegmentsByLine is softBreakSegments looking at every line's
// end, the reference its search for break ends is held to.
func softBreakSegmentsByLine(content []byte) []segment {
	var out []segment
	for at := 0; at < len(content); {
		i := bytes.IndexByte(content[at:], '\n')
		if i < 0 {
			break
		}
		i += at
		at = i + 1
		marker, ok := softBreakBefore(content, i)
		if !ok {
			continue
		}
		seg, end, ok := softRun(content, i, marker)
		at = end
		if ok {
			out = append(out, seg)
		}
	}
	return out
}

func FuzzSoftBreakSegments(f *testing.F) {
	f.Add([]byte("a=\nb=\r\nc\\\nd"))
	f.Add([]byte("=\n=\n\\\n"))
	f.Add([]byte("token ghp_abc=\ndef and x\\\r\ny==\nz\\\\\nw"))
	f.Fuzz(func(t *testing.T, content []byte) {
		b := budget{n: 1 << 20}
		segs := softBreakSegments(content, &b)
		checkSegments(t, content, segs)
		if want := softBreakSegmentsByLine(content); !reflect.DeepEqual(segs, want) {
			t.Fatalf("%q: segments %+v, line by line %+v", content, segs, want)
		}
	})
}

// UTF-16 strings inside binary content (a .NET assembly's user strings, a
// Windows resource) are found, little- or big-endian.
func TestUTF16StringsInBinaries(t *testing.T) {
	e := decodingEngine(t)
	g := tokengen.New(t.Name())
	noise := make([]byte, 4096)
	for i := range noise {
		noise[i] = byte(i*7 + i/256) // NULs and high bytes, no UTF-16 text
	}
	for _, bigEndian := range []bool{false, true} {
		for _, pad := range []int{0, 1} {
			tok := g.GitHub("ghp")
			var wide []byte
			for _, c := range []byte("GITHUB_TOKEN=" + tok) {
				if bigEndian {
					wide = append(wide, 0, c)
				} else {
					wide = append(wide, c, 0)
				}
			}
			content := slices.Concat(noise[:100+pad], wide, noise)
			found := e.Detect(source.Fragment{Path: "app.dll", Content: content})
			if len(found) != 1 || found[0].Secret.Reveal() != tok || found[0].Decoded != "utf-16 strings" {
				t.Fatalf("big-endian %v, offset %d: found %+v", bigEndian, pad, found)
			}
		}
	}
	short := slices.Concat(noise[:50], []byte("s\x00h\x00o\x00r\x00t\x00"), noise[:50])
	if segs := wideRunSegments(short); len(segs) != 0 {
		t.Fatalf("a run shorter than %d characters: %+v", minWideRun, segs)
	}
	if segs := wideRunSegments([]byte(strings.Repeat("text without a NUL byte ", 10))); segs != nil {
		t.Fatalf("text: %+v", segs)
	}
}

func FuzzWideRunSegments(f *testing.F) {
	f.Add([]byte("\x01\x02t\x00o\x00k\x00e\x00n\x00=\x00a\x00b\x00c\x00d\x00e\x00f\x00g\x00h\x00i\x00\xff"))
	f.Add([]byte("\x00t\x00o\x00k\x00e\x00n\x00=\x00a\x00b\x00c\x00d\x00e\x00f\x00g\x00h\x00i\x00j"))
	f.Fuzz(func(t *testing.T, content []byte) {
		segs := wideRunSegments(content)
		checkSegments(t, content, segs)
		for _, s := range segs {
			if len(s.text) < minWideRun || len(s.text) > (s.end-s.start+1)/2 {
				t.Fatalf("segment %d:%d of %d characters", s.start, s.end, len(s.text))
			}
			for k, c := range s.text {
				if !printableASCII(c) || content[s.start+2*k] != c {
					t.Fatalf("character %d of %q is not the run's", k, s.text)
				}
			}
		}
	})
}

// FuzzNextRun holds the strided run search to the byte-by-byte one, for
// any class, length and starting point that is a run's start or outside
// every run.
func FuzzNextRun(f *testing.F) {
	f.Add([]byte("short words QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo= and more"), byte(16), byte(0), byte(1))
	f.Add([]byte("aaaa bbbbbbbb cccccccccccccccc"), byte(8), byte(5), byte(2))
	f.Add([]byte("xxxxxxxxxxxxxxxx"), byte(16), byte(0), byte(3))
	f.Fuzz(func(t *testing.T, content []byte, min, from, class byte) {
		in := &b64Either
		switch class % 3 {
		case 1:
			in = &hexDigit
		case 2:
			in = new([256]bool)
			for c := 'a'; c <= 'c'; c++ {
				in[c] = true
			}
		}
		m := int(min%64) + 1
		i := 0
		if len(content) > 0 {
			i = int(from) % len(content)
		}
		// move i back to its run's start (the search's contract)
		for i > 0 && in[content[i]] && in[content[i-1]] {
			i--
		}
		s, e, ok := nextRun(content, i, in, m, true)
		ws, we, wok := nextRunByteByByte(content, i, in, m)
		if s != ws || e != we || ok != wok {
			t.Fatalf("nextRun(%q, %d, min %d) = %d, %d, %v; byte by byte %d, %d, %v", content, i, m, s, e, ok, ws, we, wok)
		}
	})
}

// A token written as string literals that code joins is found, in the
// languages' ways of joining them; literals that only look joined, or
// whose seam is not inside a token-like run, are not.
func TestJoinedStringLiterals(t *testing.T) {
	findSplitTokens(t, []splitToken{
		{"JavaScript, Java, Go: +", "const t = \"%s\" + \"%s\";\n", true},
		{"Python, implicit, across lines", "TOKEN = (\n    '%s'\n    '%s'\n)\n", true},
		{"PHP: .", "$t = '%s' . '%s';\n", true},
		{"Lua: ..", "local t = \"%s\" .. \"%s\"\n", true},
		{"Visual Basic: &", "t = \"%s\" & \"%s\"\n", true},
		{"SQL: ||", "SELECT '%s' || '%s';\n", true},
		{"shell, side by side", "export T=\"%s\"'%s'\n", true},
		{"+ across lines with a continuation", "t = \"%s\" + \\\n    \"%s\"\n", true},
		{"Python, prefixed literals", "t = f'%s' rb\"%s\"\n", true},
		{"C, wide literals", "wchar_t *t = L\"%s\" L\"%s\";\n", true},
		{"arguments, not joined", "f(\"%s\", \"%s\")\n", false},
		{"a call on the literal", "\"%s\".join(\"%s\")\n", false},
		// no bound of the search ends a join quietly
		{"after 256 joined literals", "t = \"x\" + " + strings.Repeat("\"a,\" + ", 255) + "\"%s\" + \"%s\";\n", true},
		{"a literal over 4 KiB before the seam", "t = \"" + strings.Repeat("a ", 2100) + "%s\" + \"%s\";\n", true},
		{"a literal over 4 KiB after the seam", "t = \"%s\" + \"%s" + strings.Repeat(" a", 2100) + "\";\n", true},
		{"a wide gap", "t = \"%s\" +" + strings.Repeat(" \n", 200) + "\"%s\";\n", true},
	}, "joined string literals")
	e := decodingEngine(t)
	g := tokengen.New(t.Name())
	// short words joined are not a segment; a token in one literal is
	// found as it is, once
	if segs := concatSegments([]byte(`msg = "Hello, " + "world" + name + "abc"`+"\n"), false, false); len(segs) != 0 {
		t.Fatalf("segments %+v", segs)
	}
	tok := g.GitHub("ghp")
	found := e.Detect(source.Fragment{Path: "f", Content: []byte(`t = "` + tok + `" + "` + g.Hex(20) + `"` + "\n")})
	if len(found) != 1 || found[0].Decoded != "" {
		t.Fatalf("found %+v", found)
	}
	// each finding points at its own run's line, runs next to each other
	// or apart
	a, b, c := g.GitHub("ghp"), g.GitHub("gho"), g.GitHub("ghu")
	text := "x\nv = ['" + a[:20] + "' + '" + a[20:] + "', '" + b[:9] + "' + '" + b[9:] + "']\n\n\nw = \"" + c[:30] + "\" \"" + c[30:] + "\"\n"
	found = e.Detect(source.Fragment{Path: "f", Content: []byte(text)})
	lines := map[string]int{}
	for _, f := range found {
		lines[f.Secret.Reveal()] = f.Line
	}
	if len(found) != 3 || lines[a] != 2 || lines[b] != 2 || lines[c] != 5 {
		t.Fatalf("lines %v of %d findings", lines, len(found))
	}
}

func FuzzConcatSegments(f *testing.F) {
	f.Add([]byte(`a = "ghp_abcdefghij" + "klmnopqrstuvwxyz0123456789"` + "\n"))
	f.Add([]byte("x = ('abcdefghijklmn'\n 'opqrstuvwxyz' \"\\\"q\" .. `z`)"))
	f.Add([]byte(`"a\"b" & "c" || 'd' ~ 'e' . "f"`))
	f.Fuzz(func(t *testing.T, content []byte) {
		for _, cut := range [][2]bool{{false, false}, {true, true}} {
			checkSegments(t, content, concatSegments(content, cut[0], cut[1]))
		}
	})
}

// A token in a binary file that a committed patch adds is in the patch's
// base85, deflated: found. A changed binary file is a delta on the file
// before the patch, which is not in it: what the delta inserts is
// scanned, and that the rest could not be is said.
func TestGitBinaryPatches(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	var warnings []string
	e := defaultEngine(t, Options{MaxDecodeDepth: 2, OnWarning: func(p, msg string) { warnings = append(warnings, p+": "+msg) }})
	g := tokengen.New(t.Name())
	dir := t.TempDir()
	git := gitIn(t, dir)
	binary := func(tok string) []byte {
		var b []byte
		for i := 0; i < 3000; i++ {
			b = append(b, byte(i*7), 0, byte(i>>3))
		}
		return append(append(b[:4000:4000], "\x00token="+tok+"\x00"...), b[4000:]...)
	}
	git("init", "-q")
	tok := g.GitHub("ghp")
	if err := os.WriteFile(filepath.Join(dir, "app.bin"), binary(tok), 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", "app.bin")
	git("commit", "-q", "-m", "one")
	added := git("format-patch", "--stdout", "--root")
	if !bytes.Contains(added, []byte("GIT binary patch\nliteral")) {
		t.Fatalf("no binary patch:\n%s", added)
	}
	found := e.Detect(source.Fragment{Path: "add.patch", Content: added})
	if len(found) != 1 || found[0].Decoded != "git binary patch" || found[0].Secret.Reveal() != tok {
		t.Fatalf("found %+v", found)
	}
	if len(warnings) != 0 {
		t.Fatalf("warnings %q", warnings)
	}
	// a compressed file the patch adds is opened
	gzTok := g.GitHub("ghp")
	if err := os.WriteFile(filepath.Join(dir, "conf.gz"), archivetest.Gzip("", []byte("token: "+gzTok+"\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", "conf.gz")
	git("commit", "-q", "-m", "gz")
	found = e.Detect(source.Fragment{Path: "gz.patch", Content: git("format-patch", "--stdout", "-1")})
	if len(found) != 1 || found[0].Decoded != "git binary patch, then gzip" || found[0].Secret.Reveal() != gzTok {
		t.Fatalf("found %+v", found)
	}
	if err := os.WriteFile(filepath.Join(dir, "app.bin"), binary(g.GitHub("ghp")), 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "-am", "two")
	changed := git("format-patch", "--stdout", "-1")
	if !bytes.Contains(changed, []byte("GIT binary patch\ndelta")) {
		t.Fatalf("no binary delta:\n%s", changed)
	}
	e.Detect(source.Fragment{Path: "change.patch", Content: changed})
	if len(warnings) != 1 || !strings.Contains(warnings[0], "change.patch: a git binary patch holds a delta on a file not in it") {
		t.Fatalf("warnings %q", warnings)
	}
}

func FuzzBinaryPatchSegments(f *testing.F) {
	f.Add([]byte("GIT binary patch\nliteral 20\nbcmZQzU|?ooU|?ooU|?ooU|?ooU|?o0\n\nliteral 0\nHcmV?d00001\n\n"))
	f.Add([]byte("GIT binary patch\ndelta 5\nzcmV?d\n\n"))
	f.Fuzz(func(t *testing.T, content []byte) {
		b := budget{n: 1 << 20}
		segs := binaryPatchSegments(content, &b)
		checkSegments(t, content, segs)
	})
}

// A token a word processor split into runs of XML is found in the text
// without the tags; tags that do not split a token-like run make no
// segment.
func TestMarkupSplitTokens(t *testing.T) {
	e := decodingEngine(t)
	g := tokengen.New(t.Name())
	tok := g.GitHub("ghp")
	for _, tc := range []struct {
		name, text string
	}{
		{"Word runs", `<w:p><w:r><w:t xml:space="preserve">token: %s</w:t></w:r><w:proofErr w:type="spellStart"/><w:r w:rsidR="00A1"><w:rPr><w:b/></w:rPr><w:t>%s</w:t></w:r></w:p>`},
		{"HTML spans", "<p>\n  <code>%s</code><span class=\"x\">%s</span>\n</p>\n"},
		{"many small runs", "<t>%s</t>"},
		{"a tag over 4 KiB", `<w:t>%s</w:t><w:r w:x="` + strings.Repeat("a", 5000) + `"><w:t>%s</w:t></w:r>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var text string
			if strings.Count(tc.text, "%s") == 2 {
				text = fmt.Sprintf(tc.text, tok[:13], tok[13:])
			} else {
				var b strings.Builder
				for i := 0; i < len(tok); i += 3 {
					fmt.Fprintf(&b, "<r><t>%s</t></r>", tok[i:min(len(tok), i+3)])
				}
				text = fmt.Sprintf(tc.text, b.String())
			}
			found := e.Detect(source.Fragment{Path: "word/document.xml", Content: []byte(text)})
			if len(found) != 1 || found[0].Secret.Reveal() != tok || found[0].Decoded != "markup" {
				t.Fatalf("found %+v in %q", found, text)
			}
			// the finding's span covers every piece, so a report that
			// hides it shows none of the token around it
			outside := text[:found[0].Offset] + "\x00" + text[found[0].End:]
			for i := 0; i+3 <= len(tok); i++ {
				if strings.Contains(outside, tok[i:i+3]) {
					t.Fatalf("%q of the token is outside the finding's span %q", tok[i:i+3], text[found[0].Offset:found[0].End])
				}
			}
		})
	}
	for _, text := range []string{
		"<p>Hello <b>world</b></p>",
		"if a<b && c>d { return x</y }",
		"<div>" + tok + "</div>", // found as it is, once
	} {
		if segs := markupSegments([]byte(text)); len(segs) != 0 {
			t.Errorf("segments for %q: %+v", text, segs)
		}
	}
}

func FuzzMarkupSegments(f *testing.F) {
	f.Add([]byte(`<w:t>abcdefghij</w:t></w:r><w:r><w:t>klmnopqrstu</w:t>`))
	f.Add([]byte("a<b>c</b>d<e/>f<!-- x -->g<?pi?>h<"))
	f.Fuzz(func(t *testing.T, content []byte) {
		checkSegments(t, content, markupSegments(content))
	})
}

func TestClosesElements(t *testing.T) {
	for text, want := range map[string]bool{"": false, "<": false, "a</b": true, "<br/>": true, "a<b && c>d": false, "/>": true, "</": true, "x / > <": false} {
		if got := closesElements([]byte(text)); got != want {
			t.Errorf("closesElements(%q) = %v", text, got)
		}
	}
}

// The strided base64 search finds what the byte-by-byte one finds on
// text made of base64 runs of every length, wrapped or not, padding,
// indentation and both kinds of line break.
func TestBase64SearchLikeByteByByte(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	parts := []string{"\n", "\r\n", "  ", "=", "==", " ", ".", ":", "\t", "-"}
	segs := 0
	for n := 0; n < 3000; n++ {
		var b []byte
		for len(b) < 400 {
			if rng.IntN(3) == 0 {
				b = append(b, parts[rng.IntN(len(parts))]...)
				continue
			}
			w := []int{4, 8, 12, 15, 16, 17, 20, 24, 28, 31, 32, 33, 40, 64, 76}[rng.IntN(15)]
			src := make([]byte, w*3/4+1)
			for i := range src {
				src[i] = byte(' ' + rng.IntN(90))
			}
			b = append(b, base64.StdEncoding.EncodeToString(src)[:w]...)
		}
		sameAsByteByByte(t, b, scanBase64)
		bud := budget{n: 1 << 20}
		segs += len(scanBase64(b, &bud, true))
	}
	if segs < 1000 {
		t.Fatalf("only %d segments decoded: the text does not exercise the search", segs)
	}
}

// A token in base32 is found, whatever its length's remainder of 5; runs
// of capitals that are not base32 of text are not decoded.
func TestBase32(t *testing.T) {
	e := decodingEngine(t)
	g := tokengen.New(t.Name())
	for pad := 0; pad < 5; pad++ {
		tok := g.GitHub("ghp")
		enc := base32.StdEncoding.EncodeToString([]byte("GITHUB_TOKEN=" + tok + strings.Repeat(" ", pad)))
		for _, text := range []string{"secret: " + enc + "\n", "x=" + strings.TrimRight(enc, "=")} {
			found := e.Detect(source.Fragment{Path: "f", Content: []byte(text)})
			if len(found) != 1 || found[0].Secret.Reveal() != tok || found[0].Decoded != "base32" {
				t.Fatalf("%q: found %+v", text, found)
			}
		}
	}
	wantNoSegments(t, base32Segments, "const ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGH = 1\nSHA256 "+strings.ToUpper(g.Hex(64)))
}

func FuzzBase32Segments(f *testing.F) {
	f.Add([]byte("s: " + base32.StdEncoding.EncodeToString([]byte("hello secret world 12345"))))
	f.Add([]byte("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJ===\nKRUGS4ZANFZSA5DFPB2CA53JORUCAYJAOR2W4ZI"))
	f.Fuzz(func(t *testing.T, content []byte) {
		sameAsByteByByte(t, content, scanBase32)
	})
}

// Whatever decoding finds points inside the content: its span and lines
// are the file's, so a report can show them.
func FuzzDecodedFindingsPointIntoContent(f *testing.F) {
	e := decodingEngine(f)
	g := tokengen.New("fuzz-decoded")
	tok := g.GitHub("ghp")
	f.Add([]byte("a\nt = \"" + tok[:20] + "\" +\n \"" + tok[20:] + "\"\n"))
	f.Add([]byte("<p><w:t>" + tok[:9] + "</w:t><w:t>" + tok[9:] + "</w:t></p>\n"))
	f.Add([]byte("x\r\ns: " + base32.StdEncoding.EncodeToString([]byte("T="+tok)) + "\n"))
	f.Add([]byte("k: " + base64.StdEncoding.EncodeToString([]byte("T="+tok)) + "\n"))
	f.Fuzz(func(t *testing.T, content []byte) {
		lines := bytes.Count(content, []byte{'\n'}) + 1
		for _, fd := range e.Detect(source.Fragment{Path: "f", Content: content}) {
			if fd.Offset < 0 || fd.Offset > fd.End || fd.End > len(content) {
				t.Fatalf("%s (%s): span %d:%d outside %d bytes", fd.RuleID, fd.Decoded, fd.Offset, fd.End, len(content))
			}
			if fd.Line < 1 || fd.Line > fd.EndLine || fd.EndLine > lines {
				t.Fatalf("%s (%s): lines %d-%d of %d", fd.RuleID, fd.Decoded, fd.Line, fd.EndLine, lines)
			}
		}
	})
}

// Encoded text nested deeper than the engine decodes is said: a token one
// layer deeper would otherwise pass unseen.
func TestDecodeDepthLimitIsSaid(t *testing.T) {
	g := tokengen.New(t.Name())
	tok := g.GitHub("ghp")
	enc := "TOKEN=" + tok
	for i := 0; i < 3; i++ {
		enc = base64Of(enc)
	}
	var warnings []string
	e := defaultEngine(t, Options{MaxDecodeDepth: 2, OnWarning: func(p, msg string) { warnings = append(warnings, p+": "+msg) }})
	found := e.Detect(source.Fragment{Path: "deep.yml", Content: []byte("a: " + enc + "\n")})
	if len(found) != 0 || len(warnings) != 1 || !strings.Contains(warnings[0], "deep.yml: encoded text nested more than 2 layers deep was not decoded") {
		t.Fatalf("found %d, warnings %q", len(found), warnings)
	}
	warnings = nil
	e = defaultEngine(t, Options{MaxDecodeDepth: 3, OnWarning: func(p, msg string) { warnings = append(warnings, p+": "+msg) }})
	found = e.Detect(source.Fragment{Path: "deep.yml", Content: []byte("a: " + enc + "\n")})
	if len(found) != 1 || found[0].Secret.Reveal() != tok || len(warnings) != 0 {
		t.Fatalf("depth 3: found %d, warnings %q", len(found), warnings)
	}
	// two layers: found, nothing said
	found = defaultEngine(t, Options{MaxDecodeDepth: 2, OnWarning: func(p, msg string) { t.Errorf("warning %s: %s", p, msg) }}).
		Detect(source.Fragment{Path: "a.yml", Content: []byte("a: " + base64Of(base64Of("TOKEN="+tok)) + "\n")})
	if len(found) != 1 {
		t.Fatalf("two layers: found %d", len(found))
	}
}

// A binary patch larger than the decode budget is cut there, and that is
// said (the budget's warning), never passed quietly.
func TestBinaryPatchOverTheBudgetIsSaid(t *testing.T) {
	var line []byte
	// a binary file past the budget: what is decoded holds little text,
	// so only the cut can say the rest went unseen
	data := bytes.Repeat([]byte{0x00, 0x81, 0xfe, 0x90, 0x07, 0xc3, 0x11, 0xaa}, 1<<18)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(data)
	zw.Close()
	patch := []byte(fmt.Sprintf("GIT binary patch\nliteral %d\n", len(data)))
	zd := z.Bytes()
	for len(zd) > 0 {
		n := min(52, len(zd))
		line = line[:0]
		if n <= 26 {
			line = append(line, byte('A'+n-1))
		} else {
			line = append(line, byte('a'+n-27))
		}
		chunk := append(zd[:n:n], make([]byte, (4-n%4)%4)...)
		for i := 0; i < len(chunk); i += 4 {
			v := uint32(chunk[i])<<24 | uint32(chunk[i+1])<<16 | uint32(chunk[i+2])<<8 | uint32(chunk[i+3])
			var enc [5]byte
			for k := 4; k >= 0; k-- {
				enc[k] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"[v%85]
				v /= 85
			}
			line = append(line, enc[:]...)
		}
		patch = append(append(patch, line...), '\n')
		zd = zd[n:]
	}
	b := budget{n: 1 << 20}
	binaryPatchSegments(patch, &b)
	if !b.exhausted {
		t.Fatal("a patch cut by the decode budget passed without a word")
	}
}

// The context printed beside a finding hides every other finding's span
// that reaches into it, however long that span is: here a joined run
// whose first literal is longer than the context's reach, and a second
// token after it on the same line.
func TestContextHidesLongSpans(t *testing.T) {
	e := defaultEngine(t, Options{MaxDecodeDepth: 2, MaskContext: true})
	g := tokengen.New(t.Name())
	split, raw := g.GitHub("ghp"), g.GitHub("gho")
	text := `a = "` + strings.Repeat("x ", 40<<10) + split[:20] + `" + "` + split[20:] + `"; b = "` + raw + `"` + "\n"
	found := e.Detect(source.Fragment{Path: "f.js", Content: []byte(text)})
	if len(found) != 2 {
		t.Fatalf("found %d", len(found))
	}
	for _, f := range found {
		shown := f.ContextBefore + "\x00" + f.ContextAfter
		for _, tok := range []string{split, raw} {
			for i := 0; i+6 <= len(tok); i++ {
				if strings.Contains(shown, tok[i:i+6]) {
					t.Fatalf("%s's context shows %q of a token: %q", f.Secret.Reveal()[:4], tok[i:i+6], shown)
				}
			}
		}
	}
}

// Decoded text is joined as a file's own text is: a PowerShell script
// saved as UTF-16, a script or a page carried as base64.
func TestJoinsInDecodedText(t *testing.T) {
	e := decodingEngine(t)
	g := tokengen.New(t.Name())
	for _, tc := range []struct {
		name, decoded string
		content       func(tok string) []byte
	}{
		{"UTF-16 PowerShell", "utf-16, then joined string literals", func(tok string) []byte {
			return utf16le("$token = \""+tok[:15]+"\" +\r\n    \""+tok[15:]+"\"\r\n", true)
		}},
		{"a base64 script", "base64, then joined string literals", func(tok string) []byte {
			return []byte("script: " + base64Of("const token = '"+tok[:15]+"' + '"+tok[15:]+"';\nrun(token);\n") + "\n")
		}},
		{"a base64 page", "base64, then markup", func(tok string) []byte {
			return []byte(`<iframe src="data:text/html;base64,` + base64Of("<p>token <b>"+tok[:15]+"</b><i>"+tok[15:]+"</i></p>\n") + `"></iframe>` + "\n")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := g.GitHub("ghp")
			found := e.Detect(source.Fragment{Path: "f", Content: tc.content(tok)})
			if len(found) != 1 || found[0].Secret.Reveal() != tok || found[0].Decoded != tc.decoded {
				t.Fatalf("found %+v", found)
			}
		})
	}
}

// Literals that straddle a window's seam on a line longer than the
// windows' overlap (a minified script) are joined in the window that
// starts inside the first of them.
func TestJoinAcrossAWindowSeam(t *testing.T) {
	e := decodingEngine(t)
	tok := tokengen.New(t.Name()).GitHub("ghp")
	// windows of 4096 bytes overlapping by 512: the second starts at
	// 3584, inside the first literal (3000 to 4080); the second literal
	// runs past the first window's end
	line := strings.Repeat("y ", 1500) + `"` + strings.Repeat("x ", 531) + tok[:17] + `" + "` + tok[17:] + strings.Repeat(" x", 200) + `";` + "\n"
	if i := strings.Index(line, tok[:17]); i != 4063 {
		t.Fatalf("the first half is at %d", i)
	}
	found, _, err := e.detectWindows(context.Background(), "app.min.js", strings.NewReader(line), 4096, 512, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Secret.Reveal() != tok || found[0].Decoded != howConcat {
		t.Fatalf("found %+v", found)
	}
}

// Joins have no bound, so their searches must stay linear on what makes
// the most of them: a minified script of one-character literals joined
// by + and side by side, and markup of one-character text nodes. The
// throughput of the 1 MiB and 4 MiB cases is the same when they are.
func BenchmarkJoinsWorstCase(b *testing.B) {
	for _, unit := range []struct{ name, text string }{
		{"plus", `a" + "`},
		{"side by side", `'a'"b"`},
		{"markup", `x</a>y`},
	} {
		for _, size := range []int{1 << 20, 4 << 20} {
			content := []byte(strings.Repeat(unit.text, size/len(unit.text)))
			b.Run(fmt.Sprintf("%s/%dMiB", unit.name, size>>20), func(b *testing.B) {
				b.SetBytes(int64(len(content)))
				for b.Loop() {
					concatSegments(content, false, false)
					markupSegments(content)
				}
			})
		}
	}
}

// Encoded text that is UTF-16 when decoded is read as UTF-16: a
// PowerShell command passed as -EncodedCommand (base64 of UTF-16LE), the
// same bytes in hex.
func TestEncodedUTF16(t *testing.T) {
	e := decodingEngine(t)
	g := tokengen.New(t.Name())
	for _, tc := range []struct {
		name, decoded string
		content       func(utf16 []byte) string
	}{
		{"PowerShell -EncodedCommand", "base64, then utf-16", func(b []byte) string {
			return "run: powershell -NoProfile -EncodedCommand " + base64.StdEncoding.EncodeToString(b) + "\n"
		}},
		{"hex", "hex, then utf-16", func(b []byte) string { return "cmd = " + hex.EncodeToString(b) + "\n" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := g.GitHub("ghp")
			found := e.Detect(source.Fragment{Path: "ci.yml", Content: []byte(tc.content(utf16le(`$env:GITHUB_TOKEN="`+tok+`"; git push`, false)))})
			if len(found) != 1 || found[0].Secret.Reveal() != tok || found[0].Decoded != tc.decoded {
				t.Fatalf("found %+v", found)
			}
		})
	}
}

// A token built from its characters' codes, or from a list of its
// characters, is found; numbers that are data are not read as text.
func TestCharacterCodes(t *testing.T) {
	codes := func(tok, format, sep string) string {
		parts := make([]string, len(tok))
		for i := range len(tok) {
			parts[i] = fmt.Sprintf(format, tok[i])
		}
		return strings.Join(parts, sep)
	}
	g := tokengen.New(t.Name())
	e := decodingEngine(t)
	for _, tc := range []struct {
		name string
		text func(tok string) string
	}{
		{"JavaScript String.fromCharCode", func(tok string) string { return "const t = String.fromCharCode(" + codes(tok, "%d", ",") + ");\n" }},
		{"Python bytes, hex", func(tok string) string { return "t = bytes([" + codes(tok, "0x%02x", ", ") + "]).decode()\n" }},
		{"Python chr()+chr()", func(tok string) string { return "t = chr(" + codes(tok, "%d", ")+chr(") + ")\n" }},
		{"PHP chr().chr()", func(tok string) string { return "<?php $t = chr(" + codes(tok, "%d", ").chr(") + ");\n" }},
		{"C# (char) casts", func(tok string) string { return "var t = \"\" + (char)" + codes(tok, "%d", " + (char)") + ";\n" }},
		{"Java char array", func(tok string) string { return "char[] t = {" + codes(tok, "'%c'", ", ") + "};\n" }},
		{"a list of characters, one a line", func(tok string) string {
			return "t = ''.join([\n    " + codes(tok, "'%c'", ",\n    ") + ",\n])\n"
		}},
		{"Go byte slice, one a line", func(tok string) string { return "t := string([]byte{\n\t" + codes(tok, "%d", ",\n\t") + ",\n})\n" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := g.GitHub("ghp")
			found := e.Detect(source.Fragment{Path: "f", Content: []byte(tc.text(tok))})
			if len(found) != 1 || found[0].Secret.Reveal() != tok || found[0].Decoded != "character codes" {
				t.Fatalf("found %+v in %s", found, tc.text(tok))
			}
		})
	}
	wantNoSegments(t, charCodeSegments,
		"pixels = ["+strings.Repeat("120, 64, 255, 0, 33, ", 20)+"]\n", // data: no token-like run
		"versions = [1.2, 3.4, 5.6, 7.8, 9.10, 11.12, 13.14, 15.16, 17.18, 19.20, 21.22, 23.24, 25.26, 27.28, 29.30, 31.32]\n",
		"x = ["+codes("abcdefghijklmno", "%d", ", ")+"]\n",                              // 15 codes: too few
		"a = [65, 66,67, 68,69, 70,71, 72,73, 74,75, 76,77, 78,79, 80,81, 82,83, 84]\n", // gaps differ
		"id1234, id5678, 2024, 2025, v3, 100.5, 0x10000")
}

// wantNoSegments fails the test for each text in which find finds a
// segment.
func wantNoSegments(t *testing.T, find func([]byte, *budget) []segment, texts ...string) {
	t.Helper()
	for _, text := range texts {
		b := budget{n: 1 << 20}
		if segs := find([]byte(text), &b); len(segs) != 0 {
			t.Errorf("%q: segments %+v", text, segs)
		}
	}
}

func FuzzCharCodeSegments(f *testing.F) {
	f.Add([]byte("String.fromCharCode(103,104,112,95,97,98,99,100,101,102,103,104,105,106,107,108,109)"))
	f.Add([]byte("chr(103)+chr(104)+chr(112) 'a','b','c' 0x67, 0x68 1.5, 2.5"))
	f.Fuzz(func(t *testing.T, content []byte) {
		b := budget{n: 1 << 20}
		segs := charCodeSegments(content, &b)
		checkSegments(t, content, segs)
		for _, s := range segs {
			if len(s.text) < minCharCodes {
				t.Fatalf("a run of %d characters", len(s.text))
			}
		}
	})
}

// A GitHub token written backwards or in ROT13 (to keep it from being
// revoked when pushed) is undone; other runs that hold an underscore and
// such letters are not.
func TestDisguisedTokens(t *testing.T) {
	g := tokengen.New(t.Name())
	e := decodingEngine(t)
	rev := func(s string) string {
		b := []byte(s)
		slices.Reverse(b)
		return string(b)
	}
	for _, tok := range []string{g.GitHub("ghp"), g.GitHub("gho"), g.GitHub("ghs"), g.FineGrained(), g.Refresh()} {
		for _, text := range []string{
			"TOKEN = '" + rev(tok) + "'[::-1]\n",
			"const t = \"" + rev(tok) + "\".split('').reverse().join('');\n",
		} {
			found := e.Detect(source.Fragment{Path: "f", Content: []byte(text)})
			if len(found) != 1 || found[0].Secret.Reveal() != tok || found[0].Decoded != "reversed" {
				t.Fatalf("found %+v in %s", found, text)
			}
		}
		rot := make([]byte, len(tok))
		rot13Into(rot, []byte(tok))
		text := "t = codecs.decode('" + string(rot) + "', 'rot13')\n"
		found := e.Detect(source.Fragment{Path: "f", Content: []byte(text)})
		if len(found) != 1 || found[0].Secret.Reveal() != tok || found[0].Decoded != "rot13" {
			t.Fatalf("found %+v in %s", found, text)
		}
	}
	wantNoSegments(t, disguisedSegments, "some_identifier_phg", "x = abcdefghijklmnopqrstuvwxyz_phg_more", "_phg", "short_phg", "tuc_short", "x_tuc_abcdefghijklmnopqrstuvwxyz", "tvguho_cng_")
}

func FuzzDisguisedSegments(f *testing.F) {
	f.Add([]byte("t = 'abcdefghijklmnopqrstuvwxyz0123456789_phg'[::-1]"))
	f.Add([]byte("x_tap_buhtig _ohg abc_shg tuc_abcdefghijklmnopqrstuvwxyz tvguho_cng_abc_def"))
	f.Fuzz(func(t *testing.T, content []byte) {
		b := budget{n: 1 << 20}
		checkSegments(t, content, disguisedSegments(content, &b))
	})
}
