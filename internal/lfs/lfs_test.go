package lfs

import (
	"strings"
	"testing"
)

func TestPointer(t *testing.T) {
	oid := strings.Repeat("ab", 32)
	for _, c := range []struct {
		name, text string
		ok         bool
	}{
		{"as git-lfs writes it", "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize 12345\n", true},
		{"with an extension key", "version https://git-lfs.github.com/spec/v1\next-0-foo sha256:" + oid + "\noid sha256:" + oid + "\nsize 1\n", true},
		{"the pre-release spec", "version https://hawser.github.com/spec/v1\noid sha256:" + oid + "\nsize 0\n", true},
		{"another version", "version https://example.com/spec/v9\noid sha256:" + oid + "\nsize 1\n", false},
		{"no size", "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\n", false},
		{"short oid", "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1\n", false},
		{"upper-case oid", "version https://git-lfs.github.com/spec/v1\noid sha256:" + strings.ToUpper(oid) + "\nsize 1\n", false},
		{"oid that is a path", "version https://git-lfs.github.com/spec/v1\noid sha256:../../../../etc/passwd" + strings.Repeat("0", 41) + "\nsize 1\n", false},
		{"negative size", "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize -1\n", false},
		{"text", "version https://git-lfs.github.com/spec/v1 is a spec\n", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, _, ok := Pointer([]byte(c.text))
			if ok != c.ok || (ok && got != oid) {
				t.Fatalf("lfsPointer = %q, %v", got, ok)
			}
		})
	}
}

func FuzzPointer(f *testing.F) {
	f.Add([]byte("version https://git-lfs.github.com/spec/v1\noid sha256:" + strings.Repeat("0", 64) + "\nsize 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		oid, size, ok := Pointer(data)
		if ok && (len(oid) != 64 || strings.Trim(oid, "0123456789abcdef") != "" || size < 0) {
			t.Fatalf("accepted oid %q, size %d", oid, size)
		}
	})
}
