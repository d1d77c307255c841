// Package memo owns a concurrency-safe memo: each key's value is computed
// once, and callers asking for a key being computed wait for it instead of
// computing it again.
package memo

import "sync"

// Map memoizes values by key. The zero value is ready to use.
type Map[K comparable, V any] struct {
	// Common, when set, tells values that are interchangeable with every
	// other value it accepts (a blob with nothing in it). Keys with such a
	// value share one finished entry, so a memo of millions of mostly
	// common values costs a map slot per key rather than an entry.
	Common func(V) bool

	mu     sync.Mutex
	m      map[K]*entry[V]
	common *entry[V]
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
	func() {
		defer close(e.done) // waiters never hang, even if compute panics
		e.v = compute()
	}()
	if m.Common != nil && m.Common(e.v) {
		m.mu.Lock()
		if m.common == nil {
			m.common = e
		}
		m.m[key] = m.common // waiters hold e itself
		m.mu.Unlock()
	}
	return e.v
}
