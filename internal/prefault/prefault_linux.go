package prefault

import (
	"bytes"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// thpSetting is where Linux says when it grants transparent huge pages.
const thpSetting = "/sys/kernel/mm/transparent_hugepage/enabled"

// Heap warms size bytes of heap (see the package comment) and reports
// whether it did.
func Heap(size int) bool {
	if size < minHeap || !grantedOnRequest() {
		return false
	}
	block := make([]byte, size+hugePage)
	base := uintptr(unsafe.Pointer(&block[0]))
	skip := int((base+hugePage-1)&^(hugePage-1) - base)
	aligned := block[skip : skip+size&^(hugePage-1)]
	if err := syscall.Madvise(aligned, syscall.MADV_HUGEPAGE); err != nil {
		return false
	}
	for i := 0; i < len(aligned); i += hugePage {
		aligned[i] = 1
	}
	runtime.KeepAlive(block)
	block, aligned = nil, nil
	// the block is garbage now: collect it so the next allocations
	// reuse its pages instead of growing the heap past it
	runtime.GC()
	return true
}

// grantedOnRequest reports whether transparent huge pages are granted to
// memory that asks for them and only to it.
func grantedOnRequest() bool {
	setting, err := os.ReadFile(thpSetting)
	return err == nil && bytes.Contains(setting, []byte("[madvise]"))
}
