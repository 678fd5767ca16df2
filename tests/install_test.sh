#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds and runs examples/api_example.c against the
# installed header and library through pkg-config, as another program would.
# Usage: install_test.sh BUILD_DIR C_COMPILER [EXTRA_CFLAGS]
set -u
build=$1 cc=$2 extra=${3:-}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
passed=0 failed=0
step() { # name, command...
  local name=$1; shift
  if "$@" >"$prefix/log" 2>&1; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; cat "$prefix/log"; fi
}
step "cmake --install" cmake --install "$build" --prefix "$prefix/usr"
step "header installed" test -f "$prefix/usr/include/fpgaconvnet.h"
step "cli installed" test -x "$prefix/usr/bin/fpgaconvnet"
pc=$(find "$prefix/usr" -name fpgaconvnet.pc | head -n 1)
step "pkg-config file installed" test -n "$pc"
export PKG_CONFIG_PATH=$(dirname "${pc:-/nonexistent/x}")
# shellcheck disable=SC2046,SC2086
step "example builds against the installed library" \
  $cc -std=c11 $extra ../examples/api_example.c -o "$prefix/api_example" \
      $(pkg-config --cflags fpgaconvnet) $(pkg-config --libs --static fpgaconvnet)
step "example runs" "$prefix/api_example" ../examples/alexnet.json
grep -q "^after:" "$prefix/log" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: example output"; cat "$prefix/log"; }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
