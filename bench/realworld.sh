#!/usr/bin/env bash
# Audit real repositories: `leakhound history` against the floor of reading
# every object with git itself (git cat-file --batch-all-objects --batch),
# measured in the same run, and `leakhound scan` of the checked-out tree;
# gitleaks too when it is on PATH.
#
# Usage: bench/realworld.sh REPO...
#   REPO is a clone with a work tree, or a bare repository (a mirror), which
#   is first cloned with `git clone --no-local` into bench/out/realworld/
#   (objects copied as they are, not repacked).
#   RUNS=N   timed runs per command, the median is reported (default 3)
#   TSV=FILE also write the rows as tab-separated values
#
# Prints one Markdown row per repository: name, HEAD commit, commits, blobs,
# findings (history, tree), times, the ratio to the floor and peak RSS. Every
# finding is listed below the table (redacted) to be judged by hand.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
mkdir -p "$out/realworld"
bin=$out/leakhound
(cd "$root" && go build -o "$bin" ./cmd/leakhound && go build -o "$out/timeit" ./bench/timeit)
runs=${RUNS:-3}
have_gitleaks=
command -v gitleaks > /dev/null && have_gitleaks=1

# measured DIR CMD...: prints "SECONDS PEAK_KIB", the median wall time of
# RUNS runs in DIR (to the millisecond) and the median of their peak RSS
measured() {
  local dir=$1
  shift
  "$out/timeit" -runs "$runs" -rss -dir "$dir" -- "$@" | awk '{ printf "%.3f %d\n", $1 / 1000, $2 }'
}

# timed CMD...: prints "SECONDS PEAK_KIB" for one run (exit status ignored)
timed() {
  /usr/bin/time -f "%e %M" -o "$out/realworld/time" "$@" > /dev/null 2>&1 || true
  tail -1 "$out/realworld/time"
}

# clone_of PATH: a clone with a work tree for PATH
clone_of() {
  local src=$1 name
  if [ "$(git -C "$src" rev-parse --is-bare-repository)" = true ]; then
    name=$(basename "$(dirname "$src")")
    [ "$(basename "$src")" = repo ] || name=$(basename "$src" .git)
    if [ ! -d "$out/realworld/$name" ]; then
      if ! git clone -q --no-local "$src" "$out/realworld/$name.tmp" >&2; then
        rm -rf "$out/realworld/$name.tmp"
        return 1
      fi
      mv "$out/realworld/$name.tmp" "$out/realworld/$name"
      # every ref the mirror had, as local refs, so history sees them all
      git -C "$out/realworld/$name" fetch -q origin '+refs/heads/*:refs/remotes/origin/*' '+refs/tags/*:refs/tags/*' >&2 || true
    fi
    echo "$out/realworld/$name"
  else
    (cd "$src" && pwd)
  fi
}

header="| repository | commit | commits | blobs | history findings | tree findings | cat-file floor | history | ratio | peak RSS | scan (tree) |"
rule="|---|---|---|---|---|---|---|---|---|---|---|"
if [ -n "$have_gitleaks" ]; then
  header="$header gitleaks git | gitleaks peak RSS | gitleaks findings |"
  rule="$rule---|---|---|"
fi
echo "$header"
echo "$rule"
: > "$out/realworld/findings.txt"
[ -z "${TSV:-}" ] || : > "$TSV"
for arg in "$@"; do
  if ! repo=$(clone_of "$arg"); then
    echo "$arg: cannot be cloned (damaged or incomplete); skipped" >&2
    continue
  fi
  name=$(basename "$repo")
  label=${name/+//}
  head=$(git -C "$repo" rev-parse --short=12 HEAD)
  commits=$(git -C "$repo" rev-list --all --count)
  blobs=$(git -C "$repo" cat-file --batch-all-objects --batch-check | awk '$2=="blob"' | wc -l)
  floor=$(measured "$repo" sh -c "git cat-file --batch-all-objects --batch | cat > /dev/null")
  floor=${floor% *}
  hist=$(measured "$repo" "$bin" history --quiet --format jsonl --output "$out/realworld/$name.history.jsonl")
  tree=$(measured "$repo" "$bin" scan --quiet --format jsonl --output "$out/realworld/$name.scan.jsonl" .)
  hfound=$(grep -c '^{' "$out/realworld/$name.history.jsonl" || true)
  tfound=$(grep -c '^{' "$out/realworld/$name.scan.jsonl" || true)
  hsecs=${hist% *}
  hrss=${hist#* }
  ratio=$(awk -v a="$hsecs" -v b="$floor" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
  row="| $label | $head | $commits | $blobs | $hfound | $tfound | ${floor}s | ${hsecs}s | $ratio | $((hrss / 1024)) MiB | ${tree% *}s |"
  if [ -n "$have_gitleaks" ]; then
    gl=$( (cd "$repo" && timed gitleaks git --no-banner --redact --report-format json --report-path "$out/realworld/$name.gitleaks.json" .) )
    gfound=$(grep -c '"RuleID"' "$out/realworld/$name.gitleaks.json" || true)
    row="$row ${gl% *}s | $((${gl#* } / 1024)) MiB | $gfound |"
  fi
  echo "$row"
  [ -z "${TSV:-}" ] || printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$head" "$commits" "$blobs" "$hfound" "$tfound" "$floor" "$hsecs" "$hrss" "${tree% *}" >> "$TSV"
  for kind in history scan; do
    jq -r --arg repo "$name" --arg kind "$kind" \
      '"\($repo) \($kind) \(.rule) \(.commit // "-" | .[0:12]) \(.path):\(.line) \(.secret)"' \
      "$out/realworld/$name.$kind.jsonl" >> "$out/realworld/findings.txt"
  done
done
echo
echo "findings (redacted), one per line: repository, history|scan, rule, commit, path:line, secret"
cat "$out/realworld/findings.txt"
