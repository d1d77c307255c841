// Package endpoint owns where tokens may be sent: the providers' public API
// hosts, a GitHub Enterprise Server the user names (by flag or in a config
// file the user chose), and loopback test servers. A repository's own
// config never chooses, and nothing is sent over plain HTTP except to
// loopback.
package endpoint

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Set is where each provider's API is.
type Set struct {
	GitHub      string // https://api.github.com, or a GitHub Enterprise API URL
	Anaconda    string // https://api.anaconda.org
	AnacondaCom string // https://anaconda.com
}

// Default is the providers' public APIs.
var Default = Set{
	GitHub:      "https://api.github.com",
	Anaconda:    "https://api.anaconda.org",
	AnacondaCom: "https://anaconda.com",
}

// TestEnv names the environment variable that points verification at test
// servers ("github=URL,anaconda=URL,anaconda-com=URL"). Only loopback URLs
// are accepted, so it cannot send a token anywhere but this machine.
const TestEnv = "LEAKHOUND_TEST_ENDPOINTS"

// Check accepts an HTTPS URL, or plain HTTP to a loopback address (test
// servers). Anything else could send tokens in the clear.
func Check(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", raw)
	}
	if u.Scheme == "https" {
		return nil
	}
	if u.Scheme == "http" && IsLoopback(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("%q: tokens are only sent over HTTPS", raw)
}

// IsLoopback reports whether host is localhost or a loopback address.
func IsLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// Choice is what decides the GitHub endpoint: a flag, a config setting
// and where it came from, and the test variable's value.
type Choice struct {
	// Flag is --github-api-url (already checked with Check).
	Flag string
	// Configured is [verify] github_api_url, set in the file File;
	// FromRepo says that file is the repository's own.
	Configured string
	File       string
	FromRepo   bool
	// Test is the value of TestEnv.
	Test string
}

// Resolve decides where tokens are sent. A repository's own config cannot
// choose: a change to .leakhound.toml in a pull request would otherwise
// send the tokens a CI run finds to a host of its author's choosing.
func Resolve(c Choice) (Set, error) {
	ep := Default
	switch {
	case c.Flag != "":
		ep.GitHub = strings.TrimRight(c.Flag, "/")
	case c.Configured != "" && c.FromRepo:
		return ep, fmt.Errorf("%s sets [verify] github_api_url, but a repository's own config does not choose where tokens are sent; pass --github-api-url %s, or use a config file given with --config", c.File, c.Configured)
	case c.Configured != "":
		ep.GitHub = strings.TrimRight(c.Configured, "/")
	}
	if c.Test == "" {
		return ep, nil
	}
	for _, kv := range strings.Split(c.Test, ",") {
		name, raw, _ := strings.Cut(kv, "=")
		u, err := url.Parse(raw)
		if err != nil || !IsLoopback(u.Hostname()) {
			return ep, fmt.Errorf("%s: %q is not a loopback URL", TestEnv, raw)
		}
		switch name {
		case "github":
			ep.GitHub = raw
		case "anaconda":
			ep.Anaconda = raw
		case "anaconda-com":
			ep.AnacondaCom = raw
		default:
			return ep, fmt.Errorf("%s: unknown endpoint %q", TestEnv, name)
		}
	}
	return ep, nil
}
