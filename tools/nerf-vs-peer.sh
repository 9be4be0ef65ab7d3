#!/usr/bin/env bash
# Radiance fields, measured as the radiance-field issue asks (one run, same machine):
#   tiny   the PyTorch peer (../shared/peer/peer_nerf.py) and nfield (scenes/nerf-default.json) on
#          tiny_lego_100.npz with the same training budget each (default 300 s), both scored on the
#          6 test views (mean PSNR; nfield also SSIM).
#   lego   nfield on lego_400/transforms_train.json for a budget (default 1200 s), snapshots at 1
#          and 5 minutes, each scored on the 20 views of transforms_test.json.
# Usage: tools/nerf-vs-peer.sh tiny [SECONDS] | lego [SECONDS]      (OUT=dir keeps the outputs;
#        CONFIG=scenes/x.json fits nfield with that scene instead of the default)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peer=${NFIELD_PEER:-$root/../shared/peer}
data=${NFIELD_DATA:-$root/../shared/data/nerf}
what=${1:-tiny}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
"$root/nfield" devices >/dev/null
psnr() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.2f dB PSNR, SSIM %.4f" % (d["mean_psnr"], d["mean_ssim"]))' "$1"; }
case $what in
  tiny)
    secs=${2:-300}
    [[ -x /usr/bin/python3 && -f $peer/peer_nerf.py ]] || { echo "needs $peer (run $peer/setup.sh)" >&2; exit 1; }
    echo "== peer, ${secs} s" >&2
    /usr/bin/python3 "$peer/peer_nerf.py" "$data/tiny_lego_100.npz" --seconds "$secs" >"$out/peer.json"
    echo "== nfield, ${secs} s" >&2
    "$root/nfield" fit "$data/tiny_lego_100.npz" -o "$out/tiny.nfield" --time "${secs}s" ${CONFIG:+--config "$CONFIG"} --json 2>"$out/tiny.log" | tail -1 >"$out/tiny.json"
    "$root/nfield" eval "$out/tiny.nfield" "$data/tiny_lego_100.npz" --images "$out/tiny-eval" --json 2>/dev/null >"$out/tiny.eval.json"
    /usr/bin/python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
p = json.load(open(f"{out}/peer.json")); f = json.load(open(f"{out}/tiny.json")); e = json.load(open(f"{out}/tiny.eval.json"))
print(f"peer:   {p.get('steps')} steps, test PSNR {p['test_psnr']:.2f} dB  {p.get('test_psnr_each')}")
print(f"nfield: {f['steps']} steps, test PSNR {e['mean_psnr']:.2f} dB, SSIM {e['mean_ssim']:.4f}  {[round(v['psnr'], 2) for v in e['views']]}")
print(f"difference: {e['mean_psnr'] - p['test_psnr']:+.2f} dB")
PY
    ;;
  lego)
    secs=${2:-1200}
    echo "== nfield, ${secs} s on lego_400" >&2
    "$root/nfield" fit "$data/lego_400/transforms_train.json" -o "$out/lego.nfield" --time "${secs}s" ${CONFIG:+--config "$CONFIG"} --snapshots 1m,5m --json \
      2>"$out/lego.log" | tail -1 >"$out/lego.json"
    for f in lego-1m lego-5m lego; do
      "$root/nfield" eval "$out/$f.nfield" "$data/lego_400/transforms_test.json" --images "$out/$f-eval" --json 2>/dev/null >"$out/$f.eval.json"
      echo "$f: $(psnr "$out/$f.eval.json")"
    done
    ;;
  *) echo "usage: $0 tiny [SECONDS] | lego [SECONDS]" >&2; exit 2 ;;
esac
echo "outputs in $out" >&2
