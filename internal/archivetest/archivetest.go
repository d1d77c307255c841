// Package archivetest builds archives and compressed files for tests of
// how archives are opened: zip (stored or deflated, with or without its
// central directory), tar, gzip, zstd and PDF documents with compressed
// streams, nested as a test needs.
package archivetest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
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

// XZ returns data compressed with xz.
func XZ(data []byte) []byte {
	var buf bytes.Buffer
	w, err := xz.NewWriter(&buf)
	must(err)
	_, err = w.Write(data)
	must(err)
	must(w.Close())
	return buf.Bytes()
}

// PDF returns a one-page PDF whose page content stream, compressed with
// FlateDecode, shows text (one line each, in a standard font, as many
// producers write text that is plain ASCII), followed by a second
// compressed stream of extra bytes when extra is not empty.
func PDF(text []byte, extra []byte) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 12 Tf 72 720 Td\n")
	for _, line := range bytes.Split(text, []byte("\n")) {
		content.WriteString("(")
		for _, c := range line {
			if c == '(' || c == ')' || c == '\\' {
				content.WriteByte('\\')
			}
			content.WriteByte(c)
		}
		content.WriteString(") Tj 0 -14 Td\n")
	}
	content.WriteString("ET\n")
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	obj := func(n int, dict string, stream []byte) {
		fmt.Fprintf(&out, "%d 0 obj\n<< %s", n, dict)
		if stream == nil {
			out.WriteString(" >>\nendobj\n")
			return
		}
		z := Zlib(stream)
		fmt.Fprintf(&out, " /Length %d /Filter /FlateDecode >>\nstream\r\n", len(z))
		out.Write(z)
		out.WriteString("\r\nendstream\nendobj\n")
	}
	obj(1, "/Type /Catalog /Pages 2 0 R", nil)
	obj(2, "/Type /Pages /Kids [3 0 R] /Count 1", nil)
	obj(3, "/Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>", nil)
	obj(4, "", content.Bytes())
	obj(5, "/Type /Font /Subtype /Type1 /BaseFont /Helvetica", nil)
	if len(extra) > 0 {
		obj(6, "/Type /EmbeddedFile", extra)
	}
	out.WriteString("trailer\n<< /Root 1 0 R >>\n%%EOF\n")
	return out.Bytes()
}

// Zlib returns data compressed as a zlib stream.
func Zlib(data []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	_, err := w.Write(data)
	must(err)
	must(w.Close())
	return buf.Bytes()
}

// Build returns data in the form named by kind: zip, zip-stored, tar,
// gz, tgz, zst, xz, txz, pdf; for a form that holds files, data is one file, name
// (a pdf shows it as text on its page).
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
	case "xz":
		return XZ(data), nil
	case "txz":
		return XZ(Tar(File{name, data})), nil
	case "pdf":
		return PDF(data, nil), nil
	}
	return nil, fmt.Errorf("unknown archive form %q (zip, zip-stored, tar, gz, tgz, zst, xz, txz, pdf)", kind)
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
