package detect

import (
	"strings"
	"testing"
)

func TestUnderKey(t *testing.T) {
	keys := []string{"secure"}
	for _, tc := range []struct {
		text string // the value is at the first "@"
		want bool
	}{
		{"appveyor:\n  secure:\n    BINSTAR_TOKEN: @x\n", true},
		{"travis:\n  secure:\n\n    # a comment\n    BINSTAR_TOKEN: @x\r\n", true},
		{"- secure:\n  - TOKEN: @x", true},
		{"env:\n  'Secure':\n      deep:\n        TOKEN: @x", true},
		{"secure:\n  a: 1\nenv:\n  TOKEN: @x", false},
		{"secure:\nTOKEN: @x", false},
		{"TOKEN: @x", false},
		{"  secure: x\n  TOKEN: @x", false},
		{"@x", false},
		{"appveyor:\n  secure: {BINSTAR_TOKEN: @x}\n", true},
		{"  \"secure\": [ {\"TOKEN\": \"@x\"", true},
		{"insecure: {TOKEN: @x}", false},
		{"secure: {a: 1}, TOKEN: @x", false},
		{"\n\n  @x", false},
	} {
		pos := strings.IndexByte(tc.text, '@')
		if got := underKey([]byte(tc.text), pos, keys); got != tc.want {
			t.Errorf("underKey(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func FuzzUnderKey(f *testing.F) {
	f.Add([]byte("a:\n  secure:\n    b: c\n"), 15)
	f.Add([]byte("\n- -\n\t\r\n x"), 9)
	f.Fuzz(func(t *testing.T, content []byte, pos int) {
		if len(content) == 0 {
			return
		}
		underKey(content, int(uint(pos)%uint(len(content))), []string{"secure"})
	})
}
