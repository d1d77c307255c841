package wordset

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// naive is what Find must agree with: each word looked for on its own,
// ASCII letters in either case.
func naive(words [][]byte, text []byte) []bool {
	found := make([]bool, len(words))
	lowerText := bytes.ToLower(text) // ASCII text and words: ASCII folding
	for i, w := range words {
		found[i] = bytes.Contains(lowerText, lower(w))
	}
	return found
}

func check(t *testing.T, words [][]byte, text []byte) {
	t.Helper()
	s, err := New(words)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]bool, s.Len())
	n := s.Find(text, got)
	want := naive(words, asciiOnly(text))
	count := 0
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("words %q in %q: word %q found %v, want %v", words, text, words[i], got[i], want[i])
		}
		if want[i] {
			count++
		}
	}
	if n != count {
		t.Fatalf("Find said it marked %d, marked %d", n, count)
	}
	if again := s.Find(text, got); again != 0 {
		t.Fatalf("a second Find marked %d words already marked", again)
	}
}

// asciiOnly replaces bytes outside ASCII with NUL, which no word holds
// (bytes.ToLower would fold their UTF-8 forms, and Find compares ASCII
// letters only).
func asciiOnly(b []byte) []byte {
	out := bytes.Clone(b)
	for i, c := range out {
		if c >= 0x80 {
			out[i] = 0
		}
	}
	return out
}

func words(ws ...string) [][]byte {
	out := make([][]byte, len(ws))
	for i, w := range ws {
		out[i] = []byte(w)
	}
	return out
}

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		words []string
		text  string
	}{
		{[]string{"he", "she", "his", "hers"}, "ushers"},
		{[]string{"token", "TOKEN_", "api_key", "x"}, "my API_Key and a Token_ here"},
		{[]string{"abc", "bcd", "cde"}, "abcde"},
		{[]string{"aaa", "aa", "a"}, "aa"},
		{[]string{"", "z"}, "abc"},
		{[]string{"secret"}, ""},
		{[]string{"p@ss", "[x]", "a.b"}, "P@SS [X] AxB"},
		{[]string{"github", "ghp_", "hub"}, "GitHub ghp_"},
		{nil, "anything"},
	} {
		check(t, words(tc.words...), []byte(tc.text))
	}
}

func TestFindDoesNotFoldPastASCII(t *testing.T) {
	s, err := New(words("k", "s"))
	if err != nil {
		t.Fatal(err)
	}
	found := make([]bool, 2)
	// KELVIN SIGN and LONG S fold to k and s in Unicode, not in ASCII
	if s.Find([]byte("\u212a\u017f"), found); found[0] || found[1] {
		t.Fatalf("found %v", found)
	}
}

func TestNewRefusesNonASCII(t *testing.T) {
	if _, err := New(words("token", "пароль")); err == nil || !strings.Contains(err.Error(), "not ASCII") {
		t.Fatalf("err = %v", err)
	}
}

func TestFindRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("abAB_-c")
	gen := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return b
	}
	for i := 0; i < 2000; i++ {
		ws := make([][]byte, 1+rng.IntN(12))
		for j := range ws {
			ws[j] = gen(rng.IntN(5))
		}
		check(t, ws, gen(rng.IntN(40)))
	}
}

// TestFindAcrossLanes plants words across the borders of the parts a long
// text is walked in.
func TestFindAcrossLanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 500; i++ {
		n := 4 * (4*7 + rng.IntN(200))
		text := bytes.Repeat([]byte{'.'}, n)
		ws := make([][]byte, 1+rng.IntN(6))
		for j := range ws {
			ws[j] = []byte(fmt.Sprintf("w%dq%s", j, strings.Repeat("z", rng.IntN(3))))
			if rng.IntN(4) > 0 {
				border := (1 + rng.IntN(3)) * (n / 4)
				at := max(0, min(n-len(ws[j]), border-rng.IntN(len(ws[j])+1)))
				copy(text[at:], ws[j])
			}
		}
		if rng.IntN(2) == 0 {
			copy(text[n-len(ws[0]):], ws[0]) // at the very end
		}
		check(t, ws, text)
	}
}

func FuzzFind(f *testing.F) {
	f.Add("he\x00she\x00his\x00hers", []byte("ushers"))
	f.Add("token\x00api_key\x00", []byte("API_KEY=x TOKEN"))
	f.Fuzz(func(t *testing.T, list string, text []byte) {
		ws := words(strings.Split(list, "\x00")...)
		if _, err := New(ws); err != nil {
			return // a word outside ASCII
		}
		check(t, ws, text)
		check(t, ws, bytes.Repeat(text, 40)) // walked in lanes
	})
}

func BenchmarkFind(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	var ws [][]byte
	for i := 0; i < 250; i++ {
		ws = append(ws, []byte(fmt.Sprintf("kw%c%c%c%d", 'a'+rng.IntN(26), 'a'+rng.IntN(26), 'a'+rng.IntN(26), i)))
	}
	s, err := New(ws)
	if err != nil {
		b.Fatal(err)
	}
	text := bytes.Repeat([]byte("func main() { token := os.Getenv(\"API_KEY\") // some code\n"), 1<<14)
	found := make([]bool, s.Len())
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clear(found)
		s.Find(text, found)
	}
}
