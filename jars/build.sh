#!/usr/bin/env bash
# Builds the pipegen XTable runner: the folder jars/target/lib/ (the launcher jar pipegen-xtable.jar
# beside every jar it needs). Prints the launcher jar's path on stdout; progress goes to stderr and
# Maven's own output to log files (named on failure).
#
#   jars/build.sh                 build what is stale, print the launcher jar's path
#   jars/build.sh xtable-jars DIR build the XTable jars from source once more, into DIR only
#                                 (nothing installed; for the reproducibility test)
#
# Apache XTable (org.apache.xtable:*:0.4.0-incubating) comes from the first of:
#   1. the local Maven repository, when an earlier run put it there;
#   2. the Maven repositories this machine is configured for (mvn dependency:get);
#   3. the XTable source release at $PIPEGEN_XTABLE_SOURCE, checked against the SHA-512 pinned in
#      jars/xtable-source.sha512 before anything is unpacked, then built and installed into the
#      local Maven repository (see jars/README.md, "XTable from source").
#
# Both builds are cached by the hash of their inputs: a second run with nothing changed runs no
# Maven at all.
#
# Environment:
#   PIPEGEN_CACHE_DIR       cache folder: the XTable source build, locks, the Maven repository
#                           (default <repo>/.cache, gitignored; an installed pipegen points it at its cache)
#   PIPEGEN_MAVEN_REPO      local Maven repository (default $PIPEGEN_CACHE_DIR/m2)
#   PIPEGEN_XTABLE_SOURCE   apache-xtable-0.4.0-incubating-rc2-src.tar.gz, when Maven does not serve XTable
#   PIPEGEN_RUNNER_DIR      build directory of the runner (default jars/target; the runner is its lib/)
#   PIPEGEN_FORCE_BUILD=1   rebuild the runner even when its inputs are unchanged
# Exit codes: 0 built or fresh; 1 a build failed or a tool is missing; 3 XTable is neither served
# by Maven nor given as source; 4 the source tarball does not match the pinned SHA-512.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$here/.." && pwd)
cache=${PIPEGEN_CACHE_DIR:-$repo_root/.cache}
maven_repo=${PIPEGEN_MAVEN_REPO:-$cache/m2}
runner_dir=${PIPEGEN_RUNNER_DIR:-$here/target}
jar=$runner_dir/lib/pipegen-xtable.jar

XTABLE_VERSION=0.4.0-incubating
XTABLE_TARBALL=apache-xtable-0.4.0-incubating-rc2-src.tar.gz
XTABLE_TOP=apache-xtable-0.4.0-incubating
# The modules the runner links against: xtable-core_2.12 and what it depends on.
XTABLE_MODULES=(xtable-api xtable-hudi-support/xtable-hudi-support-utils xtable-core)
# Bump when the way XTable is built from source changes: an earlier build is then redone.
XTABLE_RECIPE=1
xtable_dir=$maven_repo/org/apache/xtable
xtable_core_jar=$xtable_dir/xtable-core_2.12/$XTABLE_VERSION/xtable-core_2.12-$XTABLE_VERSION.jar
source_stamp=$xtable_dir/.pipegen-built-from-source

log() { printf 'jars/build.sh: %s\n' "$*" >&2; }
die() {
  log "$1"
  exit "${2:-1}"
}

for tool in mvn javac sha256sum sha512sum tar flock; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "'$tool' not found; building the XTable runner needs Maven 3.6.3+, a JDK 11+ and coreutils."
done

mvn_quiet() { mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$maven_repo" "$@"; }

pinned_sha512() { cut -d' ' -f1 "$here/xtable-source.sha512"; }

# What the source build produced: the pinned tarball's hash and this script's recipe.
source_stamp_value() { printf 'sha512=%s recipe=%s\n' "$(pinned_sha512)" "$XTABLE_RECIPE"; }

# Checks $PIPEGEN_XTABLE_SOURCE against the pin; prints the tarball's absolute path.
checked_source() {
  local src=${PIPEGEN_XTABLE_SOURCE:-}
  if [[ -z $src ]]; then
    die "Apache XTable $XTABLE_VERSION is not served by the Maven repositories this machine reaches, and PIPEGEN_XTABLE_SOURCE is not set. Set it to the XTable source release $XTABLE_TARBALL (the Apache release archive, or 'git archive --prefix=$XTABLE_TOP/' of the tag 0.4.0-incubating-rc2; its SHA-512 is pinned in jars/xtable-source.sha512); jars/build.sh then builds XTable from it." 3
  fi
  [[ -f $src && -r $src ]] || die "PIPEGEN_XTABLE_SOURCE is $src, which is not a readable file." 3
  local got want
  got=$(sha512sum <"$src" | cut -d' ' -f1)
  want=$(pinned_sha512)
  [[ $got == "$want" ]] ||
    die "PIPEGEN_XTABLE_SOURCE $src does not match the SHA-512 pinned in jars/xtable-source.sha512 (expected $want, got $got); nothing was unpacked. Use the XTable $XTABLE_VERSION source release $XTABLE_TARBALL." 4
  (cd -- "$(dirname -- "$src")" && printf '%s/%s\n' "$(pwd)" "$(basename -- "$src")")
}

# Drops the test-scoped <dependency> blocks of a module POM (outside <dependencyManagement>): Maven
# resolves test scope even with -Dmaven.test.skip=true, and some of them are not served.
drop_test_dependencies() {
  local pom=$1
  awk '
    /<dependencyManagement>/ { managed = 1 }
    /<\/dependencyManagement>/ { managed = 0 }
    !managed && /^[[:space:]]*<dependency>[[:space:]]*$/ { held = $0 "\n"; holding = 1; test = 0; next }
    holding {
      held = held $0 "\n"
      if ($0 ~ /<scope>test<\/scope>/) test = 1
      if ($0 ~ /<\/dependency>/) { if (!test) printf "%s", held; holding = 0 }
      next
    }
    { print }
  ' "$pom" >"$pom.tmp"
  mv "$pom.tmp" "$pom"
}

# Unpacks the checked tarball into a new folder under .cache/xtable-build and applies the fixes
# (jars/README.md); prints the source tree's path. Only that folder is written.
unpack_source() {
  local tarball=$1 work tree pom
  mkdir -p "$cache/xtable-build"
  work=$(mktemp -d "$cache/xtable-build/src.XXXXXX")
  tar -xzf "$tarball" -C "$work"
  tree=$work/$XTABLE_TOP
  [[ -f $tree/pom.xml ]] || die "$tarball has no $XTABLE_TOP/pom.xml."
  # Fix 1: Maven 3.8 cannot parse .mvn/maven.config (license comments); it only sets a Quarkus option.
  rm -f "$tree/.mvn/maven.config"
  # Fix 3: test-scoped dependencies that are not served (fix 2, delombok, is a flag below).
  for pom in "${XTABLE_MODULES[@]/%//pom.xml}" xtable-hudi-support/pom.xml; do
    drop_test_dependencies "$tree/$pom"
  done
  printf '%s\n' "$tree"
}

# mvn over the source tree: the modules the runner needs, no tests, no delombok (fix 2: it crashes
# on JDK 17; Lombok's annotation processor still runs), no checks that need the full git tree.
mvn_xtable() {
  local tree=$1 log=$2
  shift 2
  local modules
  modules=$(
    IFS=,
    echo "${XTABLE_MODULES[*]}"
  )
  mvn_quiet -f "$tree/pom.xml" -pl "$modules" -am \
    -Dmaven.test.skip=true -Dlombok.delombok.skip=true -Dspotless.check.skip=true -Drat.skip=true \
    -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -Dmaven.build.cache.enabled=false \
    "$@" >"$log" 2>&1
}

build_xtable_from_source() {
  local tarball tree log start=$SECONDS
  tarball=$(checked_source)
  log "building Apache XTable $XTABLE_VERSION from $tarball into $maven_repo"
  tree=$(unpack_source "$tarball")
  log=$cache/xtable-build/install.log
  if ! mvn_xtable "$tree" "$log" install; then
    log "the XTable build failed; last lines of $log:"
    tail -n 40 "$log" >&2
    exit 1
  fi
  source_stamp_value >"$source_stamp"
  rm -rf "$(dirname -- "$tree")"
  log "XTable built and installed in $((SECONDS - start)) s"
}

ensure_xtable() {
  if [[ -f $xtable_core_jar ]]; then
    # From Maven (no stamp), or from the pinned source by the current recipe.
    [[ ! -f $source_stamp || $(<"$source_stamp") == "$(source_stamp_value)" ]] && return 0
    log "the XTable in $maven_repo was built from other source or by another recipe; rebuilding it"
  elif mvn_quiet -U org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
    -Dartifact="org.apache.xtable:xtable-core_2.12:$XTABLE_VERSION" >"$cache/xtable-build-get.log" 2>&1; then
    log "Apache XTable $XTABLE_VERSION comes from the configured Maven repositories"
    rm -f "$source_stamp"
    return 0
  else
    log "Apache XTable $XTABLE_VERSION is not served by the configured Maven repositories"
  fi
  build_xtable_from_source
}

# The runner's inputs: this script, the POM, the sources, the XTable jars it links and the JDK.
runner_inputs_hash() {
  {
    java -version 2>&1
    (cd "$here" && find build.sh pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    find "$xtable_dir" -name '*.jar' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sed "s|$xtable_dir||"
  } | sha256sum | cut -d' ' -f1
}

build_runner() {
  local stamp=$runner_dir/inputs.sha256 inputs log start=$SECONDS
  inputs=$(runner_inputs_hash)
  if [[ ${PIPEGEN_FORCE_BUILD:-0} != 1 && -f $jar && -f $stamp && $(<"$stamp") == "$inputs" ]]; then
    return 0
  fi
  # Start from an empty build directory so that lib/ never keeps jars of an older dependency set.
  rm -rf "$runner_dir"
  mkdir -p "$runner_dir"
  log=$runner_dir/build.log
  log "building the XTable runner into $runner_dir/lib"
  if ! mvn_quiet -f "$here/pom.xml" -Dpipegen.build.directory="$runner_dir" package >"$log" 2>&1; then
    log "the runner's Maven build failed; last lines of $log:"
    tail -n 40 "$log" >&2
    exit 1
  fi
  printf '%s\n' "$inputs" >"$stamp"
  log "runner built in $((SECONDS - start)) s"
}

# `xtable-jars DIR`: the XTable jars built once more from the pinned source, offline, into DIR.
rebuild_xtable_jars() {
  local out=$1 tarball tree module
  tarball=$(checked_source)
  tree=$(unpack_source "$tarball")
  if ! mvn_xtable "$tree" "$cache/xtable-build/rebuild.log" -o package; then
    tail -n 40 "$cache/xtable-build/rebuild.log" >&2
    die "the XTable rebuild failed (log: $cache/xtable-build/rebuild.log)"
  fi
  mkdir -p "$out"
  for module in "${XTABLE_MODULES[@]}"; do
    cp "$tree/$module"/target/xtable-*-"$XTABLE_VERSION".jar "$out/"
  done
  rm -rf "$(dirname -- "$tree")"
}

mkdir -p "$cache" "$maven_repo"
# One build at a time per Maven repository (test workers may call this together).
exec {lock}>"$cache/.jars-build.lock"
flock "$lock"

case ${1:-} in
  "")
    ensure_xtable
    build_runner
    printf '%s\n' "$jar"
    ;;
  xtable-jars)
    [[ -n ${2:-} ]] || die "usage: jars/build.sh xtable-jars <dir>"
    [[ -f $xtable_core_jar ]] || die "build the runner first: XTable is not in $maven_repo yet."
    rebuild_xtable_jars "$2"
    ;;
  *) die "unknown command '$1' (usage: jars/build.sh [xtable-jars <dir>])" ;;
esac
