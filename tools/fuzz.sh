#!/usr/bin/env bash
# Coverage-guided fuzzing of nfield's readers with Jazzer (issue 16), one target after another.
#   tools/fuzz.sh [MINUTES] [TARGET...]     (default 10 minutes each; targets: obj ply stl off field scene npy npz transforms colmap-bin colmap-txt image)
# The corpus grows in target/fuzz/corpus/TARGET, seeded from src/test/resources/fuzz/TARGET (and scenes/ for scene;
# the meshes of ../shared/data for the mesh formats, cut to -max_len 16 KiB). A finding (crash-*, timeout-*, oom-*, slow-unit-*) lands in
# target/fuzz/findings/TARGET (with a Java reproducer, Crash_*.java): fix it, then copy the input into src/test/resources/fuzz/TARGET, and FuzzSmokeTest
# replays it in every test run. Prints, for each target: runs, coverage (libFuzzer's cov and ft), corpus size, findings.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
minutes=${1:-10}; shift || true
mkdir -p target/fuzz
mvn -q -B -Dstyle.color=never test-compile
mvn -q -B -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz/cp.txt >/dev/null
cp="target/test-classes:target/classes:$(cat target/fuzz/cp.txt)"
java -cp "$cp" nfield.fuzz.FuzzTargets > target/fuzz/targets.txt
want=("$@")
while read -r name class prop seeds instrument; do
  if ((${#want[@]})) && [[ ! " ${want[*]} " == *" $name "* ]]; then continue; fi
  corpus=target/fuzz/corpus/$name findings=target/fuzz/findings/$name
  mkdir -p "$corpus" "$findings"
  IFS=: read -r -a dirs <<<"$seeds"
  for d in "${dirs[@]}"; do [[ -d $d ]] && find "$d" -maxdepth 1 -type f -exec cp -n {} "$corpus/" \; ; done
  case $name in obj|ply|stl|off)
    [[ -d ../shared/data/meshes ]] && find ../shared/data/meshes -name "*.$name" -exec cp -n {} "$corpus/" \; ;;
  esac
  props=(); [[ $prop != - ]] && props=("-D$prop")
  log=target/fuzz/$name.log
  echo "fuzzing $name for $minutes min ($(ls "$corpus" | wc -l) inputs to start from)..." >&2
  set +e
  java -Xmx2g "${props[@]}" -cp "$cp" com.code_intelligence.jazzer.Jazzer --target_class="$class" \
    --instrumentation_includes="$instrument" -max_total_time=$((minutes * 60)) -max_len=16384 -rss_limit_mb=3072 -timeout=10 \
    -artifact_prefix="$findings/" --reproducer_path="$findings" "$corpus" > "$log" 2>&1
  rc=$?
  set -e
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
  [[ -z $done_line ]] && done_line=$(grep -E '^#[0-9]+[[:space:]]' "$log" | tail -n 1 || true)
  runs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$done_line")
  cov=$(grep -oE 'cov: [0-9]+' <<<"$done_line" | head -1 || true)
  ft=$(grep -oE 'ft: [0-9]+' <<<"$done_line" | head -1 || true)
  echo "$name: ${runs:-?} runs, ${cov:-cov: ?}, ${ft:-ft: ?}, corpus $(ls "$corpus" | wc -l), findings $(find "$findings" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) | wc -l) (exit $rc; log $log)"
done < target/fuzz/targets.txt
