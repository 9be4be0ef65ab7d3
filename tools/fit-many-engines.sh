#!/usr/bin/env bash
# The local and the Spark engine on the same shapes and step budget (issue 15): wall times, their ratio, and how many
# fields are the same bytes. Spark's jars come from NFIELD_SPARK_CLASSPATH (default: tools/spark-classpath.sh).
#   tools/fit-many-engines.sh [OUT] [STEPS] [COPIES] [MASTER]     (default /tmp/fit-many-engines 300 2 local[2])
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-/tmp/fit-many-engines}; steps=${2:-300}; copies=${3:-2}; master=${4:-local[2]}
export NFIELD_JAR=${NFIELD_JAR:-$root/target/nfield.jar}
rm -rf "$out"; mkdir -p "$out"
java -cp "$NFIELD_JAR" "$root/tools/ManyShapes.java" "$out/shapes" "$copies" "$root/../shared/data/meshes"
t0=$(date +%s.%N)
NFIELD_SPARK_CLASSPATH= "$root/nfield" fit-many "$out/shapes/manifest.txt" -o "$out/local" --steps "$steps" 2> "$out/local.err" || true
t1=$(date +%s.%N)
NFIELD_SPARK_CLASSPATH=${NFIELD_SPARK_CLASSPATH:-$("$root/tools/spark-classpath.sh" 2>/dev/null)} \
  "$root/nfield" fit-many "$out/shapes/manifest.txt" -o "$out/spark" --steps "$steps" --engine spark --master "$master" 2> "$out/spark.err" || true
t2=$(date +%s.%N)
tail -n 1 "$out/local.err"; tail -n 1 "$out/spark.err"
echo "spark driver log: $(grep -c '^spark: ' "$out/spark.err") lines from Spark"
same=0 differ=0
for f in "$out"/local/*.nfield; do
  if cmp -s "$f" "$out/spark/$(basename "$f")"; then same=$((same + 1)); else differ=$((differ + 1)); echo "differs: $(basename "$f")"; fi
done
python3 -c "
l, s = $t1 - $t0, $t2 - $t1
print(f'wall: local {l:.1f} s, spark {s:.1f} s, spark / local = {s / l:.3f}')"
echo "fields: $same the same bytes, $differ different"
