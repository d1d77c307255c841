package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
)

func githubHeader(token string) http.Header {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	h.Set("Accept", "application/vnd.github+json")
	h.Set("X-GitHub-Api-Version", "2022-11-28")
	return h
}

// TokenKind names a GitHub token by its prefix.
func TokenKind(token string) string {
	switch {
	case strings.HasPrefix(token, "ghp_"):
		return "classic personal access token"
	case strings.HasPrefix(token, "github_pat_"):
		return "fine-grained personal access token"
	case strings.HasPrefix(token, "gho_"):
		return "OAuth app token"
	case strings.HasPrefix(token, "ghu_"):
		return "GitHub App user token"
	case strings.HasPrefix(token, "ghs_"):
		return "GitHub App installation token"
	case strings.HasPrefix(token, "ghr_"):
		return "GitHub App refresh token"
	}
	return "token"
}

// github checks a token with GET /user: 200 is live, 401 invalid. An
// installation token (ghs_) cannot read /user: GitHub answers 403 "Resource
// not accessible by integration", which proves it authenticated; it is then
// confirmed with GET /installation/repositories.
func (c *Client) github(ctx context.Context, token string) finding.Verification {
	resp, err := c.get(ctx, c.opts.Endpoints.GitHub, "/user", githubHeader(token))
	if err != nil {
		return unknown(err.Error())
	}
	kind := TokenKind(token)
	switch {
	case resp.status == http.StatusOK:
		var user struct {
			Login string `json:"login"`
			Type  string `json:"type"`
		}
		if err := json.Unmarshal(resp.body, &user); err != nil || user.Login == "" {
			return unknown(fmt.Sprintf("GitHub answered 200 with a body that is not a user (%s)", kind))
		}
		v := finding.Verification{Status: Live, Owner: user.Login, Detail: kind}
		v.Scopes = parseScopes(resp.header)
		v.Expires = parseGitHubExpiry(resp.header.Get("GitHub-Authentication-Token-Expiration"))
		if broad := BroadScopes(v.Scopes); len(broad) > 0 {
			v.Detail += "; broad scopes: " + strings.Join(broad, ", ") + " (grant the narrowest scope that works)"
		}
		return v
	case resp.status == http.StatusUnauthorized:
		return finding.Verification{Status: Invalid, Detail: "GitHub rejected the token (401 " + apiMessage(resp.body, "Bad credentials") + ")"}
	case resp.status == http.StatusForbidden && strings.Contains(apiMessage(resp.body, ""), "Resource not accessible by integration"):
		return c.githubInstallation(ctx, token, kind)
	}
	if _, limited := rateLimitWait(resp, c.opts.Now()); limited {
		return unknown(fmt.Sprintf("GitHub rate limit (%d); try again later", resp.status))
	}
	return unknown(fmt.Sprintf("GitHub answered %d %s", resp.status, apiMessage(resp.body, "")))
}

func (c *Client) githubInstallation(ctx context.Context, token, kind string) finding.Verification {
	v := finding.Verification{Status: Live, Detail: kind + " (authenticated: /user is not accessible to integrations)"}
	resp, err := c.get(ctx, c.opts.Endpoints.GitHub, "/installation/repositories?per_page=1", githubHeader(token))
	if err != nil || resp.status != http.StatusOK {
		return v
	}
	var repos struct {
		TotalCount   int `json:"total_count"`
		Repositories []struct {
			Owner struct {
				Login string `json:"login"`
			} `json:"owner"`
		} `json:"repositories"`
	}
	if json.Unmarshal(resp.body, &repos) == nil {
		v.Detail = fmt.Sprintf("%s reaching %d repositories", kind, repos.TotalCount)
		if len(repos.Repositories) > 0 {
			v.Owner = repos.Repositories[0].Owner.Login
		}
	}
	return v
}

func parseScopes(h http.Header) []string {
	raw, ok := h["X-Oauth-Scopes"]
	if !ok || len(raw) == 0 {
		return nil
	}
	var out []string
	for _, s := range strings.Split(raw[0], ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// parseGitHubExpiry reads GitHub-Authentication-Token-Expiration, seen as
// "2021-10-07 19:07:53 UTC" and "2021-10-07 19:07:53 -0700", into RFC 3339.
func parseGitHubExpiry(s string) string {
	if s == "" {
		return ""
	}
	for _, layout := range []string{"2006-01-02 15:04:05 MST", "2006-01-02 15:04:05 -0700", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format(time.RFC3339)
		}
	}
	return s
}

// BroadScopes lists the classic scopes that give far more than most uses
// need: any admin:* scope, delete_repo, and repo together with workflow.
func BroadScopes(scopes []string) []string {
	var out []string
	has := map[string]bool{}
	for _, s := range scopes {
		has[s] = true
		if strings.HasPrefix(s, "admin:") || s == "delete_repo" || s == "site_admin" {
			out = append(out, s)
		}
	}
	if has["repo"] && has["workflow"] {
		out = append(out, "repo+workflow")
	}
	return out
}

func apiMessage(body []byte, fallback string) string {
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &m) == nil && m.Message != "" {
		return providerText(m.Message)
	}
	return fallback
}

// maxProviderText bounds how much of a provider's own words a verdict
// quotes.
const maxProviderText = 120

// providerText makes a provider's message safe to quote: anything shaped
// like a token (the provider may echo what it was sent) is cut out, control
// characters dropped, and the text cut short.
func providerText(s string) string {
	s = tokenShaped().ReplaceAllString(s, "[redacted]")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > maxProviderText {
		s = s[:maxProviderText] + "..."
	}
	return s
}

// tokenShaped matches what a provider might echo back: a prefixed GitHub
// token, an anaconda.org token, a JWT, or any long run of token characters.
var tokenShaped = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]+|[a-z]{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|eyJ[A-Za-z0-9_.-]+|[A-Za-z0-9_+/=.-]{24,}`)
})
