// Command genrepo writes a git fast-import stream for benchmark repositories:
//
//	genrepo history -commits 20000 | git fast-import   # long history, ~100k unique blobs
//	genrepo history -edit | git fast-import            # the same, each change an edit of the file
//	genrepo tree -files 50000 | git fast-import        # one commit with many files
//
// Content is deterministic, text-like, and carries a few generated tokens.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/leakhound/leakhound/internal/tokengen"
)

var words = strings.Fields(`the of and to in is for on with as by at from config value service
request response handler client server token user data file path build test release version
package module import return error string int func var const type struct map list channel conda`)

type gen struct {
	w    *bufio.Writer
	r    *rand.Rand
	tok  *tokengen.Gen
	mark int
	last int // mark of the previous commit
}

func (g *gen) text(size int) string {
	var b strings.Builder
	for b.Len() < size {
		n := 4 + g.r.IntN(10)
		for i := 0; i < n; i++ {
			b.WriteString(words[g.r.IntN(len(words))])
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d\n", g.r.IntN(1_000_000))
	}
	return b.String()
}

// edit changes a few lines of prev, as a commit to a source file does:
// packs then store most versions of a file as deltas of another.
func (g *gen) edit(prev string, size int) string {
	lines := strings.SplitAfter(prev, "\n")
	for n := 1 + g.r.IntN(3); n > 0; n-- {
		lines[g.r.IntN(len(lines))] = g.text(1)
	}
	if g.r.IntN(2) == 0 {
		i := g.r.IntN(len(lines))
		lines = append(lines[:i], append([]string{g.text(1)}, lines[i:]...)...)
	}
	for len(lines) > 2 && len(strings.Join(lines, "")) > 2*size {
		lines = lines[1:]
	}
	return strings.Join(lines, "")
}

func (g *gen) blob(content string) int {
	g.mark++
	fmt.Fprintf(g.w, "blob\nmark :%d\ndata %d\n%s\n", g.mark, len(content), content)
	return g.mark
}

func (g *gen) commit(n int, parent bool, files map[string]int) {
	g.mark++
	ts := 1700000000 + n*60
	msg := fmt.Sprintf("commit %d", n)
	fmt.Fprintf(g.w, "commit refs/heads/main\nmark :%d\nauthor Bench <bench@example.com> %d +0000\ncommitter Bench <bench@example.com> %d +0000\ndata %d\n%s\n",
		g.mark, ts, ts, len(msg), msg)
	if parent {
		fmt.Fprintf(g.w, "from :%d\n", g.last)
	}
	g.last = g.mark
	for path, mark := range files {
		fmt.Fprintf(g.w, "M 100644 :%d %s\n", mark, path)
	}
	g.w.WriteString("\n")
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: genrepo history|tree [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	commits := fs.Int("commits", 20000, "history: number of commits")
	perCommit := fs.Int("changes", 5, "history: files changed per commit")
	paths := fs.Int("paths", 4000, "history: number of distinct file paths")
	files := fs.Int("files", 50000, "tree: number of files")
	size := fs.Int("size", 3000, "average file size in bytes")
	edit := fs.Bool("edit", false, "history: change a file by editing a few lines of its previous version")
	fs.Parse(os.Args[2:])
	g := &gen{w: bufio.NewWriterSize(os.Stdout, 1<<20), r: rand.New(rand.NewPCG(1, 2)), tok: tokengen.New("bench")}
	defer g.w.Flush()
	switch os.Args[1] {
	case "history":
		current := map[string]string{} // with -edit: each path's content
		for c := 0; c < *commits; c++ {
			changed := map[string]int{}
			for i := 0; len(changed) < min(*perCommit, *paths); i++ {
				p := g.r.IntN(*paths)
				path := fmt.Sprintf("src/d%03d/f%05d.txt", p%100, p)
				if _, dup := changed[path]; dup {
					continue // distinct paths: every change is a new blob
				}
				content, ok := current[path]
				if ok && *edit {
					content = g.edit(content, *size)
				} else {
					content = g.text(*size/2 + g.r.IntN(*size))
				}
				if *edit {
					current[path] = content
				}
				if c%2000 == 1 && i == 0 {
					content += "GITHUB_TOKEN=" + g.tok.GitHub("ghp") + "\n"
				}
				changed[path] = g.blob(content)
			}
			g.commit(c, c > 0, changed)
		}
	case "tree":
		all := map[string]int{}
		for i := 0; i < *files; i++ {
			all[fmt.Sprintf("pkg%03d/sub%02d/file%05d.txt", i%500, (i/500)%20, i)] = g.blob(g.text(g.r.IntN(*size)))
		}
		g.commit(0, false, all)
	default:
		fmt.Fprintln(os.Stderr, "usage: genrepo history|tree [flags]")
		os.Exit(2)
	}
}
