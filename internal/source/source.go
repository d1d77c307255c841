// Package source owns the Fragment, the unit of content handed to the
// detector, and the sources that produce fragments from the file system and
// standard input. Git sources live in internal/source/git.
package source

// Fragment is one piece of content to scan: a file, a blob or stdin.
type Fragment struct {
	// Path is slash-separated and relative to the scan root where there is one.
	Path    string
	Content []byte
}
