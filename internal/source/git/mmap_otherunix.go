//go:build unix && !linux

package git

const mapPopulate = 0

// releasePages leaves mapped pages to the system here.
func releasePages([]byte) {}
