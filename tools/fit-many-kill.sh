#!/usr/bin/env bash
# fit-many killed with SIGKILL halfway, then run again (issue 15): the second run must fit only the shapes the first did
# not finish, and leave the finished fields as they were (same bytes) and no temp files.
#   tools/fit-many-kill.sh [OUT] [BUDGET] [KILL_AFTER_S]      (default /tmp/fit-many-kill 10s 60)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-/tmp/fit-many-kill}; budget=${2:-10s}; after=${3:-60}
export NFIELD_JAR=${NFIELD_JAR:-$root/target/nfield.jar}
rm -rf "$out"; mkdir -p "$out"
java -cp "$NFIELD_JAR" "$root/tools/ManyShapes.java" "$out/shapes" 1 "$root/../shared/data/meshes"
run() { "$root/nfield" fit-many "$out/shapes/manifest.txt" -o "$out/fields" --time "$budget" --json 2> "$out/$1.err" > "$out/$1.json"; }
run first & pid=$!
sleep "$after"
jpid=$(pgrep -f "java.*fit-many $out/shapes" | head -1)
kill -9 "$jpid"; wait "$pid" || true
done1=$(grep -c '"event":"shape"' "$out/first.json" || true)
(cd "$out/fields" && sha256sum ./*.nfield > ../before.sha) || true
echo "killed after ${after}s: $done1 shapes recorded; on disk: $(ls "$out/fields" | tr '\n' ' ')"
run second || true
echo "second run: $(tail -n 1 "$out/second.err")"
(cd "$out/fields" && sha256sum -c ../before.sha --quiet && echo "the fields the first run finished are unchanged") || echo "CHANGED"
ls -a "$out/fields" | grep '\.tmp$' && echo "TEMP FILES LEFT" || echo "no temp files left"
grep '"event":"shape"' "$out/second.json" | python3 -c "
import json, sys
names = [json.loads(l)['shape'] for l in sys.stdin]
print('second run fitted', len(names), 'shapes:', ' '.join(names))"
