#!/usr/bin/env bash
# Prints the class path of Spark as the pom names it (the provided-scope jars, resolved by Maven), for running
# `nfield fit-many --engine spark` without a Spark install:
#   NFIELD_SPARK_CLASSPATH=$(tools/spark-classpath.sh) ./nfield fit-many meshes/ -o fields/ --engine spark --master 'local[2]'
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
(cd "$root" && mvn -q -B dependency:build-classpath -DincludeScope=provided -Dmdep.outputFile="$out" >&2)
cat "$out"
