// Package archivetest builds archives and compressed files for tests of
// how archives are opened: zip (stored or deflated, with or without its
// central directory), tar, gzip and zstd, nested as a test needs.
package archivetest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// File is one member of an archive.
type File struct {
	Name string
	Data []byte
}

// Zip returns a zip of files, compressed with method (zip.Store or
// zip.Deflate).
func Zip(method uint16, files ...File) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range files {
		fw, err := w.CreateHeader(&zip.FileHeader{Name: f.Name, Method: method})
		must(err)
		_, err = fw.Write(f.Data)
		must(err)
	}
	must(w.Close())
	return buf.Bytes()
}

// Tar returns a tar of files.
func Tar(files ...File) []byte {
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	for _, f := range files {
		must(w.WriteHeader(&tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Data)), Typeflag: tar.TypeReg}))
		_, err := w.Write(f.Data)
		must(err)
	}
	must(w.Close())
	return buf.Bytes()
}

// Gzip returns data gzipped, with name in its header when not empty.
func Gzip(name string, data []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Name = name
	_, err := w.Write(data)
	must(err)
	must(w.Close())
	return buf.Bytes()
}

// Zstd returns data compressed with zstd.
func Zstd(data []byte) []byte {
	w, err := zstd.NewWriter(nil)
	must(err)
	defer w.Close()
	return w.EncodeAll(data, nil)
}

// Build returns data in the form named by kind: zip, zip-stored, tar,
// gz, tgz, zst; for a form that holds files, data is one file, name.
func Build(kind, name string, data []byte) ([]byte, error) {
	switch kind {
	case "zip":
		return Zip(zip.Deflate, File{name, data}), nil
	case "zip-stored":
		return Zip(zip.Store, File{name, data}), nil
	case "tar":
		return Tar(File{name, data}), nil
	case "gz":
		return Gzip("", data), nil
	case "tgz":
		return Gzip("", Tar(File{name, data})), nil
	case "zst":
		return Zstd(data), nil
	}
	return nil, fmt.Errorf("unknown archive form %q (zip, zip-stored, tar, gz, tgz, zst)", kind)
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
