package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/rule"
)

// Paths and secrets that an allowlist made for a few files or values should
// not match. A repository config whose global allowlist matches most of them
// switches scanning off broadly, and its readers should hear about it.
var (
	probePaths   = []string{"main.go", "src/app/settings.py", ".env", "deploy/values.yaml", ".github/workflows/ci.yml", "environment.yml"}
	probeSecrets = []string{"ghp_0123456789ABCDEFGHIJabcdefghij012345", "an-0f8e2a7c-3b1d-4e5f-9a6b-7c8d9e0f1a2b", "github_pat_0123456789ABCDEFGHIJ"}
)

// broadAllow describes the ways an allowlist allows much more than a few
// files or values.
func broadAllow(a rule.Allow) []string {
	var out []string
	for _, p := range a.Paths {
		re, err := regexp.Compile(p)
		if err != nil {
			continue
		}
		n := 0
		for _, probe := range probePaths {
			if re.MatchString(probe) {
				n++
			}
		}
		if n*2 >= len(probePaths) {
			out = append(out, fmt.Sprintf("allow path %q matches most files", p))
		}
	}
	for _, r := range a.Regexes {
		re, err := regexp.Compile(r)
		if err != nil {
			continue
		}
		for _, probe := range probeSecrets {
			if re.MatchString(probe) {
				out = append(out, fmt.Sprintf("allow regex %q matches ordinary tokens", r))
				break
			}
		}
	}
	for _, w := range a.Stopwords {
		lw := strings.ToLower(strings.TrimSpace(w))
		if len(lw) < 3 {
			out = append(out, fmt.Sprintf("stopword %q is so short it matches many real tokens", w))
			continue
		}
		for _, probe := range probeSecrets {
			if strings.Contains(strings.ToLower(probe), lw) {
				out = append(out, fmt.Sprintf("stopword %q matches ordinary tokens (it is part of a token's fixed form)", w))
				break
			}
		}
	}
	for _, k := range a.UnderKeys {
		// meant for encrypted values (secure:); any other key hides
		// whatever plain secrets sit below it, for every rule
		if !strings.EqualFold(strings.TrimSpace(k), "secure") {
			out = append(out, fmt.Sprintf("under_keys %q allows every secret in a block below that key, for every rule", k))
		}
	}
	return out
}
