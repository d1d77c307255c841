package source

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWalkAndVanishingFiles(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"a.txt", "sub/b.txt", ".git/config", "big.bin"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte(strings.Repeat("x", len(p))), 0o644)
	}
	files := make(chan File, 10)
	var problems []Problem
	err := Walk(context.Background(), []string{dir}, WalkOptions{MaxFileSize: 6}, files, func(p Problem) { problems = append(problems, p) })
	close(files)
	if err != nil {
		t.Fatal(err)
	}
	var got []File
	for f := range files {
		got = append(got, f)
	}
	if len(got) != 1 || !strings.HasSuffix(got[0].Path, "a.txt") {
		t.Fatalf("walked %v (the .git directory is skipped, big files are problems)", got)
	}
	if len(problems) != 2 || !strings.Contains(problems[0].Reason+problems[1].Reason, "over --max-file-size 6") {
		t.Fatalf("problems %v", problems)
	}
	// the file vanishes between the walk and the read
	os.Remove(got[0].OSPath)
	if _, err := Open(got[0]); err == nil || err.Error() != "does not exist" {
		t.Fatalf("vanished file: %v", err)
	}
}

func TestWalkMissingRoot(t *testing.T) {
	files := make(chan File, 1)
	var problems []Problem
	Walk(context.Background(), []string{filepath.Join(t.TempDir(), "nope")}, WalkOptions{}, files, func(p Problem) { problems = append(problems, p) })
	if len(problems) != 1 || problems[0].Reason != "does not exist" {
		t.Fatalf("%v", problems)
	}
}
