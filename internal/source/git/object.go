package git

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// commit is what a scan reads of a commit object: what it points to, who
// made it, and the text it publishes besides its tree (message, a merged
// tag, extra headers). Signatures are skipped.
type commit struct {
	Hash         plumbing.Hash
	TreeHash     plumbing.Hash
	ParentHashes []plumbing.Hash
	Author       signature
	Committer    signature
	Encoding     string
	Message      string
	MergeTag     string
	ExtraHeaders []extraHeader
}

// signature is an author, committer or tagger line.
type signature struct {
	Name  string
	Email string
	When  time.Time
}

// extraHeader is a commit header git does not define.
type extraHeader struct {
	Key   string
	Value string
}

// tag is what a scan reads of an annotated tag object.
type tag struct {
	Hash       plumbing.Hash
	Target     plumbing.Hash
	TargetType plumbing.ObjectType
	Name       string
	Tagger     signature
	Message    string
}

var (
	errMalformedCommit = errors.New("malformed commit")
	errMalformedTag    = errors.New("malformed tag")
)

// The decoders below read objects as go-git v5's decoders do (the tests
// hold them to it): which headers count, where they may appear, and what
// is forgiven decide which parents a walk follows, so they must not
// differ from what the rest of the project was built and tested against.

// lineReader hands out the lines of an object, each with its newline
// (the last may have none), and takes one line back.
type lineReader struct {
	data    []byte
	pending []byte
	eof     bool // of the line taken back
}

// next returns the next line and whether it is the last: at the end of
// the data an empty line is the last.
func (r *lineReader) next() ([]byte, bool) {
	if r.pending != nil {
		line, eof := r.pending, r.eof
		r.pending = nil
		return line, eof
	}
	i := bytes.IndexByte(r.data, '\n')
	if i < 0 {
		line := r.data
		r.data = nil
		return line, true
	}
	line := r.data[:i+1]
	r.data = r.data[i+1:]
	return line, false
}

func (r *lineReader) pushBack(line []byte, eof bool) { r.pending, r.eof = line, eof }

func isBlankLine(line []byte) bool { return len(line) == 1 && line[0] == '\n' }

// splitHeader splits a header line into its key and value (nil when the
// line has no space).
func splitHeader(line []byte) ([]byte, []byte) {
	trimmed := bytes.TrimRight(line, "\n")
	key, value, ok := bytes.Cut(trimmed, []byte{' '})
	if !ok {
		return trimmed, nil
	}
	return key, value
}

func parseID(value []byte, malformed error, header string) (plumbing.Hash, error) {
	if !plumbing.IsHash(string(value)) {
		return plumbing.ZeroHash, fmt.Errorf("%w: bad %s hash", malformed, header)
	}
	return plumbing.NewHash(string(value)), nil
}

type commitState int

const (
	commitDone commitState = iota
	commitTree
	commitParents
	commitAuthor
	commitCommitter
	commitHeaders
	commitMergeTagCont
	commitSkipCont
	commitExtraCont
	commitMessage
)

// decodeCommit decodes the commit object h holding data.
func decodeCommit(h plumbing.Hash, data []byte) (*commit, error) {
	c := &commit{Hash: h, Encoding: "UTF-8"} // go-git's default
	r := lineReader{data: data}
	var msg []byte
	var sawEncoding, sawMergeTag bool
	var extra *extraHeader
	finishExtra := func() {
		extra.Value = string(bytes.TrimRight([]byte(extra.Value), "\n"))
		c.ExtraHeaders = append(c.ExtraHeaders, *extra)
		extra = nil
	}
	// after moves on to state, or ends at the last line
	after := func(eof bool, state commitState) commitState {
		if eof {
			return commitDone
		}
		return state
	}
	for state := commitTree; state != commitDone; {
		line, eof := r.next()
		switch state {
		case commitTree:
			if len(line) == 0 || isBlankLine(line) {
				return nil, fmt.Errorf("%w: missing tree header", errMalformedCommit)
			}
			key, value := splitHeader(line)
			if string(key) != "tree" {
				return nil, fmt.Errorf("%w: tree header must be first", errMalformedCommit)
			}
			id, err := parseID(value, errMalformedCommit, "tree")
			if err != nil {
				return nil, err
			}
			c.TreeHash = id
			state = after(eof, commitParents)
		case commitParents, commitAuthor, commitCommitter:
			if len(line) == 0 {
				state = commitDone
				continue
			}
			if isBlankLine(line) {
				state = commitMessage
				continue
			}
			key, value := splitHeader(line)
			switch {
			case state == commitParents && string(key) == "parent":
				id, err := parseID(value, errMalformedCommit, "parent")
				if err != nil {
					return nil, err
				}
				c.ParentHashes = append(c.ParentHashes, id)
				state = after(eof, commitParents)
			case state == commitAuthor && string(key) == "author":
				c.Author = decodeSignature(value)
				state = after(eof, commitCommitter)
			case state == commitCommitter && string(key) == "committer":
				c.Committer = decodeSignature(value)
				state = after(eof, commitHeaders)
			default:
				r.pushBack(line, eof)
				state++ // parents, author, committer, headers in turn
			}
		case commitHeaders:
			if len(line) == 0 {
				state = commitDone
				continue
			}
			if isBlankLine(line) {
				state = commitMessage
				continue
			}
			key, value := splitHeader(line)
			next := commitHeaders
			switch string(key) {
			case "tree", "parent", "author", "committer":
			case "encoding":
				if !sawEncoding {
					c.Encoding = string(value)
					sawEncoding = true
				}
			case "mergetag":
				if sawMergeTag {
					next = commitSkipCont
				} else {
					c.MergeTag += string(value) + "\n"
					sawMergeTag = true
					next = commitMergeTagCont
				}
			case "gpgsig", "gpgsig-sha256":
				next = commitSkipCont // signatures are not kept
			default:
				k, v, multiline := bytes.Cut(line, []byte{' '})
				x := extraHeader{Key: string(bytes.TrimRight(k, "\n"))}
				if multiline {
					x.Value = string(v)
					extra = &x
					next = commitExtraCont
				} else {
					c.ExtraHeaders = append(c.ExtraHeaders, x)
				}
			}
			state = after(eof, next)
		case commitMergeTagCont, commitSkipCont, commitExtraCont:
			if len(line) > 0 && line[0] == ' ' {
				switch state {
				case commitMergeTagCont:
					c.MergeTag += string(line[1:])
				case commitExtraCont:
					extra.Value += string(line[1:])
				}
				if eof {
					if state == commitExtraCont {
						finishExtra()
					}
					state = commitDone
				}
				continue
			}
			if state == commitExtraCont {
				finishExtra()
			}
			if len(line) > 0 {
				r.pushBack(line, eof)
			}
			state = commitHeaders
		case commitMessage:
			msg = append(msg, line...)
			if eof {
				state = commitDone
			}
		}
	}
	c.Message = string(msg)
	return c, nil
}

// decodeSignature decodes "Name <email> seconds zone", forgiving what git
// forgives: a part it cannot read is left empty.
func decodeSignature(b []byte) signature {
	var s signature
	open := bytes.LastIndexByte(b, '<')
	end := bytes.LastIndexByte(b, '>')
	if open == -1 || end == -1 || end < open {
		return s
	}
	s.Name = string(bytes.Trim(b[:open], " "))
	s.Email = string(b[open+1 : end])
	if end+2 >= len(b) {
		return s
	}
	b = b[end+2:]
	space := bytes.IndexByte(b, ' ')
	if space == -1 {
		space = len(b)
	}
	ts, err := strconv.ParseInt(string(b[:space]), 10, 64)
	if err != nil {
		return s
	}
	s.When = time.Unix(ts, 0).In(time.UTC)
	const zoneLen = 5
	start := space + 1
	if start >= len(b) || start+zoneLen > len(b) {
		return s
	}
	zone := string(b[start : start+zoneLen])
	hours, err1 := strconv.ParseInt(zone[0:3], 10, 64)
	mins, err2 := strconv.ParseInt(zone[3:], 10, 64)
	if err1 != nil || err2 != nil {
		return s
	}
	if hours < 0 {
		mins *= -1
	}
	s.When = s.When.In(time.FixedZone("", int(hours*60*60+mins*60)))
	return s
}

type tagState int

const (
	tagDone tagState = iota
	tagObject
	tagType
	tagName
	tagTagger
	tagHeaders
	tagSkipCont
	tagMessage
)

// decodeTag decodes the tag object h holding data.
func decodeTag(h plumbing.Hash, data []byte) (*tag, error) {
	t := &tag{Hash: h}
	r := lineReader{data: data}
	var msg []byte
	after := func(eof bool, state tagState) tagState {
		if eof {
			return tagDone
		}
		return state
	}
	// the three headers every tag starts with, in order
	first := map[tagState]string{tagObject: "object", tagType: "type", tagName: "tag"}
	for state := tagObject; state != tagDone; {
		line, eof := r.next()
		switch state {
		case tagObject, tagType, tagName:
			want := first[state]
			if len(line) == 0 || isBlankLine(line) {
				return nil, fmt.Errorf("%w: missing %s header", errMalformedTag, want)
			}
			key, value := splitHeader(line)
			if string(key) != want {
				return nil, fmt.Errorf("%w: %s header out of place", errMalformedTag, want)
			}
			switch state {
			case tagObject:
				id, err := parseID(value, errMalformedTag, "object")
				if err != nil {
					return nil, err
				}
				t.Target = id
			case tagType:
				typ, err := plumbing.ParseObjectType(string(value))
				if err != nil {
					return nil, err
				}
				t.TargetType = typ
			case tagName:
				t.Name = string(value)
			}
			state = after(eof, state+1)
		case tagTagger, tagHeaders:
			if len(line) == 0 {
				state = tagDone
				continue
			}
			if isBlankLine(line) {
				state = tagMessage
				continue
			}
			key, value := splitHeader(line)
			switch {
			case state == tagTagger && string(key) == "tagger":
				t.Tagger = decodeSignature(value)
				state = after(eof, tagHeaders)
			case state == tagTagger:
				r.pushBack(line, eof)
				state = tagHeaders
			case string(key) == "gpgsig-sha256":
				state = after(eof, tagSkipCont)
			default:
				state = after(eof, tagHeaders)
			}
		case tagSkipCont:
			if len(line) > 0 && line[0] == ' ' {
				state = after(eof, tagSkipCont)
				continue
			}
			if len(line) > 0 {
				r.pushBack(line, eof)
			}
			state = tagHeaders
		case tagMessage:
			msg = append(msg, line...)
			if eof {
				state = tagDone
			}
		}
	}
	// a signature at the end of the message is not part of it
	if at := signatureStart(msg); at >= 0 {
		msg = msg[:at]
	}
	t.Message = string(msg)
	return t, nil
}

// signatureStart is where the last line that begins a signature block
// (OpenPGP, X.509 or SSH) starts, or -1.
func signatureStart(b []byte) int {
	begins := [][]byte{
		[]byte("-----BEGIN PGP SIGNATURE-----"), []byte("-----BEGIN PGP MESSAGE-----"),
		[]byte("-----BEGIN CERTIFICATE-----"), []byte("-----BEGIN SIGNED MESSAGE-----"),
		[]byte("-----BEGIN SSH SIGNATURE-----"),
	}
	at := -1
	for n := 0; n < len(b); {
		line := b[n:]
		for _, begin := range begins {
			if bytes.HasPrefix(line, begin) {
				at = n
				break
			}
		}
		eol := bytes.IndexByte(line, '\n')
		if eol < 0 {
			break
		}
		n += eol + 1
	}
	return at
}
