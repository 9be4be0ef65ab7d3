#!/usr/bin/env bash
# A/B against another commit, side by side in one run, alternating (these machines are noisy):
#   bench: ROUNDS rounds of `nfield bench` at the peer's task (frequency L=6, 4x64, batch 2^16) with
#          A = REV's jar, B = this tree's, then the PyTorch peer (tools/bench-vs-peer.sh's task);
#   fit:   per mesh, the default scene fitted for SECONDS with A, then with B, each surface
#          extracted at 256^3 right after training and scored by this tree's `nfield eval`
#          (tools/fit-vs-peer.sh's default-scene run).
# Prints every run, then medians and B/A ratios. Usage: tools/ab.sh REV [ROUNDS] [SECONDS] [MESH...]
# (default: 3 rounds, 60 s, bunny, spot and torus from ../shared/data/meshes). FIT=0 or BENCH=0 skips a part.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rev=${1:?usage: tools/ab.sh REV [ROUNDS] [SECONDS] [MESH...]}; shift
rounds=${1:-3}; shift || true
secs=${1:-60}; shift || true
peer=${NFIELD_PEER:-$root/../shared/peer}
data=${NFIELD_DATA:-$root/../shared/data/meshes}
meshes=("$@")
[[ ${#meshes[@]} -gt 0 ]] || meshes=("$data/bunny/bunny.obj" "$data/spot/spot.obj" "$data/torus/torus.obj")
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
# A: REV built in a scratch worktree; B: this tree (the launcher builds it when stale)
git -C "$root" rev-parse --verify "$rev^{commit}" >/dev/null
tree=$(mktemp -d)
git -C "$root" worktree add -q --detach "$tree" "$rev"
trap 'git -C "$root" worktree remove --force "$tree"' EXIT
(cd "$tree" && mvn -q -B -Dstyle.color=never package -DskipTests) >&2
cp "$tree/target/nfield.jar" "$out/A.jar"
"$root/nfield" devices >/dev/null
declare -A jar=([A]="$out/A.jar" [B]="")
run() { # run A|B ARGS...: nfield from that jar
  local which=$1; shift
  if [[ $which == A ]]; then NFIELD_JAR=${jar[A]} "$root/nfield" "$@"; else "$root/nfield" "$@"; fi
}
if [[ ${BENCH:-1} != 0 ]]; then
  for ((i = 1; i <= rounds; i++)); do
    for w in A B; do
      run $w bench --batch 65536 --width 64 --layers 4 --freqs 6 --json 2>/dev/null >"$out/bench.$w.$i.json"
    done
    if [[ -x /usr/bin/python3 && -f $peer/peer_sdf.py ]] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
      /usr/bin/python3 "$peer/peer_sdf.py" --task sdf --batch 65536 --width 64 --layers 4 --freqs 6 2>/dev/null >"$out/bench.peer.$i.json"
    fi
    echo "bench round $i done" >&2
  done
fi
if [[ ${FIT:-1} != 0 ]]; then
  for m in "${meshes[@]}"; do
    n=$(basename "${m%.*}")
    for w in A B; do
      echo "== $n: $w, default scene, ${secs} s" >&2
      run $w fit "$m" -o "$out/$n.$w.nfield" --time "${secs}s" --json --mesh "$out/$n.$w.ply" --res 256 \
        2>"$out/$n.$w.log" | tail -1 >"$out/$n.$w.json"
      "$root/nfield" eval "$out/$n.$w.ply" "$m" --json 2>/dev/null >"$out/$n.$w.eval.json"
    done
  done
fi
/usr/bin/python3 - "$out" "$rounds" "${BENCH:-1}" "${FIT:-1}" "$rev" "${meshes[@]}" <<'PY'
import json, os, statistics, sys
out, rounds, bench, fit, rev, meshes = sys.argv[1], int(sys.argv[2]), sys.argv[3] != "0", sys.argv[4] != "0", sys.argv[5], sys.argv[6:]
print(f"A = {rev}, B = this tree")
if bench:
    for key in ("train_points_per_s", "infer_points_per_s"):
        v = {w: [json.load(open(f"{out}/bench.{w}.{i}.json"))[key] for i in range(1, rounds + 1)] for w in "AB"}
        peer = [json.load(open(f"{out}/bench.peer.{i}.json"))[key] for i in range(1, rounds + 1)
                if os.path.exists(f"{out}/bench.peer.{i}.json") and os.path.getsize(f"{out}/bench.peer.{i}.json")]
        line = f"{key:20s} A {' '.join(f'{x/1e6:.3f}M' for x in v['A'])} | B {' '.join(f'{x/1e6:.3f}M' for x in v['B'])}"
        if peer: line += f" | peer {' '.join(f'{x/1e6:.3f}M' for x in peer)}"
        print(line)
        ma, mb = statistics.median(v["A"]), statistics.median(v["B"])
        tail = f", peer median {statistics.median(peer)/1e6:.3f}M (B/peer {mb/statistics.median(peer):.2f}x)" if peer else ""
        print(f"{'':20s} median A {ma/1e6:.3f}M  B {mb/1e6:.3f}M  B/A {mb/ma:.3f}{tail}")
if fit:
    keys = ("chamfer_l1", "chamfer_l2", "fscore", "normal_consistency", "iou")
    print(f"{'mesh':8s} {'run':4s} {'steps':>6s} " + " ".join(f"{k:>18s}" for k in keys))
    for m in meshes:
        n = os.path.splitext(os.path.basename(m))[0]
        e = {w: json.load(open(f"{out}/{n}.{w}.eval.json")) for w in "AB"}
        for w in "AB":
            f = json.load(open(f"{out}/{n}.{w}.json"))
            print(f"{n:8s} {w:4s} {f['steps']:6d} " + " ".join(f"{e[w][k]:18.6f}" for k in keys))
        print(f"{n:8s} B/A  {'':6s} " + " ".join(f"{e['B'][k] / e['A'][k]:18.3f}" for k in keys))
print("files in", out)
PY
