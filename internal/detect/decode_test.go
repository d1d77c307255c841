package detect

import (
	"bytes"
	"encoding/base64"
	"testing"
	"unicode/utf16"

	"github.com/leakhound/leakhound/internal/source"
	"github.com/leakhound/leakhound/internal/tokengen"
)

func decodingEngine(t testing.TB) *Engine {
	return defaultEngine(t, Options{MaxDecodeDepth: 2})
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
	cases := []struct {
		name, content, how string
		encoded            string // the span the finding must point at
	}{
		{"kubernetes secret", "data:\n  token: " + b64 + "\n", "base64", b64},
		{"base64url", "x=" + base64.RawURLEncoding.EncodeToString([]byte("export GH="+tok)) + ";", "base64url", base64.RawURLEncoding.EncodeToString([]byte("export GH=" + tok))},
		{"nested: dockerconfigjson", ".dockerconfigjson: " + dockerAuth, "base64, then base64", dockerAuth},
		{"percent-encoded", "url=https%3A%2F%2Fconda.anaconda.org%2Ft%2F" + ana + "%2Fch", "percent-encoding", "url=https%3A%2F%2Fconda.anaconda.org%2Ft%2F" + ana + "%2Fch"},
		{"json escapes", `{"k": "ANACONDA_API_TOKEN\u003d` + ana + `"}`, "escapes", `ANACONDA_API_TOKEN\u003d` + ana},
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
	budget := 0
	if segs := base64Segments(content, &budget); len(segs) != 0 {
		t.Fatal("decoded past an exhausted budget")
	}
	// binary in base64 (an image) is not scanned as text
	img := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x89, 0x50, 0x00, 0xff}, 64))
	budget = 1 << 20
	if segs := base64Segments([]byte(img), &budget); len(segs) != 0 {
		t.Fatal("binary decoded as text")
	}
}

// checkSegments asserts what every decoder promises: spans inside the
// content, offsets (when present) inside it and non-decreasing.
func checkSegments(t *testing.T, content []byte, segs []segment) {
	for _, s := range segs {
		if s.start < 0 || s.end > len(content) || s.start > s.end {
			t.Fatalf("segment %d:%d outside %d bytes", s.start, s.end, len(content))
		}
		if s.offsets != nil {
			if len(s.offsets) != len(s.text)+1 {
				t.Fatalf("%d offsets for %d bytes", len(s.offsets), len(s.text))
			}
			for i, o := range s.offsets {
				if o < 0 || o > len(content) || (i > 0 && o < s.offsets[i-1]) {
					t.Fatalf("offset %d = %d", i, o)
				}
			}
		}
	}
}

func FuzzBase64Segments(f *testing.F) {
	f.Add([]byte("a: " + base64.StdEncoding.EncodeToString([]byte("hello secret world 12345"))))
	f.Add([]byte("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB=="))
	f.Fuzz(func(t *testing.T, content []byte) {
		budget := 1 << 20
		checkSegments(t, content, base64Segments(content, &budget))
	})
}

func FuzzPercentSegments(f *testing.F) {
	f.Add([]byte("https%3A%2F%2Fexample.com%2Ft%2Fabc"))
	f.Add([]byte("%%%41%4"))
	f.Fuzz(func(t *testing.T, content []byte) {
		budget := 1 << 20
		checkSegments(t, content, percentSegments(content, &budget))
	})
}

func FuzzEscapeSegments(f *testing.F) {
	f.Add([]byte(`"\u0041\u0042\x43defghij"`))
	f.Add([]byte(`\u12\x`))
	f.Fuzz(func(t *testing.T, content []byte) {
		budget := 1 << 20
		checkSegments(t, content, escapeSegments(content, &budget))
	})
}

func FuzzUTF16Segment(f *testing.F) {
	f.Add(utf16le("hello world token", true))
	f.Add(utf16le("hello world token", false))
	f.Add([]byte{0xfe, 0xff, 0, 'a', 0xd8, 0x00})
	f.Fuzz(func(t *testing.T, content []byte) {
		if seg, ok := utf16Segment(content); ok {
			checkSegments(t, content, []segment{seg})
		}
	})
}
