// Package checksum owns offline token self-checks: the CRC32/base62 checksum
// that GitHub (and npm) embed in the last six characters of their 40-character
// tokens.
package checksum

import (
	"hash/crc32"
	"strings"
)

// Base62Alphabet is the digit order GitHub uses: digits, upper case, lower case.
const Base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Base62CRC32 returns base62(crc32_ieee(body)) left-padded with '0' to 6 characters.
func Base62CRC32(body string) string {
	return base62(crc32.ChecksumIEEE([]byte(body)))
}

// base62 encodes n in 6 base62 digits, left-padded with '0' (62^6 > 2^32).
func base62(n uint32) string {
	var out [6]byte
	for i := 5; i >= 0; i-- {
		out[i] = Base62Alphabet[n%62]
		n /= 62
	}
	return string(out[:])
}

// GitHubToken reports whether token is a 40-character prefixed token
// (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`-style or `npm_`) whose last six
// characters are the checksum of the thirty before them. The prefix is not
// covered by the checksum.
func GitHubToken(token string) bool {
	if len(token) != 40 || token[3] != '_' {
		return false
	}
	body, sum := token[4:34], token[34:]
	for i := 4; i < 40; i++ {
		if strings.IndexByte(Base62Alphabet, token[i]) < 0 {
			return false
		}
	}
	return Base62CRC32(body) == sum
}
