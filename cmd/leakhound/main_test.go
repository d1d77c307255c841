package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// raceEnabled is set in builds with the race detector, whose memory
// overhead makes peak-RSS bounds meaningless.
var raceEnabled bool

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"leakhound": func() { os.Exit(run()) },
		"rss-of":    func() { os.Exit(rssOf()) },
	})
}

func TestScripts(t *testing.T) {
	hooksYAML, err := filepath.Abs(filepath.Join("..", "..", ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	prePush, err := filepath.Abs(filepath.Join("..", "..", "docs", "pre-push"))
	if err != nil {
		t.Fatal(err)
	}
	actionSH, err := filepath.Abs(filepath.Join("..", "..", ".ci", "action.sh"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		RequireExplicitExec: true,
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Getuid() == 0, nil
			case "race":
				return raceEnabled, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			home := env.Getenv("WORK")
			for k, v := range map[string]string{
				"HOME":                home,
				"XDG_CONFIG_HOME":     filepath.Join(home, ".config"),
				"GIT_CONFIG_NOSYSTEM": "1",
				"GIT_AUTHOR_NAME":     "Alice Author",
				"GIT_AUTHOR_EMAIL":    "alice@example.com",
				"GIT_AUTHOR_DATE":     "2026-01-02T03:04:05Z",
				"GIT_COMMITTER_NAME":  "Carol Committer",
				"GIT_COMMITTER_EMAIL": "carol@example.com",
				"GIT_COMMITTER_DATE":  "2026-01-02T03:04:05Z",
				"NO_COLOR":            "",
				"CI":                  "",
				"HOOKS_YAML":          hooksYAML,
				"PREPUSH":             prePush,
				"ACTION_SH":           actionSH,
			} {
				env.Setenv(k, v)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"expand":     cmdExpand,
			"exits":      cmdExits,
			"minified":   cmdMinified,
			"sarifvalid": cmdSARIFValid,
			"fakeapi":    cmdFakeAPI,
			"encode":     cmdEncode,
			"repeat":     cmdRepeat,
			"seam":       cmdSeam,
			"asnobody":   cmdAsNobody,
			"manyfiles":  cmdManyFiles,
			"badname":    cmdBadName,
			"mkdevice":   cmdMkdevice,
			"maxrss":     cmdMaxRSS,
			"interrupt":  cmdInterrupt,
			"junitparse": cmdJUnitParse,
			"deeptree":   cmdDeepTree,
			"archive":    cmdArchive,
			"crlf":       cmdRewrite(func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }),
			"chomp":      cmdRewrite(func(s string) string { return strings.TrimSuffix(s, "\n") }),
		},
	})
}
