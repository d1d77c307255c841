// Package rules holds leakhound's default rule set as TOML, one file per
// provider, embedded in the binary.
package rules

import "embed"

//go:embed *.toml
var files embed.FS

// Files lists the default rule files in load order. Order matters when two
// rules capture the same secret: the earlier rule names the finding.
var Files = []string{"github.toml", "anaconda.toml", "private-key.toml"}

// Read returns the contents of a default rule file.
func Read(name string) ([]byte, error) { return files.ReadFile(name) }
