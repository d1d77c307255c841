//go:build unix

package git

import (
	"os"
	"syscall"
)

// mapFile maps a file read-only. The index of a large repository is several
// megabytes; mapping it (with the pages populated up front) costs far less
// than copying it into fresh heap memory, which is what dominates the
// pre-commit hook's time on many machines.
func mapFile(path string) (data []byte, unmap func(), err error) {
	return mapWhole(path, mapPopulate)
}

// mapPack maps a pack file without reading it up front: a pre-commit hook
// touches a few objects of what may be gigabytes. ok is false where packs
// cannot be mapped.
func mapPack(path string) (data []byte, unmap func(), ok bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, false, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, false, err
	}
	size := info.Size()
	if size == 0 || size != int64(int(size)) {
		return nil, nil, false, nil
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil, false, nil
	}
	return data, func() { syscall.Munmap(data) }, true, nil
}

func mapWhole(path string, flags int) (data []byte, unmap func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := info.Size()
	if size == 0 || size != int64(int(size)) {
		data, err := os.ReadFile(path)
		return data, func() {}, err
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_PRIVATE|flags)
	if err != nil {
		data, err := os.ReadFile(path)
		return data, func() {}, err
	}
	return data, func() { syscall.Munmap(data) }, nil
}
