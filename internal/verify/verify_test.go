package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/leakhound/leakhound/internal/finding"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/testnet"
	"github.com/leakhound/leakhound/internal/tokengen"
)

// fakeGitHub answers like api.github.com and records what it was sent.
type fakeGitHub struct {
	t        *testing.T
	handle   func(w http.ResponseWriter, r *http.Request, calls int)
	calls    atomic.Int32
	inFlight atomic.Int32
	maxSeen  atomic.Int32
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxSeen.Load()
		if n <= m || f.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	if r.Method != http.MethodGet {
		f.t.Errorf("%s %s: verification must only GET", r.Method, r.URL.Path)
	}
	if got := r.Header.Get("Accept"); got != "application/vnd.github+json" {
		f.t.Errorf("Accept = %q", got)
	}
	if got := r.Header.Get("X-GitHub-Api-Version"); got != "2022-11-28" {
		f.t.Errorf("X-GitHub-Api-Version = %q", got)
	}
	if got := r.Header.Get("User-Agent"); !strings.HasPrefix(got, "leakhound") {
		f.t.Errorf("User-Agent = %q", got)
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		f.t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
	}
	f.handle(w, r, int(f.calls.Add(1)))
}

func newClient(gh, ana string, opts Options) *Client {
	opts.Endpoints = Endpoints{GitHub: gh, Anaconda: ana, AnacondaCom: ana}
	opts.UserAgent = "leakhound/test"
	return New(opts)
}

func token(t *testing.T, prefix string) string { return tokengen.New(t.Name()).GitHub(prefix) }

func checkNoSecret(t *testing.T, detail, secret string) {
	t.Helper()
	if strings.Contains(detail, secret) || strings.Contains(detail, secret[4:20]) {
		t.Fatalf("detail holds the token: %q", detail)
	}
}

func TestGitHubAnswers(t *testing.T) {
	cases := []struct {
		name       string
		prefix     string
		handle     func(w http.ResponseWriter, r *http.Request, calls int)
		status     finding.Status
		detail     string
		owner      string
		scopes     string
		expires    string
		wantCalls  int32
		clientOpts Options
	}{
		{
			name: "200 with scopes and expiry", prefix: "ghp",
			handle: func(w http.ResponseWriter, r *http.Request, _ int) {
				w.Header().Set("X-OAuth-Scopes", "repo, workflow, admin:org")
				w.Header().Set("GitHub-Authentication-Token-Expiration", "2026-10-07 19:07:53 UTC")
				fmt.Fprint(w, `{"login":"octocat","type":"User"}`)
			},
			status: Live, owner: "octocat", scopes: "repo,workflow,admin:org", expires: "2026-10-07T19:07:53Z",
			detail: "broad scopes: admin:org, repo+workflow", wantCalls: 1,
		},
		{
			name: "200 without scope header (fine-grained), numeric offset expiry", prefix: "ghu",
			handle: func(w http.ResponseWriter, r *http.Request, _ int) {
				w.Header().Set("GitHub-Authentication-Token-Expiration", "2026-10-07 12:00:00 -0700")
				fmt.Fprint(w, `{"login":"octocat"}`)
			},
			status: Live, owner: "octocat", expires: "2026-10-07T19:00:00Z", wantCalls: 1,
		},
		{
			name: "401", prefix: "ghp",
			handle: func(w http.ResponseWriter, r *http.Request, _ int) {
				w.WriteHeader(401)
				fmt.Fprint(w, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`)
			},
			status: Invalid, detail: "Bad credentials", wantCalls: 1,
		},
		{
			name: "installation token: 403 from /user, then its repositories", prefix: "ghs",
			handle: func(w http.ResponseWriter, r *http.Request, _ int) {
				switch r.URL.Path {
				case "/user":
					w.WriteHeader(403)
					fmt.Fprint(w, `{"message":"Resource not accessible by integration"}`)
				case "/installation/repositories":
					fmt.Fprint(w, `{"total_count":7,"repositories":[{"owner":{"login":"my-org"}}]}`)
				}
			},
			status: Live, owner: "my-org", detail: "reaching 7 repositories", wantCalls: 2,
		},
		{
			name: "primary rate limit past the wait bound", prefix: "ghp",
			handle: func(w http.ResponseWriter, r *http.Request, _ int) {
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", fmt.Sprint(time.Now().Add(time.Hour).Unix()))
				w.WriteHeader(403)
				fmt.Fprint(w, `{"message":"API rate limit exceeded"}`)
			},
			status: Unknown, detail: "rate limit", wantCalls: 1,
		},
		{
			name: "primary rate limit that resets within the bound is retried once", prefix: "ghp",
			handle: func(w http.ResponseWriter, r *http.Request, calls int) {
				if calls == 1 {
					w.Header().Set("X-RateLimit-Remaining", "0")
					w.Header().Set("X-RateLimit-Reset", fmt.Sprint(time.Now().Unix()))
					w.WriteHeader(403)
					return
				}
				fmt.Fprint(w, `{"login":"octocat"}`)
			},
			status: Live, owner: "octocat", wantCalls: 2,
		},
		{
			name: "429 with Retry-After is honoured, then retried", prefix: "ghp",
			handle: func(w http.ResponseWriter, r *http.Request, calls int) {
				if calls == 1 {
					w.Header().Set("Retry-After", "1")
					w.WriteHeader(429)
					return
				}
				fmt.Fprint(w, `{"login":"octocat"}`)
			},
			status: Live, owner: "octocat", wantCalls: 2,
		},
		{
			name: "429 twice is unknown", prefix: "ghp",
			handle: func(w http.ResponseWriter, r *http.Request, _ int) {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(429)
			},
			status: Unknown, detail: "rate limit", wantCalls: 2,
		},
		{
			name: "500", prefix: "ghp",
			handle: func(w http.ResponseWriter, r *http.Request, _ int) { w.WriteHeader(500) },
			status: Unknown, detail: "500", wantCalls: 1,
		},
		{
			name: "malformed JSON", prefix: "ghp",
			handle: func(w http.ResponseWriter, r *http.Request, _ int) { fmt.Fprint(w, `{"login":`) },
			status: Unknown, detail: "not a user", wantCalls: 1,
		},
		{
			name: "a hang past the timeout", prefix: "ghp",
			handle: func(w http.ResponseWriter, r *http.Request, _ int) {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			},
			status: Unknown, detail: "timed out", wantCalls: 1, clientOpts: Options{Timeout: 200 * time.Millisecond},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeGitHub{t: t, handle: c.handle}
			srv := httptest.NewServer(f)
			defer srv.Close()
			tok := token(t, c.prefix)
			v := newClient(srv.URL, srv.URL, c.clientOpts).Verify(context.Background(), "github", tok)
			if v.Status != c.status || v.Owner != c.owner || strings.Join(v.Scopes, ",") != c.scopes || v.Expires != c.expires {
				t.Fatalf("got %+v", v)
			}
			if !strings.Contains(v.Detail, c.detail) {
				t.Fatalf("detail %q lacks %q", v.Detail, c.detail)
			}
			if got := f.calls.Load(); got != c.wantCalls {
				t.Fatalf("%d requests, want %d", got, c.wantCalls)
			}
			if v.CheckedAt.IsZero() {
				t.Fatal("no checked_at")
			}
			checkNoSecret(t, v.Detail, tok)
		})
	}
}

func TestRedirectRefusedAndTokenNotForwarded(t *testing.T) {
	var otherSaw atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherSaw.Add(1)
	}))
	defer other.Close()
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/user", http.StatusFound)
	}))
	defer gh.Close()
	tok := token(t, "ghp")
	v := newClient(gh.URL, gh.URL, Options{}).Verify(context.Background(), "github", tok)
	if v.Status != Unknown || !strings.Contains(v.Detail, "redirect") {
		t.Fatalf("got %+v", v)
	}
	if otherSaw.Load() != 0 {
		t.Fatal("the redirect target was contacted")
	}
	checkNoSecret(t, v.Detail, tok)
}

func TestEachSecretOnceAndConcurrencyCap(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	f := &fakeGitHub{t: t, handle: func(w http.ResponseWriter, r *http.Request, _ int) {
		mu.Lock()
		seen[r.Header.Get("Authorization")]++
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		fmt.Fprint(w, `{"login":"octocat"}`)
	}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := newClient(srv.URL, srv.URL, Options{})
	g := tokengen.New(t.Name())
	tokens := make([]string, 12)
	for i := range tokens {
		tokens[i] = g.GitHub("ghp")
	}
	var wg sync.WaitGroup
	for rep := 0; rep < 3; rep++ {
		for _, tok := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if v := c.Verify(context.Background(), "github", tok); v.Status != Live {
					t.Errorf("got %+v", v)
				}
			}()
		}
	}
	wg.Wait()
	if len(seen) != len(tokens) {
		t.Fatalf("%d distinct tokens sent, want %d", len(seen), len(tokens))
	}
	for _, n := range seen {
		if n != 1 {
			t.Fatalf("a token was sent %d times", n)
		}
	}
	if m := f.maxSeen.Load(); m > 4 {
		t.Fatalf("%d requests in flight, cap is 4", m)
	}
}

func TestAnacondaAnswers(t *testing.T) {
	tok := tokengen.New(t.Name()).Anaconda("an")
	cases := []struct {
		name   string
		handle http.HandlerFunc
		status finding.Status
		detail string
		owner  string
	}{
		{"200 with scopes from /authentication", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "token "+tok || r.Header.Get("Accept") != "application/json" {
				t.Errorf("headers: %v", r.Header)
			}
			switch r.URL.Path {
			case "/user":
				fmt.Fprint(w, `{"login":"conda-forge","user_type":"org"}`)
			case "/authentication":
				fmt.Fprint(w, `{"id":"x","application":"binstar_token:ci","scopes":["api:write"],"expires":"2027-01-01T00:00:00"}`)
			default:
				t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			}
		}, Live, "anaconda.org token", "conda-forge"},
		{"401 expired", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":"Authentication token has expired"}`)
		}, Invalid, "expired", ""},
		{"401 no longer valid", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":"Authorization token is no longer valid"}`)
		}, Invalid, "no longer valid", ""},
		{"401 under-scoped, /authentication answers", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/user" {
				w.WriteHeader(401)
				fmt.Fprint(w, `{"error":"Anonymous user"}`)
				return
			}
			fmt.Fprint(w, `{"id":"x","scopes":["conda:download"],"expires":null}`)
		}, Live, "without the scope", ""},
		{"500", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }, Unknown, "500", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodGet {
					t.Errorf("%s %s: only GET is allowed", r.Method, r.URL.Path)
				}
				c.handle(w, r)
			}))
			defer srv.Close()
			v := newClient(srv.URL, srv.URL, Options{PerHost: 2}).Verify(context.Background(), "anaconda", tok)
			if v.Status != c.status || !strings.Contains(v.Detail, c.detail) || v.Owner != c.owner {
				t.Fatalf("got %+v", v)
			}
			checkNoSecret(t, v.Detail, tok)
		})
	}
}

func TestAnacondaComKeys(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/api/account" || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer eyJ") {
			t.Errorf("request %s %v", r.URL.Path, r.Header)
		}
		if strings.Contains(r.Header.Get("Authorization"), "revoked") {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":{"code":"auth_required","message":"Authentication required"}}`)
			return
		}
		fmt.Fprint(w, `{"user":{"id":"1","email":"me@example.com","username":"me"},"profile":{},"subscriptions":[]}`)
	}))
	defer srv.Close()
	g := tokengen.New(t.Name())
	c := newClient(srv.URL, srv.URL, Options{})
	if v := c.Verify(context.Background(), "anaconda-com", g.JWT(1000)); v.Status != Invalid || calls.Load() != 0 {
		t.Fatalf("expired key: %+v, %d calls", v, calls.Load())
	}
	if v := c.Verify(context.Background(), "anaconda-com", g.JWT(4102444800)); v.Status != Live || v.Owner != "me" || v.Expires != "2100-01-01T00:00:00Z" {
		t.Fatalf("live key: %+v", v)
	}
	if v := c.Verify(context.Background(), "anaconda-com", g.JWT(4102444800)+"revoked"); v.Status != Invalid {
		t.Fatalf("rejected key: %+v", v)
	}
}

func TestUnverifiable(t *testing.T) {
	c := New(Options{Endpoints: Endpoints{GitHub: "http://127.0.0.1:1", Anaconda: "http://127.0.0.1:1", AnacondaCom: "http://127.0.0.1:1"}})
	for _, kind := range []string{"github-refresh", "github-client-secret", "", "nope"} {
		if v := c.Verify(context.Background(), kind, "x"); v.Status != Unverifiable {
			t.Errorf("%q: %+v", kind, v)
		}
	}
}

func TestRevokeBatches(t *testing.T) {
	var batches []int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/credentials/revoke" || r.Header.Get("Authorization") != "" {
			t.Errorf("%s %s auth=%q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		}
		var body struct {
			Credentials []string `json:"credentials"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Error(err)
		}
		mu.Lock()
		batches = append(batches, len(body.Credentials))
		n := len(batches)
		mu.Unlock()
		if n == 3 {
			w.WriteHeader(422)
			fmt.Fprint(w, `{"message":"Validation Failed"}`)
			return
		}
		w.WriteHeader(202)
	}))
	defer srv.Close()
	g := tokengen.New(t.Name())
	tokens := make([]string, 3500)
	for i := range tokens {
		tokens[i] = g.GitHub("ghp")
	}
	res := newClient(srv.URL, srv.URL, Options{}).Revoke(context.Background(), tokens)
	if fmt.Sprint(batches) != "[1000 1000 1000]" || len(res) != 3 || res[2].Err == nil || res[0].Err != nil {
		t.Fatalf("batches %v results %+v", batches, res)
	}
	if !strings.Contains(res[2].Err.Error(), "422") {
		t.Fatal(res[2].Err)
	}
	for _, tok := range []string{"ghp_x", "github_pat_x", "gho_x", "ghu_x", "ghr_x"} {
		if !Revocable(tok) {
			t.Errorf("%s not revocable", tok)
		}
	}
	if Revocable("ghs_x") || Revocable("an-x") {
		t.Error("ghs_/anaconda revocable")
	}
}

func TestAnacondaConcurrencyCap(t *testing.T) {
	var inFlight, maxSeen atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := maxSeen.Load(); n > m && !maxSeen.CompareAndSwap(m, n); m = maxSeen.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		fmt.Fprint(w, `{"login":"x"}`)
	}))
	defer srv.Close()
	c := New(Options{Endpoints: Endpoints{GitHub: "https://api.github.com", Anaconda: srv.URL, AnacondaCom: srv.URL}})
	g := tokengen.New(t.Name())
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		tok := g.Anaconda("an")
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Verify(context.Background(), "anaconda", tok)
		}()
	}
	wg.Wait()
	if m := maxSeen.Load(); m > 2 || m == 0 {
		t.Fatalf("%d Anaconda requests in flight, cap is 2", m)
	}
}

// blackHole accepts connections and never answers.
func blackHole(t *testing.T) string {
	u, stop, err := testnet.BlackHole()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return u
}

// After BreakAfter consecutive timeouts a host gets no more requests: 16
// tokens against a black hole cost three timeouts, not sixteen.
func TestCircuitBreakerAfterTimeouts(t *testing.T) {
	u := blackHole(t)
	c := newClient(u, u, Options{Timeout: 150 * time.Millisecond, PerHost: 1, BreakAfter: 3})
	g := tokengen.New(t.Name())
	start := time.Now()
	var details []string
	for i := 0; i < 16; i++ {
		v := c.Verify(context.Background(), "github", g.GitHub("ghp"))
		if v.Status != Unknown {
			t.Fatalf("status %s", v.Status)
		}
		details = append(details, v.Detail)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("16 verdicts took %v", took)
	}
	if !strings.Contains(details[0], "timed out") || !strings.Contains(details[15], "the host timed out on the previous requests") {
		t.Fatalf("details: %q", details)
	}
}

// Requests go through the proxy the caller chose (HTTPS_PROXY), and a
// provider's message is quoted without anything token-shaped in it.
func TestProxyAndProviderText(t *testing.T) {
	tok := token(t, "ghp")
	var proxied atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, `{"message":"internal error for %s %s"}`, r.Header.Get("Authorization"), strings.Repeat("x", 300))
	}))
	defer api.Close()
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1)
		// a plain-HTTP proxy forwards absolute-form requests
		req, _ := http.NewRequest(r.Method, r.URL.String(), nil)
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)
	c := newClient(api.URL, api.URL, Options{Proxy: func(*url.URL) (*url.URL, error) { return pu, nil }})
	v := c.Verify(context.Background(), "github", tok)
	if proxied.Load() != 1 {
		t.Fatalf("%d requests through the proxy", proxied.Load())
	}
	if v.Status != Unknown || strings.Contains(v.Detail, tok) || strings.Contains(v.Detail, tok[4:20]) || len(v.Detail) > 200 {
		t.Fatalf("detail %q", v.Detail)
	}
}
