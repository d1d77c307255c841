package git

import "syscall"

const mapPopulate = syscall.MAP_POPULATE

// releasePages drops a read-only file mapping's pages from the process;
// the next read faults them back in from the page cache.
func releasePages(b []byte) { _ = syscall.Madvise(b, syscall.MADV_DONTNEED) }
