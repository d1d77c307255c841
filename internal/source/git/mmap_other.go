//go:build !unix

package git

import "os"

func mapFile(path string) ([]byte, func(), error) {
	data, err := os.ReadFile(path)
	return data, func() {}, err
}

// mapPack does not map packs here: go-git reads them from the file.
func mapPack(string) ([]byte, func(), bool, error) { return nil, nil, false, nil }

// releasePages leaves mapped pages to the system here.
func releasePages([]byte) {}
