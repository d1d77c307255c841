package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
)

// writeMarkdown renders a summary for pages that render Markdown (a GitHub
// Actions job summary, a merge request comment): what was scanned and why,
// the outcome, and a table of findings. Every cell is escaped, since paths,
// descriptions and verdicts come from the content scanned and must not turn
// into links, HTML or extra table columns.
func writeMarkdown(w io.Writer, r Report, opts Options) error {
	bw := bufio.NewWriter(w)
	kept, accepted := 0, 0
	for i := range r.Findings {
		if r.Findings[i].IsAccepted() {
			accepted++
		} else {
			kept++
		}
	}
	bw.WriteString("### leakhound\n\n")
	if r.Scope != "" {
		fmt.Fprintf(bw, "**Scanned:** %s\n\n", mdText(r.Scope))
	}
	switch {
	case kept > 0:
		fmt.Fprintf(bw, "**Result:** %d secret(s) found", kept)
	case r.Incomplete:
		bw.WriteString("**Result:** no secrets found in what could be read, but the scan is incomplete")
	default:
		bw.WriteString("**Result:** no secrets found")
	}
	if accepted > 0 {
		fmt.Fprintf(bw, " (%d accepted finding(s) listed)", accepted)
	}
	bw.WriteString("\n\n")
	if len(r.Findings) > 0 {
		bw.WriteString("| rule | location | commit | secret | status |\n|---|---|---|---|---|\n")
		for i := range r.Findings {
			f := &r.Findings[i]
			commit := ""
			if f.Commit != nil {
				commit = short(f.Commit.ID)
			}
			fmt.Fprintf(bw, "| %s | %s | %s | %s | %s |\n",
				mdCode(f.RuleID), mdCode(fmt.Sprintf("%s:%d:%d", f.Path, f.Line, f.Column)), mdCode(commit),
				mdCode(secretText(f, opts.NoRedact)), mdCell(markdownStatus(f)))
		}
		bw.WriteString("\n")
	}
	mdList(bw, "Not scanned", r.Problems)
	mdList(bw, "Warnings", r.Warnings)
	return bw.Flush()
}

func markdownStatus(f *finding.Finding) string {
	var parts []string
	if f.IsAccepted() {
		parts = append(parts, "accepted: "+f.Accepted.String())
	}
	if v := f.Verification; v != nil {
		parts = append(parts, verificationText(v))
	}
	if f.Decoded != "" {
		parts = append(parts, "found after decoding "+f.Decoded)
	}
	if len(parts) == 0 {
		return "new"
	}
	return strings.Join(parts, "; ")
}

func mdList(bw *bufio.Writer, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(bw, "**%s:**\n\n", title)
	for _, it := range items {
		fmt.Fprintf(bw, "- %s\n", mdText(it))
	}
	bw.WriteString("\n")
}

// mdText escapes s for Markdown prose: control characters as in the text
// report, then every ASCII punctuation character with a backslash (which
// CommonMark and GitHub render as the character itself), so no link,
// emphasis, code span, HTML tag or table pipe can come from it.
func mdText(s string) string {
	s = sanitize(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// mdCode renders s as a code span in a table cell (nothing inside is
// Markdown or HTML): the fence is one backtick longer than any run of
// backticks in s, and pipes are escaped, which GitHub's tables require even
// inside code spans.
func mdCode(s string) string {
	if s == "" {
		return " "
	}
	s = strings.ReplaceAll(sanitize(s), "|", "\\|")
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdCell is mdText for a table cell, never empty.
func mdCell(s string) string {
	if s == "" {
		return " "
	}
	return mdText(s)
}
