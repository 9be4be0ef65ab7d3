#!/usr/bin/env bash
# The half of tools/device-check.sh that runs on the GPU machine, copied into the bundle as
# run.sh. Usage: BUNDLE/run.sh [RESULTS_DIR], from the repository root (the tests read scenes/).
# Needs nothing but the bundle: its own Java runtime, its own OpenCL ICD loader where the machine
# has none, and the vendor's OpenCL library, which it looks for where drivers put it.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
res=${1:-$here/results}
mkdir -p "$res"
java=$here/runtime/bin/java
nf=("$java" -jar "$here/nfield.jar")
fit_s=${NFIELD_CHECK_FIT:-60}
dev=${NFIELD_CHECK_DEVICE:-}
devflag=()
[[ -n $dev ]] && devflag=(--device "$dev")
summary=$res/summary.txt
: >"$summary"
failed=0
t_start=$SECONDS

note() { echo "$*" | tee -a "$summary" >&2; }

# step NAME TIMEOUT_S COMMAND...: runs it with its output in NAME.log, one summary line
step() {
  local name=$1 limit=$2 t0=$SECONDS rc
  shift 2
  echo "== $name" >&2
  timeout -k 5 "$limit" "$@" >"$res/$name.log" 2>&1
  rc=$?
  if ((rc == 0)); then
    note "ok    $name ($((SECONDS - t0)) s)"
  else
    failed=1
    note "FAIL  $name: exit $rc$( ((rc == 124)) && echo " (over ${limit} s)") ($((SECONDS - t0)) s); last lines:"
    tail -5 "$res/$name.log" | sed 's/^/        /' | tee -a "$summary" >&2
  fi
  return $rc
}

# --- OpenCL: the ICD loader and the vendor's library
note "machine: $(uname -srm), $(nproc) cores; $(nvidia-smi -L 2>/dev/null | head -2 | tr '\n' ' ')"
if ! ldconfig -p 2>/dev/null | grep -q 'libOpenCL\.so\.1 '; then
  export LD_LIBRARY_PATH=$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  note "opencl: no libOpenCL.so.1 on this machine: the bundle's ICD loader"
fi
icd_dir=${OCL_ICD_VENDORS:-/etc/OpenCL/vendors}
if ! compgen -G "$icd_dir/*.icd" >/dev/null; then
  # the vendors' libraries, the GPUs' first: NVIDIA, AMD, Intel, then PoCL (the CPU)
  vendor=""
  for name in libnvidia-opencl.so.1 libamdocl64.so libigdrcl.so libpocl.so.2; do
    for lib in $(ldconfig -p 2>/dev/null | awk -v n="$name" '$1 == n {print $NF}') \
      {/usr/lib/x86_64-linux-gnu,/usr/lib64,/usr/local/nvidia/lib64,/usr/local/nvidia/lib}/$name; do
      [[ -f $lib ]] && { vendor=$lib; break 2; }
    done
  done
  [[ -n $vendor ]] || vendor=$(timeout 30 find / -xdev \( -path /proc -o -path /sys \) -prune -o \
    -name 'libnvidia-opencl.so*' -print 2>/dev/null | head -1)
  if [[ -n $vendor ]]; then
    mkdir -p "$res/vendors"
    echo "$vendor" >"$res/vendors/vendor.icd"
    export OCL_ICD_VENDORS=$res/vendors OCL_ICD_FILENAMES=$vendor
    note "opencl: no ICD files in $icd_dir; using $vendor"
  else
    note "opencl: no ICD files in $icd_dir and no vendor library (libnvidia-opencl.so.1 ...) found"
  fi
fi

# --- the checks
step devices 60 "${nf[@]}" devices
step parity 150 "$java" -cp "$here/nfield.jar:$here/test/classes:$here/test/lib/*" DeviceParity \
  nfield.compute.opencl.ParityTest nfield.compute.opencl.ScopeTest nfield.compute.opencl.ProgramCacheTest \
  nfield.compute.VolumeRenderTest nfield.train.AdamTest nfield.train.EikonalTest nfield.field.ViewDependentFieldTest
grep -E '^(FAIL|SKIP)' "$res/parity.log" | head -20 | sed 's/^/        /' | tee -a "$summary" >&2
grep -E 'tests (successful|failed|skipped|aborted)' "$res/parity.log" | sed 's/^ */        /' | tee -a "$summary" >&2

timed=(--intervals 5 --interval-sec 1)
step bench-sdf-default 90 "${nf[@]}" bench --config sdf-default "${timed[@]}" --json "${devflag[@]}"
step profile-sdf-default 60 "${nf[@]}" bench --config sdf-default --intervals 2 --interval-sec 1 --profile "${devflag[@]}"
step bench-nerf-default 120 "${nf[@]}" bench --config nerf-default "${timed[@]}" --json "${devflag[@]}"
step profile-nerf-default 90 "${nf[@]}" bench --config nerf-default --intervals 2 --interval-sec 1 --profile "${devflag[@]}"
for b in 2^14 2^16 2^18; do
  step "bench-sdf-peer-${b/^/_}" 60 "${nf[@]}" bench --config sdf-peer --batch "$b" "${timed[@]}" --json "${devflag[@]}"
done
# the kernel variants side by side, to set a GPU's defaults from
step variants-hash-scatter 60 "${nf[@]}" bench --config sdf-default --intervals 6 --interval-sec 1 \
  --variant hash-scatter=atomic,fixed,owner,owner-lanes "${devflag[@]}"
step variants-hash-forward 60 "${nf[@]}" bench --config nerf-default --intervals 4 --interval-sec 1 \
  --variant hash-forward=levels,lanes "${devflag[@]}"
for v in dense-forward=rows1,rows2 dense-backward=rows,transposed dense-weights=inputs1,inputs2; do
  step "variants-${v%%=*}" 60 "${nf[@]}" bench --config sdf-peer --batch 2^18 --intervals 6 --interval-sec 1 \
    --variant "$v" "${devflag[@]}"
done
step bench-peer-w256-2_18 60 "${nf[@]}" bench --batch 2^18 --width 256 "${timed[@]}" --json "${devflag[@]}"

mesh=$here/data/bunny.obj
[[ -f $mesh ]] || mesh=shape:knot
work=$(mktemp -d)
if step fit-bunny $((fit_s + 90)) "${nf[@]}" fit "$mesh" -o "$work/bunny.nfield" --time "${fit_s}s" --json \
  --mesh "$work/bunny.ply" --res 256 "${devflag[@]}"; then
  step mesh-bunny-fresh 60 "${nf[@]}" mesh "$work/bunny.nfield" --res 256 -o "$work/bunny.cold.ply" --json "${devflag[@]}"
  [[ $mesh == shape:* ]] || step eval-bunny 120 "${nf[@]}" eval "$work/bunny.ply" "$mesh" --json
fi
rm -rf "$work"

# --- the figures, one line each
for f in "$res"/bench-*.log; do
  line=$(grep -E '^\{' "$f" | tail -1)
  [[ -n $line ]] && echo "$(basename "$f" .log): $line" >>"$res/figures.txt"
done
for f in fit-bunny mesh-bunny-fresh eval-bunny; do
  [[ -f $res/$f.log ]] && { line=$(grep -E '^\{' "$res/$f.log" | tail -1); [[ -n $line ]] && echo "$f: $line" >>"$res/figures.txt"; }
done
note "total $((SECONDS - t_start)) s; $( ((failed)) && echo "some steps FAILED" || echo "every step passed")"
exit $failed
