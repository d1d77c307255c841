package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/iostreams"
)

// A stream that grows past --max-file-size while it is read is a problem
// (exit 2), not a silent partial scan.
func TestStreamGrowingPastTheLimit(t *testing.T) {
	var out, errs bytes.Buffer
	e := &env{io: &iostreams.IO{Out: &out, Err: &errs}, getenv: func(string) string { return "" }}
	o := &commonOpts{format: "text", color: "never", threads: 1, failOn: failOnAny, maxDecodeDepth: 2}
	o.maxFileSize = 10
	s, err := newSession(e, o, "")
	if err != nil {
		t.Fatal(err)
	}
	s.scanReader(context.Background(), "growing.log", strings.NewReader(strings.Repeat("y", 100)))
	if len(s.problems) != 1 || !strings.Contains(s.problems[0].Reason, "grew past --max-file-size 10") {
		t.Fatalf("problems: %v", s.problems)
	}
	if err := s.finish(context.Background(), ""); err != errIncomplete {
		t.Fatalf("finish: %v", err)
	}
}

func TestExitCodes(t *testing.T) {
	ctx := context.Background()
	e := &env{io: &iostreams.IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, getenv: func(string) string { return "" }}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	cases := []struct {
		ctx  context.Context
		err  error
		want int
	}{
		{ctx, nil, ExitClean},
		{ctx, errLeaks, ExitLeaks},
		{ctx, errIncomplete, ExitError},
		{ctx, usagef("bad"), ExitError},
		{ctx, context.DeadlineExceeded, ExitError},
		{cancelled, context.Canceled, ExitInterrupted},
		{ctx, errHelp, ExitClean},
	}
	for _, c := range cases {
		if got := exitCode(c.ctx, e, c.err); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

// A panic is a bug, never a pass: Main turns it into exit 2 with the stack.
func TestInternalErrorIsExit2(t *testing.T) {
	var errOut strings.Builder
	streams := &iostreams.IO{Out: &bytes.Buffer{}, Err: &errOut, In: strings.NewReader("")}
	boom := func(string) string { panic("boom") }
	if code := Main(context.Background(), []string{"ci"}, streams, boom); code != ExitError {
		t.Fatalf("exit %d, want %d", code, ExitError)
	}
	if !strings.Contains(errOut.String(), "internal error: boom") || !strings.Contains(errOut.String(), "goroutine ") {
		t.Fatalf("stderr: %s", errOut.String())
	}
}
