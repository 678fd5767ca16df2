#!/usr/bin/env bash
# `fpgaconvnet optimise` stopped by Ctrl-C (SIGINT) or SIGTERM: the search ends, the best design so far
# is written into OUTDIR with its report, schedule and picture, it validates, and no OUTDIR.tmp-* is
# left behind.
# Usage: cli_optimise_signal.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u

cli=${1:?usage: cli_optimise_signal.sh PATH/TO/fpgaconvnet}
model=data/models/mobilenet_v2.onnx
platform=../examples/platforms/zc706.json

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_signal.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. lib/cli_harness.sh

# SIGINT stops one search, SIGTERM three in parallel (--threads): each writes the best design of all.
for signal in INT TERM; do
    out=$tmp/out-$signal
    threads=1
    [ "$signal" = TERM ] && threads=3
    # A search that would run for a minute, stopped after a second and a half.
    "$cli" optimise "$model" --platform "$platform" -o "$out" --time-limit 60 --threads "$threads" \
        >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    sleep 1.5
    kill -"$signal" "$pid"
    wait "$pid"
    status=$?
    if [ "$status" -eq 0 ] && grep -qF "(stopped by a signal)" "$tmp/out"; then pass; else
        fail "SIG$signal: exit $status" "$(cat "$tmp/out" "$tmp/err" | head -c 400)"; fi
    for file in mobilenet_v2.json report.json scheduler.csv optimiser.csv; do
        [ -s "$out/$file" ] && pass || fail "SIG$signal: $file missing from OUTDIR"
    done
    if compgen -G "$out.tmp-*" >/dev/null; then fail "SIG$signal: $out.tmp-* left behind"; else pass; fi
    run validate "$out/mobilenet_v2.json" --platform "$platform" --resource-allocation 0.8
    [ "$status" -eq 0 ] && pass || fail "SIG$signal: the design written does not validate" "$(cat "$tmp/out")"
done

harness_summary
