#!/usr/bin/env bash
# The shell steps of leakhound's GitHub Action (action.yml at the repository
# root), kept here so they can be run and tested outside GitHub.
#
#   action.sh install   download the release archive for this runner, check its
#                       SHA-256 against the release's checksums.txt (and against
#                       INPUT_SHA256 when pinned), unpack it, put it on PATH
#   action.sh scan      run `leakhound ci` with the action's inputs, write the
#                       report, the SARIF file and the job summary
#
# Inputs arrive as environment variables (INPUT_VERSION, INPUT_RELEASE_URL,
# INPUT_SHA256, INPUT_ARGS, INPUT_FORMAT, INPUT_FAIL_ON, INPUT_CONFIG,
# INPUT_SARIF), never spliced into the script text, so a value cannot run
# code. Outputs go to $GITHUB_OUTPUT, the summary to $GITHUB_STEP_SUMMARY.
# It runs on bash 3.2 (macOS runners) as well as 5.
set -euo pipefail

die() {
  echo "::error title=leakhound action::$*" >&2
  exit 2
}

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}

# platform prints the release's name for this runner: OS_ARCH.
platform() {
  local os arch
  case "${RUNNER_OS:-$(uname -s)}" in
    Linux) os=linux ;;
    macOS | Darwin) os=darwin ;;
    Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
    *) die "no leakhound release for the runner OS ${RUNNER_OS:-$(uname -s)} (linux, macOS and Windows are released)" ;;
  esac
  case "${RUNNER_ARCH:-$(uname -m)}" in
    X64 | x86_64 | amd64) arch=amd64 ;;
    ARM64 | aarch64 | arm64) arch=arm64 ;;
    *) die "no leakhound release for the runner architecture ${RUNNER_ARCH:-$(uname -m)} (amd64 and arm64 are released)" ;;
  esac
  echo "${os}_${arch}"
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

fetch() { # URL FILE
  curl --fail --silent --show-error --location --retry 3 \
    --proto '=https,file' --proto-redir '=https' --output "$2" "$1" ||
    die "could not download $1"
}

install() {
  local version="${INPUT_VERSION:-latest}" base="${INPUT_RELEASE_URL:-https://github.com/leakhound/leakhound/releases}"
  base="${base%/}"
  case "$base" in
    https://* | file://*) ;;
    *) die "release-url must be an https:// (or file://) URL, not $base" ;;
  esac
  local dir
  if [ "$version" = latest ]; then
    dir="$base/latest/download"
  elif [[ "$version" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
    version="v${version#v}"
    dir="$base/download/$version"
  else
    die "version must be latest or a release such as v1.2.3, not $version"
  fi
  local plat ext=tar.gz exe=leakhound
  plat="$(platform)"
  case "$plat" in windows_*) ext=zip exe=leakhound.exe ;; esac
  local asset="leakhound_${plat}.${ext}"
  local work="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/leakhound-install"
  rm -rf "$work" && mkdir -p "$work/bin"
  fetch "$dir/checksums.txt" "$work/checksums.txt"
  fetch "$dir/$asset" "$work/$asset"
  local want got
  want="$(awk -v a="$asset" '$2 == a || $2 == "*" a { print $1; exit }' "$work/checksums.txt")"
  [ -n "$want" ] || die "checksums.txt of release $version lists no $asset"
  got="$(sha256 "$work/$asset")"
  [ "$got" = "$want" ] || die "SHA-256 mismatch for $asset: checksums.txt says $want, the download is $got; not installed"
  if [ -n "${INPUT_SHA256:-}" ] && [ "$got" != "$(printf %s "$INPUT_SHA256" | tr A-F a-f)" ]; then
    die "SHA-256 mismatch for $asset: the workflow pins ${INPUT_SHA256}, the download is $got; not installed"
  fi
  case "$ext" in
    tar.gz) tar -xzf "$work/$asset" -C "$work/bin" "$exe" ;;
    zip) if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "$work/$asset" "$exe" -d "$work/bin"
      else
        powershell -NoProfile -Command "Expand-Archive -Force -LiteralPath '$work/$asset' -DestinationPath '$work/bin'"
      fi ;;
  esac
  [ -f "$work/bin/$exe" ] || die "$asset holds no $exe"
  chmod +x "$work/bin/$exe"
  "$work/bin/$exe" version
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$work/bin" >>"$GITHUB_PATH"
  fi
  output bin "$work/bin/$exe"
  output sha256 "$got"
}

scan() {
  local bin="${LEAKHOUND_BIN:-leakhound}" format="${INPUT_FORMAT:-sarif}"
  local out="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/leakhound"
  mkdir -p "$out"
  local ext="$format"
  case "$format" in text) ext=txt ;; junit) ext=xml ;; markdown) ext=md ;; esac
  local report="$out/leakhound.$ext" sarif=""
  local -a cmd=("$bin" ci --format "$format" --output "$report")
  case "${INPUT_SARIF:-true}" in
    true)
      sarif="$out/leakhound.sarif"
      [ "$format" = sarif ] || cmd+=(--write "sarif=$sarif") ;;
    false) ;;
    *) die "sarif must be true or false, not ${INPUT_SARIF}" ;;
  esac
  case "${INPUT_FAIL_ON:-any}" in
    any) ;;
    live) cmd+=(--fail-on live --verify) ;;
    *) die "fail-on must be any or live, not ${INPUT_FAIL_ON}" ;;
  esac
  [ -z "${INPUT_CONFIG:-}" ] || cmd+=(--config "$INPUT_CONFIG")
  [ -z "${GITHUB_STEP_SUMMARY:-}" ] || cmd+=(--summary "$GITHUB_STEP_SUMMARY")
  local -a extra=()
  # whitespace-separated, no quoting and no expansion
  read -r -a extra <<<"${INPUT_ARGS:-}"
  cmd+=(${extra[@]+"${extra[@]}"}) # bash 3.2 (macOS) calls an empty array unset
  local rc=0
  "${cmd[@]}" || rc=$?
  output exit-code "$rc"
  output report "$report"
  [ ! -f "${sarif:-/nonexistent}" ] || output sarif "$sarif"
  case "$rc" in
    0) ;;
    1) echo "::error title=leakhound::secrets found; see the annotations and the job summary" >&2 ;;
    *) echo "::error title=leakhound::the scan did not complete (exit code $rc); see the log" >&2 ;;
  esac
  return "$rc"
}

case "${1:-}" in
  install) install ;;
  scan) scan ;;
  *) echo "usage: action.sh install|scan" >&2; exit 2 ;;
esac
