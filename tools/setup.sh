#!/usr/bin/env bash
# Installs what nfield needs on Debian 12 / Ubuntu: a JDK 17, Maven, the OpenCL ICD loader and
# PoCL (OpenCL on the CPU), and a font for `nfield plot`'s charts. With --tests also what the tests
# use: Xvfb + Mesa (GL), NumPy (the export script), glslangValidator (GLSL export), COLMAP (poses),
# Oclgrind (every kernel under a simulator that checks memory accesses and races), ffmpeg (video
# turntables), Node.js with the Khronos glTF validator (npm gltf-validator, under
# ~/.cache/nfield/npm: GLB export), and Chromium (the html export, headless in a real browser). As root it runs apt-get; otherwise it prints the exact command
# to run. Idempotent and quiet when all is there.
set -euo pipefail
want=(openjdk-17-jdk-headless maven ocl-icd-libopencl1 pocl-opencl-icd clinfo fontconfig fonts-dejavu-core)
if [[ ${1:-} == --tests ]]; then
  want+=(xvfb xauth libgl1-mesa-dri libglx-mesa0 libegl1 libegl-mesa0 libgles2 python3-numpy glslang-tools colmap oclgrind nodejs ffmpeg chromium)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# a JDK or Maven installed outside apt counts too
if command -v javac >/dev/null 2>&1 && javac -version 2>&1 | grep -Eq 'javac (1[7-9]|[2-9][0-9])'; then
  missing=("${missing[@]/openjdk-17-jdk-headless}")
fi
if command -v mvn >/dev/null 2>&1; then missing=("${missing[@]/maven}"); fi
read -r -a missing <<<"${missing[*]:-}"

# the Khronos glTF validator for the GLB export test; without npm or the registry that test skips
gltf_validator() {
  [[ ${1:-} == --tests ]] || return 0
  local dir=$HOME/.cache/nfield/npm
  [[ -d $dir/node_modules/gltf-validator ]] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "nfield setup: npm not found; the GLB validator test will skip (apt-get install npm)" >&2
    return 0
  fi
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --silent gltf-validator@2.0.0-dev.3.10 >/dev/null 2>&1 \
    || echo "nfield setup: could not install gltf-validator from npm; the GLB validator test will skip" >&2
}
if ! ((${#missing[@]})); then
  gltf_validator "${1:-}"
  exit 0
fi
if [[ $(id -u) -eq 0 ]]; then
  echo "nfield setup: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "nfield setup: installing ${missing[*]} (sudo)" >&2
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "nfield setup: missing packages: ${missing[*]}" >&2
  echo "run:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
gltf_validator "${1:-}"
