#!/usr/bin/env bash
# Installs the Debian packages fpgaconvnet-c needs to build and test; does nothing when all are present.
set -euo pipefail
packages=(build-essential cmake pkg-config libjansson-dev libprotobuf-c-dev protobuf-c-compiler libonnx-dev clang libclang-rt-14-dev
          libgraphviz-dev graphviz valgrind strace python3-dev python3-pytest python3-setuptools python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
