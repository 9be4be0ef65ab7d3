#!/usr/bin/env bash
# Makes the COLMAP test model: Debian's colmap (CPU SIFT, exhaustive matching, the incremental
# mapper) run on lego_400's 100 training images from ../shared/data. Only the sparse model is
# kept (the images stay in ../shared): src/test/resources/colmap/lego_400/sparse/0/*.bin. The
# camera model is SIMPLE_PINHOLE, one camera for all, which is what Blender renders are
# (SIMPLE_RADIAL made up a k1 of -0.06 for them).
# ColmapRealDataTest aligns its poses to the known ones and fits from it. Takes about 10 minutes
# on 2 cores. Usage: tools/colmap-fixture.sh [SHARED_DATA_DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${1:-$root/../shared/data}/nerf/lego_400/train
out=$root/src/test/resources/colmap/lego_400/sparse/0
[[ -d $data ]] || { echo "colmap-fixture: no $data" >&2; exit 2; }
command -v colmap > /dev/null || { echo "colmap-fixture: needs colmap: apt-get install colmap" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen
echo "[1/3] features" >&2
colmap feature_extractor --database_path "$work/db" --image_path "$data" --ImageReader.single_camera 1 \
  --ImageReader.camera_model SIMPLE_PINHOLE --SiftExtraction.use_gpu 0 --SiftExtraction.max_num_features 4096 > "$work/log" 2>&1
echo "[2/3] matching" >&2
colmap exhaustive_matcher --database_path "$work/db" --SiftMatching.use_gpu 0 >> "$work/log" 2>&1
echo "[3/3] mapping" >&2
mkdir -p "$work/sparse"
colmap mapper --database_path "$work/db" --image_path "$data" --output_path "$work/sparse" >> "$work/log" 2>&1
[[ -f $work/sparse/0/images.bin ]] || { tail -20 "$work/log" >&2; echo "colmap-fixture: the mapper made no model" >&2; exit 1; }
mkdir -p "$out"
cp "$work/sparse/0/cameras.bin" "$work/sparse/0/images.bin" "$work/sparse/0/points3D.bin" "$out/"
colmap model_analyzer --path "$out" 2>&1 | grep -E "Cameras|Images|Registered|Points|Mean reprojection" >&2 || true
du -sh "$out" >&2
