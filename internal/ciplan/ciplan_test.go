package ciplan

import (
	"errors"
	"os"
	"strings"
	"testing"
)

const (
	before = "1111111111111111111111111111111111111111"
	after  = "2222222222222222222222222222222222222222"
	zero   = "0000000000000000000000000000000000000000"
)

// TestEveryEventShape plans each event shape of the three platforms: what
// is scanned, whose policy is trusted, and what is said.
func TestEveryEventShape(t *testing.T) {
	remotes := []string{"refs/remotes/origin/HEAD", "refs/remotes/origin/main", "refs/remotes/origin/dev", "refs/remotes/origin/feature"}
	cases := []struct {
		name    string
		env     map[string]string
		payload string
		rng     string
		remotes []string
		revs    string
		base    string
		why     string
		fb      string
		err     error
	}{
		{name: "github push", env: gh("push"), payload: `{"ref":"refs/heads/main","before":"` + before + `","after":"` + after + `","repository":{"default_branch":"main"}}`,
			revs: before + ".." + after, base: before, why: "GitHub push: the pushed commits",
			fb: after + " ^refs/remotes/origin/dev ^refs/remotes/origin/feature"},
		{name: "github first push of the default branch", env: gh("push"), payload: `{"ref":"refs/heads/main","before":"` + zero + `","after":"` + after + `","repository":{"default_branch":"main"}}`,
			remotes: []string{"refs/remotes/origin/main"}, revs: after, why: "no other branch is on the remote, so its whole history"},
		{name: "github new branch", env: gh("push"), payload: `{"ref":"refs/heads/feature","before":"` + zero + `","after":"` + after + `","repository":{"default_branch":"main"}}`,
			revs: after + " ^refs/remotes/origin/main ^refs/remotes/origin/dev", base: "refs/remotes/origin/main", why: "new branch feature: the commits on none of the 2 other remote branches"},
		{name: "github tag push", env: gh("push"), payload: `{"ref":"refs/tags/v1.0","before":"` + zero + `","after":"` + after + `","repository":{"default_branch":"main"}}`,
			revs: after + " ^refs/remotes/origin/main ^refs/remotes/origin/dev ^refs/remotes/origin/feature", base: "refs/remotes/origin/main", why: "push of tag v1.0"},
		{name: "github branch deletion", env: gh("push"), payload: `{"ref":"refs/heads/dev","before":"` + before + `","after":"` + zero + `","deleted":true}`,
			revs: "", why: "nothing is new"},
		{name: "github pull_request", env: gh("pull_request"), payload: `{"pull_request":{"base":{"sha":"` + before + `","ref":"main"},"head":{"sha":"` + after + `"}}}`,
			revs: before + ".." + after, base: before, why: "the pull request's commits"},
		{name: "github pull_request_target", env: gh("pull_request_target"), payload: `{"pull_request":{"base":{"sha":"` + before + `","ref":"main"},"head":{"sha":"` + after + `"}}}`,
			revs: before + ".." + after, base: before, why: "GitHub pull_request_target"},
		{name: "github merge queue", env: gh("merge_group"), payload: `{"merge_group":{"base_sha":"` + before + `","head_sha":"` + after + `","base_ref":"refs/heads/main"}}`,
			revs: before + ".." + after, base: before, why: "GitHub merge_group: the merge queue's commits"},
		{name: "github schedule", env: gh("schedule"), payload: `{}`, revs: "HEAD", why: "whole history of HEAD"},
		{name: "gitlab merge request", env: map[string]string{"GITLAB_CI": "true", "CI_MERGE_REQUEST_DIFF_BASE_SHA": before, "CI_COMMIT_SHA": after},
			revs: before + ".." + after, base: before, why: "GitLab merge request"},
		{name: "gitlab push", env: map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": before, "CI_COMMIT_SHA": after, "CI_COMMIT_BRANCH": "dev", "CI_DEFAULT_BRANCH": "main"},
			revs: before + ".." + after, base: before, why: "GitLab push", fb: after + " ^refs/remotes/origin/main ^refs/remotes/origin/feature"},
		{name: "gitlab new branch", env: map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": zero, "CI_COMMIT_SHA": after, "CI_COMMIT_BRANCH": "feature", "CI_DEFAULT_BRANCH": "main"},
			revs: after + " ^refs/remotes/origin/main ^refs/remotes/origin/dev", base: "refs/remotes/origin/main", why: "new branch feature"},
		{name: "gitlab first push of the default branch", env: map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": zero, "CI_COMMIT_SHA": after, "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"},
			remotes: []string{"refs/remotes/origin/main"}, revs: after, why: "whole history"},
		{name: "gitlab tag", env: map[string]string{"GITLAB_CI": "true", "CI_COMMIT_TAG": "v2", "CI_COMMIT_BEFORE_SHA": zero, "CI_COMMIT_SHA": after, "CI_DEFAULT_BRANCH": "main"},
			revs: after + " ^refs/remotes/origin/main ^refs/remotes/origin/dev ^refs/remotes/origin/feature", base: "refs/remotes/origin/main", why: "tag v2"},
		{name: "azure pull request", env: map[string]string{"TF_BUILD": "True", "SYSTEM_PULLREQUEST_TARGETBRANCH": "refs/heads/main", "SYSTEM_PULLREQUEST_SOURCECOMMITID": after},
			revs: "origin/main.." + after, base: "origin/main", why: "pull request into main"},
		{name: "azure build", env: map[string]string{"TF_BUILD": "True", "BUILD_SOURCEVERSION": after}, revs: after, why: "whole history"},
		{name: "range wins", env: gh("push"), payload: `{}`, rng: "A..B", revs: "A..B", base: "A", why: "--range A..B"},
		{name: "no platform", env: map[string]string{}, err: ErrNoPlatform},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{"GITHUB_EVENT_PATH": "event.json"}
			for k, v := range c.env {
				env[k] = v
			}
			r := remotes
			if c.remotes != nil {
				r = c.remotes
			}
			p, err := Make(Input{
				Getenv:   func(k string) string { return env[k] },
				ReadFile: func(string) ([]byte, error) { return []byte(c.payload), nil },
				Range:    c.rng,
				Remotes:  r,
			})
			if !errors.Is(err, c.err) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			if err != nil {
				return
			}
			if got := strings.Join(p.Revs, " "); got != c.revs {
				t.Errorf("revs %q, want %q", got, c.revs)
			}
			if p.Base != c.base {
				t.Errorf("base %q, want %q", p.Base, c.base)
			}
			if !strings.Contains(p.Why, c.why) {
				t.Errorf("why %q, want it to say %q", p.Why, c.why)
			}
			if got := strings.Join(p.Fallback, " "); got != c.fb {
				t.Errorf("fallback %q, want %q", got, c.fb)
			}
		})
	}
}

func gh(event string) map[string]string {
	return map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event}
}

func TestUnreadablePayloadIsAnError(t *testing.T) {
	_, err := Make(Input{
		Getenv:   func(k string) string { return map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": "x"}[k] },
		ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist },
	})
	if err == nil || !strings.Contains(err.Error(), "reading the GitHub event payload") {
		t.Fatalf("err = %v", err)
	}
}

// TestDefinition names the files that define the running job when the
// revision being built supplies them, and none when it does not.
func TestDefinition(t *testing.T) {
	type vars = map[string]string
	cases := []struct {
		name     string
		platform Platform
		vars     vars
		want     string
	}{
		{"github pull request", GitHub, vars{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "acme/app", "GITHUB_WORKFLOW_REF": "acme/app/.github/workflows/scan.yml@refs/pull/7/merge"}, ".github/workflows/scan.yml"},
		{"github push", GitHub, vars{"GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": "acme/app", "GITHUB_WORKFLOW_REF": "acme/app/.github/workflows/ci.yaml@refs/heads/main"}, ".github/workflows/ci.yaml"},
		{"github pull_request_target runs the base's workflow", GitHub, vars{"GITHUB_EVENT_NAME": "pull_request_target", "GITHUB_REPOSITORY": "acme/app", "GITHUB_WORKFLOW_REF": "acme/app/.github/workflows/scan.yml@refs/heads/main"}, ""},
		{"github workflow of another repository", GitHub, vars{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "acme/app", "GITHUB_WORKFLOW_REF": "acme/policy/.github/workflows/scan.yml@refs/heads/main"}, ""},
		{"github without a workflow ref", GitHub, vars{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "acme/app"}, ""},
		{"gitlab default", GitLab, vars{}, ".gitlab-ci.yml"},
		{"gitlab custom path", GitLab, vars{"CI_CONFIG_PATH": "ci/pipeline.yml"}, "ci/pipeline.yml"},
		{"gitlab config in another project", GitLab, vars{"CI_CONFIG_PATH": ".gitlab-ci.yml@acme/ci-templates"}, ""},
		{"azure", Azure, vars{}, "azure-pipelines.yml .azure-pipelines.yml"},
		{"local", Local, vars{}, ""},
	}
	for _, c := range cases {
		getenv := func(k string) string { return c.vars[k] }
		if got := strings.Join(definition(c.platform, getenv), " "); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestRefNames takes the names of the refs a run is about from each
// platform's variables, each once.
func TestRefNames(t *testing.T) {
	vars := map[string]string{
		"GITHUB_REF": "refs/pull/7/merge", "GITHUB_HEAD_REF": "feature/x",
		"CI_COMMIT_REF_NAME": "topic", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "topic",
		"BUILD_SOURCEBRANCH": "refs/heads/dev",
	}
	getenv := func(k string) string { return vars[k] }
	for platform, want := range map[Platform]string{
		GitHub: "refs/pull/7/merge feature/x",
		GitLab: "topic",
		Azure:  "refs/heads/dev",
		Local:  "",
	} {
		if got := strings.Join(refNames(platform, getenv), " "); got != want {
			t.Errorf("%s: %q, want %q", platform, got, want)
		}
	}
}
