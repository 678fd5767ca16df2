#!/usr/bin/env bash
# `fpgaconvnet optimise` on a block wider than the board's ports: the 4-branch Inception block of
# data/models/inception_block.onnx (test_onnx_narrow.c writes it) on a 2-port board whose BRAM holds
# each layer but not the whole block. The block must be cut across partitions through memory (its
# SPLIT and CONCAT of four narrowed to chains of two), and the result validate against the model.
# On one port the block cannot be cut: "nothing fits" names the ports and the block.
# Usage: cli_optimise_narrow.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u
cli=${1:?usage: cli_optimise_narrow.sh PATH/TO/fpgaconvnet}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_optimise_narrow.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. lib/cli_harness.sh

block=data/models/inception_block.onnx
quick=(--iterations 20000 --time-limit 60 --seed 2)
for ports in 1 2; do
    sed -e 's/"BRAM": [0-9]*/"BRAM": 50/' -e "s/\"ports\": [0-9]*/\"ports\": $ports/" \
        ../examples/platforms/zedboard.json >"$tmp/ports$ports.json"
done

expect_ok "2 ports" optimise "$block" --platform "$tmp/ports2.json" -o "$tmp/a" "${quick[@]}"
expect_output_re "2 ports" "^inception_block on zedboard: throughput [0-9.e+]+ inputs/s, [0-9]+ partitions, "
if grep -q '"cat_join1"' "$tmp/a/inception_block.json"; then pass; else fail "2 ports: the CONCAT of 4 is not narrowed"; fi
expect_ok "validate" validate "$tmp/a/inception_block.json" --platform "$tmp/ports2.json" --model "$block"
expect_output "validate" "valid: $tmp/a/inception_block.json fits zedboard"

expect_error "1 port" 1 "nothing fits on zedboard: with 1 memory port, a partition reads and writes at most 1 tensor through memory, so layers 'stem_relu_split' to 'cat' must stay together, and even with every folding factor 1 and weights reloading factor 1 they need BRAM 62, 22 (55%) more than the 40 allowed" \
    optimise "$block" --platform "$tmp/ports1.json" -o "$tmp/b" "${quick[@]}"
if [ ! -e "$tmp/b" ]; then pass; else fail "1 port: left an output directory"; fi

harness_summary
