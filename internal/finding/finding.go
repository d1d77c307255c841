// Package finding owns the Finding type that flows from detection to reports,
// the Secret type whose String method redacts, and the stable fingerprint
// used by baselines and ignore files.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Secret is a detected credential. Its String and MarshalText methods redact,
// so a secret cannot reach a log line or a report by accident; Reveal returns
// the raw value for the few places that need it (verification, --no-redact).
type Secret string

// Reveal returns the secret in full.
func (s Secret) Reveal() string { return string(s) }

// String returns the redacted form: the first 4 and last 2 characters.
func (s Secret) String() string { return Redact(string(s)) }

// GoString redacts too, so %#v does not leak.
func (s Secret) GoString() string { return fmt.Sprintf("finding.Secret(%q)", s.String()) }

// MarshalText redacts.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Redact keeps the first 4 and last 2 characters of s and nothing between.
// Short values, where that would reveal most of the secret, are hidden whole.
func Redact(s string) string {
	if len(s) < 12 {
		return "****"
	}
	return s[:4] + "..." + s[len(s)-2:]
}

// Commit describes the commit that introduced a finding (history and staged scans).
type Commit struct {
	ID      string    `json:"commit"`
	Author  string    `json:"author"`
	Email   string    `json:"email"`
	Date    time.Time `json:"date"`
	Message string    `json:"message"`
}

// Verification is the answer of a provider's API about a secret.
type Verification struct {
	Status    Status    `json:"status"`
	Detail    string    `json:"detail,omitempty"`
	Owner     string    `json:"owner,omitempty"`
	Scopes    []string  `json:"scopes,omitempty"`
	Expires   string    `json:"expires,omitempty"`
	CheckedAt time.Time `json:"checked_at"`
}

// Checksum is an offline validator's verdict on a secret.
type Checksum string

// Checksum verdicts.
const (
	ChecksumValid   Checksum = "valid"
	ChecksumInvalid Checksum = "invalid" // reported only with --show-invalid
	ChecksumNone    Checksum = "none"    // the rule has no validator
)

// Status is a provider's verdict on a secret.
type Status string

// Verification verdicts.
const (
	Live         Status = "live"
	Invalid      Status = "invalid"
	Unknown      Status = "unknown"      // no answer: network, rate limit, deadline
	Unverifiable Status = "unverifiable" // no side-effect-free check exists
)

// Finding is one secret found at one place.
type Finding struct {
	RuleID      string
	Description string
	Remediation string
	Tags        []string

	Path      string
	Line      int // 1-based
	Column    int // 1-based, in bytes
	EndLine   int
	EndColumn int // 1-based, exclusive: the column just past the secret
	Offset    int // byte offset of the secret (or its encoded form) in the fragment
	End       int // byte offset just past it
	// ContextBefore and ContextAfter hold up to 80 bytes of the source line
	// on either side of the secret, for display.
	ContextBefore string
	ContextAfter  string

	Secret   Secret
	Entropy  float64
	Checksum Checksum
	// Decoded says how the secret was decoded from the text at
	// Offset:End ("base64", "percent-encoding, then base64", ...); empty
	// for secrets found as written.
	Decoded string
	// Location says what a finding is in when it is not a file's content:
	// in git history "message", "author", "committer" or "header" (a
	// merged tag's text, an extra header) of its commit, "path" (the file's
	// name), "tag" (an annotated tag's message or tagger), or "ref" (a
	// branch's or tag's name); in any scan "archive" (an archive's own
	// text: member names, comments, PAX records, lines counted in that
	// text). Empty for file content.
	Location string
	// Archive is the file that holds the archive member the finding is
	// in (ARCHIVE in Path's ARCHIVE!MEMBER; the outermost archive when
	// archives nest); empty for a finding in a file's own text. Reports
	// that place findings on a repository's files place such a finding
	// on this one.
	Archive string

	Commit       *Commit
	Verification *Verification
	// Accepted says whether and how the finding was accepted (an inline
	// marker, an ignore file or a baseline entry); the zero value counts.
	Accepted Acceptance
}

// SecretKey identifies what a finding found, wherever it is: its rule and
// its secret. Two findings with one key are the same leak seen twice.
func (f *Finding) SecretKey() string { return f.RuleID + "\x00" + string(f.Secret) }

// IsAccepted reports whether a team accepted the finding: it is reported
// only on request and does not fail the run.
func (f *Finding) IsAccepted() bool { return f.Accepted.By != NotAccepted }

// AcceptedBy is the way a finding was accepted.
type AcceptedBy int

// The ways a team accepts a secret.
const (
	NotAccepted AcceptedBy = iota
	AcceptedInline
	AcceptedByIgnoreFile
	AcceptedByBaseline
)

// Acceptance is how a finding was accepted: the way, and the marker or
// entry (with where it is) that accepted it.
type Acceptance struct {
	By    AcceptedBy
	Entry string
}

// String says why the finding was accepted, for reports; "" when it was not.
func (a Acceptance) String() string {
	switch a.By {
	case AcceptedInline:
		return a.Entry
	case AcceptedByIgnoreFile:
		return "ignore file " + a.Entry
	case AcceptedByBaseline:
		return "baseline " + a.Entry
	}
	return ""
}

// Fingerprint is path:rule:sha256(secret)[:16]. It has no line number (lines
// move), no commit (a baseline made from history must match a staged change)
// and no raw secret (baselines and ignore files are committed).
func (f *Finding) Fingerprint() string {
	return Fingerprint(f.Path, f.RuleID, f.Secret.Reveal())
}

// Fingerprint computes the fingerprint of a secret found by rule at path.
func Fingerprint(path, rule, secret string) string {
	return path + ":" + rule + ":" + SecretHash(secret)
}

// SecretHash is the first 16 hex digits of the secret's SHA-256.
func SecretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:8])
}

// InArchive returns the file that holds f's archive member and the
// member's path in it; ok is false for a finding in a file's own text.
func (f *Finding) InArchive() (archive, member string, ok bool) {
	if f.Archive == "" {
		return "", "", false
	}
	return f.Archive, strings.TrimPrefix(f.Path, f.Archive+"!"), true
}
