package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/ciplan"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/iostreams"
)

// Annotation renders a finding as the CI platform's log command (GitHub
// Actions' ::error, Azure Pipelines' ##vso[task.logissue]), or "" for a
// platform without one. The secret is always redacted.
func Annotation(platform ciplan.Platform, f *finding.Finding) string {
	return annotate(platform, "error", f, "leakhound "+f.RuleID, fmt.Sprintf("%s: %s (%s)", f.Description, f.Secret.String(), f.RuleID))
}

// InlineAcceptedAnnotation renders, as a warning on its line, a finding
// that an inline marker in the change being judged accepted: the change
// approved itself, which a reviewer should see.
func InlineAcceptedAnnotation(platform ciplan.Platform, f *finding.Finding) string {
	return annotate(platform, "warning", f, "leakhound: accepted inline by this change",
		fmt.Sprintf("%s: %s (%s), accepted by an inline marker this change adds; approve it in review, or refuse such markers with --no-inline-allow", f.Description, f.Secret.String(), f.RuleID))
}

func annotate(platform ciplan.Platform, level string, f *finding.Finding, title, msg string) string {
	path, line, col, endCol := f.Path, f.Line, f.Column, f.EndColumn
	if archive, member, ok := f.InArchive(); ok {
		// on the archive file, whose lines are not the member's
		path, line, col, endCol = archive, 1, 1, 1
		msg += fmt.Sprintf(" in archive member %s, line %d", member, f.Line)
	}
	switch platform {
	case ciplan.GitHub:
		return fmt.Sprintf("::%s file=%s,line=%d,col=%d,endColumn=%d,title=%s::%s",
			level, ghProperty(path), line, col, endCol, ghProperty(title), ghData(msg))
	case ciplan.Azure:
		return fmt.Sprintf("##vso[task.logissue type=%s;sourcepath=%s;linenumber=%d;columnnumber=%d;code=%s]%s",
			level, azProperty(path), line, col, azProperty(f.RuleID), azProperty(msg))
	}
	return ""
}

// Warning renders a warning about the run (not about a finding) as the CI
// platform's log command, or "" for a platform without one.
func Warning(platform ciplan.Platform, title, msg string) string {
	switch platform {
	case ciplan.GitHub:
		return fmt.Sprintf("::warning title=%s::%s", ghProperty(title), ghData(msg))
	case ciplan.Azure:
		return fmt.Sprintf("##vso[task.logissue type=warning]%s", azProperty(msg))
	}
	return ""
}

// The log commands below carry names and messages that scanned content
// chose (a file name, a path in a workflow): what the command syntax
// reserves is encoded as the platform decodes it (a file's name keeps its
// line breaks, so the annotation lands on that file), then any other
// control character, bidi override and the like is escaped
// (iostreams.Escape, as on every other line leakhound prints).

func ghData(s string) string {
	return iostreams.Escape(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s))
}

func ghProperty(s string) string {
	return iostreams.Escape(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s))
}

func azProperty(s string) string {
	return iostreams.Escape(strings.NewReplacer("%", "%AZP25", ";", "%3B", "\r", "%0D", "\n", "%0A", "]", "%5D").Replace(s))
}

// Group returns the lines that open and close a collapsible log section
// on the CI platform, or empty strings.
func Group(platform ciplan.Platform, title string) (string, string) {
	switch platform {
	case ciplan.GitHub:
		return "::group::" + title, "::endgroup::"
	case ciplan.Azure:
		return "##[group]" + title, "##[endgroup]"
	case ciplan.GitLab:
		now := time.Now().Unix()
		return fmt.Sprintf("\x1b[0Ksection_start:%d:leakhound\r\x1b[0K%s", now, title), fmt.Sprintf("\x1b[0Ksection_end:%d:leakhound\r\x1b[0K", now)
	}
	return "", ""
}
