#!/usr/bin/env bash
# Copies the jars the Spark fixtures need from Maven Central into .cache/spark-jars, once:
# Delta Lake 3.3.0 for Spark 3.5 (what AWS Glue 5 runs) and Iceberg's Spark runtime 1.9.2 (the
# Iceberg release XTable 0.4.0 writes with), to read the Iceberg side back with Spark. Uses the
# project's Maven repository (.cache/m2). Prints the jars' folder.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$repo/.cache/spark-jars
ARTIFACTS=(
    io.delta:delta-spark_2.12:3.3.0
    io.delta:delta-storage:3.3.0
    org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.9.2
)
stamp=$out/.artifacts
if [[ -f $stamp && $(<"$stamp") == "${ARTIFACTS[*]}" ]]; then
    printf '%s\n' "$out"
    exit 0
fi
rm -rf "$out"
mkdir -p "$out"
for artifact in "${ARTIFACTS[@]}"; do
    if ! mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$repo/.cache/m2" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        -Dartifact="$artifact" -DoutputDirectory="$out" >"$out/.mvn.log" 2>&1; then
        echo "setup-spark-jars: cannot fetch $artifact; see $out/.mvn.log" >&2
        exit 1
    fi
done
printf '%s\n' "${ARTIFACTS[*]}" >"$stamp"
printf '%s\n' "$out"
