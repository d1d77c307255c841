// Package ciplan works out what a CI run is about from the platform's
// environment (GitHub Actions, GitLab CI, Azure Pipelines): the commits to
// scan, the commit whose policy files (.leakhound.toml, .leakhoundignore)
// are trusted, and how to say both. It is a pure function of its inputs:
// the environment, the event payload and the clone's remote-tracking
// branches, so every event shape is table-tested without a CI system.
package ciplan

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Platform names a CI system.
type Platform string

// The platforms recognised.
const (
	GitHub Platform = "github"
	GitLab Platform = "gitlab"
	Azure  Platform = "azure"
	Local  Platform = "local"
)

// Input is everything a plan depends on.
type Input struct {
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
	// Range is --range, which wins over the environment.
	Range string
	// Remotes are the clone's remote-tracking branches, full names
	// (refs/remotes/origin/main): what the remote already had.
	Remotes []string
}

// Plan is what `leakhound ci` scans and how it talks about it.
type Plan struct {
	Platform Platform
	// Revs are revision arguments, as for `history`. Empty when nothing
	// can be new (a branch deletion); Why then says so.
	Revs []string
	// Why is said on stderr: which commits and why.
	Why string
	// Fix says how to fetch the history this platform's checkout lacks.
	Fix string
	// Base is the commit (or ref) whose policy files are trusted: the
	// target of a pull request, the commit before a push. Empty when the
	// range has no base (a first push, a build with no previous commit).
	Base string
	// Head is the commit the run is about.
	Head string
	// Fallback replaces Revs when a revision of Revs is not in a full clone
	// (the "before" of a force push): the commits of Head that no other
	// remote branch has.
	Fallback     []string
	FallbackWhy  string
	FallbackBase string
	// Definition names the files, as paths in the repository, that define
	// the CI job running now when the commits being scanned choose its
	// definition (a pull request's own workflow, a pushed .gitlab-ci.yml):
	// a change to them can weaken or skip the check it is judged by.
	Definition []string
	// Refs name the branch or tag the run is about (pushed, or a pull
	// request's source), as the platform gives them: scanned as text,
	// since a name is published with its ref.
	Refs []string
}

// ErrNoPlatform means no CI platform was recognised and no range given.
var ErrNoPlatform = errors.New("no CI platform recognised (GitHub Actions, GitLab CI, Azure Pipelines); pass --range A..B")

// Make works out the plan for in.
func Make(in Input) (Plan, error) {
	p := Plan{Platform: Local, Fix: "fetch the missing history (git fetch --unshallow)"}
	getenv := in.Getenv
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		p.Platform, p.Fix = GitHub, "set fetch-depth: 0 on actions/checkout"
	case getenv("GITLAB_CI") == "true":
		p.Platform, p.Fix = GitLab, `set the variable GIT_DEPTH: "0" for the job`
	case strings.EqualFold(getenv("TF_BUILD"), "true"):
		p.Platform, p.Fix = Azure, "add 'fetchDepth: 0' to the job's checkout step"
	}
	if in.Range != "" {
		p.Revs, p.Why = strings.Fields(in.Range), "--range "+in.Range
		p.Base, p.Head = rangeEnds(p.Revs)
		return p, nil
	}
	p.Definition = definition(p.Platform, in.Getenv)
	p.Refs = refNames(p.Platform, in.Getenv)
	switch p.Platform {
	case GitHub:
		return p, planGitHub(&p, in)
	case GitLab:
		planGitLab(&p, in)
	case Azure:
		planAzure(&p, in)
	default:
		return p, ErrNoPlatform
	}
	return p, nil
}

// definition names the repository files that define the running job,
// when the revision being built supplies them. On GitHub that is the
// workflow file (GITHUB_WORKFLOW_REF, "owner/repo/PATH@REF") of this
// repository, except under pull_request_target, which runs the base
// branch's workflow; on GitLab, CI_CONFIG_PATH (default .gitlab-ci.yml)
// unless it lives in another project; on Azure Pipelines, whose YAML path
// is not in the environment, the default file names.
func definition(platform Platform, getenv func(string) string) []string {
	switch platform {
	case GitHub:
		if getenv("GITHUB_EVENT_NAME") == "pull_request_target" {
			return nil
		}
		ref, _, _ := strings.Cut(getenv("GITHUB_WORKFLOW_REF"), "@")
		repo := getenv("GITHUB_REPOSITORY")
		if path, ok := strings.CutPrefix(ref, repo+"/"); ok && repo != "" && path != "" {
			return []string{path}
		}
	case GitLab:
		path := getenv("CI_CONFIG_PATH")
		if path == "" {
			return []string{".gitlab-ci.yml"}
		}
		if !strings.ContainsAny(path, ":@") {
			return []string{strings.TrimPrefix(path, "/")}
		}
	case Azure:
		return []string{"azure-pipelines.yml", ".azure-pipelines.yml"}
	}
	return nil
}

// refNames are the names of the refs a run is about, from the platform's
// variables: the pushed ref and a pull request's source branch.
func refNames(platform Platform, getenv func(string) string) []string {
	var vars []string
	switch platform {
	case GitHub:
		vars = []string{"GITHUB_REF", "GITHUB_HEAD_REF"}
	case GitLab:
		vars = []string{"CI_COMMIT_REF_NAME", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"}
	case Azure:
		vars = []string{"BUILD_SOURCEBRANCH", "SYSTEM_PULLREQUEST_SOURCEBRANCH"}
	}
	var out []string
	for _, v := range vars {
		if name := getenv(v); name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// rangeEnds finds the base and head of revision arguments: A..B gives A
// and B; a lone REV gives no base.
func rangeEnds(revs []string) (base, head string) {
	for _, r := range revs {
		switch {
		case strings.Contains(r, "..."):
			return "", ""
		case strings.Contains(r, ".."):
			a, b, _ := strings.Cut(r, "..")
			if b == "" {
				b = "HEAD"
			}
			return a, b
		case strings.HasPrefix(r, "^"):
			base = r[1:]
		default:
			head = r
		}
	}
	return base, head
}

func isZeroSHA(s string) bool { return s == "" || strings.Trim(s, "0") == "" }

// newWork plans the commits of head that the remote did not have: those
// reachable from no remote-tracking branch but own (the branch being
// pushed, whose remote ref may already point at head). base is the
// default branch when the clone has it.
func newWork(p *Plan, head, own, defaultBranch string, remotes []string) (others []string) {
	p.Head = head
	p.Revs = []string{head}
	for _, r := range remotes {
		if r == own || strings.HasSuffix(r, "/HEAD") {
			continue
		}
		p.Revs = append(p.Revs, "^"+r)
		others = append(others, strings.TrimPrefix(r, "refs/remotes/"))
	}
	if defaultBranch != "" {
		def := "refs/remotes/origin/" + defaultBranch
		for _, r := range remotes {
			if r == def && r != own {
				p.Base = def
			}
		}
	}
	return others
}

// describe says what newWork excluded.
func describe(others []string) string {
	switch len(others) {
	case 0:
		return "no other branch is on the remote, so its whole history"
	case 1:
		return "the commits not on " + others[0]
	}
	return fmt.Sprintf("the commits on none of the %d other remote branches", len(others))
}

type githubEvent struct {
	Before      string `json:"before"`
	After       string `json:"after"`
	Ref         string `json:"ref"`
	Deleted     bool   `json:"deleted"`
	PullRequest *struct {
		Base struct {
			SHA string `json:"sha"`
			Ref string `json:"ref"`
		} `json:"base"`
		Head struct {
			SHA string `json:"sha"`
		} `json:"head"`
	} `json:"pull_request"`
	// MergeGroup is a merge queue's candidate: the queued pull requests
	// merged onto base_sha.
	MergeGroup *struct {
		BaseSHA string `json:"base_sha"`
		HeadSHA string `json:"head_sha"`
	} `json:"merge_group"`
	Repository struct {
		DefaultBranch string `json:"default_branch"`
	} `json:"repository"`
}

func planGitHub(p *Plan, in Input) error {
	getenv := in.Getenv
	event := getenv("GITHUB_EVENT_NAME")
	var ev githubEvent
	if path := getenv("GITHUB_EVENT_PATH"); path != "" {
		data, err := in.ReadFile(path)
		if err != nil {
			return fmt.Errorf("reading the GitHub event payload: %w", err)
		}
		if err := json.Unmarshal(data, &ev); err != nil {
			return fmt.Errorf("parsing the GitHub event payload %s: %w", path, err)
		}
	}
	ref := ev.Ref
	if ref == "" {
		ref = getenv("GITHUB_REF")
	}
	if ref != "" && !slices.Contains(p.Refs, ref) {
		p.Refs = append(p.Refs, ref) // the payload's, should the variable lack it
	}
	def := ev.Repository.DefaultBranch
	switch {
	case ev.PullRequest != nil && ev.PullRequest.Base.SHA != "" && ev.PullRequest.Head.SHA != "":
		b, h := ev.PullRequest.Base.SHA, ev.PullRequest.Head.SHA
		p.Revs, p.Base, p.Head = []string{b + ".." + h}, b, h
		p.Why = fmt.Sprintf("GitHub %s: the pull request's commits (base %s .. head %s)", event, ShortID(b), ShortID(h))
	case ev.MergeGroup != nil && ev.MergeGroup.BaseSHA != "" && ev.MergeGroup.HeadSHA != "":
		b, h := ev.MergeGroup.BaseSHA, ev.MergeGroup.HeadSHA
		p.Revs, p.Base, p.Head = []string{b + ".." + h}, b, h
		p.Why = fmt.Sprintf("GitHub %s: the merge queue's commits (base %s .. head %s)", event, ShortID(b), ShortID(h))
	case event == "push" && (ev.Deleted || (isZeroSHA(ev.After) && ev.After != "")):
		p.Why = fmt.Sprintf("GitHub push deleting %s: nothing is new, so there is nothing to scan", orNone(ref))
	case event == "push" && strings.HasPrefix(ref, "refs/tags/") && ev.After != "":
		others := newWork(p, ev.After, "", def, in.Remotes)
		p.Why = fmt.Sprintf("GitHub push of tag %s: %s", strings.TrimPrefix(ref, "refs/tags/"), describe(others))
	case event == "push" && ev.After != "" && !isZeroSHA(ev.Before):
		p.Revs, p.Base, p.Head = []string{ev.Before + ".." + ev.After}, ev.Before, ev.After
		p.Why = fmt.Sprintf("GitHub push: the pushed commits (%s..%s)", ShortID(ev.Before), ShortID(ev.After))
		var fb Plan
		others := newWork(&fb, ev.After, ownRemote(ref), def, in.Remotes)
		p.Fallback, p.FallbackBase = fb.Revs, fb.Base
		p.FallbackWhy = fmt.Sprintf("the commit before the push (%s) is not in this clone (a force push replaced it); scanning %s instead", ShortID(ev.Before), describe(others))
	case event == "push" && ev.After != "":
		branch := strings.TrimPrefix(ref, "refs/heads/")
		others := newWork(p, ev.After, ownRemote(ref), def, in.Remotes)
		p.Why = fmt.Sprintf("GitHub push of a new branch %s: %s", orNone(branch), describe(others))
	default:
		p.Revs, p.Head = []string{"HEAD"}, "HEAD"
		p.Why = fmt.Sprintf("GitHub %s event: the whole history of HEAD", orNone(event))
	}
	return nil
}

// ownRemote is the remote-tracking ref of a pushed branch ref.
func ownRemote(ref string) string {
	if b, ok := strings.CutPrefix(ref, "refs/heads/"); ok {
		return "refs/remotes/origin/" + b
	}
	return ""
}

func planGitLab(p *Plan, in Input) {
	getenv := in.Getenv
	head := getenv("CI_COMMIT_SHA")
	if head == "" {
		head = "HEAD"
	}
	def, branch := getenv("CI_DEFAULT_BRANCH"), getenv("CI_COMMIT_BRANCH")
	if base := getenv("CI_MERGE_REQUEST_DIFF_BASE_SHA"); base != "" {
		p.Revs, p.Base, p.Head = []string{base + ".." + head}, base, head
		p.Why = fmt.Sprintf("GitLab merge request: the commits since the diff base (%s..%s)", ShortID(base), ShortID(head))
		return
	}
	if tag := getenv("CI_COMMIT_TAG"); tag != "" {
		others := newWork(p, head, "", def, in.Remotes)
		p.Why = fmt.Sprintf("GitLab pipeline for tag %s: %s", tag, describe(others))
		return
	}
	own := ""
	if branch != "" {
		own = "refs/remotes/origin/" + branch
	}
	if before := getenv("CI_COMMIT_BEFORE_SHA"); !isZeroSHA(before) {
		p.Revs, p.Base, p.Head = []string{before + ".." + head}, before, head
		p.Why = fmt.Sprintf("GitLab push: the pushed commits (%s..%s)", ShortID(before), ShortID(head))
		var fb Plan
		others := newWork(&fb, head, own, def, in.Remotes)
		p.Fallback, p.FallbackBase = fb.Revs, fb.Base
		p.FallbackWhy = fmt.Sprintf("the commit before the push (%s) is not in this clone (a force push replaced it); scanning %s instead", ShortID(before), describe(others))
		return
	}
	others := newWork(p, head, own, def, in.Remotes)
	p.Why = fmt.Sprintf("GitLab pipeline for a new branch %s: %s", orNone(branch), describe(others))
}

func planAzure(p *Plan, in Input) {
	getenv := in.Getenv
	head := getenv("BUILD_SOURCEVERSION")
	if head == "" {
		head = "HEAD"
	}
	if target := getenv("SYSTEM_PULLREQUEST_TARGETBRANCH"); target != "" {
		target = strings.TrimPrefix(target, "refs/heads/")
		if src := getenv("SYSTEM_PULLREQUEST_SOURCECOMMITID"); src != "" {
			head = src
		}
		base := "origin/" + target
		p.Revs, p.Base, p.Head = []string{base + ".." + head}, base, head
		p.Why = fmt.Sprintf("Azure Pipelines pull request into %s: the commits not on it (origin/%s..%s)", target, target, ShortID(head))
		return
	}
	p.Revs, p.Head = []string{head}, head
	p.Why = "Azure Pipelines build: the whole history of " + ShortID(head) + " (Azure gives no previous commit; pass --range to narrow it)"
}

// ShortID shortens a full commit id to 12 hex digits for messages; other
// revisions are returned as they are.
func ShortID(s string) string {
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
