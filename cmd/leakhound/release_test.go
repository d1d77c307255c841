package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The container hook, the release image and its Dockerfile must agree: the
// image pre-commit runs is one the release publishes, and it takes the
// hook's arguments in the directory pre-commit mounts, with git inside.
func TestReleaseImageServesTheDockerHook(t *testing.T) {
	hooks := readRepoFile(t, ".pre-commit-hooks.yaml")
	release := readRepoFile(t, ".goreleaser.yaml")
	dockerfile := readRepoFile(t, ".ci/release.Dockerfile")
	m := regexp.MustCompile(`(?m)^  entry: (\S+):(\S+) staged\n  language: docker_image$`).FindStringSubmatch(hooks)
	if m == nil {
		t.Fatal(".pre-commit-hooks.yaml has no docker_image hook running IMAGE:TAG staged")
	}
	image, tag := m[1], m[2]
	if !strings.Contains(release, "      - "+image+"\n") {
		t.Errorf(".goreleaser.yaml does not publish %s", image)
	}
	if !strings.Contains(release, `      - `+tag+"\n") {
		t.Errorf(".goreleaser.yaml does not tag the image %s", tag)
	}
	if !strings.Contains(release, "dockerfile: .ci/release.Dockerfile") {
		t.Error(".goreleaser.yaml does not build .ci/release.Dockerfile")
	}
	for _, want := range []string{"apk add --no-cache git", "WORKDIR /src", `ENTRYPOINT ["/usr/local/bin/leakhound"]`, "COPY $TARGETPLATFORM/leakhound /usr/local/bin/leakhound"} {
		if !strings.Contains(dockerfile, want) {
			t.Errorf(".ci/release.Dockerfile lacks %q", want)
		}
	}
}

// Every input of action.yml reaches the script, and the script reads no
// input the action does not pass.
func TestActionInputsReachTheScript(t *testing.T) {
	action := readRepoFile(t, "action.yml")
	script := readRepoFile(t, ".ci/action.sh")
	inputs := regexp.MustCompile(`(?m)^  ([a-z0-9-]+):\n    description:`).FindAllStringSubmatch(action[:strings.Index(action, "\noutputs:")], -1)
	if len(inputs) < 8 {
		t.Fatalf("found %d inputs in action.yml", len(inputs))
	}
	for _, in := range inputs {
		env := "INPUT_" + strings.ToUpper(strings.ReplaceAll(in[1], "-", "_"))
		if !strings.Contains(action, "        "+env+": ${{ inputs."+in[1]+" }}\n") {
			t.Errorf("action.yml does not pass input %s as %s", in[1], env)
		}
		if !strings.Contains(script, "${"+env) {
			t.Errorf(".ci/action.sh does not read %s", env)
		}
	}
	for _, used := range regexp.MustCompile(`\$\{(INPUT_[A-Z0-9_]+)`).FindAllStringSubmatch(script, -1) {
		if !strings.Contains(action, used[1]+": ") {
			t.Errorf(".ci/action.sh reads %s, which action.yml never sets", used[1])
		}
	}
	if strings.Contains(action, "run: ${{") || regexp.MustCompile(`run: .*\$\{\{`).MatchString(action) {
		t.Error("action.yml splices an expression into a run script; pass it through env")
	}
}
