#!/usr/bin/env bash
# Shape spaces measured as issue 18 asks: a space over the generated family (fit-space), its reconstruction of the
# first members (space --eval) beside single fields of the same shapes at the same total time (fit-many), and the
# completion of held-out members from one-view scans beside a single field on the same samples (tools/SpaceBench.java,
# pictures included).
#   tools/space-bench.sh [OUT] [SHAPES] [TIME] [SCORED] [HELD_OUT]   (default /tmp/space-bench 240 10m 40 20)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-/tmp/space-bench}; shapes=${2:-240}; time=${3:-10m}; scored=${4:-40}; held=${5:-20}
jar=${NFIELD_JAR:-$root/target/nfield.jar}
mkdir -p "$out"
[[ -f $out/shapes.space ]] || "$root/nfield" fit-space -o "$out/shapes.space" --shapes "$shapes" --time "$time" 2> "$out/fit-space.log"
"$root/nfield" space "$out/shapes.space" --eval "$scored" --res 128 --json > "$out/space-eval.json" 2> "$out/space-eval.log"
tail -1 "$out/space-eval.log"
# single fields at the space's time a shape
secs=$(python3 -c "import json,re;l=open('$out/fit-space.log').read();m=re.findall(r'steps in ([0-9.]+) s',l);print(round(float(m[-1])/$shapes,2))")
"$root/nfield" fit-many "family:0..$((scored - 1))" -o "$out/single" --time "${secs}s" --eval --eval-points 30000 --res 128 --force 2> "$out/single.log" | tail -2
tail -2 "$out/single.log"
java=$(command -v java); jsig=$(dirname "$(dirname "$(readlink -f "$java")")")/lib/libjsig.so
[[ -f $jsig ]] && export LD_PRELOAD=$jsig${LD_PRELOAD:+:$LD_PRELOAD}
java -cp "$jar" "$root/tools/SpaceBench.java" "$out/shapes.space" "$out/completion" "$held" 4 | tail -1
