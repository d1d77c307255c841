package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fatih/color"

	"github.com/leakhound/leakhound/internal/finding"
)

type palette struct {
	rule, path, secret, dim, fix *color.Color
}

func newPalette(on bool) palette {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return palette{
		rule:   mk(color.FgRed, color.Bold),
		path:   mk(color.Bold),
		secret: mk(color.FgYellow),
		dim:    mk(color.Faint),
		fix:    mk(color.FgGreen),
	}
}

// writeText prints one block per finding:
//
//	github-pat: GitHub personal access token (classic)
//	  config/app.env:3:14
//	     3 | GITHUB_TOKEN=ghp_...Ab
//	       |              ^^^^^^^^^
//	  secret ghp_...Ab (checksum valid, entropy 5.2)
//	  ignore config/app.env:github-pat:3f9a0c1d2e3f4a5b   (a line for .leakhoundignore, ...)
//	  fix    Delete the token at ...
func writeText(w io.Writer, r Report, opts Options) error {
	bw := bufio.NewWriter(w)
	p := newPalette(opts.Color)
	for i := range r.Findings {
		f := &r.Findings[i]
		if i > 0 {
			bw.WriteString("\n")
		}
		fmt.Fprintf(bw, "%s: %s\n", p.rule.Sprint(f.RuleID), sanitize(f.Description))
		fmt.Fprintf(bw, "  %s\n", p.path.Sprintf("%s:%d:%d", sanitize(f.Path), f.Line, f.Column))
		if c := f.Commit; c != nil {
			fmt.Fprintf(bw, "  %s\n", p.dim.Sprintf("commit %s by %s <%s> on %s: %s",
				short(c.ID), sanitize(c.Author), sanitize(c.Email), c.Date.Format("2006-01-02"), sanitize(c.Message)))
		}
		writeSourceLine(bw, p, f, opts.NoRedact)
		detail := "checksum " + f.Checksum
		if f.Checksum == finding.ChecksumNone {
			detail = "no checksum"
		}
		fmt.Fprintf(bw, "  secret %s (%s, entropy %.1f)\n", p.secret.Sprint(sanitize(secretText(f, opts.NoRedact))), detail, f.Entropy)
		if f.Decoded != "" {
			fmt.Fprintf(bw, "  found after decoding: %s\n", f.Decoded)
		}
		if v := f.Verification; v != nil {
			fmt.Fprintf(bw, "  verify %s\n", sanitize(verificationText(v)))
		}
		if f.IsAccepted() {
			fmt.Fprintf(bw, "  accepted: %s\n", sanitize(f.Accepted.String()))
		} else {
			fmt.Fprintf(bw, "  %s %s\n", p.dim.Sprint("ignore"), sanitize(f.Fingerprint())+p.dim.Sprint("   (a line for .leakhoundignore, once the secret is revoked or known to be harmless)"))
		}
		if f.Remediation != "" {
			fmt.Fprintf(bw, "  %s %s\n", p.fix.Sprint("fix"), sanitize(f.Remediation))
		}
	}
	if opts.Hint != "" && len(r.Findings) > 0 {
		fmt.Fprintf(bw, "\n%s\n", opts.Hint)
	}
	return bw.Flush()
}

func verificationText(v *finding.Verification) string {
	s := string(v.Status)
	if v.Owner != "" {
		s += ", owner " + v.Owner
	}
	if len(v.Scopes) > 0 {
		s += ", scopes " + strings.Join(v.Scopes, ",")
	}
	if v.Expires != "" {
		s += ", expires " + v.Expires
	}
	if v.Detail != "" {
		s += " (" + v.Detail + ")"
	}
	return s
}

// writeSourceLine prints the secret's first line with the secret replaced by
// its displayed form and underlined. A secret found by decoding is shown as
// what the line holds: so many bytes of encoded text.
func writeSourceLine(w io.Writer, p palette, f *finding.Finding, noRedact bool) {
	shown := secretText(f, noRedact)
	if f.Decoded != "" && f.End > f.Offset {
		// the line holds the encoded text, not the secret
		shown = fmt.Sprintf("[%d bytes, %s]", f.End-f.Offset, f.Decoded)
	}
	if i := strings.IndexByte(shown, '\n'); i >= 0 {
		shown = shown[:i] + "..."
	}
	shown = sanitize(shown)
	before, after := sanitize(f.ContextBefore), sanitize(f.ContextAfter)
	if f.Column-1 > len(f.ContextBefore) {
		before = "..." + before
	}
	num := strconv.Itoa(f.Line)
	pad := strings.Repeat(" ", len(num))
	fmt.Fprintf(w, "  %s %s %s%s%s\n", p.dim.Sprint(num), p.dim.Sprint("|"), before, p.secret.Sprint(shown), after)
	fmt.Fprintf(w, "  %s %s %s%s\n", pad, p.dim.Sprint("|"), strings.Repeat(" ", utf8.RuneCountInString(before)), p.secret.Sprint(strings.Repeat("^", utf8.RuneCountInString(shown))))
}

// sanitize makes scanned text safe to print on a terminal: control bytes
// (including escape sequences) and invalid UTF-8 become '?', tabs a space.
func sanitize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case r == utf8.RuneError && size == 1, r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
