//go:build !linux

package prefault

// Heap does nothing here: huge pages on request are a Linux setting.
func Heap(size int) bool { return false }

func grantedOnRequest() bool { return false }
