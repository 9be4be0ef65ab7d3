#!/usr/bin/env bash
# Faults a user meets, tried for real (issue 16), and what nfield says: prints a Markdown table of fault, command,
# exit status, the message's first line, and whether the old output survived. Needs root for the small and the
# read-only file systems (tmpfs mounts); without root those rows say so.
#   tools/faults.sh [OUT]      (default /tmp/nfield-faults; NFIELD_JAR picks a jar)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-/tmp/nfield-faults}
nf="$root/nfield"
rm -rf "$out"; mkdir -p "$out"
"$nf" fit shape:knot --steps 100 -o "$out/knot.nfield" 2>/dev/null || { echo "the base fit failed" >&2; exit 1; }
rows=()
row() { # FAULT, EXPECT-OLD-FILE (or -), COMMAND...
  local fault=$1 keep=$2; shift 2
  local msg rc kept=-
  "$@" >/dev/null 2>"$out/stderr.txt"
  rc=$?
  # the error line (the command's own "nfield X: error: ..." or "warning: ..."), else the last line it printed
  msg=$(grep -E '^nfield [a-z-]+: (error|warning)' "$out/stderr.txt" | head -n 1)
  [[ -z $msg ]] && msg=$(grep -E 'error|warning|failed' "$out/stderr.txt" | grep -v '^\[' | head -n 1)
  [[ -z $msg ]] && msg=$(grep -v '^\s*$' "$out/stderr.txt" | tail -n 1)
  if [[ $keep != - ]]; then [[ $(cat "$keep" 2>/dev/null) == old ]] && kept=yes || kept=NO; fi
  local cmd=${*#"$nf "}
  cmd=${cmd//$out/OUT}
  msg=${msg//$out/OUT}
  rows+=("| $fault | \`nfield ${cmd#*nfield }\` | $rc | ${msg//|/\\|} | $kept |")
}
small=$out/small ro=$out/ro
mkdir -p "$small" "$ro"
mounted=0
if [[ $(id -u) -eq 0 ]] && mount -t tmpfs -o size=64k tmpfs "$small" 2>/dev/null; then mounted=1; fi
if ((mounted)); then
  echo old > "$small/knot.ply"; echo old > "$small/knot.onnx"
  row "full disk (64 KiB tmpfs), mesh" "$small/knot.ply" "$nf" mesh "$out/knot.nfield" --res 128 -o "$small/knot.ply"
  row "full disk, export" "$small/knot.onnx" "$nf" export "$out/knot.nfield" -o "$small/knot.onnx" --force
  echo old > "$small/fit.nfield"
  row "full disk, a fit's checkpoint" "$small/fit.nfield" "$nf" fit shape:knot --steps 100 -o "$small/fit.nfield"
  if mount -t tmpfs -o size=1m,ro tmpfs "$ro" 2>/dev/null; then
    row "read-only file system" - "$nf" mesh "$out/knot.nfield" --res 64 -o "$ro/knot.ply"
    umount "$ro"
  fi
  umount "$small"
else
  rows+=("| full disk, read-only file system | (needs root for a tmpfs) | | not tried here | |")
fi
touch "$out/a-file"
row "output folder is a file" - "$nf" mesh "$out/knot.nfield" --res 64 -o "$out/a-file/knot.ply"
row "input mesh missing" - "$nf" fit "$out/missing.obj" -o "$out/m.nfield" --steps 10
row "input is a folder" - "$nf" fit "$out" -o "$out/m.nfield" --steps 10
printf 'v 0 0 0\nv 1 0 0\nf 1 2 9\n' > "$out/bad.obj"
row "malformed mesh" - "$nf" fit "$out/bad.obj" -o "$out/m.nfield" --steps 10
head -c 100 "$out/knot.nfield" > "$out/cut.nfield"
row "field file cut short" - "$nf" mesh "$out/cut.nfield" -o "$out/x.ply"
printf '{"optimizer": {"lr": 1e12}, "train": {"batch": 1024}}' > "$out/diverge.json"
row "a learning rate out of range" - "$nf" fit shape:knot --config "$out/diverge.json" --steps 200 -o "$out/d.nfield"
printf '{"train": {"batchh": 1024}}' > "$out/typo.json"
row "scene file typo" - "$nf" fit shape:knot --config "$out/typo.json" --steps 10 -o "$out/t.nfield"
mkdir -p "$out/many"
"$nf" mesh "$out/knot.nfield" --res 48 -o "$out/many/k1.ply" >/dev/null 2>&1
for i in 2 3 4 5; do cp "$out/many/k1.ply" "$out/many/k$i.ply"; done
(sleep 8; rm -rf "$out/many") &
row "input folder removed mid-run (fit-many)" - "$nf" fit-many "$out/many" -o "$out/many-out" --steps 300
wait
# what fit-many recorded for the shapes it could not read
fails=$(python3 -c "
import json,sys
for l in open('$out/many-out/results.jsonl'):
    r=json.loads(l)
    if r['status']!='ok': print(r['shape']+': '+r.get('stage','')+': '+r.get('error','').replace('$out','OUT'))" 2>/dev/null | paste -sd ';' -)
rows+=("| ... its failed records | | | ${fails//|/\\|} | |")
row "no OpenCL platform" - env OCL_ICD_VENDORS="$out/none" "$nf" fit shape:knot --steps 10 -o "$out/n.nfield"
# a file this user may not read: root reads everything, so the command runs as nobody (setpriv) on a root-only copy
if [[ $(id -u) -eq 0 ]] && command -v setpriv >/dev/null; then
  mkdir -p "$out/locked" && chmod 755 "$out/locked" && chmod 755 "$out"
  cp "$out/knot.nfield" "$out/locked/knot.nfield" && chmod 600 "$out/locked/knot.nfield"
  "$nf" mesh "$out/knot.nfield" --res 32 -o "$out/locked/knot.obj" >/dev/null 2>&1 && chmod 600 "$out/locked/knot.obj"
  mkdir -p "$out/nobody" && chmod 777 "$out/nobody"
  as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$out/nobody" NFIELD_JAR="${NFIELD_JAR:-$root/target/nfield.jar}")
  row "unreadable field file (as nobody)" - "${as_nobody[@]}" "$nf" mesh "$out/locked/knot.nfield" --res 32 -o "$out/nobody/k.ply"
  row "unreadable mesh (as nobody)" - "${as_nobody[@]}" "$nf" fit "$out/locked/knot.obj" --steps 10 -o "$out/nobody/k.nfield"
else
  rows+=("| unreadable file | (needs root, to run as nobody) | | not tried here | |")
fi
row "a kernel the driver will not build" - env NFIELD_CL_OPTIONS=-Dfloat=void "$nf" fit shape:knot --steps 10 -o "$out/b.nfield"
row "more host memory than the JVM has (mesh)" - env NFIELD_JAVA_OPTS=-Xmx256m "$nf" mesh "$out/knot.nfield" --res 1024 -o "$out/huge.ply"
printf '{"train": {"batch": 16777216}}' > "$out/huge-batch.json"
row "more device memory than there is" - "$nf" fit shape:knot --config "$out/huge-batch.json" --steps 10 -o "$out/h.nfield"
# NaN in training (injected: every parameter NaN after step 460, as a diverging update would), checkpoints every second
"$nf" fit shape:knot --steps 200 -o "$out/nan.nfield" >/dev/null 2>&1
steps() { python3 -c "import json,struct,sys;b=open(sys.argv[1],'rb').read();n=struct.unpack('<Q',b[:8])[0];print(json.loads(b[8:8+n])['__metadata__'].get('steps'))" "$1"; }
row "NaN in training (injected after step 460)" - env NFIELD_JAVA_OPTS=-Dnfield.fault.nan-at-step=460 "$nf" fit shape:knot --resume "$out/nan.nfield" --steps 400 --checkpoint-every 1s -o "$out/nan.nfield"
rows+=("| ... the field file after it | | | a field of step $(steps "$out/nan.nfield"), which \`nfield mesh\` reads: $("$nf" mesh "$out/nan.nfield" --res 32 -o "$out/nan.ply" 2>&1 | grep -c '^wrote') mesh written | yes |")
echo "| fault | command | exit | what the user sees | old file kept |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
