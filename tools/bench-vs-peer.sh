#!/usr/bin/env bash
# Side by side in one run: nfield bench (OpenCL) and the PyTorch CPU peer
# (../shared/peer/peer_sdf.py), alternating ROUNDS times on the same task (frequency encoding L=6,
# 4 hidden layers of 64, batch 2^16 by default). Prints every round, then the medians and ratios.
# Usage: tools/bench-vs-peer.sh [ROUNDS] [extra nfield bench flags]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peer=${NFIELD_PEER:-$root/../shared/peer}
rounds=${1:-3}; shift || true
batch=${BATCH:-65536} width=${WIDTH:-64} layers=${LAYERS:-4} freqs=${FREQS:-6}
[[ -x /usr/bin/python3 && -f $peer/peer_sdf.py ]] || { echo "needs $peer (run $peer/setup.sh)" >&2; exit 1; }
"$root/nfield" devices >/dev/null
out=$(mktemp -d)
for ((i = 1; i <= rounds; i++)); do
  "$root/nfield" bench --batch "$batch" --width "$width" --layers "$layers" --freqs "$freqs" --json "$@" \
    2>/dev/null >"$out/nfield.$i.json"
  /usr/bin/python3 "$peer/peer_sdf.py" --task sdf --batch "$batch" --width "$width" --layers "$layers" \
    --freqs "$freqs" 2>/dev/null >"$out/peer.$i.json"
  echo "round $i done" >&2
done
/usr/bin/python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
d, n = sys.argv[1], int(sys.argv[2])
rows = {k: [json.load(open(f"{d}/{k}.{i}.json")) for i in range(1, n + 1)] for k in ("nfield", "peer")}
for key in ("train_points_per_s", "infer_points_per_s"):
    a = [r[key] for r in rows["nfield"]]; b = [r[key] for r in rows["peer"]]
    print(f"{key:20s} nfield {' '.join(f'{x/1e6:.3f}M' for x in a)}  | peer {' '.join(f'{x/1e6:.3f}M' for x in b)}")
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"{'':20s} median nfield {ma/1e6:.3f}M  peer {mb/1e6:.3f}M  ratio {ma/mb:.2f}x")
print("peer other-process load (cores):", [r.get("train_other_cpu") for r in rows["peer"]])
PY
rm -rf "$out"
