//go:build unix && !linux

package git

const mapPopulate = 0
