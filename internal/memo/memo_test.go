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

// Keys whose values are common share one entry and are still computed only
// once; other values keep their own.
func TestCommonValuesShareAnEntry(t *testing.T) {
	m := Map[int, string]{Common: func(v string) bool { return v == "" }}
	calls := 0
	for round := 0; round < 2; round++ {
		for k := 0; k < 100; k++ {
			v := m.Do(k, func() string {
				calls++
				if k%10 == 0 {
					return "found"
				}
				return ""
			})
			if (v == "found") != (k%10 == 0) {
				t.Fatalf("key %d: %q", k, v)
			}
		}
	}
	if calls != 100 {
		t.Fatalf("%d computations for 100 keys", calls)
	}
	entries := map[*entry[string]]bool{}
	for _, e := range m.m {
		entries[e] = true
	}
	if len(entries) != 11 {
		t.Fatalf("%d distinct entries, want 10 own and 1 shared", len(entries))
	}
}
