#!/usr/bin/env bash
# `fpgaconvnet sweep` (issue 14): one search per batch size and allocation, the Pareto front marked in
# sweep.csv (no design on it beaten on throughput, latency and resource share at once by another, every
# design off it beaten by one), each design written and valid on the board at its allocation, the plot
# drawn with a point per design; every usage error one line.
# Usage: cli_sweep.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u
cli=${1:?usage: cli_sweep.sh PATH/TO/fpgaconvnet}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_sweep.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. lib/cli_harness.sh

model=data/models/lenet.onnx
board=../examples/platforms/zedboard.toml

expect_ok "sweep lenet" sweep "$model" --platform "$board" -o "$tmp/s" --batch-sizes 1,64 \
    --allocations 0.3,0.6,0.9 --time-limit 6 --threads 1
expect_output_re "sweep lenet: summary" '^.*lenet.onnx on zedboard: 6 searches, 6 designs fit, [1-6] on the Pareto front; wrote '
for k in 1 2 3 4 5 6; do
    if [ -s "$tmp/s/design_$k.json" ]; then pass; else fail "sweep lenet: no design_$k.json"; fi
done
csv=$tmp/s/sweep.csv
if head -n 1 "$csv" | grep -q '^design,batch_size,resource_allocation,objective,found,throughput,latency_s,resource_share,'; then
    pass; else fail "sweep.csv: header" "$(head -n 1 "$csv")"; fi
# Each design validates at its own batch size's allocation.
while IFS=, read -r k batch allocation _; do
    expect_ok "validate design $k" validate "$tmp/s/design_$k.json" --platform "$board" \
        --resource-allocation "$allocation" --model "$model"
done < <(tail -n +2 "$csv")
# The front: none on it dominated, every one off it dominated (columns 6-8: throughput, latency, share).
verdict=$(tail -n +2 "$csv" | awk -F, '
    { tp[NR] = $6; lat[NR] = $7; sh[NR] = $8; on[NR] = $15; n = NR }
    END {
        for (i = 1; i <= n; i++) {
            d = 0
            for (j = 1; j <= n; j++)
                if (j != i && tp[j] >= tp[i] && lat[j] <= lat[i] && sh[j] <= sh[i] &&
                    (tp[j] > tp[i] || lat[j] < lat[i] || sh[j] < sh[i])) d = 1
            if (d == on[i]) { print "design " i " marked " on[i] " but dominated " d; exit }
        }
        print "ok"
    }')
if [ "$verdict" = ok ]; then pass; else fail "sweep.csv: the front is wrong" "$verdict"; fi
# Batch 1 searches for latency, larger batches for throughput.
if awk -F, 'NR > 1 && (($2 == 1) != ($4 == "latency")) { bad = 1 } END { exit bad }' "$csv"; then pass
else fail "sweep.csv: objectives do not follow the batch sizes"; fi
svg=$tmp/s/pareto.svg
if [ "$(grep -c '<circle' "$svg")" -eq 6 ] && grep -q '<polyline' "$svg" && tail -n 1 "$svg" | grep -q '</svg>'; then
    pass; else fail "pareto.svg: not 6 points, a front line and a whole file"; fi
if grep -q 'lenet on zedboard' "$svg"; then pass; else fail "pareto.svg: no title"; fi

# A board too small for any design at a tiny allocation: that point is left out, the rest kept.
expect_ok "sweep with an allocation nothing fits" sweep "$model" --platform "$board" -o "$tmp/t" \
    --batch-sizes 64 --allocations 0.001,0.9 --time-limit 2 --threads 1
expect_output "sweep with an allocation nothing fits" "2 searches, 1 design fit, 1 on the Pareto front"
if [ ! -e "$tmp/t/design_1.json" ] && [ -s "$tmp/t/design_2.json" ]; then pass
else fail "sweep: a design written for the allocation nothing fits"; fi

expect_error "sweep where nothing fits" 1 "no design fits at any of the allocations: " sweep "$model" \
    --platform "$board" -o "$tmp/none" --batch-sizes 1,64 --allocations 0.001 --time-limit 2 --threads 1
if [ ! -e "$tmp/none" ]; then pass; else fail "sweep where nothing fits: left $tmp/none behind"; fi
expect_error "sweep without a platform" 2 "sweep: missing --platform PLATFORM.json" sweep "$model" -o "$tmp/u"
expect_error "sweep without an output" 2 "sweep: missing -o OUTDIR" sweep "$model" --platform "$board"
expect_error "sweep without a model" 2 "sweep: missing MODEL.onnx" sweep --platform "$board" -o "$tmp/u"
expect_error "sweep: a zero batch size" 2 "--batch-sizes" sweep "$model" --platform "$board" -o "$tmp/u" \
    --batch-sizes 1,0
expect_error "sweep: an empty batch size" 2 "--batch-sizes" sweep "$model" --platform "$board" -o "$tmp/u" \
    --batch-sizes 1,,4
expect_error "sweep: seven batch sizes" 2 "sweep: --batch-sizes: at most 6 values" sweep "$model" \
    --platform "$board" -o "$tmp/u" --batch-sizes 1,2,3,4,5,6,7
expect_error "sweep: an allocation above 1" 2 "--allocations" sweep "$model" --platform "$board" -o "$tmp/u" \
    --allocations 0.5,1.5
expect_error "sweep: a list too long" 2 "sweep: --allocations: the list is too long" sweep "$model" \
    --platform "$board" -o "$tmp/u" --allocations "$(printf '0.5%.0s,' {1..100})0.5"
expect_error "sweep: a bad time limit" 2 "--time-limit" sweep "$model" --platform "$board" -o "$tmp/u" \
    --time-limit -3
expect_error "sweep: an unknown option" 2 "unknown option" sweep "$model" --platform "$board" -o "$tmp/u" --bogus
mkdir -p "$tmp/full" && touch "$tmp/full/keep"
expect_error "sweep into a directory with files" 1 "full" sweep "$model" --platform "$board" -o "$tmp/full" \
    --time-limit 1
if [ -e "$tmp/full/keep" ]; then pass; else fail "sweep: removed a user's file"; fi
expect_error "sweep: a missing model" 1 "nonexistent.onnx" sweep data/models/nonexistent.onnx --platform "$board" \
    -o "$tmp/u"
run sweep --help
if [ "$status" -eq 0 ] && grep -q '^usage: fpgaconvnet sweep' "$tmp/out"; then pass; else fail "sweep --help"; fi

harness_summary
