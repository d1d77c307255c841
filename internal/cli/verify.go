package cli

import (
	"context"
	"net/url"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/verify"
	"github.com/leakhound/leakhound/internal/verify/endpoint"
	"golang.org/x/net/http/httpproxy"
)

// verifyEndpoints resolves where tokens are sent (package endpoint decides).
func (o *commonOpts) verifyEndpoints(getenv func(string) string, configured config.Setting) (verify.Endpoints, error) {
	if o.githubAPIURL != "" {
		if err := endpoint.Check(o.githubAPIURL); err != nil {
			return verify.DefaultEndpoints, usagef("--github-api-url: %v", err)
		}
	}
	return endpoint.Resolve(endpoint.Choice{
		Flag:       o.githubAPIURL,
		Configured: configured.Value,
		File:       configured.File,
		FromRepo:   configured.FromRepo,
		Test:       getenv(endpoint.TestEnv),
	})
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
