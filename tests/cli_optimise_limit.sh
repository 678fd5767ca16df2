#!/usr/bin/env bash
# `fpgaconvnet optimise --time-limit S` bounds the picture too: topology.png gets what is left of
# S + 1.5 s from the command's start (at least 1 s), else it is left out with one line on stderr
# naming that budget, and the configuration, report, schedule and search log stand.
# No assertion here is about speed. A picture that cannot finish at all is made by pointing
# fontconfig at a FIFO nobody writes: the drawing child blocks opening it, so only the budget ends it,
# on any machine. (Before the budget followed --time-limit, that took 30 s and said so.)
# Usage: cli_optimise_limit.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u

cli=${1:?usage: cli_optimise_limit.sh PATH/TO/fpgaconvnet}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_limit.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. lib/cli_harness.sh

lenet=data/models/lenet.onnx
densenet=data/models/torchvision/densenet121_opset13.onnx
zc706=../examples/platforms/zc706.json
missing_re='^fpgaconvnet: topology\.png is missing: drawing it took (longer than the ([0-9.]+) s --time-limit left for it|more than [0-9]+ s of processor time); the configuration, report and schedule are written$'

# expect_budget NAME LIMIT [cpu-too]: stderr is the one line on the missing picture, and the budget it
# names is at least 1 s and at most LIMIT + 1.5 s. With cpu-too, a child stopped by its processor time
# (as long as its time on the clock, whole seconds) may say so instead: only one that computes can be.
expect_budget() {
    local name=$1 limit=$2 cpu_too=${3:-} line budget
    line=$(cat "$tmp/err")
    if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! [[ $line =~ $missing_re ]]; then
        fail "$name: stderr is not the one line on the missing picture" "$line"
        return
    fi
    budget=${BASH_REMATCH[2]}
    if [ -z "$budget" ] && [ -n "$cpu_too" ]; then
        pass
    elif [ -z "$budget" ]; then
        fail "$name: the picture was stopped by its processor time, not by the time left" "$line"
    elif awk -v b="$budget" -v s="$limit" 'BEGIN { exit !(b >= 1 && b <= s + 1.5) }'; then
        pass
    else
        fail "$name: the picture was given $budget s, outside [1, $limit + 1.5]" "$line"
    fi
}

# ------------------------------------------------------------------ a picture that cannot finish
mkfifo "$tmp/fonts.fifo"
FONTCONFIG_FILE=$tmp/fonts.fifo run optimise "$lenet" --platform "$zc706" -o "$tmp/a" --time-limit 0.3 --quiet
expect_search_files "blocked picture" "$tmp/a" lenet
expect_output_re "blocked picture" "^lenet on zc706: throughput [0-9.e+]+ inputs/s, .* \(time limit\)$"
if [ -e "$tmp/a/topology.png" ] || [ -e "$tmp/a/topology.svg" ]; then
    fail "blocked picture: a picture was written"
else
    pass
fi
expect_budget "blocked picture" 0.3

# ------------------------------------------------------------------ a large picture, a small limit
# DenseNet-121's picture takes seconds: drawn, or left out with the line naming the time it was given.
run optimise "$densenet" --platform "$zc706" -o "$tmp/b" --time-limit 0.2 --quiet
expect_search_files "large picture" "$tmp/b" densenet121_opset13
if [ -s "$tmp/b/topology.png" ] && [ ! -s "$tmp/err" ]; then
    pass
elif [ ! -e "$tmp/b/topology.png" ] && [ ! -e "$tmp/b/topology.svg" ]; then
    expect_budget "large picture" 0.2 cpu-too
else
    fail "large picture: a picture and a message, or a partial picture" "$(cat "$tmp/err")"
fi

harness_summary
