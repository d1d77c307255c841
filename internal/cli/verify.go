package cli

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/verify"
	"golang.org/x/net/http/httpproxy"
)

// testEndpointsEnv points verification at test servers. It is read from the
// environment only (never from a repository's config) and accepts loopback
// addresses only, so it cannot send a token anywhere but this machine.
const testEndpointsEnv = "LEAKHOUND_TEST_ENDPOINTS"

// verifyEndpoints resolves where tokens are sent: the providers' own hosts,
// or a GitHub Enterprise Server named by --github-api-url or by a config
// file the user chose (--config). A repository's own config cannot choose:
// a change to .leakhound.toml in a pull request would otherwise send the
// tokens a CI run finds to a host of the author's choosing.
func (o *commonOpts) verifyEndpoints(getenv func(string) string, configured config.Setting) (verify.Endpoints, error) {
	ep := verify.DefaultEndpoints
	switch {
	case o.githubAPIURL != "":
		if err := verify.CheckEndpoint(o.githubAPIURL); err != nil {
			return ep, usagef("--github-api-url: %v", err)
		}
		ep.GitHub = strings.TrimRight(o.githubAPIURL, "/")
	case configured.Value != "" && configured.FromRepo:
		return ep, fmt.Errorf("%s sets [verify] github_api_url, but a repository's own config does not choose where tokens are sent; pass --github-api-url %s, or use a config file given with --config", configured.File, configured.Value)
	case configured.Value != "":
		ep.GitHub = strings.TrimRight(configured.Value, "/")
	}
	if spec := getenv(testEndpointsEnv); spec != "" {
		for _, kv := range strings.Split(spec, ",") {
			name, raw, _ := strings.Cut(kv, "=")
			u, err := url.Parse(raw)
			if err != nil || !isLoopback(u.Hostname()) {
				return ep, fmt.Errorf("%s: %q is not a loopback URL", testEndpointsEnv, raw)
			}
			switch name {
			case "github":
				ep.GitHub = raw
			case "anaconda":
				ep.Anaconda = raw
			case "anaconda-com":
				ep.AnacondaCom = raw
			default:
				return ep, fmt.Errorf("%s: unknown endpoint %q", testEndpointsEnv, name)
			}
		}
	}
	return ep, nil
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

func (s *session) verifyClient() (*verify.Client, error) {
	ep, err := s.opts.verifyEndpoints(s.env.getenv, s.githubAPI)
	if err != nil {
		return nil, err
	}
	return verify.New(verify.Options{Endpoints: ep, UserAgent: "leakhound/" + version(), Proxy: proxyFromEnv(s.env.getenv)}), nil
}

// proxyFromEnv honours HTTPS_PROXY and NO_PROXY (either case), as read
// from the environment leakhound was given.
func proxyFromEnv(getenv func(string) string) func(*url.URL) (*url.URL, error) {
	either := func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return getenv(strings.ToLower(name))
	}
	cfg := httpproxy.Config{HTTPSProxy: either("HTTPS_PROXY"), HTTPProxy: either("HTTP_PROXY"), NoProxy: either("NO_PROXY")}
	if cfg.HTTPSProxy == "" && cfg.HTTPProxy == "" {
		return nil
	}
	return cfg.ProxyFunc()
}

// verifyFindings asks each provider about the kept findings, each secret
// once. Suppressed findings were set aside before, so an accepted secret is
// never sent anywhere.
func (s *session) verifyFindings(ctx context.Context, idx []int) error {
	client, err := s.verifyClient()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.verifyTimeout)
	defer cancel()
	verifier := map[string]string{}
	for _, r := range s.engine.Rules() {
		verifier[r.ID] = r.Verify
	}
	var wg sync.WaitGroup
	jobs := make(chan int)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				f := &s.found[i]
				v := client.Verify(ctx, verifier[f.RuleID], f.Secret.Reveal())
				f.Verification = &v
			}
		}()
	}
	for _, i := range idx {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return nil
}
