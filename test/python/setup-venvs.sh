#!/usr/bin/env bash
# Create the Python test virtualenvs under <repo>/.cache/venvs/<name>.
#
#   test/python/setup-venvs.sh [name ...]     (no names: all of them but bench-*)
#
# <name> is the basename of a file test/python/requirements/<name>.txt, e.g.
# airflow-2.10.3, airflow-3.3.1, tools. Its first line declares the interpreter
# ("# setup-venvs: python=3.11", or "python=any").
#
# A venv is reused when its stamp (sha256 of the requirements file, the uv
# version, the interpreter version and $RECIPE) matches; otherwise it is built
# in a temporary directory next to it and renamed into place, so an interrupted
# build never leaves a venv that looks valid (delete a venv to force a rebuild).
# uv's download cache is uv's default (~/.cache/uv) unless UV_CACHE_DIR is set. Progress goes to stderr; stdout
# stays empty. Nothing here reads or writes an AIRFLOW_HOME.
set -euo pipefail

UV_VERSION=0.13.9
# Bump when the way venvs are built changes, so existing ones are rebuilt.
RECIPE=2

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
req_dir=$here/requirements
cache=$repo/.cache
venvs=$cache/venvs
bootstrap=$cache/uv-bootstrap

log() { printf 'setup-venvs: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# Print "<path> <X.Y.Z>" for a working python X.Y, or return 1.
probe_python() {
    local cand=$1 want=$2 out
    out=$("$cand" -I -S -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) || return 1
    [[ $out == "$want".* ]] || return 1
    printf '%s %s\n' "$cand" "$out"
}

# find_python X.Y -> "<path> <X.Y.Z>": python3.X on PATH, then pyenv installs.
find_python() {
    local want=$1 cand found
    # pyenv shims are skipped: they cost ~0.3 s each, depend on `pyenv
    # global/local`, and the versions they point into are searched below.
    if cand=$(command -v "python$want" 2>/dev/null) && [[ $cand != */.pyenv/shims/* ]] &&
        found=$(probe_python "$cand" "$want"); then
        printf '%s\n' "$found"
        return 0
    fi
    local roots=("${PYENV_ROOT:-$HOME/.pyenv}")
    [[ ${roots[0]} == /root/.pyenv ]] || roots+=(/root/.pyenv)
    local root dir
    for root in "${roots[@]}"; do
        [[ -d $root/versions ]] || continue
        # Newest patch release first.
        while IFS= read -r dir; do
            if found=$(probe_python "$dir/bin/python$want" "$want"); then
                printf '%s\n' "$found"
                return 0
            fi
        done < <(find "$root/versions" -mindepth 1 -maxdepth 1 -name "$want*" | sort -rV)
    done
    return 1
}

find_python_for() {
    local spec=$1 v
    if [[ $spec == any ]]; then
        for v in 3.12 3.11 3.13; do
            find_python "$v" && return 0
        done
        die "no python3.12/3.11/3.13 found on PATH or under ~/.pyenv/versions"
    fi
    find_python "$spec" || die "python$spec not found: put python$spec on PATH or install it under ${PYENV_ROOT:-$HOME/.pyenv}/versions/$spec.*"
}

ensure_uv() {
    local have=""
    if [[ -x $bootstrap/bin/uv ]]; then
        have=$("$bootstrap/bin/uv" --version 2>/dev/null || true)
    fi
    if [[ $have == "uv $UV_VERSION"* ]]; then
        return 0
    fi
    mkdir -p "$cache"
    local lock_fd
    exec {lock_fd}>"$cache/.uv-bootstrap.lock"
    flock "$lock_fd"
    if [[ -x $bootstrap/bin/uv && $("$bootstrap/bin/uv" --version 2>/dev/null || true) == "uv $UV_VERSION"* ]]; then
        exec {lock_fd}>&-
        return 0
    fi
    log "bootstrapping uv $UV_VERSION into ${bootstrap#"$repo"/}"
    local found py
    found=$(find_python_for any)
    py=${found%% *}
    rm -rf "$bootstrap"
    "$py" -m venv "$bootstrap" >&2
    "$bootstrap/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" >&2
    exec {lock_fd}>&-
}

# Airflow-free smoke test run inside a freshly built venv: imports must work
# without a database or config, with a throwaway AIRFLOW_HOME.
smoke_test() {
    local python=$1 name=$2 home rc=0
    [[ $name == airflow-* ]] || return 0
    home=$(mktemp -d)
    env -u AIRFLOW_CONFIG AIRFLOW_HOME="$home" AIRFLOW__CORE__LOAD_EXAMPLES=False \
        "$python" -c '
import airflow, sys
from airflow.providers.amazon.aws.operators.glue import GlueJobOperator  # noqa: F401
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor  # noqa: F401
print("setup-venvs:   airflow", airflow.__version__, file=sys.stderr)
' >&2 || rc=$?
    rm -rf "$home"
    return "$rc"
}

setup_one() {
    local name=$1
    local req=$req_dir/$name.txt
    [[ -f $req ]] || die "unknown venv '$name' (no ${req#"$repo"/})"

    local spec
    spec=$(sed -n '1s/^# setup-venvs: python=\([0-9.]*\|any\)[[:space:]]*$/\1/p' "$req")
    [[ -n $spec ]] || die "${req#"$repo"/}: first line must be '# setup-venvs: python=X.Y' (or python=any)"

    local py pyver found
    found=$(find_python_for "$spec")
    read -r py pyver <<<"$found"

    local hash stamp target=$venvs/$name
    hash=$(sha256sum "$req")
    stamp="req-sha256=${hash%% *} uv=$UV_VERSION python=$pyver recipe=$RECIPE"
    if [[ -f $target/.setup-venvs-stamp && -x $target/bin/python ]] &&
        [[ $(<"$target/.setup-venvs-stamp") == "$stamp" ]]; then
        log "$name: up to date"
        return 0
    fi

    mkdir -p "$venvs"
    # One builder per venv at a time; a second caller waits, then re-checks.
    local lock_fd
    exec {lock_fd}>"$venvs/.$name.lock"
    if ! flock -n "$lock_fd"; then
        log "$name: waiting for another setup-venvs run"
        flock "$lock_fd"
    fi
    if [[ -f $target/.setup-venvs-stamp && -x $target/bin/python ]] &&
        [[ $(<"$target/.setup-venvs-stamp") == "$stamp" ]]; then
        log "$name: up to date"
        exec {lock_fd}>&-
        return 0
    fi
    # Leftovers of interrupted runs (never valid: no stamp at the target path).
    rm -rf "$venvs/.build-$name".* "$venvs/.old-$name".*

    ensure_uv
    local uv=$bootstrap/bin/uv
    local tmp old start=$SECONDS
    tmp=$(mktemp -d "$venvs/.build-$name.XXXXXX")
    chmod 755 "$tmp"
    # Remove the half-built venv if we are interrupted or fail. The path is
    # expanded now: at exit, this function's `local tmp` is gone (set -u).
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    log "$name: building with python $pyver ($py)"
    UV_PYTHON_DOWNLOADS=never "$uv" venv --quiet --relocatable --python "$py" "$tmp" >&2
    # --compile-bytecode: .pyc files are written now, once, because test runs
    # may have PYTHONDONTWRITEBYTECODE set (this machine does) and would then
    # recompile all of Airflow on every import (~3 s per process).
    UV_PYTHON_DOWNLOADS=never "$uv" pip install --compile-bytecode \
        --python "$tmp/bin/python" -r "$req" >&2
    smoke_test "$tmp/bin/python" "$name" || die "$name: smoke test failed"
    printf '%s\n' "$stamp" >"$tmp/.setup-venvs-stamp"

    old=""
    if [[ -e $target ]]; then
        old=$(mktemp -d "$venvs/.old-$name.XXXXXX")
        mv "$target" "$old/"
    fi
    mv "$tmp" "$target"
    trap - EXIT
    [[ -z $old ]] || rm -rf "$old"
    exec {lock_fd}>&-
    log "$name: ready in $((SECONDS - start)) s (${target#"$repo"/})"
}

# Turn signals into a normal exit so the EXIT trap removes a partial build.
trap 'exit 130' INT
trap 'exit 143' TERM

main() {
    local names=("$@")
    if [[ ${#names[@]} -eq 0 ]]; then
        local f
        for f in "$req_dir"/*.txt; do
            f=${f##*/}
            # bench-* venvs are for bench/ only; build them by naming them.
            [[ $f == bench-* ]] && continue
            names+=("${f%.txt}")
        done
    fi
    local name
    for name in "${names[@]}"; do
        setup_one "$name"
    done
}

main "$@"
