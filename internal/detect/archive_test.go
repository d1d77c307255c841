package detect

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/archivetest"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/tokengen"
)

// gitIn returns a runner of git commands in dir (an identity set, no
// signing) that returns their output and fails the test on an error.
func gitIn(t *testing.T, dir string) func(args ...string) []byte {
	return func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=a", "-c", "user.email=a@b", "-c", "commit.gpgsign=false"}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, stderr.Bytes())
		}
		return out
	}
}

type archiveRun struct {
	found              []finding.Finding
	problems, warnings []string
}

func scanArchive(t testing.TB, path string, data []byte) archiveRun {
	t.Helper()
	var run archiveRun
	e := defaultEngine(t, Options{MaxDecodeDepth: 2,
		OnProblem: func(p, reason string) { run.problems = append(run.problems, p+": "+reason) },
		OnWarning: func(p, msg string) { run.warnings = append(run.warnings, p+": "+msg) },
	})
	found, n, err := e.DetectReader(context.Background(), path, bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(data)) {
		t.Fatalf("read %d bytes of %d", n, len(data))
	}
	run.found = found
	return run
}

func paths(found []finding.Finding) []string {
	var out []string
	for _, f := range found {
		out = append(out, f.Path)
	}
	return out
}

func TestArchivedSecretsAreFoundInTheirMembers(t *testing.T) {
	g := tokengen.New(t.Name())
	tok := g.GitHub("ghp")
	text := []byte("config:\n  token: " + tok + "\n")
	file := archivetest.File{Name: "conf/app.yml", Data: text}
	zipped := archivetest.Zip(zip.Deflate, file)
	cases := []struct {
		name, path string
		data       []byte
		want       string // the finding's path
	}{
		{"zip", "a.zip", zipped, "a.zip!conf/app.yml"},
		{"zip, stored: reported once, at the member", "a.zip", archivetest.Zip(zip.Store, file), "a.zip!conf/app.yml"},
		{"zip after other bytes (self-extracting)", "setup.exe", append([]byte("MZ\x90\x00 a stub program\n"), zipped...), "setup.exe!conf/app.yml"},
		{"zip without its central directory", "cut.zip", zipped[:bytes.Index(zipped, []byte("PK\x01\x02"))], "cut.zip!conf/app.yml"},
		{"wheel (a zip by another name)", "pkg-1.0-py3-none-any.whl", zipped, "pkg-1.0-py3-none-any.whl!conf/app.yml"},
		{"tar", "a.tar", archivetest.Tar(file), "a.tar!conf/app.yml"},
		{"gzip, named after its file", "app.yml.gz", archivetest.Gzip("", text), "app.yml.gz!app.yml"},
		{"gzip, named by its header", "blob", archivetest.Gzip("settings.yml", text), "blob!settings.yml"},
		{"tar.gz: the tar is opened in the same step", "a.tar.gz", archivetest.Gzip("", archivetest.Tar(file)), "a.tar.gz!conf/app.yml"},
		{"tgz", "a.tgz", archivetest.Gzip("", archivetest.Tar(file)), "a.tgz!conf/app.yml"},
		{"zstd", "app.yml.zst", archivetest.Zstd(text), "app.yml.zst!app.yml"},
		{"xz", "app.yml.xz", archivetest.XZ(text), "app.yml.xz!app.yml"},
		{"tar.xz (a source tarball)", "src-1.0.tar.xz", archivetest.XZ(archivetest.Tar(file)), "src-1.0.tar.xz!conf/app.yml"},
		{"base64 of an xz stream", "a.json", []byte(`{"payload": "` + base64Of(string(archivetest.XZ(text))) + `"}`), "a.json"},
		{"zip in a tar.gz", "release.tar.gz", archivetest.Gzip("", archivetest.Tar(archivetest.File{Name: "dist/a.zip", Data: zipped})), "release.tar.gz!dist/a.zip!conf/app.yml"},
		{"gzip in a zip", "a.zip", archivetest.Zip(zip.Store, archivetest.File{Name: "log.gz", Data: archivetest.Gzip("", text)}), "a.zip!log.gz!log"},
		{"a .conda package: a zip holding a .tar.zst", "pkg-1.0-0.conda", archivetest.Zip(zip.Store, archivetest.File{Name: "pkg-pkg-1.0-0.tar.zst", Data: archivetest.Zstd(archivetest.Tar(file))}), "pkg-1.0-0.conda!pkg-pkg-1.0-0.tar.zst!conf/app.yml"},
		{"base64 in a gzip", "a.gz", archivetest.Gzip("", []byte("data: "+base64Of("GITHUB_TOKEN="+tok)+"\n")), "a.gz!a"},
		{"zlib stream (a git loose object)", "fixture/objects/ab/cdef01", archivetest.Zlib(append([]byte("blob 40\x00"), text...)), "fixture/objects/ab/cdef01!cdef01"},
		{"base64 of a zlib stream", "a.json", []byte(`{"payload": "` + base64Of(string(archivetest.Zlib(text))) + `"}`), "a.json"},
		{"pdf: a page's text in a FlateDecode stream", "doc.pdf", archivetest.PDF(text, nil), "doc.pdf!obj 4"},
		{"pdf: an embedded file", "doc.pdf", archivetest.PDF([]byte("nothing here"), text), "doc.pdf!obj 6"},
		{"zip in a pdf", "doc.pdf", archivetest.PDF([]byte("see attachment"), zipped), "doc.pdf!obj 6!conf/app.yml"},
		{"pdf in a zip", "docs.zip", archivetest.Zip(zip.Deflate, archivetest.File{Name: "manual.pdf", Data: archivetest.PDF(text, nil)}), "docs.zip!manual.pdf!obj 4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			run := scanArchive(t, c.path, c.data)
			if got := paths(run.found); !slices.Equal(got, []string{c.want}) {
				t.Fatalf("findings at %q, want one at %q", got, c.want)
			}
			if f := run.found[0]; f.Secret.Reveal() != tok || f.RuleID != "github-pat" {
				t.Fatalf("found %s by %s", f.Secret, f.RuleID)
			}
			if len(run.problems)+len(run.warnings) > 0 {
				t.Fatalf("problems %q, warnings %q", run.problems, run.warnings)
			}
		})
	}
}

// A rule limited to a path applies to a member at that path, wherever
// the archive holds it (its root included).
func TestPathRulesApplyToMembers(t *testing.T) {
	text := []byte("upload_token = " + tokengen.New(t.Name()).Alnum(30) + "\n")
	for _, name := range []string{".binstarrc", "home/.binstarrc"} {
		run := scanArchive(t, "backup.zip", archivetest.Zip(zip.Deflate, archivetest.File{Name: name, Data: text}))
		if len(run.found) != 1 || run.found[0].RuleID != "anaconda-client-config-token" || run.found[0].Path != "backup.zip!"+name {
			t.Fatalf("%s: found %v", name, paths(run.found))
		}
	}
}

func TestArchiveMemberFindingsSayWhereInTheMember(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("ghp")
	data := archivetest.Zip(zip.Deflate, archivetest.File{Name: "notes.txt", Data: []byte("one\ntwo\nkey = " + tok + " # why\n")})
	run := scanArchive(t, "a.zip", data)
	if len(run.found) != 1 {
		t.Fatalf("found %d", len(run.found))
	}
	f := run.found[0]
	if f.Line != 3 || f.Column != 7 || !strings.Contains(f.ContextAfter, "# why") {
		t.Fatalf("at %d:%d, context %q", f.Line, f.Column, f.ContextAfter)
	}
}

func base64Of(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestBzip2MembersAreScanned(t *testing.T) {
	bz, err := exec.LookPath("bzip2")
	if err != nil {
		t.Skip("no bzip2 here to make a bzip2 stream")
	}
	tok := tokengen.New(t.Name()).GitHub("ghp")
	cmd := exec.Command(bz, "-c")
	cmd.Stdin = strings.NewReader("token: " + tok + "\n")
	data, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	run := scanArchive(t, "x.bz2", data)
	if got := paths(run.found); !slices.Equal(got, []string{"x.bz2!x"}) {
		t.Fatalf("findings at %q", got)
	}
}

func TestArchivesThatCannotBeOpenedWholeAreSaid(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("ghp")
	text := []byte("token: " + tok + "\n")
	nest := text
	for range MaxArchiveDepth + 1 {
		nest = archivetest.Gzip("", nest)
	}
	t.Run("nested too deep", func(t *testing.T) {
		run := scanArchive(t, "deep.gz", nest)
		if len(run.found) != 0 || len(run.problems) != 1 || !strings.Contains(run.problems[0], "nested more than 4 archives deep") {
			t.Fatalf("found %d, problems %q", len(run.found), run.problems)
		}
		if !strings.HasPrefix(run.problems[0], "deep.gz!deep!deep!deep!deep: ") {
			t.Fatalf("problem at %q", run.problems[0])
		}
	})
	t.Run("expanding past the bound", func(t *testing.T) {
		defer func(n int64) { maxExpandedBytes = n }(maxExpandedBytes)
		maxExpandedBytes = 1 << 20
		bomb := archivetest.Gzip("", append(bytes.Repeat([]byte{'0'}, 2<<20), text...))
		run := scanArchive(t, "bomb.gz", bomb)
		if len(run.problems) != 1 || !strings.Contains(run.problems[0], "bomb.gz: archive expands to more than 1 MiB") {
			t.Fatalf("problems %q", run.problems)
		}
	})
	t.Run("too many members", func(t *testing.T) {
		defer func(n int) { maxArchiveMembers = n }(maxArchiveMembers)
		maxArchiveMembers = 3
		var files []archivetest.File
		for range 5 {
			files = append(files, archivetest.File{Name: "f", Data: []byte("x")})
		}
		run := scanArchive(t, "many.zip", archivetest.Zip(zip.Deflate, files...))
		if len(run.problems) != 1 || !strings.Contains(run.problems[0], "more than 3 members") {
			t.Fatalf("problems %q", run.problems)
		}
	})
	t.Run("larger than it may be held", func(t *testing.T) {
		defer func(n int) { maxArchiveBytes = n }(maxArchiveBytes)
		maxArchiveBytes = 64
		run := scanArchive(t, "big.gz", archivetest.Gzip("", text))
		if len(run.problems) != 1 || !strings.Contains(run.problems[0], "big.gz: gzip archive larger than") {
			t.Fatalf("problems %q", run.problems)
		}
		// a zlib stream is told by two bytes: a large file that starts
		// like one is a warning
		run = scanArchive(t, "big.bin", archivetest.Zlib(bytes.Repeat(text, 8)))
		if len(run.problems) != 0 || len(run.warnings) != 1 || !strings.Contains(run.warnings[0], "starts like a zlib stream") {
			t.Fatalf("problems %q, warnings %q", run.problems, run.warnings)
		}
	})
	t.Run("encrypted member", func(t *testing.T) {
		data := archivetest.Zip(zip.Deflate, archivetest.File{Name: "secret.txt", Data: text})
		// set the encrypted flag in both headers
		for _, sig := range []string{"PK\x03\x04", "PK\x01\x02"} {
			i := bytes.Index(data, []byte(sig))
			off := 6
			if sig == "PK\x01\x02" {
				off = 8
			}
			data[i+off] |= 1
		}
		run := scanArchive(t, "enc.zip", data)
		if len(run.warnings) != 1 || !strings.Contains(run.warnings[0], `member "secret.txt" is encrypted: not scanned`) {
			t.Fatalf("warnings %q", run.warnings)
		}
	})
	t.Run("xz asking for a dictionary over the bound", func(t *testing.T) {
		data := archivetest.XZ(text)
		// the first block's LZMA2 dictionary: 3 GiB, not allocated
		at := 12 + 2 + 2 // stream header, block header size and flags, filter id and properties' size
		if data[12+1]&0xc0 != 0 || data[at-2] != 0x21 || data[at-1] != 1 {
			t.Fatalf("block header % x", data[12:24])
		}
		data[at] = 39
		run := scanArchive(t, "big.xz", data)
		if len(run.warnings) != 1 || !strings.Contains(run.warnings[0], "not a readable xz stream (its dictionary of 3072 MiB is over the 256 MiB bound)") {
			t.Fatalf("warnings %q", run.warnings)
		}
	})
	for _, c := range []struct{ kind, magic string }{
		{"7z", "7z\xbc\xaf\x27\x1c\x00\x04"},
		{"rar", "Rar!\x1a\x07\x01\x00"},
	} {
		t.Run(c.kind+" archives are said not to be opened", func(t *testing.T) {
			run := scanArchive(t, "a."+c.kind, []byte(c.magic+"compressed bytes"))
			if len(run.warnings) != 1 || !strings.Contains(run.warnings[0], "a."+c.kind+": "+c.kind+" archive: not opened here") {
				t.Fatalf("warnings %q", run.warnings)
			}
		})
	}
	t.Run("damaged gzip: what it yields is scanned, and the damage said", func(t *testing.T) {
		data := archivetest.Gzip("", append(text, bytes.Repeat([]byte("padding line\n"), 100)...))
		data = data[:len(data)-20]
		run := scanArchive(t, "cut.gz", data)
		if got := paths(run.found); !slices.Equal(got, []string{"cut.gz!cut"}) {
			t.Fatalf("findings at %q", got)
		}
		if len(run.warnings) != 1 || !strings.Contains(run.warnings[0], "could not be read whole") {
			t.Fatalf("warnings %q", run.warnings)
		}
	})
}

func TestNotArchivesAreNotOpened(t *testing.T) {
	for _, c := range []struct{ name, data string }{
		{"text", "hello\n"},
		{"gzip magic without the deflate method", "\x1f\x8b\x07rest"},
		{"zip signature inside a binary file, not a member", "\x00\x01PK\x03\x04\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"},
		{"pdf streams in other filters, and stream keywords in binary data", "%PDF-1.4\n1 0 obj\n<< /Filter /DCTDecode /Length 20 >>\nstream\n\xff\xd8 stream\n<< /Filter /FlateDecode >>\nstream\nx\nendstream\nendobj\n%%EOF\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := scanArchive(t, "f", []byte(c.data))
			if len(run.found)+len(run.problems)+len(run.warnings) != 0 {
				t.Fatalf("found %d, problems %q, warnings %q", len(run.found), run.problems, run.warnings)
			}
		})
	}
}

// A git packfile or bundle committed as a file (a test fixture, a backup)
// keeps its objects compressed: each is opened, deltas as their
// instructions (the bytes they insert are the text they add).
func TestGitPacksAreOpened(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	tok := tokengen.New(t.Name()).GitHub("ghp")
	dir := t.TempDir()
	git := gitIn(t, dir)
	git("init", "-q")
	base := strings.Repeat("a line of settings that stays the same\n", 40)
	if err := os.WriteFile(filepath.Join(dir, "app.env"), []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", "app.env")
	git("commit", "-q", "-m", "one")
	if err := os.WriteFile(filepath.Join(dir, "app.env"), []byte(base+"GITHUB_TOKEN="+tok+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "-am", "two")
	// the token's version is then stored as a delta on the next one
	if err := os.WriteFile(filepath.Join(dir, "app.env"), []byte(base+strings.Repeat("# the token was moved to a secret store\n", 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "-am", "three")
	git("repack", "-adfq")
	git("bundle", "create", "-q", "all.bundle", "--all")
	packs, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.pack"))
	if len(packs) != 1 {
		t.Fatalf("packs %q", packs)
	}
	for _, name := range []string{packs[0], filepath.Join(dir, "all.bundle")} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		run := scanArchive(t, "fixture", data)
		if len(run.found) == 0 || run.found[0].Secret.Reveal() != tok || !strings.HasPrefix(run.found[0].Path, "fixture!object ") {
			t.Fatalf("%s: found %v", filepath.Base(name), paths(run.found))
		}
		if len(run.problems)+len(run.warnings) > 0 {
			t.Fatalf("problems %q, warnings %q", run.problems, run.warnings)
		}
	}
}

// A delta in a committed pack is its base with edits: a rotated token
// whose prefix the delta copies from the version before, or a long line
// that the delta inserts in pieces of 127 bytes, is only whole in the
// object the delta builds. Every version is found.
func TestGitPackDeltasAreResolved(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	g := tokengen.New(t.Name())
	dir := t.TempDir()
	git := gitIn(t, dir)
	commit := func(content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "app.env"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		git("add", "app.env")
		git("commit", "-q", "-m", "edit")
	}
	git("init", "-q")
	base := strings.Repeat("a line of settings that stays the same\n", 40)
	var want []string
	for i := 0; i < 4; i++ {
		tok := g.GitHub("ghp")
		want = append(want, tok)
		commit(base + "GITHUB_TOKEN=" + tok + "\n")
	}
	// a token past the first 127 bytes of a long inserted line, at each
	// offset around the seam
	for i := 0; i < 40; i += 13 {
		tok := g.GitHub("ghp")
		want = append(want, tok)
		commit(base + "ARGS=" + strings.Repeat("x", 90+i) + " " + tok + " " + strings.Repeat("y", 200) + "\n")
	}
	commit(base + strings.Repeat("# the token was moved to a secret store\n", 10))
	git("repack", "-adfq", "--depth=50", "--window=50")
	packs, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.pack"))
	if len(packs) != 1 {
		t.Fatalf("packs %q", packs)
	}
	data, err := os.ReadFile(packs[0])
	if err != nil {
		t.Fatal(err)
	}
	// the test is about deltas: git must have stored versions as deltas
	// (verify-pack lists a delta with its chain depth and base)
	deltas := 0
	for _, line := range strings.Split(string(git("verify-pack", "-v", strings.TrimSuffix(packs[0], ".pack")+".idx")), "\n") {
		if f := strings.Fields(line); len(f) == 7 && f[1] == "blob" {
			deltas++
		}
	}
	if deltas < len(want)/2 {
		t.Fatalf("only %d blobs stored as deltas", deltas)
	}
	run := scanArchive(t, "fixture.pack", data)
	got := map[string]bool{}
	for _, f := range run.found {
		got[f.Secret.Reveal()] = true
	}
	for i, tok := range want {
		if !got[tok] {
			t.Errorf("version %d's token not found", i+1)
		}
	}
	if len(run.problems)+len(run.warnings) > 0 {
		t.Fatalf("problems %q, warnings %q", run.problems, run.warnings)
	}
	// a thin bundle: the last commits on top of one it does not hold,
	// their deltas on objects outside it; what cannot be built is said
	tok := g.GitHub("ghp")
	commit(base + "GITHUB_TOKEN=" + tok + "\n")
	git("bundle", "create", "-q", "thin.bundle", "HEAD~1..HEAD")
	data, err = os.ReadFile(filepath.Join(dir, "thin.bundle"))
	if err != nil {
		t.Fatal(err)
	}
	run = scanArchive(t, "thin.bundle", data)
	thinFound := false
	for _, f := range run.found {
		thinFound = thinFound || f.Secret.Reveal() == tok
	}
	outside := false
	for _, w := range run.warnings {
		outside = outside || strings.Contains(w, "which is not in the pack (a thin pack or bundle): only the text it inserts was scanned")
	}
	if !thinFound && !outside {
		t.Fatalf("thin bundle: token not found and nothing said (warnings %q)", run.warnings)
	}
}

// A PDF stream that says it is compressed and does not inflate is said;
// what inflated before the damage is scanned.
func TestDamagedPDFStreamsAreSaid(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("ghp")
	doc := archivetest.PDF([]byte("GITHUB_TOKEN="+tok), nil)
	z := bytes.Index(doc, []byte("stream\r\n")) + len("stream\r\n")
	damaged := slices.Clone(doc)
	damaged[z] ^= 0xff // the zlib header
	run := scanArchive(t, "doc.pdf", damaged)
	if len(run.warnings) != 1 || !strings.Contains(run.warnings[0], "obj 4: a FlateDecode stream that does not inflate") {
		t.Fatalf("warnings %q", run.warnings)
	}
	// Flate behind another filter is not read here: said
	wrapped := bytes.Replace(slices.Clone(doc), []byte("/Filter /FlateDecode"), []byte("/Filter [/ASCII85Decode /FlateDecode]"), 1)
	run = scanArchive(t, "doc.pdf", wrapped)
	if len(run.warnings) != 1 || !strings.Contains(run.warnings[0], "obj 4: a compressed stream in filters not read here") {
		t.Fatalf("warnings %q", run.warnings)
	}
	truncated := slices.Clone(doc)
	copy(truncated[bytes.Index(doc, []byte("endstream"))-8:], "xxxxxxxx") // the stream's end and checksum
	run = scanArchive(t, "doc.pdf", truncated)
	if len(run.found) != 1 || len(run.warnings) != 1 || !strings.Contains(run.warnings[0], `member "obj 4" could not be read whole`) {
		t.Fatalf("found %d, warnings %q", len(run.found), run.warnings)
	}
}

func TestArchivesAreNotScannedInParts(t *testing.T) {
	e := defaultEngine(t, Options{})
	prev := archivetest.Zip(zip.Deflate, archivetest.File{Name: "a", Data: []byte("one")})
	cur := archivetest.Zip(zip.Deflate, archivetest.File{Name: "a", Data: []byte("two")})
	if e.PartsExact("a.zip", prev, cur, 0, 0) {
		t.Fatal("an archive's changed bytes say nothing of its members")
	}
}

func FuzzArchive(f *testing.F) {
	text := []byte("token: placeholder\n")
	f.Add(archivetest.Zip(zip.Deflate, archivetest.File{Name: "a", Data: text}))
	f.Add(archivetest.Zip(zip.Store, archivetest.File{Name: "a", Data: text}))
	f.Add(archivetest.Gzip("n", archivetest.Tar(archivetest.File{Name: "t", Data: text})))
	f.Add(archivetest.Zstd(text))
	f.Add(archivetest.XZ(text))
	f.Add(archivetest.XZ(text))
	f.Add([]byte("BZh91AY&SY"))
	f.Add(archivetest.PDF(text, archivetest.Zip(zip.Store, archivetest.File{Name: "a", Data: text})))
	f.Add(archivetest.Zlib(text))
	f.Add(append([]byte("PACK\x00\x00\x00\x02\x00\x00\x00\x02\x33"), archivetest.Zlib(text)...))
	// a blob and an offset delta on it ("hello, git\n")
	pack := append([]byte("PACK\x00\x00\x00\x02\x00\x00\x00\x02\x3d"), archivetest.Zlib([]byte("hello, world\n"))...)
	pack = append(pack, 0x6b, byte(len(pack)-12))
	f.Add(append(pack, archivetest.Zlib([]byte{13, 11, 0x90, 7, 3, 'g', 'i', 't', 0x91, 12, 1})...))
	e := defaultEngine(f, Options{MaxDecodeDepth: 2, OnProblem: func(string, string) {}, OnWarning: func(string, string) {}})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, n, err := e.DetectReader(context.Background(), "f", bytes.NewReader(data), nil)
		if err != nil || n != int64(len(data)) {
			t.Fatalf("read %d of %d: %v", n, len(data), err)
		}
	})
}

func TestCompressedBase64BombUsesUpTheDecodeBudget(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("ghp")
	bomb := archivetest.Gzip("", append(bytes.Repeat([]byte("a"), 8<<20), tok...))
	run := scanArchive(t, "values.yaml", []byte("release: "+base64Of(string(bomb))+"\n"))
	if len(run.found) != 0 || len(run.warnings) != 1 || !strings.Contains(run.warnings[0], "values.yaml: more than 4 MiB of encoded text") {
		t.Fatalf("found %d, warnings %q", len(run.found), run.warnings)
	}
}

func TestArchivesOwnTextIsScanned(t *testing.T) {
	g := tokengen.New(t.Name())
	tok := g.GitHub("ghp")
	var tarred bytes.Buffer
	tw := tar.NewWriter(&tarred)
	if err := tw.WriteHeader(&tar.Header{Name: "notes.txt", Mode: 0o644, Typeflag: tar.TypeReg, PAXRecords: map[string]string{"comment": "GITHUB_TOKEN=" + tok}}); err != nil {
		t.Fatal(err)
	}
	tw.Close()
	cases := []struct {
		name, path string
		data       []byte
	}{
		{"a PAX record in a tar.gz", "a.tar.gz", archivetest.Gzip("", tarred.Bytes())},
		{"a member's name in a tar.gz", "b.tar.gz", archivetest.Gzip("", archivetest.Tar(archivetest.File{Name: "keys/GH_TOKEN=" + tok, Data: []byte("x")}))},
		{"a zip member's name, once", "c.zip", archivetest.Zip(zip.Deflate, archivetest.File{Name: "GH_TOKEN=" + tok, Data: []byte("x")})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			run := scanArchive(t, c.path, c.data)
			if len(run.found) != 1 || run.found[0].Path != c.path || run.found[0].Location != "archive" || run.found[0].Secret.Reveal() != tok {
				t.Fatalf("found %+v", run.found)
			}
		})
	}
}

func TestZipAfterMoreThanAWindowIsOpened(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("ghp")
	zipped := archivetest.Zip(zip.Deflate, archivetest.File{Name: "conf/app.yml", Data: []byte("token: " + tok + "\n")})
	data := append(bytes.Repeat([]byte("a line of text before the archive\n"), 8<<10), zipped...)
	e := defaultEngine(t, Options{OnProblem: func(p, r string) { t.Errorf("problem %s: %s", p, r) }, OnWarning: func(p, m string) { t.Errorf("warning %s: %s", p, m) }})
	found, _, err := e.detectWindows(context.Background(), "polyglot.txt", bytes.NewReader(data), 64<<10, 4<<10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(found); !slices.Equal(got, []string{"polyglot.txt!conf/app.yml"}) {
		t.Fatalf("findings at %q", got)
	}
}

func TestArchiveWarningsNeverPrintASecretWhole(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("ghp")
	data := archivetest.Zip(zip.Deflate, archivetest.File{Name: "GH_TOKEN=" + tok, Data: []byte("x")})
	for _, sig := range []string{"PK\x03\x04", "PK\x01\x02"} {
		i := bytes.Index(data, []byte(sig))
		off := 6
		if sig == "PK\x01\x02" {
			off = 8
		}
		data[i+off] |= 1 // encrypted: a warning that names the member
	}
	run := scanArchive(t, "enc.zip", data)
	if len(run.warnings) != 1 || strings.Contains(run.warnings[0], tok) || !strings.Contains(run.warnings[0], "is encrypted") {
		t.Fatalf("warnings %q", run.warnings)
	}
	nested := archivetest.Gzip("", []byte("x"))
	for range MaxArchiveDepth {
		nested = archivetest.Zip(zip.Store, archivetest.File{Name: "GH_TOKEN=" + tok, Data: nested})
	}
	run = scanArchive(t, "deep.zip", nested)
	if len(run.problems) != 1 || strings.Contains(run.problems[0], tok) {
		t.Fatalf("problems %q", run.problems)
	}
}

func TestUnreadableZipMembersInEncodedTextAreSaid(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("ghp")
	data := archivetest.Zip(zip.Deflate, archivetest.File{Name: "secret.txt", Data: []byte("GH_TOKEN=" + tok)})
	for _, sig := range []string{"PK\x03\x04", "PK\x01\x02"} {
		i := bytes.Index(data, []byte(sig))
		off := 6
		if sig == "PK\x01\x02" {
			off = 8
		}
		data[i+off] |= 1
	}
	run := scanArchive(t, "values.yaml", []byte("blob: "+base64Of(string(data))+"\n"))
	if len(run.warnings) != 1 || !strings.Contains(run.warnings[0], `values.yaml: a zip in encoded text: member "secret.txt" is encrypted`) {
		t.Fatalf("warnings %q", run.warnings)
	}
}

// A token pasted into a Word document, split into runs by the spelling
// checker, is found in the document's XML inside the .docx zip.
func TestDocxSplitToken(t *testing.T) {
	tok := tokengen.New(t.Name()).GitHub("ghp")
	xml := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" +
		`<w:document><w:body><w:p><w:r><w:t xml:space="preserve">Deploy token: ` + tok[:10] + `</w:t></w:r>` +
		`<w:proofErr w:type="spellStart"/><w:r><w:t>` + tok[10:25] + `</w:t></w:r><w:proofErr w:type="spellEnd"/>` +
		`<w:r w:rsidRPr="00C1"><w:t>` + tok[25:] + `</w:t></w:r></w:p></w:body></w:document>`
	doc := archivetest.Zip(zip.Deflate, archivetest.File{Name: "[Content_Types].xml", Data: []byte("<Types/>")}, archivetest.File{Name: "word/document.xml", Data: []byte(xml)})
	run := scanArchive(t, "runbook.docx", doc)
	if len(run.found) != 1 || run.found[0].Path != "runbook.docx!word/document.xml" || run.found[0].Secret.Reveal() != tok || run.found[0].Decoded != "markup" {
		t.Fatalf("found %+v", run.found)
	}
}

// packObjectHeader is a pack entry's type and size header.
func packObjectHeader(typ byte, size int) []byte {
	b := []byte{typ<<4 | byte(size&0x0f)}
	size >>= 4
	for size > 0 {
		b[len(b)-1] |= 0x80
		b = append(b, byte(size&0x7f))
		size >>= 7
	}
	return b
}

// A delta named by its base's id may come before the base in a pack: it
// is built once the base is read. One whose base is not in the pack is
// scanned as the text it inserts, and said.
func TestGitPackRefDeltaBeforeItsBase(t *testing.T) {
	g := tokengen.New(t.Name())
	old, cur := g.GitHub("ghp"), g.GitHub("ghp")
	prefix := "deploy settings\nGITHUB_TOKEN=ghp_"
	base := []byte(prefix + old[4:] + "\n")
	// copy the prefix from the base, insert the new token's body
	insert := cur[4:] + "\n"
	delta := []byte{byte(len(base)), byte(len(prefix) + len(insert)), 0x90, byte(len(prefix)), byte(len(insert))}
	delta = append(delta, insert...)
	id := sha1.Sum(append([]byte(fmt.Sprintf("blob %d\x00", len(base))), base...))
	pack := func(withBase bool) []byte {
		n := byte(1)
		if withBase {
			n = 2
		}
		p := []byte("PACK\x00\x00\x00\x02\x00\x00\x00")
		p = append(p, n)
		p = append(p, packObjectHeader(7, len(delta))...)
		p = append(p, id[:]...)
		p = append(p, archivetest.Zlib(delta)...)
		if withBase {
			p = append(p, packObjectHeader(3, len(base))...)
			p = append(p, archivetest.Zlib(base)...)
		}
		return p
	}
	run := scanArchive(t, "refs.pack", pack(true))
	got := map[string]bool{}
	for _, f := range run.found {
		got[f.Secret.Reveal()] = true
	}
	if !got[old] || !got[cur] || len(run.warnings)+len(run.problems) != 0 {
		t.Fatalf("found %v (want both versions), warnings %q, problems %q", paths(run.found), run.warnings, run.problems)
	}
	run = scanArchive(t, "thin.pack", pack(false))
	if len(run.found) != 0 || len(run.warnings) != 1 || !strings.Contains(run.warnings[0], "object 1 at 12 is a delta on "+fmt.Sprintf("%x", id)+", which is not in the pack") {
		t.Fatalf("found %v, warnings %q", paths(run.found), run.warnings)
	}
}

// Names and comments past what the archive's own text may hold are not
// dropped quietly: the scan says so (a problem, which fails the run).
func TestArchiveTextPastItsBoundIsSaid(t *testing.T) {
	defer func(n int) { maxArchiveMeta = n }(maxArchiveMeta)
	maxArchiveMeta = 4 << 10
	tok := tokengen.New(t.Name()).GitHub("ghp")
	var files []archivetest.File
	for i := 0; i < 100; i++ {
		files = append(files, archivetest.File{Name: fmt.Sprintf("dir/%03d-%s", i, strings.Repeat("n", 60)), Data: []byte("x")})
	}
	files = append(files, archivetest.File{Name: "GH_TOKEN=" + tok, Data: []byte("x")})
	run := scanArchive(t, "many.zip", archivetest.Zip(zip.Store, files...))
	if len(run.problems) != 1 || !strings.Contains(run.problems[0], "many.zip: the archive's member names and comments past the first 4096 bytes were not scanned") {
		t.Fatalf("found %d, problems %q", len(run.found), run.problems)
	}
}
