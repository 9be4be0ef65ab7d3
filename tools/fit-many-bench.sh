#!/usr/bin/env bash
# fit-many measured as issue 15 asks: the shape set of tools/ManyShapes.java (shared meshes, generated shapes, transformed
# copies) at a time budget each; prints wall time against the sum of the budgets, per-shape Chamfer/IoU (the summary), and
# the resident memory of the JVM when each shape finished (sampled every 0.5 s from /proc).
#   tools/fit-many-bench.sh [OUT] [BUDGET] [COPIES] [FIT-MANY OPTIONS...]   (default /tmp/fit-many-bench 20s 2: 24 shapes)
# e.g. NFIELD_SPARK_CLASSPATH=$(tools/spark-classpath.sh) tools/fit-many-bench.sh /tmp/fmb-spark 20s 2 --engine spark --master 'local[2]'
# (one run at a time: the memory sampler finds the JVM by its command line)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-/tmp/fit-many-bench}; budget=${2:-20s}; copies=${3:-2}; extra=("${@:4}")
jar=${NFIELD_JAR:-$root/target/nfield.jar}
rm -rf "$out"; mkdir -p "$out/shapes"
java -cp "$jar" "$root/tools/ManyShapes.java" "$out/shapes" "$copies" "$root/../shared/data/meshes"
NFIELD_JAR=$jar "$root/nfield" fit-many "$out/shapes/manifest.txt" -o "$out/fields" --time "$budget" --eval --json "${extra[@]}" \
  > >(while IFS= read -r l; do printf '%s %s\n' "$(date +%s.%N)" "$l"; done > "$out/events.log") 2> "$out/stderr.log" &
pid=$!
sleep 1
jpid=$(pgrep -P "$pid" java || pgrep -f "fit-many $out/shapes" | head -1 || true)
while kill -0 "$pid" 2>/dev/null; do
  if [[ -n $jpid && -r /proc/$jpid/status ]]; then
    printf '%s %s\n' "$(date +%s.%N)" "$(awk '/VmRSS/ {print $2}' /proc/"$jpid"/status)" >> "$out/rss.log"
  else
    jpid=$(pgrep -f "java.*fit-many" | head -1 || true)
  fi
  sleep 0.5
done
wait "$pid" || true
tail -n 40 "$out/stderr.log"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
rss = [tuple(map(float, l.split())) for l in open(out + "/rss.log") if len(l.split()) == 2]
shapes = []
for l in open(out + "/events.log"):
    t, j = l.split(" ", 1)
    e = json.loads(j)
    if e.get("event") == "shape": shapes.append((float(t), e["shape"]))
def rss_at(t):
    before = [r for (s, r) in rss if s <= t]
    return before[-1] / 1024 if before else float("nan")
peak_after = lambda t: max([r for (s, r) in rss if s >= t] or [float("nan")]) / 1024
prev = rss[0][0] if rss else 0
thirds = [[], [], []]
for i, (t, name) in enumerate(shapes):
    window = [r for (s, r) in rss if prev <= s <= t]
    peak = max(window) / 1024 if window else float("nan")
    thirds[min(2, 3 * i // len(shapes))].append(peak)
    print(f"shape {i + 1:2d} {name:40s} RSS {rss_at(t):7.0f} MB at its end, peak {peak:5.0f} MB while it ran")
    prev = t
if len(shapes) >= 3:
    print("peak RSS by thirds of the run (the same meshes in each with COPIES 2): "
          + ", ".join(f"max {max(x):.0f} / mean {sum(x) / len(x):.0f} MB" for x in thirds if x))
if len(shapes) >= 5:
    print(f"peak RSS from the 5th shape on: {peak_after(shapes[4][0]):.0f} MB; at the 5th {rss_at(shapes[4][0]):.0f} MB, at the last {rss_at(shapes[-1][0]):.0f} MB")
print(f"peak RSS overall: {max(r for _, r in rss) / 1024:.0f} MB")
PY
