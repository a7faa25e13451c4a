#!/usr/bin/env bash
# Copies the jars the Spark fixtures need from Maven Central into .cache/spark-jars, once:
# Delta Lake 3.3.0 for Spark 3.5 (what AWS Glue 5 runs) and Iceberg's Spark runtime 1.9.2 (the
# Iceberg release XTable 0.4.0 writes with), to read the Iceberg side back with Spark; and, in its
# own subfolder hudi/ (only the Hudi read-back session loads it), Hudi's Spark 3.5 bundle 0.15.0 to
# read the Hudi side back (0.15.0 is the first Hudi release for Spark 3.5; XTable writes Hudi with
# 0.14.0's Java client, the same table version 6). Uses the project's Maven repository
# (.cache/m2). Prints the jars' folder.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$repo/.cache/spark-jars
ARTIFACTS=(
    io.delta:delta-spark_2.12:3.3.0
    io.delta:delta-storage:3.3.0
    org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.9.2
)
HUDI_ARTIFACTS=(
    org.apache.hudi:hudi-spark3.5-bundle_2.12:0.15.0
)
stamp=$out/.artifacts
if [[ -f $stamp && $(<"$stamp") == "${ARTIFACTS[*]} ${HUDI_ARTIFACTS[*]}" ]]; then
    printf '%s\n' "$out"
    exit 0
fi
rm -rf "$out"
mkdir -p "$out/hudi"
copy() { # artifact folder
    if ! mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$repo/.cache/m2" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        -Dartifact="$1" -DoutputDirectory="$2" >"$out/.mvn.log" 2>&1; then
        echo "setup-spark-jars: cannot fetch $1; see $out/.mvn.log" >&2
        exit 1
    fi
}
for artifact in "${ARTIFACTS[@]}"; do copy "$artifact" "$out"; done
for artifact in "${HUDI_ARTIFACTS[@]}"; do copy "$artifact" "$out/hudi"; done
printf '%s\n' "${ARTIFACTS[*]} ${HUDI_ARTIFACTS[*]}" >"$stamp"
printf '%s\n' "$out"
