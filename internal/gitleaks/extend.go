package gitleaks

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
)

// maxExtendDepth is how many configurations deep gitleaks follows
// [extend] path: the file given, what it extends, and what that extends.
const maxExtendDepth = 2

// Load reads the gitleaks configuration at path and, as gitleaks does, the
// configurations it extends through [extend] path (at most maxExtendDepth
// deep), merged into one: a rule of the extending file with the id of a
// base rule overrides the base's description, regex, path, secret group and
// entropy when it sets them and adds its tags, keywords and allowlists; a
// base rule named in disabledRules is left out; global allowlists add up.
// read reads a file (os.ReadFile). An extended path is read, as gitleaks
// reads it, relative to the working directory, else relative to the
// directory of the file that names it. The notes say what was followed.
func Load(path string, read func(string) ([]byte, error)) (*Config, []string, error) {
	var notes []string
	c, err := load(path, read, 0, &notes)
	return c, notes, err
}

func load(path string, read func(string) ([]byte, error), depth int, notes *[]string) (*Config, error) {
	data, err := read(path)
	if err != nil {
		return nil, err
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	ext := c.Extend.Path
	if ext == "" {
		return c, nil
	}
	if depth == maxExtendDepth {
		*notes = append(*notes, fmt.Sprintf("[extend] path %q in %s is not followed: gitleaks follows extends %d deep and does not follow it either", ext, path, maxExtendDepth))
		c.Extend.Path = ""
		return c, nil
	}
	if c.Extend.UseDefault {
		return nil, fmt.Errorf("%s: [extend] sets both path and useDefault, which gitleaks refuses", path)
	}
	basePath := ext
	if _, err := read(ext); errors.Is(err, fs.ErrNotExist) && !filepath.IsAbs(ext) {
		if beside := filepath.Join(filepath.Dir(path), ext); beside != ext {
			if _, err := read(beside); err == nil {
				basePath = beside
			}
		}
	}
	base, err := load(basePath, read, depth+1, notes)
	if err != nil {
		return nil, fmt.Errorf("%s: [extend] path %q: %w", path, ext, err)
	}
	*notes = append(*notes, fmt.Sprintf("[extend] path: the rules and allowlists of %s were merged in, as gitleaks merges them", basePath))
	c.extend(base)
	return c, nil
}

// extend merges base, the configuration c extends, into c.
func (c *Config) extend(base *Config) {
	disabled := map[string]bool{}
	for _, id := range c.Extend.DisabledRules {
		disabled[id] = true
	}
	var stillDisabled []string
	for _, id := range c.Extend.DisabledRules {
		if !slices.ContainsFunc(base.Rules, func(r Rule) bool { return r.ID == id }) {
			stillDisabled = append(stillDisabled, id) // names a rule of gitleaks' defaults, or none
		}
	}
	own := map[string]int{}
	for i, r := range c.Rules {
		own[r.ID] = i
	}
	for _, b := range base.Rules {
		if disabled[b.ID] {
			continue
		}
		i, overridden := own[b.ID]
		if !overridden || b.ID == "" {
			c.Rules = append(c.Rules, b)
			continue
		}
		cur := c.Rules[i]
		merged := b
		if cur.Description != "" {
			merged.Description = cur.Description
		}
		if cur.Entropy != 0 {
			merged.Entropy = cur.Entropy
		}
		if cur.SecretGroup != 0 {
			merged.SecretGroup = cur.SecretGroup
		}
		if cur.Regex != "" {
			merged.Regex = cur.Regex
		}
		if cur.Path != "" {
			merged.Path = cur.Path
		}
		merged.Tags = slices.Concat(b.Tags, cur.Tags)
		merged.Keywords = slices.Concat(b.Keywords, cur.Keywords)
		merged.Allowlist = nil
		merged.Allowlists = slices.Concat(b.allowlists(), cur.allowlists())
		c.Rules[i] = merged
	}
	c.Allowlists = slices.Concat(c.globalAllowlists(), base.globalAllowlists())
	c.Allowlist = nil
	c.Extend.Path = ""
	c.Extend.DisabledRules = stillDisabled
	// what the base extends (gitleaks' defaults) the merged config extends
	c.Extend.UseDefault = c.Extend.UseDefault || base.Extend.UseDefault
	c.Extend.DisabledRules = append(c.Extend.DisabledRules, base.Extend.DisabledRules...)
	if c.Extend.URL == "" {
		c.Extend.URL = base.Extend.URL
	}
}

// allowlists is a rule's allowlists, the deprecated single one first.
func (r Rule) allowlists() []Allowlist {
	if r.Allowlist == nil {
		return slices.Clone(r.Allowlists)
	}
	return append([]Allowlist{*r.Allowlist}, r.Allowlists...)
}

// globalAllowlists is the configuration's global allowlists, the
// deprecated single one first.
func (c *Config) globalAllowlists() []Allowlist {
	if c.Allowlist == nil {
		return slices.Clone(c.Allowlists)
	}
	return append([]Allowlist{*c.Allowlist}, c.Allowlists...)
}
