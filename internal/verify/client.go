// Package verify owns live verification: asking a provider's API whether a
// token is live and what it can do, without side effects. A token is sent
// only to its provider's fixed HTTPS host (or an explicitly configured
// GitHub Enterprise host), redirects are refused, concurrency per host is
// capped, each secret is checked once per run, and no token ever appears in
// an error or a log line.
package verify

import (
	"context"
	"errors"
	"fmt"
	"github.com/leakhound/leakhound/internal/verify/endpoint"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/memo"
)

// Verdicts (finding.Status), under the names verifiers use.
const (
	Live         = finding.Live
	Invalid      = finding.Invalid
	Unknown      = finding.Unknown
	Unverifiable = finding.Unverifiable
)

// Endpoints is where each provider's API is (see package endpoint).
type Endpoints = endpoint.Set

// DefaultEndpoints are the providers' public APIs.
var DefaultEndpoints = endpoint.Default

// Options tune a Client.
type Options struct {
	Endpoints Endpoints
	Timeout   time.Duration // per request; default 10 s
	// MaxWait bounds how long a rate-limited request waits before it is
	// retried once; a longer wait makes the verdict unknown. Default 60 s.
	MaxWait time.Duration
	PerHost int // requests in flight per GitHub host; default 4
	// PerAnacondaHost caps Anaconda's hosts, whose rate limits are not
	// documented; default 2.
	PerAnacondaHost int
	UserAgent       string
	Now             func() time.Time
	// Proxy chooses a proxy for each request (HTTPS_PROXY and NO_PROXY, as
	// the caller read them); nil connects directly.
	Proxy func(*url.URL) (*url.URL, error)
	// BreakAfter is how many consecutive timeouts from one host stop all
	// further requests to it (their verdict is unknown at once); default 3.
	BreakAfter int
}

// Client verifies secrets. It is safe for concurrent use.
type Client struct {
	opts Options
	http *http.Client

	mu       sync.Mutex
	sems     map[string]chan struct{}
	timeouts map[string]int // consecutive timeouts per host
	results  memo.Map[string, finding.Verification]
}

// ErrRedirect is returned for any redirect: a token must not follow one.
var ErrRedirect = errors.New("the API answered with a redirect, which is refused")

// New makes a client.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 60 * time.Second
	}
	if opts.PerHost <= 0 {
		opts.PerHost = 4
	}
	if opts.PerAnacondaHost <= 0 {
		opts.PerAnacondaHost = 2
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "leakhound"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Endpoints == (Endpoints{}) {
		opts.Endpoints = DefaultEndpoints
	}
	if opts.BreakAfter <= 0 {
		opts.BreakAfter = 3
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil // the environment is the caller's to read
	if opts.Proxy != nil {
		// through a proxy the request is still TLS end to end (CONNECT):
		// the proxy sees the host, never the token
		transport.Proxy = func(r *http.Request) (*url.URL, error) { return opts.Proxy(r.URL) }
	}
	return &Client{
		opts: opts,
		http: &http.Client{
			Timeout:       opts.Timeout,
			Transport:     transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return ErrRedirect },
		},
		sems:     map[string]chan struct{}{},
		timeouts: map[string]int{},
	}
}

// ctxErr says why the caller's context ended.
func ctxErr(ctx context.Context) error {
	if ctx.Err() == context.DeadlineExceeded {
		return errDeadline
	}
	return ctx.Err()
}

// errDeadline is the verdict for requests the caller's deadline cut off.
var errDeadline = errors.New("the verification deadline (--verify-timeout) passed")

// ErrHostUnreachable is the verdict for requests to a host that timed out
// BreakAfter times in a row: waiting on it again would only add timeouts.
var ErrHostUnreachable = errors.New("not sent: the host timed out on the previous requests")

// Verify checks secret with the verifier a rule names (its `verify` field).
// Each (verifier, secret) pair is checked once per client.
func (c *Client) Verify(ctx context.Context, verifier, secret string) finding.Verification {
	return c.results.Do(verifier+"\x00"+secret, func() finding.Verification {
		v := c.verify(ctx, verifier, secret)
		v.CheckedAt = c.opts.Now().UTC().Truncate(time.Second)
		return v
	})
}

func (c *Client) verify(ctx context.Context, verifier, secret string) finding.Verification {
	switch verifier {
	case "github":
		return c.github(ctx, secret)
	case "github-refresh":
		return finding.Verification{Status: Unverifiable, Detail: "refresh tokens can only be checked by using them, which rotates them"}
	case "github-client-secret":
		return finding.Verification{Status: Unverifiable, Detail: "a client secret can only be checked together with its client ID at GitHub's sign-in endpoint, which leakhound does not call"}
	case "anaconda":
		return c.anaconda(ctx, secret)
	case "anaconda-com":
		return c.anacondaCom(ctx, secret)
	case "":
		return finding.Verification{Status: Unverifiable, Detail: "no verifier for this kind of secret"}
	}
	return finding.Verification{Status: Unverifiable, Detail: "unknown verifier " + strconv.Quote(verifier)}
}

// response is what a verifier needs of an HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// get sends one GET with the per-host concurrency cap, and retries once
// after a rate limit whose wait fits in MaxWait.
func (c *Client) get(ctx context.Context, base, path string, header http.Header) (*response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := c.do(ctx, base+path, header)
		if err != nil {
			return nil, err
		}
		wait, limited := rateLimitWait(resp, c.opts.Now())
		if !limited || attempt > 0 {
			return resp, nil
		}
		if wait > c.opts.MaxWait {
			return resp, nil
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, ctxErr(ctx)
		}
	}
}

func (c *Client) do(ctx context.Context, rawURL string, header http.Header) (*response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("bad API URL")
	}
	sem := c.sem(u.Host)
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctxErr(ctx)
	}
	defer func() { <-sem }()
	if c.broken(u.Host) {
		return nil, ErrHostUnreachable
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, errors.New("bad API request")
	}
	req.Header = header.Clone()
	req.Header.Set("User-Agent", c.opts.UserAgent)
	resp, err := c.http.Do(req)
	if ctx.Err() == context.DeadlineExceeded {
		return nil, errDeadline
	}
	c.noteTimeout(u.Host, err)
	if err != nil {
		return nil, scrub(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, scrub(err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// broken reports whether host has timed out BreakAfter times in a row.
func (c *Client) broken(host string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.timeouts[host] >= c.opts.BreakAfter
}

// noteTimeout counts consecutive timeouts per host; any answer resets it.
func (c *Client) noteTimeout(host string, err error) {
	var ne net.Error
	timedOut := err != nil && errors.As(err, &ne) && ne.Timeout()
	c.mu.Lock()
	defer c.mu.Unlock()
	if timedOut {
		c.timeouts[host]++
	} else if err == nil {
		c.timeouts[host] = 0
	}
}

func (c *Client) sem(host string) chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sems[host]
	if !ok {
		n := c.opts.PerHost
		for _, ep := range []string{c.opts.Endpoints.Anaconda, c.opts.Endpoints.AnacondaCom} {
			if u, err := url.Parse(ep); err == nil && u.Host == host && ep != c.opts.Endpoints.GitHub {
				n = c.opts.PerAnacondaHost
			}
		}
		s = make(chan struct{}, n)
		c.sems[host] = s
	}
	return s
}

// scrub reduces a transport error to its kind: url.Error would quote the
// request URL, and Anaconda channel tokens can sit in URLs.
func scrub(err error) error {
	var ue *url.Error
	switch {
	case errors.Is(err, ErrRedirect):
		return ErrRedirect
	case errors.As(err, &ue) && ue.Timeout():
		return errors.New("the request timed out")
	case errors.Is(err, context.Canceled):
		return context.Canceled
	case errors.As(err, &ue):
		return fmt.Errorf("request failed: %s", strings.TrimPrefix(fmt.Sprint(ue.Err), ue.URL))
	}
	return errors.New("request failed")
}

// rateLimitWait says whether resp is a rate limit (429, or 403 with
// Retry-After or no remaining quota) and how long to wait before a retry.
func rateLimitWait(resp *response, now time.Time) (time.Duration, bool) {
	if resp.status != http.StatusTooManyRequests && resp.status != http.StatusForbidden {
		return 0, false
	}
	if s := resp.header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
		if t, err := http.ParseTime(s); err == nil {
			return t.Sub(now), true
		}
	}
	if resp.header.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(resp.header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return time.Unix(reset, 0).Sub(now), true
		}
		return time.Minute, true
	}
	if resp.status == http.StatusTooManyRequests {
		return time.Minute, true
	}
	return 0, false
}

func unknown(detail string) finding.Verification {
	return finding.Verification{Status: Unknown, Detail: detail}
}
