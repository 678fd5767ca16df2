#!/usr/bin/env bash
# `fpgaconvnet validate` and `fpgaconvnet schedule`: a configuration that fits, each kind of violation,
# the schedule of a multi-partition configuration against its hand-checked file, and the error paths.
# Usage: cli_validate.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u
cli=${1:?usage: cli_validate.sh PATH/TO/fpgaconvnet}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_validate.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. lib/cli_harness.sh

lenet=../examples/lenet.json
zedboard=../examples/platforms/zedboard.json

# A ZedBoard with one field changed: board FIELD VALUE > file.
board() { sed "s/\"$1\": [0-9.]*/\"$1\": $2/" "$zedboard"; }

# expect_status NAME STATUS ARGS...: the exit status, whatever is printed.
expect_status() {
    local name=$1 want=$2
    shift 2
    run "$@"
    if [ "$status" -eq "$want" ]; then pass; else fail "$name: exit $status, expected $want" "$(head -c 300 "$tmp/err")"; fi
}

# ------------------------------------------------------------------ validate
expect_ok "fits" validate "$lenet" --platform "$zedboard"
expect_output "fits" "valid: $lenet fits zedboard"

board DSP 3 >"$tmp/dsp.json"
expect_status "DSP" 1 validate "$lenet" --platform "$tmp/dsp.json"
expect_output "DSP" "2 violations of $lenet on zedboard:"
expect_output "DSP" "partition 0: DSP 4 exceeds 3 (1 of the platform's 3; 133.3% of the board)"
expect_output "DSP" "partition 3: DSP 4 exceeds 3"

board BRAM 100 >"$tmp/bram.json"
expect_status "BRAM" 1 validate "$lenet" --platform "$tmp/bram.json" --resource-allocation 0.5
expect_output "BRAM" "partition 0: BRAM 58 exceeds 50 (0.5 of the platform's 100; 58.0% of the board)"

board mem_bandwidth 0.1 >"$tmp/bandwidth.json"
expect_status "bandwidth" 1 validate "$lenet" --platform "$tmp/bandwidth.json"
expect_output "bandwidth" "partition 1: bandwidth 0.25 GB/s (in 0.2 + out 0.05) exceeds the platform's 0.1 GB/s"

# Partition 1 given two ports: the tensors handed over between partitions no longer match.
awk '/"ports": 1/ && ++n == 2 { sub(/"ports": 1/, "\"ports\": 2") } 1' "$lenet" >"$tmp/ports.json"
expect_status "streams" 1 validate "$tmp/ports.json" --platform "$zedboard"
expect_output "streams" "partition 1: reads through 2 ports what partition 0 wrote through 1"
expect_output "streams" "partition 2: reads through 1 ports what partition 1 wrote through 2"

# Coverage against the ONNX model: LeNet's golden configuration reloads fc1 x10 and the logits x5.
expect_ok "covers the model" validate "$lenet" --platform "$zedboard" --model data/models/lenet.onnx
awk '/"id": 3/ { exit } NR > 1 { print previous } { previous = $0 }' "$lenet" | sed '$ s/},$/}/' >"$tmp/three.json"
printf ']}\n' >>"$tmp/three.json"
expect_status "model layer uncovered" 1 validate "$tmp/three.json" --platform "$zedboard" --model data/models/lenet.onnx
expect_output "model layer uncovered" "the model's layer 8 'relu3' (RELU) is not in any partition"
expect_output "model layer uncovered" "4 violations"

expect_ok "freq changes the bandwidth" validate "$lenet" --platform "$tmp/bandwidth.json" --freq 10

expect_error "no platform" 2 "validate: missing --platform PLATFORM.json" validate "$lenet"
expect_error "no config" 2 "validate: missing CONFIG.json" validate --platform "$zedboard"
expect_error "allocation 0" 2 "--resource-allocation: '0' is not a positive number" \
    validate "$lenet" --platform "$zedboard" --resource-allocation 0
expect_error "allocation 1.5" 2 "--resource-allocation: 1.5 is outside (0, 1]" \
    validate "$lenet" --platform "$zedboard" --resource-allocation 1.5
expect_error "missing config file" 2 "$tmp/nope.json: cannot open" validate "$tmp/nope.json" --platform "$zedboard"
printf '{"name": "x", "LUT": 1, "FF": 1, "BRAM": 1}\n' >"$tmp/nodsp.json"
expect_error "platform lacks DSP" 2 "platform lacks \"DSP\"" validate "$lenet" --platform "$tmp/nodsp.json"
expect_error "unknown option" 2 "unknown option '--fit'" validate "$lenet" --fit

# ------------------------------------------------------------------ schedule
expect_ok "schedule" schedule "$lenet"
if cmp -s "$tmp/out" data/expected/lenet.schedule.csv; then pass; else fail "schedule differs" "$(cat "$tmp/out")"; fi
expect_ok "schedule -o" schedule "$lenet" -o "$tmp/scheduler.csv" --header
if head -n 1 "$tmp/scheduler.csv" | grep -q '^partition_id,ports_in,ports_out,input_addr' &&
   tail -n +2 "$tmp/scheduler.csv" | cmp -s - data/expected/lenet.schedule.csv; then
    pass
else
    fail "schedule -o --header" "$(cat "$tmp/scheduler.csv")"
fi
expect_error "schedule: no config" 2 "schedule: missing CONFIG.json" schedule
expect_error "schedule: unwritable" 1 "cannot write '$tmp/no/such/dir.csv'" schedule "$lenet" -o "$tmp/no/such/dir.csv"
expect_error "schedule: bad config" 1 "$tmp/nodsp.json" schedule "$tmp/nodsp.json"

# ------------------------------------------------------------------ report on a board that is too small
expect_ok "report: does not fit" report "$lenet" --platform "$tmp/dsp.json"
expect_output "report: does not fit" "NO: 2 violations on zedboard"
expect_output "report: does not fit" "! partition 0: DSP 4 exceeds 3"
expect_ok "report: fits" report "$lenet" --platform "$zedboard"
expect_output "report: fits" "yes, on zedboard"

harness_summary
