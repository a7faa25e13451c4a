#!/usr/bin/env bash
# Builds the pipegen XTable runner with Maven, or does nothing when the artifact is newer than
# pom.xml and everything under src/. The artifact is the folder jars/target/lib/: the launcher jar
# pipegen-xtable.jar beside every jar it needs. Prints the launcher jar's path on stdout
# (its folder is what to deploy); Maven's own output goes to stderr.
#
# Environment:
#   PIPEGEN_MAVEN_REPO  local Maven repository (default: <repo>/.cache/m2, gitignored; cache it in CI)
#   PIPEGEN_FORCE_BUILD=1  rebuild even when the artifact looks fresh
# Exit codes: 0 built or fresh, 1 build failed, 3 the XTable release could not be resolved
# from the configured Maven repositories (see jars/README.md).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$here/.." && pwd)
jar="$here/target/lib/pipegen-xtable.jar"
maven_repo=${PIPEGEN_MAVEN_REPO:-$repo_root/.cache/m2}

fresh() {
  [[ -f "$jar" ]] || return 1
  [[ -z "$(find "$here/pom.xml" "$here/src" -newer "$jar" -print -quit)" ]]
}

if [[ "${PIPEGEN_FORCE_BUILD:-0}" != 1 ]] && fresh; then
  printf '%s\n' "$jar"
  exit 0
fi

for tool in mvn javac; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "jars/build.sh: '$tool' not found; building the XTable runner needs Maven 3.6.3+ and a JDK 11+." >&2
    exit 1
  fi
done

# Start from an empty target/ so that lib/ never keeps jars of an older dependency set.
rm -rf "$here/target"
mkdir -p "$here/target"
log="$here/target/build.log"
echo "jars/build.sh: building the XTable runner (log: $log)" >&2
# -U: retry artifacts whose earlier "not found" Maven cached in the local repository.
if ! mvn -B -q -U -Dstyle.color=never -f "$here/pom.xml" -Dmaven.repo.local="$maven_repo" \
  package >"$log" 2>&1; then
  if grep -q "org.apache.xtable:xtable-[a-z0-9_.-]*:jar" "$log"; then
    {
      echo "jars/build.sh: the Apache XTable release pinned in jars/pom.xml could not be resolved:"
      grep -m 3 -E "\[ERROR\].*org.apache.xtable" "$log" | sed 's/^.*\[ERROR\] *//' | cut -c1-400 || true
      echo "Check that the Maven repositories this machine reaches serve org.apache.xtable (see jars/README.md)."
    } >&2
    exit 3
  fi
  echo "jars/build.sh: Maven build failed; last lines of $log:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
printf '%s\n' "$jar"
