// Package prefault backs the heap a run is about to use with transparent
// huge pages where the system grants them on request, so that touching
// it for the first time costs a page fault per 2 MiB instead of one per
// 4 KiB. A history scan builds tens of megabytes of objects from deltas;
// on virtual machines each 4 KiB fault costs microseconds, which added
// up to a quarter of a small repository's audit.
//
// The Go runtime does not ask for huge pages, and with the common
// "madvise" setting of /sys/kernel/mm/transparent_hugepage/enabled the
// kernel grants them only to memory that asks. Heap allocates a block of
// the size given, asks for huge pages for it, touches each 2 MiB once and
// hands the block back to the collector: the heap then reuses that
// memory, already backed, for the objects that follow. Where huge pages
// are always used (nothing to gain) or never (it would only cost), it
// does nothing.
package prefault

// minHeap is the least worth warming: a few huge pages.
const minHeap = 8 << 20

// hugePage is the size of a transparent huge page on the platforms Heap
// acts on.
const hugePage = 2 << 20
