package verify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
)

// anaconda checks an anaconda.org token with GET /user. 401 with an
// expired/invalid message is invalid; any other 401 may be a token without
// the scope to read the user, so GET /authentication decides. No call that
// creates or deletes tokens is ever made.
func (c *Client) anaconda(ctx context.Context, token string) finding.Verification {
	h := http.Header{}
	h.Set("Authorization", "token "+token)
	h.Set("Accept", "application/json")
	resp, err := c.get(ctx, c.opts.Endpoints.Anaconda, "/user", h)
	if err != nil {
		return unknown(err.Error())
	}
	switch resp.status {
	case http.StatusOK:
		var user struct {
			Login string `json:"login"`
		}
		if err := json.Unmarshal(resp.body, &user); err != nil || user.Login == "" {
			return unknown("anaconda.org answered 200 with a body that is not a user")
		}
		v := finding.Verification{Status: Live, Owner: user.Login, Detail: "anaconda.org token"}
		c.anacondaAuthInfo(ctx, h, &v)
		return v
	case http.StatusUnauthorized:
		msg := anacondaError(resp.body)
		lower := strings.ToLower(msg)
		if strings.Contains(lower, "expired") || strings.Contains(lower, "invalid") || strings.Contains(lower, "no longer valid") {
			return finding.Verification{Status: Invalid, Detail: "anaconda.org: " + msg}
		}
		v := finding.Verification{Status: Unknown, Detail: "anaconda.org answered 401 " + msg}
		if c.anacondaAuthInfo(ctx, h, &v) {
			v.Status, v.Detail = Live, "anaconda.org token without the scope to read its user"
		}
		return v
	}
	return unknown(fmt.Sprintf("anaconda.org answered %d", resp.status))
}

// anacondaAuthInfo fills scopes and expiry from GET /authentication, and
// reports whether the token authenticated there.
func (c *Client) anacondaAuthInfo(ctx context.Context, h http.Header, v *finding.Verification) bool {
	resp, err := c.get(ctx, c.opts.Endpoints.Anaconda, "/authentication", h)
	if err != nil || resp.status != http.StatusOK {
		return false
	}
	var info struct {
		Scopes  []string `json:"scopes"`
		Expires *string  `json:"expires"`
		Owner   *struct {
			Login string `json:"login"`
		} `json:"owner"`
	}
	if json.Unmarshal(resp.body, &info) != nil {
		return false
	}
	v.Scopes = info.Scopes
	if info.Expires != nil {
		v.Expires = *info.Expires
	}
	if v.Owner == "" && info.Owner != nil {
		v.Owner = info.Owner.Login
	}
	return true
}

func anacondaError(body []byte) string {
	var m struct {
		Error any `json:"error"`
	}
	if json.Unmarshal(body, &m) == nil && m.Error != nil {
		switch e := m.Error.(type) {
		case string:
			return e
		case map[string]any:
			if s, ok := e["message"].(string); ok {
				return s
			}
			if s, ok := e["code"].(string); ok {
				return s
			}
		}
	}
	return "(no message)"
}

// JWTExpiry reads the exp claim of a JWT without checking its signature:
// for triage only, never as proof.
func JWTExpiry(token string) (time.Time, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp *float64 `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp == nil {
		return time.Time{}, false
	}
	return time.Unix(int64(*claims.Exp), 0).UTC(), true
}

// anacondaCom checks an anaconda.com API key: an expired exp claim is
// invalid without a request; otherwise GET /api/account with Bearer.
func (c *Client) anacondaCom(ctx context.Context, key string) finding.Verification {
	exp, ok := JWTExpiry(key)
	if ok && exp.Before(c.opts.Now()) {
		return finding.Verification{Status: Invalid, Detail: "the key's exp claim has passed", Expires: exp.Format(time.RFC3339)}
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+key)
	h.Set("Accept", "application/json")
	resp, err := c.get(ctx, c.opts.Endpoints.AnacondaCom, "/api/account", h)
	if err != nil {
		return unknown(err.Error())
	}
	v := finding.Verification{Detail: "anaconda.com API key"}
	if ok {
		v.Expires = exp.Format(time.RFC3339)
	}
	switch resp.status {
	case http.StatusOK:
		var acct struct {
			User struct {
				Username string `json:"username"`
				Email    string `json:"email"`
			} `json:"user"`
		}
		if json.Unmarshal(resp.body, &acct) != nil {
			return unknown("anaconda.com answered 200 with a body that is not an account")
		}
		v.Status, v.Owner = Live, acct.User.Username
		if v.Owner == "" {
			v.Owner = acct.User.Email
		}
		return v
	case http.StatusUnauthorized, http.StatusForbidden:
		v.Status, v.Detail = Invalid, "anaconda.com rejected the key ("+anacondaError(resp.body)+")"
		return v
	}
	return unknown(fmt.Sprintf("anaconda.com answered %d", resp.status))
}
