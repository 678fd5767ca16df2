#!/usr/bin/env bash
# `fpgaconvnet report` and the tool's top level: reports on the bundled examples, the options,
# and every error path (one line "fpgaconvnet: ..." on stderr, exit 1 for a failure, 2 for usage).
# Usage: cli_report.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u

cli=${1:?usage: cli_report.sh PATH/TO/fpgaconvnet}
examples=../examples
lenet=$examples/lenet.json
alexnet=$examples/alexnet.json
zc706=$examples/platforms/zc706.json

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_report.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. lib/cli_harness.sh

# ---------------------------------------------------------------- top level
expect_ok "--help" --help
expect_output "--help" "usage: fpgaconvnet COMMAND"
expect_output "--help lists report" "report"
expect_ok "--version" --version
expect_output_re "--version" '^fpgaconvnet [0-9]+\.[0-9]+\.[0-9]+$'
expect_ok "report --help" report --help
expect_output "report --help" "usage: fpgaconvnet report CONFIG.json"
expect_output "report --help" "--batch-size N"

# ------------------------------------------------------------- text reports
expect_ok "text lenet" report "$lenet"
expect_output "text lenet" "Partition 0"
expect_output "text lenet" "Partition 3"
expect_output_re "text lenet: table header" 'layer +type +in RxCxC +out RxCxC +coarse +cycles'
expect_output_re "text lenet: bottleneck row" '^  \* +conv2 +conv +12x12x6 +8x8x16'
expect_output "text lenet: bottleneck line" "* bottleneck: conv2 (153,600 cycles"
expect_output "text lenet: default clock" "125 MHz"
expect_output "text lenet: weights reloading" "x10 on fc1"
expect_output "text lenet: totals" "Network totals"
if grep -qE 'OVER|available' "$tmp/out"; then fail "text lenet: utilisation without a platform"; else pass; fi

expect_ok "text alexnet" report "$alexnet"
expect_output "text alexnet" "Partition 2"
expect_output_re "text alexnet: bottleneck" '\* bottleneck: _features_features_8_Conv_output \(146,016 cycles'
expect_output "text alexnet: long names keep their tail" "...es_features_0_Conv_output"
expect_output_re "text alexnet: squeeze rows" '^ +\.\.\.[A-Za-z0-9_]+ +squeeze '

# --------------------------------------------------------------- platforms
expect_ok "platform" report "$alexnet" --platform "$zc706"
expect_output "platform: name" "zc706 (xc7z045ffg900-2)"
expect_output "platform: clock from the platform" "150 MHz"
expect_output "platform: reconfiguration from the platform" "82.550 ms"
expect_output_re "platform: used / available (pct%)" 'DSP +42,051 +/ +900 +\(4672\.3%\) +OVER'
expect_output_re "platform: within the device" 'DSP +512 +/ +900 +\(56\.9%\)$'
expect_output_re "platform: bandwidth" 'of 16 GB/s \([0-9.]+%\)'
expect_ok "platform json" report "$lenet" --platform "$zc706" --format json
expect_output "platform json: utilisation" '"utilisation": {'
expect_output "platform json: bandwidth" '"bandwidth_utilisation":'
expect_output "platform json: freq" '"freq_mhz": 150.0'
expect_ok "--freq beats the platform" report "$lenet" --platform "$zc706" --freq 200
expect_output "--freq beats the platform" "200 MHz"

# ------------------------------------------------------------- json reports
expect_ok "json" report "$lenet" --format json
expect_output_re "json: an object" '^\{$'
for key in '"network"' '"latency_s"' '"throughput"' '"memory_usage_bytes"' '"partitions": [' '"interval"' \
    '"wr_layer": "conv2"' '"bottleneck": "conv2"' '"layers": [' '"interval_share"' '"modules": [' \
    '"name": "sliding_window"' '"LUT"' '"BRAM"'; do
    expect_output "json: $key" "$key"
done
if grep -q '"utilisation"' "$tmp/out"; then fail "json: utilisation without a platform"; else pass; fi
expect_ok "json=" report "$lenet" --format=json --freq=100 --reconf-time=0.5 --batch-size=8
expect_output "json: --freq" '"freq_mhz": 100.0'
expect_output "json: --reconf-time" '"reconf_time_s": 0.5'
expect_output "json: --batch-size on the network" '"batch_size": 8,'
if grep -q '"batch_size": 1,' "$tmp/out"; then fail "json: --batch-size missed a partition"; else pass; fi
expect_ok "json: full precision" report "$lenet" --format json --freq 3
expect_output "json: full precision" '"freq_mhz": 3.0'
expect_output_re "json: 17 digits" '"latency_s": [0-9]\.[0-9]{12,}'

# ------------------------------------------------------------------ output
expect_ok "-o" report "$lenet" -o "$tmp/report.txt"
if [ -s "$tmp/out" ]; then fail "-o: also printed on stdout"; else pass; fi
if grep -qF "Partition 0" "$tmp/report.txt" 2>/dev/null; then pass; else fail "-o: file lacks the report"; fi
expect_ok "--output=" report "$lenet" --format json --output="$tmp/report.json"
if grep -qF '"partitions"' "$tmp/report.json" 2>/dev/null; then pass; else fail "--output=: file lacks the report"; fi
expect_ok "-o -" report "$lenet" -o -
expect_output "-o -: standard output" "Partition 0"

# ------------------------------------------------------------------ errors
printf '{"partition": [ }\n' >"$tmp/bad.json"
printf '{"partition": [\n  {"id": 0,\n   "layers": [ ]\n' >"$tmp/truncated.json"
expect_error "missing config" 1 "$tmp/nope.json: cannot open: No such file or directory" report "$tmp/nope.json"
expect_error "invalid JSON" 1 "$tmp/bad.json:1:17:" report "$tmp/bad.json"
expect_error "truncated JSON" 1 "$tmp/truncated.json:4:0:" report "$tmp/truncated.json"
expect_error "missing platform" 1 "$tmp/nope.json: cannot open" report "$lenet" --platform "$tmp/nope.json"
expect_error "invalid platform" 1 "$tmp/bad.json:1:17:" report "$lenet" --platform "$tmp/bad.json"
expect_error "unwritable -o" 1 "cannot write '$tmp/no/such/dir/r.txt': No such file or directory" \
    report "$lenet" -o "$tmp/no/such/dir/r.txt"
if [ -e "$tmp/no" ]; then fail "unwritable -o: created something"; else pass; fi
if [ -w /dev/full ]; then
    "$cli" report "$lenet" >/dev/full 2>"$tmp/err"
    status=$?
    if [ "$status" -eq 1 ] && grep -qx "fpgaconvnet: standard output: cannot write the report: .*" "$tmp/err"; then
        pass
    else
        fail "full stdout: exit $status" "$(cat "$tmp/err")"
    fi
fi

expect_error "no arguments" 2 "no command given"
expect_error "unknown command" 2 "unknown command 'frobnicate'" frobnicate
expect_error "unknown top-level option" 2 "unknown option '--frobnicate'" --frobnicate
expect_error "report without config" 2 "report: missing CONFIG.json" report
expect_error "two configs" 2 "report: unexpected argument 'x.json'" report "$lenet" x.json
expect_error "unknown option" 2 "report: unknown option '--bogus'" report "$lenet" --bogus
expect_error "unknown short option" 2 "report: unknown option '-x'" report "$lenet" -x
expect_error "value for a flag" 2 "report: option '--help' takes no value" report --help=yes
for option in --freq --reconf-time --batch-size --format --platform -o; do
    expect_error "missing value for $option" 2 "report: missing value for option '$option'" report "$lenet" "$option"
done
for value in abc -5 0 inf nan 1e999 '' ' 5' 5MHz; do
    expect_error "--freq '$value'" 2 "report: --freq: '$value' is not a positive number" report "$lenet" --freq "$value"
done
for value in -1 abc -0.5; do
    expect_error "--reconf-time '$value'" 2 "report: --reconf-time: '$value' is not a number >= 0" \
        report "$lenet" --reconf-time "$value"
done
for value in 0 -3 1.5 abc 99999999999999999999 1000000001 ''; do
    expect_error "--batch-size '$value'" 2 "report: --batch-size: '$value' is not an integer from 1 to" \
        report "$lenet" --batch-size "$value"
done
expect_error "unknown format" 2 "report: --format: unknown format 'xml' (expected text or json)" \
    report "$lenet" --format xml
# A usage error is found before any file is read.
expect_error "usage before files" 2 "--freq: 'abc'" report "$tmp/nope.json" --freq abc

# Inputs that are not configurations at all: an error, never a crash.
expect_error "a directory" 1 "$tmp" report "$tmp"
printf '' >"$tmp/empty.json"
expect_error "an empty file" 1 "$tmp/empty.json" report "$tmp/empty.json"
printf '[1, 2, 3]\n' >"$tmp/array.json"
expect_error "a JSON array" 1 "$tmp/array.json" report "$tmp/array.json"
printf '{"partition": []}\n' >"$tmp/none.json"
expect_error "no partitions" 1 "$tmp/none.json" report "$tmp/none.json"
head -c 3000 "$lenet" >"$tmp/cut.json"
expect_error "a cut file" 1 "$tmp/cut.json:" report "$tmp/cut.json"

# ------------------------------------------------------------------ the bound (docs/OPTIMISER-BOUND.md)
resnet18=$examples/resnet18_zc706.json
expect_ok "--bound" report "$resnet18" --platform "$zc706" --bound
expect_output "--bound: section" "Bound (docs/OPTIMISER-BOUND.md, allocation 0.8)"
expect_output_re "--bound: throughput and ratio" '^throughput +at most [0-9.]+ inputs/s at batch [0-9]+ \(this configuration: 0\.[0-9]+ of it\)$'
expect_output_re "--bound: binds" '^binds +(DSP|BRAM|LUT|FF|pixel rate|partitioning)$'
expect_output_re "--bound: the limits" '^cycles per input  LUT [0-9.e+]+, FF [0-9.e+]+, DSP [0-9.e+]+, BRAM [0-9.e+]+, pixel rate [0-9.e+]+$'
expect_output_re "--bound: the area term's shares" '^area x time       [0-9.e+]+ cycles per input, of which LUT [01]\.[0-9]{2}, FF [01]\.[0-9]{2}, DSP [01]\.[0-9]{2}, BRAM [01]\.[0-9]{2}$'
expect_output_re "--bound: the multipliers" '^multipliers alone LUT [0-9.e+]+, FF [0-9.e+]+, DSP [0-9.e+]+, BRAM [0-9.e+]+$'
expect_output "--bound: the report first" "fits              "
expect_ok "--bound json" report "$resnet18" --platform "$zc706" --bound --format json --resource-allocation 0.9
expect_output '--bound json: member' '"bound": {'
expect_output '--bound json: allocation' '"resource_allocation": 0.9'
expect_output_re '--bound json: ratio' '"ratio": 0\.[0-9]+'
expect_output_re '--bound json: the area term' '"area_cycles": [0-9.e+]+'
expect_output '--bound json: its shares' '"area_share": {'
expect_output '--bound json: the multipliers' '"multiplier_cycles": {'
expect_output '--bound json: the report kept' '"partitions": ['
expect_error "--bound without a platform" 2 "report: --bound needs --platform" report "$alexnet" --bound
expect_error "--resource-allocation without --bound" 2 "report: --resource-allocation needs --bound" \
    report "$alexnet" --platform "$zc706" --resource-allocation 0.5
expect_error "--resource-allocation 2" 2 "report: --resource-allocation: 2 is outside (0, 1]" \
    report "$alexnet" --platform "$zc706" --bound --resource-allocation 2
expect_ok "--bound: a configuration that does not fit" report "$alexnet" --platform "$zc706" --bound
expect_output_re "--bound: above the bound" "\(this configuration: [1-9][0-9.]* of it, which only a configuration beyond the allocation reaches\)"
sed 's/"DSP": 900/"DSP": 1/' "$zc706" >"$tmp/one_dsp.json"
expect_error "--bound: nothing fits" 1 \
    "$alexnet: nothing fits on zc706: layer '_features_features_0_Conv_output' needs DSP for its multipliers and 0.5 of the platform's 1 allows none" \
    report "$alexnet" --platform "$tmp/one_dsp.json" --bound --resource-allocation 0.5

harness_summary
