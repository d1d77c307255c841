package config

import (
	"regexp"
	"strings"
	"sync"
)

// locator finds the lines of [[rules]] headers and of keys in a TOML text, so
// errors that BurntSushi/toml reports without a position can name a line.
type locator struct {
	lines    []string
	ruleHdrs []int // 1-based lines of [[rules]] headers
}

var rulesHeader = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\[\[\s*rules\s*\]\]`) })

func newLocator(data []byte) *locator {
	l := &locator{lines: strings.Split(string(data), "\n")}
	inMulti := ""
	for i, line := range l.lines {
		if inMulti != "" {
			if strings.Count(line, inMulti)%2 == 1 {
				inMulti = ""
			}
			continue
		}
		for _, q := range []string{"'''", `"""`} {
			if strings.Count(line, q)%2 == 1 {
				inMulti = q
			}
		}
		if rulesHeader().MatchString(line) {
			l.ruleHdrs = append(l.ruleHdrs, i+1)
		}
	}
	return l
}

// ruleLine is the line of the i-th [[rules]] header, or 0.
func (l *locator) ruleLine(i int) int {
	if i < len(l.ruleHdrs) {
		return l.ruleHdrs[i]
	}
	return 0
}

// ruleAt is the index of the rule whose table holds line, or -1.
func (l *locator) ruleAt(line int) int {
	idx := -1
	for i, h := range l.ruleHdrs {
		if h <= line {
			idx = i
		}
	}
	return idx
}

var tableHeader = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?`) })

// keyLine is the first line that assigns the last part of key inside the
// table named by the rest of key (or opens that table), or 0.
func (l *locator) keyLine(key []string) int {
	full := strings.Join(key, ".")
	current := ""
	for i, line := range l.lines {
		if m := tableHeader().FindStringSubmatch(line); m != nil {
			current = m[1]
			if current == full {
				return i + 1
			}
			continue
		}
		// the key relative to the current table, dotted or not
		// (allow.paths = … at the top, or paths = … under [allow])
		rest := full
		if current != "" {
			if !strings.HasPrefix(full, current+".") {
				continue
			}
			rest = strings.TrimPrefix(full, current+".")
		}
		if dottedAssign(rest).MatchString(line) {
			return i + 1
		}
	}
	return 0
}

// dottedAssign matches a line assigning the dotted key rest, each part
// bare or quoted, with spaces around the dots allowed.
func dottedAssign(rest string) *regexp.Regexp {
	parts := strings.Split(rest, ".")
	for i, p := range parts {
		parts[i] = `["']?` + regexp.QuoteMeta(p) + `["']?`
	}
	return regexp.MustCompile(`^\s*` + strings.Join(parts, `\s*\.\s*`) + `\s*=`)
}

// ruleKeyLine is the line that assigns key in the i-th [[rules]] table (or
// opens its sub-table, for "allow" and "examples"), or the rule's header
// line when the key is not found.
func (l *locator) ruleKeyLine(i int, key string) int {
	start := l.ruleLine(i)
	if start == 0 || key == "" {
		return start
	}
	end := len(l.lines)
	if i+1 < len(l.ruleHdrs) {
		end = l.ruleHdrs[i+1] - 1
	}
	assign := regexp.MustCompile(`^\s*["']?` + regexp.QuoteMeta(key) + `["']?\s*=`)
	table := regexp.MustCompile(`^\s*\[\s*rules\.` + regexp.QuoteMeta(key) + `\s*\]`)
	for n := start; n < end && n < len(l.lines); n++ {
		if assign.MatchString(l.lines[n]) || table.MatchString(l.lines[n]) {
			return n + 1
		}
	}
	return start
}

var idAssign = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*id\s*=\s*["']([^"']*)["']`) })

// ruleID is the id assigned in the i-th [[rules]] table, or "".
func (l *locator) ruleID(i int) string {
	if i < 0 {
		return ""
	}
	if n := l.ruleKeyLine(i, "id"); n > 0 && n <= len(l.lines) {
		if m := idAssign().FindStringSubmatch(l.lines[n-1]); m != nil {
			return m[1]
		}
	}
	return ""
}
