#!/usr/bin/env bash
# TOML platform files through the tool: report, validate and optimise take a TOML board wherever they
# take a JSON one, a TOML twin gives the same output as its JSON file, a TOML board can come on
# standard input, and a wrong TOML board is one line naming the file, line and column.
# Usage: cli_platform_toml.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u
cli=${1:?usage: cli_platform_toml.sh PATH/TO/fpgaconvnet}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_platform_toml.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. lib/cli_harness.sh

boards=../examples/platforms
alexnet=../examples/alexnet.json
lenet=../examples/lenet.json
quick=(--iterations 20000 --time-limit 60 --seed 3)

# same_output NAME FILE-A FILE-B: the two files are identical.
same_output() {
    if cmp -s "$2" "$3"; then pass; else fail "$1: $2 and $3 differ" "$(diff "$2" "$3" | head -5)"; fi
}

# ------------------------------------------------------------------ report
expect_ok "report" report "$alexnet" --platform "$boards/zcu104.toml"
expect_output "report" "zcu104 (xczu7ev-ffvc1156-2-e)"
expect_output "report" "memory bandwidth  19.2 GB/s"
for board in zedboard zc706 zcu102 u250; do
    for format in text json; do
        run report "$alexnet" --platform "$boards/$board.json" --format "$format"
        cp "$tmp/out" "$tmp/from_json"
        expect_ok "report $board $format" report "$alexnet" --platform "$boards/$board.toml" --format "$format"
        same_output "report $board $format: TOML twin" "$tmp/from_json" "$tmp/out"
    done
done
expect_ok "report from standard input" report "$alexnet" --platform - <"$boards/zcu104.toml"
expect_output "report from standard input" "zcu104 (xczu7ev-ffvc1156-2-e)"

# ------------------------------------------------------------------ validate
run validate "$lenet" --platform "$boards/zedboard.json"
cp "$tmp/out" "$tmp/from_json"
expect_ok "validate" validate "$lenet" --platform "$boards/zedboard.toml"
expect_output "validate" "valid: $lenet fits zedboard"
same_output "validate: TOML twin" "$tmp/from_json" "$tmp/out"
sed 's/^DSP = 220$/DSP = 3/' "$boards/zedboard.toml" >"$tmp/small.toml"
run validate "$lenet" --platform "$tmp/small.toml"
if [ "$status" -eq 1 ] && grep -qF "partition 0: DSP 4 exceeds 3" "$tmp/out"; then pass; else fail "validate: small board" "$(head -c 300 "$tmp/out")"; fi

# ------------------------------------------------------------------ optimise
expect_ok "optimise" optimise data/models/lenet.onnx --platform "$boards/zcu104.toml" -o "$tmp/zcu104" "${quick[@]}"
expect_output_re "optimise" "^lenet on zcu104: throughput [0-9.e+]+ inputs/s"
expect_ok "optimised fits" validate "$tmp/zcu104/lenet.json" --platform "$boards/zcu104.toml"
expect_ok "optimise JSON twin" optimise data/models/lenet.onnx --platform "$boards/zc706.json" -o "$tmp/json" "${quick[@]}"
expect_ok "optimise TOML twin" optimise data/models/lenet.onnx --platform "$boards/zc706.toml" -o "$tmp/toml" "${quick[@]}"
same_output "optimise: TOML twin" "$tmp/json/lenet.json" "$tmp/toml/lenet.json"

# ------------------------------------------------------------------ errors
printf '[resources]\nLUT = 1\nFF = 1\nDSP = 1\nBRAM = 1\n[system]\nboard_frequency = 0\n' >"$tmp/slow.toml"
expect_error "zero clock" 1 "$tmp/slow.toml:7:19: platform [system] board_frequency is in MHz and must be from 1 to 10000, got 0" \
    report "$alexnet" --platform "$tmp/slow.toml"
printf '[resources]\nLUT = 1\nLUT = 2\n' >"$tmp/twice.toml"
expect_error "duplicate key" 2 "$tmp/twice.toml:3:1: duplicate key resources.LUT (first at line 2)" \
    validate "$lenet" --platform "$tmp/twice.toml"
printf '[device]\nname = "x"\n' >"$tmp/none.toml"
expect_error "no resources" 1 "$tmp/none.toml: platform lacks the table [resources]" \
    optimise data/models/lenet.onnx --platform "$tmp/none.toml" -o "$tmp/never" "${quick[@]}"
if [ -e "$tmp/never" ]; then fail "no resources: left $tmp/never"; else pass; fi
# Read whole to tell its form, a file that never ends is refused at 1 MiB.
expect_error "endless" 1 "/dev/zero: more than 1048576 bytes; refused" report "$alexnet" --platform /dev/zero

harness_summary
