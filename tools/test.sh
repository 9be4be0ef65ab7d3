#!/usr/bin/env bash
# The README's test command: installs what is missing (OpenCL ICD + PoCL, Xvfb + Mesa, glslang-tools), then runs
# every test with Maven (inside Xvfb when there is no display). OpenCL tests run on PoCL; they state an assumption and skip only where
# no OpenCL platform exists at all.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/tools/setup.sh" --tests
cd "$root"
# the viewer tests need a display: without one, run the suite inside a virtual X server
if [[ -z ${DISPLAY:-} ]] && command -v xvfb-run >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1280x1024x24" mvn -B -q -Dstyle.color=never test "$@"
fi
exec mvn -B -q -Dstyle.color=never test "$@"
