#!/usr/bin/env bash
# The GPU check, in two halves.
#
#   tools/device-check.sh [BUNDLE_DIR]     here (JDK 17 + Maven + network): builds a self-contained
#                                          bundle (default target/device-check): a jlink runtime,
#                                          nfield.jar, the parity tests with the JUnit platform, the
#                                          OpenCL ICD loader, the bunny mesh. Refuses above 60 MiB.
#                                          and packs it as BUNDLE_DIR.tar.xz (~40 MiB) to carry.
#   BUNDLE_DIR/run.sh [RESULTS_DIR]        there (a machine with a GPU and no network), from the
#                                          repository root: finds the OpenCL library and the GPU's
#                                          ICD, then runs the parity suite, `nfield bench` on
#                                          sdf-default, nerf-default and sdf-peer (with per-kernel
#                                          profiles) and a 60 s bunny fit meshed at 256^3 and scored
#                                          by `nfield eval`: one command, under 8 minutes. Every
#                                          step's log and the summary land in RESULTS_DIR
#                                          (default BUNDLE_DIR/results); big outputs are left out.
#
# NFIELD_CHECK_FIT=SECONDS changes the fit's budget (default 60); NFIELD_CHECK_DEVICE=N picks an
# OpenCL device other than the first GPU. A step that fails does not stop the others; run.sh
# exits 1 if any failed, and summary.txt says which.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/target/device-check}
data=${NFIELD_DATA:-$root/../shared/data/meshes}
limit_mib=60

cd "$root"
bash tools/setup.sh >/dev/null
echo "device-check: building nfield.jar and the test classes" >&2
mvn -q -B package -DskipTests
rm -rf "$out"
mkdir -p "$out/lib" "$out/test/lib" "$out/data"
cp target/nfield.jar "$out/"
# the test classes, without the big fixtures that the parity suite does not read
cp -r target/test-classes "$out/test/classes"
rm -rf "$out/test/classes/colmap" "$out/test/classes/fuzz"
echo "device-check: the JUnit platform" >&2
mvn -q -B dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$out/test/lib" \
  -DincludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian
platform=$(ls "$out/test/lib" | sed -n 's/^junit-platform-engine-\(.*\)\.jar$/\1/p')
[[ -n $platform ]] || { echo "device-check: junit-platform-engine not among the test dependencies" >&2; exit 1; }
[[ -f $out/test/lib/junit-platform-launcher-$platform.jar ]] ||
  mvn -q -B dependency:copy -Dartifact="org.junit.platform:junit-platform-launcher:$platform" -DoutputDirectory="$out/test/lib"
javac -nowarn -cp "$out/test/lib/*" -d "$out/test/classes" tools/DeviceParity.java
echo "device-check: a Java runtime (jlink)" >&2
modules=$(jdeps --print-module-deps --ignore-missing-deps --multi-release 17 target/nfield.jar)
jlink --add-modules "$modules,jdk.zipfs" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$out/runtime"
find "$out/runtime" -name '*.so' -exec strip --strip-unneeded {} + # the symbol tables: 4 MiB
# the ICD loader: the GPU machine may have the vendor's library but no libOpenCL.so.1
loader=$(ldconfig -p | awk '/libOpenCL\.so\.1 .*x86-64/ {print $NF; exit}')
[[ -n $loader ]] || { echo "device-check: no libOpenCL.so.1 here (apt-get install ocl-icd-libopencl1)" >&2; exit 1; }
cp "$(readlink -f "$loader")" "$out/lib/libOpenCL.so.1"
if [[ -f $data/bunny/bunny.obj ]]; then
  cp "$data/bunny/bunny.obj" "$out/data/"
else
  echo "device-check: $data/bunny/bunny.obj not found: the fit step will use shape:knot" >&2
fi
cp tools/device-run.sh "$out/run.sh"
chmod +x "$out/run.sh"
size=$(du -sm "$out" | cut -f1)
echo "device-check: packing $out.tar.xz" >&2
tar -C "$(dirname "$out")" -cJf "$out.tar.xz.tmp" "$(basename "$out")" && mv "$out.tar.xz.tmp" "$out.tar.xz"
packed=$(du -sm "$out.tar.xz" | cut -f1)
echo "device-check: bundle $out ($size MiB), packed $out.tar.xz ($packed MiB)" >&2
if ((size > limit_mib)); then
  echo "device-check: the bundle is over $limit_mib MiB" >&2
  exit 1
fi
echo "there: tar -xJf $(basename "$out").tar.xz -C /tmp && /tmp/$(basename "$out")/run.sh RESULTS_DIR" >&2
