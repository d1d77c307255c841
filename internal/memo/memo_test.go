package memo

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestComputedOncePerKey(t *testing.T) {
	var m Map[string, int]
	var calls atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		key := []string{"a", "b"}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := m.Do(key, func() int {
				calls.Add(1)
				time.Sleep(10 * time.Millisecond) // others must wait, not recompute
				return len(key)
			})
			if v != 1 {
				t.Errorf("got %d", v)
			}
		}()
	}
	wg.Wait()
	if calls.Load() != 2 {
		t.Fatalf("computed %d times for 2 keys", calls.Load())
	}
}
