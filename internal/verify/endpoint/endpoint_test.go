package endpoint

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for u, ok := range map[string]bool{
		"https://api.github.com":         true,
		"https://ghe.example.com/api/v3": true,
		"http://127.0.0.1:8080":          true,
		"http://localhost:1":             true,
		"http://[::1]:9":                 true,
		"http://api.github.com":          false,
		"http://10.0.0.1":                false,
		"ftp://x":                        false,
		"not a url":                      false,
	} {
		if err := Check(u); (err == nil) != ok {
			t.Errorf("Check(%q) = %v", u, err)
		}
	}
}

func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		name   string
		choice Choice
		github string
		err    string
	}{
		{"defaults", Choice{}, "https://api.github.com", ""},
		{"flag", Choice{Flag: "https://ghe.example.com/api/v3/"}, "https://ghe.example.com/api/v3", ""},
		{"flag wins over config", Choice{Flag: "https://a.example/api/v3", Configured: "https://b.example/api/v3", File: "x.toml"}, "https://a.example/api/v3", ""},
		{"user config", Choice{Configured: "https://b.example/api/v3", File: "ci.toml"}, "https://b.example/api/v3", ""},
		{"repository config never chooses", Choice{Configured: "https://evil.example", File: ".leakhound.toml", FromRepo: true}, "", "a repository's own config does not choose"},
		{"test servers on loopback", Choice{Test: "github=http://127.0.0.1:9,anaconda=http://[::1]:8"}, "http://127.0.0.1:9", ""},
		{"test servers elsewhere refused", Choice{Test: "github=http://192.0.2.1:80"}, "", "is not a loopback URL"},
		{"unknown test endpoint", Choice{Test: "gitlab=http://127.0.0.1:1"}, "", "unknown endpoint"},
	} {
		got, err := Resolve(tc.choice)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err == "" && got.GitHub != tc.github:
			t.Errorf("%s: GitHub endpoint %q, want %q", tc.name, got.GitHub, tc.github)
		}
	}
}
