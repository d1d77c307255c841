package rule

import (
	"sort"

	"github.com/leakhound/leakhound/internal/checksum"
)

// A Validator checks a candidate secret offline. It returns false when the
// value cannot be a real credential (a placeholder or a fake).
type Validator func(secret string) bool

// Validators are the offline checks a rule may name in `validate`.
var Validators = map[string]Validator{
	// github-checksum: the CRC32/base62 checksum in the last 6 characters of
	// 40-character ghp_/gho_/ghu_/ghs_/ghr_ and npm_ tokens.
	"github-checksum": checksum.GitHubToken,
}

// ValidatorNames lists the registered validators, sorted.
func ValidatorNames() []string {
	names := make([]string, 0, len(Validators))
	for n := range Validators {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
