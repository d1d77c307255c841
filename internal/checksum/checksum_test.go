package checksum

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

func readVectors(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open("../../testdata/vectors/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		t.Fatalf("no vectors in %s", name)
	}
	return out
}

func TestPublishedValidTokens(t *testing.T) {
	for _, tok := range readVectors(t, "github-pat-checksum-valid.txt") {
		if !GitHubToken(tok) {
			t.Errorf("%s...: checksum should be valid", tok[:8])
		}
	}
}

func TestPublishedInvalidTokens(t *testing.T) {
	for _, tok := range readVectors(t, "github-checksum-invalid.txt") {
		if GitHubToken(tok) {
			t.Errorf("%s...: checksum should be invalid", tok[:8])
		}
	}
}

func TestEverySingleSubstitutionIsRejected(t *testing.T) {
	tok := readVectors(t, "github-pat-checksum-valid.txt")[0]
	for i := 4; i < len(tok); i++ {
		for _, c := range Base62Alphabet {
			if byte(c) == tok[i] {
				continue
			}
			mutated := tok[:i] + string(c) + tok[i+1:]
			if GitHubToken(mutated) {
				t.Fatalf("substitution at %d accepted", i)
			}
		}
	}
}

func TestBase62Encoding(t *testing.T) {
	// pin the alphabet order (digits, upper, lower) and the zero padding
	for n, want := range map[uint32]string{0: "000000", 61: "00000z", 62: "000010", 0xFFFFFFFF: "4gfFC3"} {
		if got := base62(n); got != want {
			t.Errorf("base62(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestShapeChecks(t *testing.T) {
	for _, s := range []string{"", "ghp_", "ghp_short", strings.Repeat("a", 40), "ghp_" + strings.Repeat("!", 36)} {
		if GitHubToken(s) {
			t.Errorf("%q accepted", s)
		}
	}
}

func FuzzGitHubToken(f *testing.F) {
	f.Add("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")
	f.Add("ghp_")
	f.Fuzz(func(t *testing.T, s string) {
		ok := GitHubToken(s)
		if ok && (len(s) != 40 || Base62CRC32(s[4:34]) != s[34:]) {
			t.Fatalf("accepted %q", s)
		}
	})
}
