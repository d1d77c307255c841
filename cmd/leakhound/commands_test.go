package main

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf16"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/leakhound/leakhound/internal/archivetest"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/testnet"
	"github.com/leakhound/leakhound/internal/tokengen"
)

// expand FILE... replaces {{gen:NAME ARG}} with generated token-shaped values
// (seeded by the file name, so runs are reproducible) and {{byte:HH}} with
// the raw byte 0xHH, in place.
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: expand FILE...")
	}
	for _, name := range args {
		data := ts.ReadFile(name)
		out, err := tokengen.Expand(name, data)
		ts.Check(err)
		for {
			i := strings.Index(out, "{{byte:")
			if i < 0 || len(out) < i+11 {
				break
			}
			b, err := strconv.ParseUint(out[i+7:i+9], 16, 8)
			ts.Check(err)
			out = out[:i] + string([]byte{byte(b)}) + out[i+11:]
		}
		ts.Check(os.WriteFile(ts.MkAbs(name), []byte(out), 0o644))
	}
}

// exits N PROG ARGS... runs PROG and fails unless its exit code is exactly N.
// stdout and stderr are kept for the following stdout/stderr checks.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := exitStatus(ts, args[1], ts.Exec(args[1], args[2:]...))
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// minified FILE MB TEXT writes a single line of about MB megabytes of
// minified-looking code with TEXT (expanded like `expand`) in its middle.
func cmdMinified(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: minified FILE MB TEXT")
	}
	mb, err := strconv.Atoi(args[1])
	ts.Check(err)
	text, err := tokengen.Expand(args[0], args[2])
	ts.Check(err)
	chunk := "function a(b){return b.map(function(c,d){return c+d*2})};var e={f:1,g:[1,2,3]};"
	var b strings.Builder
	half := mb << 19
	for b.Len() < half {
		b.WriteString(chunk)
	}
	b.WriteString(text)
	for b.Len() < 2*half {
		b.WriteString(chunk)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o644))
	fmt.Fprintf(ts.Stdout(), "wrote %d bytes\n", b.Len())
}

// cmdRewrite makes a command that rewrites each named file with f
// (crlf: LF to CRLF line ends; chomp: drop the final newline).
func cmdRewrite(f func(string) string) func(ts *testscript.TestScript, neg bool, args []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		for _, name := range args {
			ts.Check(os.WriteFile(ts.MkAbs(name), []byte(f(ts.ReadFile(name))), 0o644))
		}
	}
}

// sarifvalid FILE validates FILE against the official SARIF 2.1.0 schema.
func cmdSARIFValid(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: sarifvalid FILE")
	}
	schemaPath, err := filepath.Abs(filepath.Join("..", "..", "testdata", "schemas", "sarif-schema-2.1.0.json"))
	ts.Check(err)
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(schemaPath)
	ts.Check(err)
	var doc any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc))
	err = sch.Validate(doc)
	if neg != (err == nil) {
		return
	}
	if err != nil {
		ts.Fatalf("%s does not validate: %v", args[0], err)
	}
	ts.Fatalf("%s validates", args[0])
}

// junitparse FILE TESTS FAILURES parses FILE as JUnit XML and checks the counts.
func cmdJUnitParse(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: junitparse FILE TESTS FAILURES")
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name     string `xml:"name,attr"`
				Failures []struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	ts.Check(xml.Unmarshal([]byte(ts.ReadFile(args[0])), &doc))
	cases, failures := 0, 0
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases++
			failures += len(c.Failures)
			if len(c.Failures) > 1 {
				ts.Fatalf("junit: test case %q has %d failures; readers expect at most one", c.Name, len(c.Failures))
			}
		}
	}
	if fmt.Sprint(cases) != args[1] || fmt.Sprint(failures) != args[2] || doc.Tests != cases || doc.Failures != failures {
		ts.Fatalf("junit: %d cases (attr %d), %d failures (attr %d); want %s, %s", cases, doc.Tests, failures, doc.Failures, args[1], args[2])
	}
}

// fakeAPI answers like GitHub's and Anaconda's APIs for verification and
// revocation: GitHub tokens are live except gho_ ones (401), Anaconda
// tokens are live, revocation is accepted. It records every request.
type fakeAPI struct {
	srv      *httptest.Server
	mu       sync.Mutex
	requests []string // method, path and Authorization header of each request
	revoked  int
}

var (
	fakeAPIsMu sync.Mutex
	fakeAPIs   = map[*testscript.TestScript]*fakeAPI{}
)

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	f.mu.Lock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path+" "+auth)
	f.mu.Unlock()
	// GitHub Enterprise Server serves the same API below /api/v3
	r.URL.Path = strings.TrimPrefix(r.URL.Path, "/api/v3")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/credentials/revoke":
		var body struct {
			Credentials []string `json:"credentials"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		f.mu.Lock()
		f.revoked += len(body.Credentials)
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	case r.URL.Path == "/user" && strings.HasPrefix(auth, "Bearer gho_"):
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Bad credentials"}`)
	case r.URL.Path == "/user" && strings.HasPrefix(auth, "Bearer "):
		w.Header().Set("X-OAuth-Scopes", "repo, workflow")
		fmt.Fprint(w, `{"login":"octocat"}`)
	case r.URL.Path == "/user" && strings.HasPrefix(auth, "token "):
		fmt.Fprint(w, `{"login":"conda-forge"}`)
	case r.URL.Path == "/authentication":
		fmt.Fprint(w, `{"scopes":["api:write"],"expires":null}`)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// fakeapi start | blackhole | requests N | enterprise N | revoked N | [!] got FILE
//
// start serves the providers' APIs on loopback, points leakhound at them
// (LEAKHOUND_TEST_ENDPOINTS) and sets FAKEAPI_URL; enterprise counts the
// requests made to the GitHub Enterprise Server paths (/api/v3/...).
func cmdFakeAPI(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: fakeapi start|requests N|enterprise N|revoked N|got FILE")
	}
	fakeAPIsMu.Lock()
	f := fakeAPIs[ts]
	fakeAPIsMu.Unlock()
	if args[0] == "blackhole" {
		u, stop, err := testnet.BlackHole()
		ts.Check(err)
		ts.Defer(stop)
		ts.Setenv("LEAKHOUND_TEST_ENDPOINTS", "github="+u+",anaconda="+u+",anaconda-com="+u)
		return
	}
	if args[0] == "start" {
		f = &fakeAPI{}
		f.srv = httptest.NewServer(f)
		ts.Defer(f.srv.Close)
		fakeAPIsMu.Lock()
		fakeAPIs[ts] = f
		fakeAPIsMu.Unlock()
		u := f.srv.URL
		ts.Setenv("LEAKHOUND_TEST_ENDPOINTS", "github="+u+",anaconda="+u+",anaconda-com="+u)
		ts.Setenv("FAKEAPI_URL", u)
		return
	}
	if f == nil {
		ts.Fatalf("fakeapi: not started")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch args[0] {
	case "requests", "revoked", "enterprise":
		got := len(f.requests)
		switch args[0] {
		case "revoked":
			got = f.revoked
		case "enterprise":
			got = 0
			for _, r := range f.requests {
				if strings.Contains(r, " /api/v3/") {
					got++
				}
			}
		}
		if fmt.Sprint(got) != args[1] {
			ts.Fatalf("%s: %d, want %s\n%s", args[0], got, args[1], strings.Join(f.requests, "\n"))
		}
	case "got":
		text := strings.TrimSpace(ts.ReadFile(args[1]))
		if i := strings.LastIndexAny(text, "= "); i >= 0 {
			text = text[i+1:]
		}
		n := 0
		for _, r := range f.requests {
			if strings.Contains(r, text) {
				n++
			}
		}
		if neg && n > 0 {
			ts.Fatalf("the API received %s", args[1])
		}
		if !neg && n == 0 {
			ts.Fatalf("the API never received %s", args[1])
		}
	default:
		ts.Fatalf("fakeapi: unknown subcommand %q", args[0])
	}
}

// encode FORM IN OUT writes IN encoded to OUT. Forms: base64 (one line, no
// trailing newline), base64-wrapped (76 columns, as base64(1) writes it),
// utf16le and utf16be (with a byte order mark), utf16le-nobom, utf32le and
// utf32be (with a byte order mark), hex (lower case, one line, no trailing
// newline), base32 (padded, one line, no trailing newline).
func cmdEncode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: encode FORM IN OUT")
	}
	in := ts.ReadFile(args[1])
	var out []byte
	utf16With := func(bom []byte, bigEndian bool) []byte {
		out := bom
		for _, u := range utf16.Encode([]rune(in)) {
			if bigEndian {
				out = append(out, byte(u>>8), byte(u))
			} else {
				out = append(out, byte(u), byte(u>>8))
			}
		}
		return out
	}
	switch args[0] {
	case "base64":
		out = []byte(base64.StdEncoding.EncodeToString([]byte(strings.TrimSuffix(in, "\n"))))
	case "hex":
		out = []byte(hex.EncodeToString([]byte(strings.TrimSuffix(in, "\n"))))
	case "base32":
		out = []byte(base32.StdEncoding.EncodeToString([]byte(strings.TrimSuffix(in, "\n"))))
	case "base64-wrapped":
		enc := base64.StdEncoding.EncodeToString([]byte(in))
		for len(enc) > 76 {
			out = append(out, enc[:76]+"\n"...)
			enc = enc[76:]
		}
		out = append(out, enc+"\n"...)
	case "utf16le":
		out = utf16With([]byte{0xff, 0xfe}, false)
	case "utf16be":
		out = utf16With([]byte{0xfe, 0xff}, true)
	case "utf16le-nobom":
		out = utf16With(nil, false)
	case "utf32le", "utf32be":
		big := args[0] == "utf32be"
		out = []byte{0xff, 0xfe, 0, 0}
		if big {
			out = []byte{0, 0, 0xfe, 0xff}
		}
		for _, r := range in {
			if big {
				out = append(out, byte(r>>24), byte(r>>16), byte(r>>8), byte(r))
			} else {
				out = append(out, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
			}
		}
	default:
		ts.Fatalf("encode: unknown encoding %q", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), out, 0o644))
}

// repeat OUT N TEXT writes TEXT N times to OUT, each copy expanded like
// `expand` with its own values; \n in TEXT is a line break.
func cmdRepeat(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: repeat OUT N TEXT")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	var b strings.Builder
	for i := 0; i < n; i++ {
		v, err := tokengen.Expand(fmt.Sprint(args[0], i), strings.ReplaceAll(args[2], `\n`, "\n"))
		ts.Check(err)
		b.WriteString(v)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o644))
}

// seam OUT TEXT writes a file of short filler lines with TEXT (expanded
// like `expand`) placed so that its first generated value starts just past
// the point where the first scanning window hands over to the next, with
// the context before it (a variable name, a URL) on the near side.
func cmdSeam(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: seam OUT TEXT")
	}
	text, err := tokengen.Expand(args[0], args[1])
	ts.Check(err)
	lead := strings.Index(args[1], "{{gen:")
	if lead < 0 {
		ts.Fatalf("seam: TEXT holds no {{gen:}} value")
	}
	at := detect.WindowSize - detect.WindowOverlap + 2 - lead
	var b strings.Builder
	line := strings.Repeat("f", 99) + "\n"
	for b.Len()+len(line) <= at {
		b.WriteString(line)
	}
	b.WriteString(strings.Repeat("f", at-b.Len()))
	b.WriteString(text)
	b.WriteString("\n")
	for b.Len() < detect.WindowSize+detect.WindowOverlap {
		b.WriteString(line)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o644))
}

// asnobody CODE ARGS... runs leakhound as the unprivileged user nobody (via
// setpriv), so that file modes apply, and checks its exit code.
func cmdAsNobody(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: asnobody CODE ARGS...")
	}
	if os.Getuid() != 0 {
		ts.Fatalf("asnobody needs root (run the script under [root])")
	}
	exe, err := os.Executable()
	ts.Check(err)
	dir := ts.MkAbs(".nobody-bin")
	ts.Check(os.MkdirAll(dir, 0o755))
	data, err := os.ReadFile(exe)
	ts.Check(err)
	bin := filepath.Join(dir, "leakhound")
	ts.Check(os.WriteFile(bin, data, 0o755))
	for p := ts.MkAbs("."); p != "/"; p = filepath.Dir(p) {
		if info, err := os.Stat(p); err == nil && info.Mode().Perm()&0o001 == 0 {
			os.Chmod(p, info.Mode().Perm()|0o011)
		}
	}
	cmdExits(ts, false, append([]string{args[0], "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin}, args[1:]...))
}

// manyfiles DIR N writes N small files below DIR.
func cmdManyFiles(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: manyfiles DIR N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	for i := 0; i < n; i++ {
		d := ts.MkAbs(filepath.Join(args[0], fmt.Sprintf("d%03d", i%1000)))
		if i < 1000 {
			ts.Check(os.MkdirAll(d, 0o755))
		}
		ts.Check(os.WriteFile(filepath.Join(d, fmt.Sprintf("f%06d.txt", i)), []byte(fmt.Sprintf("file %d\n", i)), 0o644))
	}
}

// badname DIR SRC copies SRC to a file in DIR whose name is not UTF-8.
func cmdBadName(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: badname DIR SRC")
	}
	ts.Check(os.MkdirAll(ts.MkAbs(args[0]), 0o755))
	ts.Check(os.WriteFile(filepath.Join(ts.MkAbs(args[0]), "bad\xff\xfename.env"), []byte(ts.ReadFile(args[1])), 0o644))
}

// mkdevice PATH makes a character device like /dev/null at PATH.
func cmdMkdevice(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkdevice PATH")
	}
	ts.Check(syscall.Mknod(ts.MkAbs(args[0]), syscall.S_IFCHR|0o666, 1<<8|3))
}

// maxrss LIMIT_MIB CODE PROG ARGS... runs PROG, checks its exit code, and
// fails if its peak resident memory passed LIMIT_MIB.
func cmdMaxRSS(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: maxrss LIMIT_MIB CODE PROG ARGS...")
	}
	limit, err := strconv.Atoi(args[0])
	ts.Check(err)
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	// The program is started by rss-of, a small process: a child started
	// from this one, a test binary running many scripts at once, would
	// report this process's peak RSS as its own when that is higher (Go
	// starts children with vfork, and Linux counts the address space a
	// child had before exec in its peak), which failed the bound under a
	// loaded go test ./... while leakhound stayed near 65 MiB.
	cmd := scriptCommand(ts, "rss-of", append([]string{args[2]}, args[3:]...))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	code := exitStatus(ts, args[2], cmd.Run())
	out, report, found := strings.Cut(stderr.String(), "\nrss-of: peak RSS ")
	kib, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(report), "KiB")), 10, 64)
	if !found || err != nil {
		ts.Fatalf("rss-of said no peak RSS: %q", stderr.String())
	}
	stderr.Reset()
	stderr.WriteString(out)
	rss := kib / 1024
	fmt.Fprintf(ts.Stdout(), "peak RSS %d MiB\n", rss)
	if code != want {
		ts.Fatalf("exit %d, want %d\n%s", code, want, stderr.String())
	}
	if rss > int64(limit) {
		ts.Fatalf("peak RSS %d MiB is over %d MiB", rss, limit)
	}
}

// rssOf runs os.Args[1:] and, after its output, writes its peak RSS to
// stderr ("rss-of: peak RSS N KiB"); it exits with the program's code.
func rssOf() int {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rss-of PROG ARGS...")
		return 2
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "rss-of:", err)
		return 2
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	fmt.Fprintf(os.Stderr, "\nrss-of: peak RSS %d KiB\n", ru.Maxrss)
	return cmd.ProcessState.ExitCode()
}

// scriptCommand prepares PROG ARGS as the script's exec would run them: in
// the script's directory, with its HOME, PATH and git settings.
func scriptCommand(ts *testscript.TestScript, prog string, args []string) *exec.Cmd {
	cmd := exec.Command(lookPath(ts, prog), args...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = os.Environ()
	for _, k := range []string{"HOME", "PATH", "GIT_CONFIG_NOSYSTEM"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	return cmd
}

// lookPath finds a program on the script's PATH (where testscript puts
// leakhound).
func lookPath(ts *testscript.TestScript, name string) string {
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return filepath.Join(dir, name)
		}
	}
	ts.Fatalf("%s not found on PATH", name)
	return ""
}

// interrupt [SIGTERM] DELAY CODE STDERR-FILE PROG ARGS... starts PROG,
// sends it SIGINT (or SIGTERM) DELAY after it has started reading, and
// checks that it exits with exactly CODE; its stderr is saved to
// STDERR-FILE.
func cmdInterrupt(ts *testscript.TestScript, neg bool, args []string) {
	var sig os.Signal = os.Interrupt
	if len(args) > 0 && args[0] == "SIGTERM" {
		sig, args = syscall.SIGTERM, args[1:]
	}
	if neg || len(args) < 4 {
		ts.Fatalf("usage: interrupt [SIGTERM] DELAY CODE STDERR-FILE PROG ARGS...")
	}
	delay, err := time.ParseDuration(args[0])
	ts.Check(err)
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	cmd := scriptCommand(ts, args[3], args[4:])
	var stderr strings.Builder
	cmd.Stderr = &stderr
	ts.Check(cmd.Start())
	waitReading(cmd.Process.Pid, 256<<10)
	time.Sleep(delay)
	start := time.Now()
	ts.Check(cmd.Process.Signal(sig))
	err = cmd.Wait()
	took := time.Since(start)
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(stderr.String()), 0o644))
	code := exitStatus(ts, args[3], err)
	if code != want {
		ts.Fatalf("exit %d, want %d (stderr: %s)", code, want, stderr.String())
	}
	// the promptness promise is checked without the race detector; with
	// it every window scans about ten times slower, so it gets more room
	limit := 5 * time.Second
	if raceEnabled {
		limit = 15 * time.Second
	}
	if took > limit {
		ts.Fatalf("took %v to stop after %v (limit %v)", took, sig, limit)
	}
	fmt.Fprintf(ts.Stdout(), "stopped %v after %v\n", took.Round(time.Millisecond), sig)
}

// waitReading waits until process pid has read n bytes (Linux's
// /proc/PID/io), so a signal sent after it lands in the scan rather than in
// start-up, which takes a second under the race detector. Elsewhere, or if
// the process ends first, it returns at once. n must be less than a scan
// reads with system calls: a history reads a loose object's compressed
// bytes (a 400 MB file of zeros is 400 KB), not its content.
func waitReading(pid int, n int64) {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "rchar: "); ok {
				if read, _ := strconv.ParseInt(v, 10, 64); read >= n {
					return
				}
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// exitStatus is a finished program's exit code (-1 when a signal ended it);
// failing to run it at all fails the script.
func exitStatus(ts *testscript.TestScript, prog string, err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		ts.Fatalf("running %s: %v", prog, err)
	}
	return ee.ExitCode()
}

// deeptree DEPTH NAMELEN FILE OUT writes to OUT a git fast-import stream of
// one commit on refs/heads/main holding FILE's content at a path DEPTH
// directories deep, each directory's name NAMELEN bytes long.
func cmdDeepTree(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: deeptree DEPTH NAMELEN FILE OUT")
	}
	depth, err := strconv.Atoi(args[0])
	ts.Check(err)
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	data := ts.ReadFile(args[2])
	var b strings.Builder
	fmt.Fprintf(&b, "commit refs/heads/main\ncommitter A <a@example.com> 1700000000 +0000\ndata 4\ndeep\nM 100644 inline ")
	for range depth {
		b.WriteString(strings.Repeat("d", n) + "/")
	}
	fmt.Fprintf(&b, "%s\ndata %d\n%s\n", filepath.Base(args[2]), len(data), data)
	ts.Check(os.WriteFile(ts.MkAbs(args[3]), []byte(b.String()), 0o644))
}

// cmdArchive writes IN as the member NAME of an archive of FORM
// (archivetest.Build: zip, zip-stored, tar, gz, tgz, zst, xz, txz, pdf) to OUT.
func cmdArchive(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: archive FORM NAME IN OUT")
	}
	data, err := archivetest.Build(args[0], args[1], []byte(ts.ReadFile(args[2])))
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[3]), data, 0o644))
}
