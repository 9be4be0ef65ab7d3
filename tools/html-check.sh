#!/usr/bin/env bash
# The html export of FIELD in a real browser against nfield render (issue 17): exports OUT/NAME.html, screenshots it in
# headless chromium (WebGL2 on SwiftShader) from the camera of the URL's hash, renders the same view with nfield render
# (baked, llvmpipe) at the page's bake, and prints the silhouette IoU and the share of pixels within 8/255.
#   tools/html-check.sh FIELD [OUT] [WxH]      (default OUT /tmp/nfield-html, 512x512; NFIELD_JAR picks a jar)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
field=$1 out=${2:-/tmp/nfield-html} size=${3:-512x512}
nf="$root/nfield"
mkdir -p "$out"
name=$(basename "$field" .nfield)
line=$("$nf" export "$field" -o "$out/$name.html" --force 2>&1 | tail -n 1)
echo "$line"
res=$(grep -oE 'baked at [0-9]+' <<<"$line" | grep -oE '[0-9]+')
chromium --headless=new --no-sandbox --use-angle=swiftshader --enable-unsafe-swiftshader --hide-scrollbars --no-first-run \
  --user-data-dir="$out/profile" --window-size="${size/x/,}" --virtual-time-budget=30000 --screenshot="$out/$name-chromium.png" \
  "file://$(readlink -f "$out/$name.html")#az=30&el=25&dist=3.2&mode=0&still" >/dev/null 2>&1
"$nf" render "$field" --path baked --bake "$res" --size "$size" --out "$out/$name-render.png" 2>&1 | tail -n 1
java "$root/tools/ImageCompare.java" "$out/$name-chromium.png" "$out/$name-render.png"
