package git

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/finding"
)

// A worker handle that cannot be made while a started worker fails: both
// errors are recorded under the lock (run under -race), and the run fails.
func TestParallelCloneFailureIsAnError(t *testing.T) {
	items := make(chan int, 2)
	items <- 1
	items <- 2
	close(items)
	started := make(chan struct{})
	errWork, errClone := errors.New("work failed"), errors.New("clone failed")
	clone := func() (*Repo, error) {
		<-started
		return nil, errClone
	}
	_, err := parallelWith(context.Background(), &Repo{}, clone, items, 2, func(_ *Repo, i int) ([]finding.Finding, error) {
		if i == 1 {
			close(started)
		}
		return nil, errWork
	})
	if !errors.Is(err, errWork) && !errors.Is(err, errClone) {
		t.Fatalf("err = %v", err)
	}
}

// A panicking worker fails the run with an internal error; it does not
// crash the process or pass.
func TestParallelPanicIsAnError(t *testing.T) {
	items := make(chan int, 1)
	items <- 1
	close(items)
	_, err := parallelWith(context.Background(), &Repo{}, nil, items, 1, func(*Repo, int) ([]finding.Finding, error) {
		panic("boom")
	})
	if err == nil || !strings.Contains(err.Error(), "internal error: boom") {
		t.Fatalf("err = %v", err)
	}
}
