package prefault

import (
	"runtime"
	"testing"
)

func TestHeap(t *testing.T) {
	if Heap(minHeap - 1) {
		t.Fatal("warmed less than is worth it")
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	warmed := Heap(16 << 20)
	runtime.ReadMemStats(&after)
	t.Logf("warmed: %v (huge pages on request here: %v)", warmed, grantedOnRequest())
	if warmed != (runtime.GOOS == "linux" && grantedOnRequest()) {
		t.Fatalf("warmed %v", warmed)
	}
	// the block is handed back: the live heap does not keep it
	if live := int64(after.HeapAlloc) - int64(before.HeapAlloc); live > 8<<20 {
		t.Fatalf("heap grew by %d live bytes", live)
	}
}
