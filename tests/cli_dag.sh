#!/usr/bin/env bash
# Branching networks end to end with the tool: ResNet-18, ResNet-50 and MobileNetV2 parse, report and
# draw; an optimised ResNet-18 and MobileNetV2 validate against their models on the ZC706, and the
# schedule lists every partition a partition reads from.
# Usage: cli_dag.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u
cli=${1:?usage: cli_dag.sh PATH/TO/fpgaconvnet}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_dag.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. lib/cli_harness.sh

zc706=../examples/platforms/zc706.json

for name in resnet18 resnet50 mobilenet_v2; do
    model=data/models/$name.onnx
    expect_ok "report $name" report --model "$model"
    expect_output_re "report $name: joins" '^ +[^ ]+ +eltwise +'
    expect_output_re "report $name: splits" '^ +[^ ]+ +split +'
    expect_ok "visualise $name" visualise --model "$model" -o "$tmp/$name.svg" --detail layers
    if grep -q 'eltwise' "$tmp/$name.svg"; then pass; else fail "visualise $name: no eltwise layer drawn"; fi
done

# A quick search (the greedy pass and a little annealing) on a board with reconfiguration.
expect_ok "optimise resnet18" optimise data/models/resnet18.onnx --platform "$zc706" -o "$tmp/r18" \
    --iterations 30000 --time-limit 120
expect_ok "validate resnet18" validate "$tmp/r18/resnet18.json" --platform "$zc706" --resource-allocation 0.8 \
    --model data/models/resnet18.onnx
expect_ok "report resnet18 with memory tensors" report "$tmp/r18/resnet18.json"
# Partitions after the first read what earlier ones wrote; a skip across a cut is read from memory.
expect_output_re "report resnet18: memory tensors" '^  memory tensors +[0-9]+ in \(from '
expect_ok "schedule resnet18" schedule "$tmp/r18/resnet18.json" --header
expect_output_re "schedule resnet18: dependency column" '^partition_id,.*,input_dependencies$'
expect_output_re "schedule resnet18: two producers" ',[0-9]+;[0-9]+$'
if cmp -s <("$cli" schedule "$tmp/r18/resnet18.json") "$tmp/r18/scheduler.csv"; then pass
else fail "optimise's scheduler.csv differs from 'schedule'"; fi

# The bundled result of that search still loads and fits.
expect_ok "validate the bundled resnet18 example" validate ../examples/resnet18_zc706.json --platform "$zc706" \
    --resource-allocation 0.8 --model data/models/resnet18.onnx

# MobileNetV2: CLIP layers, joins without a ReLU after them, depthwise convolutions.
expect_ok "optimise mobilenet_v2" optimise data/models/mobilenet_v2.onnx --platform "$zc706" -o "$tmp/mnv2" \
    --iterations 30000 --time-limit 120
expect_ok "validate mobilenet_v2" validate "$tmp/mnv2/mobilenet_v2.json" --platform "$zc706" \
    --resource-allocation 0.8 --model data/models/mobilenet_v2.onnx

harness_summary
