package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// RevokeBatch is the most credentials GitHub's revocation API takes at once.
const RevokeBatch = 1000

// Revocable reports whether GitHub's credential revocation API accepts a
// token of this kind (ghp_, github_pat_, gho_, ghu_, ghr_; not ghs_).
func Revocable(token string) bool {
	for _, p := range []string{"ghp_", "github_pat_", "gho_", "ghu_", "ghr_"} {
		if strings.HasPrefix(token, p) {
			return true
		}
	}
	return false
}

// BatchResult is the outcome of one POST /credentials/revoke.
type BatchResult struct {
	Count  int
	Status int
	Err    error
}

// Revoke sends tokens to POST {GitHub}/credentials/revoke in batches of at
// most RevokeBatch. On github.com the endpoint is unauthenticated, so no
// Authorization header is sent. It stops at the first failed batch.
func (c *Client) Revoke(ctx context.Context, tokens []string) []BatchResult {
	var out []BatchResult
	for start := 0; start < len(tokens); start += RevokeBatch {
		end := min(start+RevokeBatch, len(tokens))
		r := c.revokeBatch(ctx, tokens[start:end])
		out = append(out, r)
		if r.Err != nil {
			break
		}
	}
	return out
}

func (c *Client) revokeBatch(ctx context.Context, batch []string) BatchResult {
	res := BatchResult{Count: len(batch)}
	body, _ := json.Marshal(map[string][]string{"credentials": batch})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.opts.Endpoints.GitHub+"/credentials/revoke", bytes.NewReader(body))
	if err != nil {
		res.Err = fmt.Errorf("bad API URL")
		return res
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.opts.UserAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		res.Err = scrub(err)
		return res
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	res.Status = resp.StatusCode
	switch resp.StatusCode {
	case http.StatusAccepted:
	case http.StatusUnprocessableEntity:
		res.Err = fmt.Errorf("GitHub answered 422: %s (validation failed, or the endpoint is being rate limited; at most 60 requests an hour)", apiMessage(msg, "Validation failed"))
	default:
		res.Err = fmt.Errorf("GitHub answered %d %s", resp.StatusCode, apiMessage(msg, ""))
	}
	return res
}
