#!/usr/bin/env bash
# Builds the Go tools the tests use into .cache/bin, from the Go module proxy,
# once: a tool is rebuilt only when its pinned version changes. Module and
# build caches stay under .cache/go (git-ignored; cache it in CI).
#
#   test/tools/setup-go-tools.sh
#
# actionlint: checks the GitHub Actions workflow that `pipegen init` writes.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=$repo/.cache/bin
TOOLS=("github.com/rhysd/actionlint/cmd/actionlint@v1.7.12")

log() { printf 'setup-go-tools: %s\n' "$*" >&2; }

if ! command -v go >/dev/null; then
    log "go is not on PATH; install Go (https://go.dev/dl/) to build the test tools"
    exit 1
fi
mkdir -p "$bin"
for tool in "${TOOLS[@]}"; do
    name=$(basename "${tool%@*}")
    stamp=$bin/.$name.version
    if [[ -x $bin/$name && -f $stamp && $(<"$stamp") == "$tool" ]]; then
        log "$name: up to date"
        continue
    fi
    log "$name: building $tool"
    GOBIN=$bin GOPATH=$repo/.cache/go GOMODCACHE=$repo/.cache/go/mod GOCACHE=$repo/.cache/go/build GOFLAGS="-mod=mod -modcacherw" \
        go install "$tool"
    printf '%s\n' "$tool" >"$stamp"
done
