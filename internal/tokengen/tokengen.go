// Package tokengen makes token-shaped test values: GitHub tokens with valid
// (or deliberately wrong) checksums, fine-grained and stateless tokens,
// Anaconda tokens and JWTs. Rule examples reference them as {{gen:NAME ARG}}
// so that no real-looking credential is stored in the repository.
package tokengen

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/checksum"
)

const (
	alnum = checksum.Base62Alphabet
	hex   = "0123456789abcdef"
)

// Gen produces deterministic values from a seed.
type Gen struct{ r *rand.Rand }

// New returns a generator seeded from s, so the same seed yields the same values.
func New(seed string) *Gen {
	h := fnv.New64a()
	h.Write([]byte(seed))
	return &Gen{r: rand.New(rand.NewPCG(h.Sum64(), 0x1eaf))}
}

func (g *Gen) from(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

// Alnum returns n random base62 characters.
func (g *Gen) Alnum(n int) string { return g.from(alnum, n) }

// Hex returns n random lower-case hex digits.
func (g *Gen) Hex(n int) string { return g.from(hex, n) }

// GitHub returns a 40-character token with prefix (e.g. "ghp") and a valid checksum.
func (g *Gen) GitHub(prefix string) string {
	body := g.Alnum(30)
	return prefix + "_" + body + checksum.Base62CRC32(body)
}

// GitHubBadChecksum returns a token shaped like GitHub's whose checksum is wrong.
func (g *Gen) GitHubBadChecksum(prefix string) string {
	for {
		tok := prefix + "_" + g.Alnum(36)
		if !checksum.GitHubToken(tok) {
			return tok
		}
	}
}

// FineGrained returns a github_pat_ token (22 + "_" + 59 characters).
func (g *Gen) FineGrained() string {
	return "github_pat_" + g.Alnum(22) + "_" + g.Alnum(59)
}

// Refresh returns a ghr_ token of 80 characters.
func (g *Gen) Refresh() string { return "ghr_" + g.Alnum(76) }

// Stateless returns a ghs_<appid>_<jwt> installation token of about 520 characters.
func (g *Gen) Stateless() string {
	header := b64(`{"alg":"RS256","typ":"JWT"}`)
	payload := b64(fmt.Sprintf(`{"iss":"github","sub":"installation/%d","exp":%d,"jti":"%s"}`,
		g.r.IntN(1e8), 1780000000+g.r.IntN(1e6), g.Alnum(80)))
	sig := g.from(alnum+"-_", 342)
	return "ghs_" + strconv.Itoa(10000+g.r.IntN(900000)) + "_" + header + "." + payload + "." + sig
}

// JWT returns a structurally valid, unsigned-looking JWT with an exp claim.
func (g *Gen) JWT(exp int64) string {
	header := b64(`{"alg":"RS256","typ":"JWT"}`)
	payload := b64(fmt.Sprintf(`{"sub":"%s","exp":%d}`, g.UUID4(), exp))
	return header + "." + payload + "." + g.from(alnum+"-_", 86)
}

// UUID4 returns a random version-4 UUID in lower case.
func (g *Gen) UUID4() string {
	s := []byte(g.Hex(32))
	s[12] = '4'
	s[16] = "89ab"[g.r.IntN(4)]
	return fmt.Sprintf("%s-%s-%s-%s-%s", s[0:8], s[8:12], s[12:16], s[16:20], s[20:32])
}

// Anaconda returns an anaconda.org API token: two characters, a dash, a UUIDv4.
func (g *Gen) Anaconda(prefix string) string {
	if len(prefix) != 2 {
		prefix = g.Alnum(2)
	}
	return prefix + "-" + g.UUID4()
}

// PEM returns an RSA private-key-shaped PEM block with a random body.
func (g *Gen) PEM() string {
	var b strings.Builder
	b.WriteString("-----BEGIN RSA PRIVATE KEY-----\n")
	for i := 0; i < 8; i++ {
		b.WriteString(g.from(alnum+"+/", 64))
		b.WriteByte('\n')
	}
	b.WriteString("-----END RSA PRIVATE KEY-----")
	return b.String()
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// Value generates the value named by a {{gen:NAME ARG}} reference.
func (g *Gen) Value(name, arg string) (string, error) {
	n, _ := strconv.Atoi(arg)
	switch name {
	case "github":
		return g.GitHub(arg), nil
	case "github-bad-checksum":
		return g.GitHubBadChecksum(arg), nil
	case "github-fine-grained":
		return g.FineGrained(), nil
	case "github-refresh":
		return g.Refresh(), nil
	case "github-stateless":
		return g.Stateless(), nil
	case "anaconda":
		return g.Anaconda(arg), nil
	case "uuid4":
		return g.UUID4(), nil
	case "jwt":
		if n == 0 {
			n = 4102444800 // 2100-01-01
		}
		return g.JWT(int64(n)), nil
	case "hex":
		return g.Hex(n), nil
	case "alnum":
		return g.Alnum(n), nil
	case "pem":
		return g.PEM(), nil
	}
	return "", fmt.Errorf("unknown generator %q", name)
}

// Expand replaces every {{gen:NAME ARG}} in s with a generated value. The
// values depend only on seed and s, so examples are reproducible.
func Expand(seed, s string) (string, error) {
	g := New(seed + "\x00" + s)
	var out strings.Builder
	for {
		i := strings.Index(s, "{{gen:")
		if i < 0 {
			out.WriteString(s)
			return out.String(), nil
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return "", fmt.Errorf("unterminated {{gen: reference")
		}
		name, arg, _ := strings.Cut(strings.TrimSpace(s[i+len("{{gen:"):i+j]), " ")
		v, err := g.Value(name, strings.TrimSpace(arg))
		if err != nil {
			return "", err
		}
		out.WriteString(s[:i])
		out.WriteString(v)
		s = s[i+j+2:]
	}
}
