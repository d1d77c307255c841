package relax

import "testing"

func TestSetExpr(t *testing.T) {
	for expr, want := range map[string]string{
		`a[\s\S]{0,200}?b`:         `a[\x00-\x{10ffff}]*?b`, // Go prints [\s\S] so; RE2 reads it alike
		`-----BEGIN[ A-Z]{0,100}x`: `-----BEGIN[ A-Z]*x`,
		`k[a-z]{64,}`:              `k[a-z]+`,
		`ghp_[A-Za-z0-9]{36}`:      `ghp_[A-Za-z0-9]{36}`, // narrow counts keep the Set selective
		`id[0-9]{16,20}`:           `id[0-9]{16,20}`,
		"caf\u00e9[a-z]{0,100}":    "caf\u00e9[a-z]{0,100}", // not ASCII: left as it is
		`x\xe9{0,100}`:             `x\xe9{0,100}`,          // prints back as a non-ASCII rune: left
		`(`:                        `(`,
	} {
		if got := SetExpr(expr); got != want {
			t.Errorf("SetExpr(%q) = %q, want %q", expr, got, want)
		}
	}
}
