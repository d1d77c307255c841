// Package memo owns a concurrency-safe memo: each key's value is computed
// once, and callers asking for a key being computed wait for it instead of
// computing it again.
package memo

import "sync"

// Map memoizes values by key. The zero value is ready to use.
type Map[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*entry[V]
}

type entry[V any] struct {
	done chan struct{}
	v    V
}

// Do returns the value for key, calling compute only for the first caller.
func (m *Map[K, V]) Do(key K, compute func() V) V {
	m.mu.Lock()
	if m.m == nil {
		m.m = map[K]*entry[V]{}
	}
	e, ok := m.m[key]
	if !ok {
		e = &entry[V]{done: make(chan struct{})}
		m.m[key] = e
	}
	m.mu.Unlock()
	if ok {
		<-e.done
		return e.v
	}
	defer close(e.done)
	e.v = compute()
	return e.v
}
