#!/usr/bin/env bash
# The package layering of ../shared/ARCHITECTURE.md, checked on the compiled classes with jdeps:
#   cli -> pipeline -> {train, radiance, render, export, io} -> field -> {compute, data} -> {config, geom}
# An import may only point down the chain, within a package's own family (field -> field.glsl), or
# along one of the few sideways edges inside the middle layer listed below. Only cli names the
# OpenCL and reference backends (the one backend factory, the devices listing, the error it reports).
# Prints every offending edge and exits 1 if there is one. Run after `mvn compile`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
classes=${1:-$root/target/classes}
[[ -d $classes/nfield ]] || { echo "check-layers: $classes has no compiled classes; run mvn compile first" >&2; exit 2; }
jdeps -verbose:package "$classes" 2>/dev/null | awk '
  function family(p) { sub(/^nfield\./, "", p); sub(/\..*/, "", p); return p }
  function rank(f) {
    if (f == "config" || f == "geom") return 0
    if (f == "compute" || f == "data") return 1
    if (f == "field") return 2
    if (f == "train" || f == "radiance" || f == "render" || f == "export" || f == "io") return 3
    if (f == "pipeline") return 4
    if (f == "cli") return 5
    return -1
  }
  BEGIN {
    # sideways edges in the middle layer: objectives march rays, renderers draw radiance fields and
    # read field files, exports read field files, the web page export bakes and traces as the renderer does
    side["train radiance"] = 1; side["render radiance"] = 1; side["render io"] = 1; side["export io"] = 1; side["export render"] = 1
  }
  $2 == "->" && $1 ~ /^nfield/ && $3 ~ /^nfield/ {
    a = $1; b = $3; fa = family(a); fb = family(b)
    if (a == b) next
    edges++
    bad = ""
    if (rank(fa) < 0 || rank(fb) < 0) bad = "a package outside the layering"
    else if ((b ~ /^nfield\.compute\.(opencl|ref)$/) && fa != "compute" && fa != "cli") bad = "only cli names a backend implementation"
    else if (fa == fb) bad = ""
    else if (rank(fb) > rank(fa)) bad = "points up the layers"
    else if (rank(fb) == rank(fa) && !((fa " " fb) in side)) bad = "sideways, not an allowed edge"
    if (bad != "") { printf "check-layers: %s -> %s: %s\n", a, b, bad; n++ }
  }
  END {
    if (n > 0) { printf "check-layers: %d of %d package edges break the layering\n", n, edges; exit 1 }
    printf "check-layers: %d package edges, all along cli -> pipeline -> {train, radiance, render, export, io} -> field -> {compute, data} -> {config, geom}\n", edges
  }'
