#!/usr/bin/env bash
# The README's test command: installs what is missing (OpenCL ICD + PoCL, Xvfb + Mesa), then runs
# every test with Maven. OpenCL tests run on PoCL; they state an assumption and skip only where
# no OpenCL platform exists at all.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/tools/setup.sh" --tests
cd "$root"
exec mvn -B -q -Dstyle.color=never test "$@"
