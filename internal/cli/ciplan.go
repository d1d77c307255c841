package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
)

// ciPlan is what `leakhound ci` scans and how it talks to the platform.
type ciPlan struct {
	platform string   // github, gitlab, azure, or local
	revs     []string // revision arguments, as for `history`
	why      string   // said on stderr: which range and why
	fix      string   // how to fetch the history this platform's checkout lacks
	// fallbackBase, when set, replaces a "before" commit missing from the
	// clone (a force push): revs become fallbackBase..head.
	fallbackBase, head string
}

func isZeroSHA(s string) bool { return s == "" || strings.Trim(s, "0") == "" }

// planCI works out the commits to scan from the CI environment. rangeFlag
// (--range) wins over everything.
func planCI(getenv func(string) string, readFile func(string) ([]byte, error), rangeFlag string) (ciPlan, error) {
	p := ciPlan{platform: "local", fix: "fetch the missing history (git fetch --unshallow)"}
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		p.platform, p.fix = "github", "set fetch-depth: 0 on actions/checkout"
	case getenv("GITLAB_CI") == "true":
		p.platform, p.fix = "gitlab", `set the variable GIT_DEPTH: "0" for the job`
	case strings.EqualFold(getenv("TF_BUILD"), "true"):
		p.platform, p.fix = "azure", "add 'fetchDepth: 0' to the job's checkout step"
	}
	if rangeFlag != "" {
		p.revs, p.why = strings.Fields(rangeFlag), "--range "+rangeFlag
		return p, nil
	}
	var err error
	switch p.platform {
	case "github":
		err = planGitHub(&p, getenv, readFile)
	case "gitlab":
		planGitLab(&p, getenv)
	case "azure":
		planAzure(&p, getenv)
	default:
		return p, usagef("ci: no CI platform recognised (GitHub Actions, GitLab CI, Azure Pipelines); pass --range A..B")
	}
	return p, err
}

type githubEvent struct {
	Before      string `json:"before"`
	After       string `json:"after"`
	Forced      bool   `json:"forced"`
	PullRequest *struct {
		Base struct {
			SHA string `json:"sha"`
			Ref string `json:"ref"`
		} `json:"base"`
		Head struct {
			SHA string `json:"sha"`
		} `json:"head"`
	} `json:"pull_request"`
	Repository struct {
		DefaultBranch string `json:"default_branch"`
	} `json:"repository"`
}

func planGitHub(p *ciPlan, getenv func(string) string, readFile func(string) ([]byte, error)) error {
	event := getenv("GITHUB_EVENT_NAME")
	var ev githubEvent
	if path := getenv("GITHUB_EVENT_PATH"); path != "" {
		data, err := readFile(path)
		if err != nil {
			return fmt.Errorf("reading the GitHub event payload: %w", err)
		}
		if err := json.Unmarshal(data, &ev); err != nil {
			return fmt.Errorf("parsing the GitHub event payload %s: %w", path, err)
		}
	}
	switch {
	case ev.PullRequest != nil && ev.PullRequest.Base.SHA != "" && ev.PullRequest.Head.SHA != "":
		p.revs = []string{ev.PullRequest.Base.SHA + ".." + ev.PullRequest.Head.SHA}
		p.why = fmt.Sprintf("GitHub %s: the pull request's commits (base %s .. head %s)", event, short12(ev.PullRequest.Base.SHA), short12(ev.PullRequest.Head.SHA))
	case event == "push" && ev.After != "" && !isZeroSHA(ev.Before):
		p.revs = []string{ev.Before + ".." + ev.After}
		p.why = fmt.Sprintf("GitHub push: the pushed commits (%s..%s)", short12(ev.Before), short12(ev.After))
		if ev.Forced && ev.Repository.DefaultBranch != "" {
			p.fallbackBase, p.head = "origin/"+ev.Repository.DefaultBranch, ev.After
		}
	case event == "push" && ev.After != "" && !isZeroSHA(ev.After):
		base := ev.Repository.DefaultBranch
		p.fallbackBase, p.head = "origin/"+base, ev.After
		p.revs = []string{"origin/" + base + ".." + ev.After}
		p.why = fmt.Sprintf("GitHub push of a new branch: the commits not on %s (origin/%s..%s)", base, base, short12(ev.After))
		if base == "" {
			p.revs, p.why = []string{ev.After}, "GitHub push of a new branch with no default branch known: the whole history of "+short12(ev.After)
		}
	default:
		p.revs = []string{"HEAD"}
		p.why = fmt.Sprintf("GitHub %s event: the whole history of HEAD", orNone(event))
	}
	return nil
}

func planGitLab(p *ciPlan, getenv func(string) string) {
	head := getenv("CI_COMMIT_SHA")
	if head == "" {
		head = "HEAD"
	}
	if base := getenv("CI_MERGE_REQUEST_DIFF_BASE_SHA"); base != "" {
		p.revs = []string{base + ".." + head}
		p.why = fmt.Sprintf("GitLab merge request: the commits since the diff base (%s..%s)", short12(base), short12(head))
		return
	}
	if before := getenv("CI_COMMIT_BEFORE_SHA"); !isZeroSHA(before) {
		p.revs = []string{before + ".." + head}
		p.why = fmt.Sprintf("GitLab push: the pushed commits (%s..%s)", short12(before), short12(head))
		return
	}
	if def := getenv("CI_DEFAULT_BRANCH"); def != "" && def != getenv("CI_COMMIT_BRANCH") {
		p.revs = []string{"origin/" + def + ".." + head}
		p.why = fmt.Sprintf("GitLab pipeline for a new branch: the commits not on %s (origin/%s..%s)", def, def, short12(head))
		return
	}
	p.revs = []string{head}
	p.why = "GitLab pipeline with no previous commit: the whole history of " + short12(head)
}

func planAzure(p *ciPlan, getenv func(string) string) {
	head := getenv("BUILD_SOURCEVERSION")
	if head == "" {
		head = "HEAD"
	}
	if target := getenv("SYSTEM_PULLREQUEST_TARGETBRANCH"); target != "" {
		target = strings.TrimPrefix(target, "refs/heads/")
		if src := getenv("SYSTEM_PULLREQUEST_SOURCECOMMITID"); src != "" {
			head = src
		}
		p.revs = []string{"origin/" + target + ".." + head}
		p.why = fmt.Sprintf("Azure Pipelines pull request into %s: the commits not on it (origin/%s..%s)", target, target, short12(head))
		return
	}
	p.revs = []string{head}
	p.why = "Azure Pipelines build: the whole history of " + short12(head) + " (Azure gives no previous commit; pass --range to narrow it)"
}

func short12(s string) string {
	if len(s) > 12 && strings.Trim(s, "0123456789abcdef") == "" {
		return s[:12]
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// annotation renders a finding as the platform's log command, or "".
func annotation(platform string, f *finding.Finding) string {
	msg := fmt.Sprintf("%s: %s (%s)", f.Description, f.Secret.String(), f.RuleID)
	switch platform {
	case "github":
		return fmt.Sprintf("::error file=%s,line=%d,col=%d,endColumn=%d,title=%s::%s",
			ghProperty(f.Path), f.Line, f.Column, f.EndColumn, ghProperty("leakhound "+f.RuleID), ghData(msg))
	case "azure":
		return fmt.Sprintf("##vso[task.logissue type=error;sourcepath=%s;linenumber=%d;columnnumber=%d;code=%s]%s",
			azProperty(f.Path), f.Line, f.Column, azProperty(f.RuleID), azProperty(msg))
	}
	return ""
}

func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func azProperty(s string) string {
	return strings.NewReplacer("%", "%AZP25", ";", "%3B", "\r", "%0D", "\n", "%0A", "]", "%5D").Replace(s)
}

// group returns the lines that open and close a collapsible log section.
func group(platform, title string) (string, string) {
	switch platform {
	case "github":
		return "::group::" + title, "::endgroup::"
	case "azure":
		return "##[group]" + title, "##[endgroup]"
	case "gitlab":
		now := time.Now().Unix()
		return fmt.Sprintf("\x1b[0Ksection_start:%d:leakhound\r\x1b[0K%s", now, title), fmt.Sprintf("\x1b[0Ksection_end:%d:leakhound\r\x1b[0K", now)
	}
	return "", ""
}
