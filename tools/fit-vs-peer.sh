#!/usr/bin/env bash
# Side by side in one run, per mesh: the PyTorch peer (../shared/peer/peer_fit_mesh.py), nfield
# with the peer's architecture (scenes/sdf-peer.json) and nfield's default scene, each with the
# same training budget, each surface extracted at 256^3 and scored by `nfield eval` against the
# mesh (Chamfer-L1/L2, F-score, normal consistency, IoU; see `nfield eval --help`).
# Usage: tools/fit-vs-peer.sh [SECONDS] [MESH...]   (default: 60 s on bunny, spot, torus)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peer=${NFIELD_PEER:-$root/../shared/peer}
data=${NFIELD_DATA:-$root/../shared/data/meshes}
secs=${1:-60}; shift || true
meshes=("$@")
[[ ${#meshes[@]} -gt 0 ]] || meshes=("$data/bunny/bunny.obj" "$data/spot/spot.obj" "$data/torus/torus.obj")
[[ -x /usr/bin/python3 && -f $peer/peer_fit_mesh.py ]] || { echo "needs $peer (run $peer/setup.sh)" >&2; exit 1; }
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
"$root/nfield" devices >/dev/null
for m in "${meshes[@]}"; do
  n=$(basename "${m%.*}")
  echo "== $n: peer" >&2
  /usr/bin/python3 "$peer/peer_fit_mesh.py" "$m" --seconds "$secs" --out "$out/$n.peer.obj" >"$out/$n.peer.json"
  "$root/nfield" eval "$out/$n.peer.obj" "$m" --json >"$out/$n.peer.eval.json"
  for scene in sdf-peer sdf-default; do
    echo "== $n: nfield $scene" >&2
    # --mesh extracts at 256^3 right after training, in the same process, as the peer does
    "$root/nfield" fit "$m" -o "$out/$n.$scene.nfield" --config "$root/scenes/$scene.json" --time "${secs}s" --json \
      --mesh "$out/$n.$scene.ply" --res 256 2>"$out/$n.$scene.log" | tail -1 >"$out/$n.$scene.json"
    # and once more from the file, in a fresh process (cold kernels)
    "$root/nfield" mesh "$out/$n.$scene.nfield" --res 256 -o "$out/$n.$scene.cold.ply" --json 2>/dev/null >"$out/$n.$scene.mesh.json"
    "$root/nfield" eval "$out/$n.$scene.ply" "$m" --json >"$out/$n.$scene.eval.json"
  done
done
/usr/bin/python3 - "$out" "${meshes[@]}" <<'PY'
import json, os, sys
out, meshes = sys.argv[1], sys.argv[2:]
keys = ("chamfer_l1", "chamfer_l2", "fscore", "normal_consistency", "iou")
print(f"{'mesh':8s} {'run':12s} {'steps':>6s} " + " ".join(f"{k:>18s}" for k in keys) + f" {'mc_s':>6s}")
for m in meshes:
    n = os.path.splitext(os.path.basename(m))[0]
    base = None
    for run in ("peer", "sdf-peer", "sdf-default"):
        e = json.load(open(f"{out}/{n}.{run}.eval.json"))
        fit = json.load(open(f"{out}/{n}.{run}.json"))
        mc = fit.get("mc_seconds")
        cold = "" if run == "peer" else f" (fresh process: {json.load(open(f'{out}/{n}.{run}.mesh.json'))['extract_seconds']:.2f})"
        base = base or e["chamfer_l1"]
        print(f"{n:8s} {run:12s} {fit['steps']:6d} " + " ".join(f"{e[k]:18.6f}" for k in keys)
              + f" {mc:6.2f}{cold}   chamfer ratio to peer {e['chamfer_l1'] / base:.2f}")
print("files in", out)
PY
