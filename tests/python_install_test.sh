#!/usr/bin/env bash
# `python3 -m pip install ./python` into a virtual environment, offline, as README says; then the
# installed package runs the seed's usage outside the build tree. The project is copied first, so that
# pip's in-tree build leaves the sources untouched.
# Usage: python_install_test.sh PYTHON
set -u
python=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
step() { # name, command...
  local name=$1; shift
  if "$@" >"$work/log" 2>&1; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; cat "$work/log"; fi
}
root=$(cd .. && pwd)
mkdir -p "$work/project"
step "copy the project" cp -r "$root/CMakeLists.txt" "$root/fpgaconvnet.pc.in" "$root/include" "$root/src" \
  "$root/python" "$root/bench" "$work/project/"
step "virtual environment" "$python" -m venv --system-site-packages "$work/venv"
step "pip install ./python" "$work/venv/bin/python" -m pip install --no-build-isolation --no-index "$work/project/python"
cd "$work"
step "seed usage from the installed package" "$work/venv/bin/python" -c "
from fpgaconvnet_c import Network
net = Network('alexnet', '$root/tests/data/models/alexnet.onnx')
net.load_network('$root/examples/alexnet.json')
assert abs(net.get_latency() - 1.3998282) < 1e-6, net.get_latency()
import fpgaconvnet_c, os
assert fpgaconvnet_c.__file__.startswith('$work/venv'), fpgaconvnet_c.__file__
assert os.path.exists(os.path.join(os.path.dirname(fpgaconvnet_c.__file__), '_core.pyi'))
print(net.get_throughput(), net.batch_size, net.partitions[0].get_resource_usage())
"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
