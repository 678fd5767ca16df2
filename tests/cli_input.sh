#!/usr/bin/env bash
# What the tool reads and writes at the edges: standard input as "-", inputs that are not models
# (/dev/zero, an endless pipe, graphs nested thousands deep), and -o files written whole or not at all.
# Usage: cli_input.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u

cli=${1:?usage: cli_input.sh PATH/TO/fpgaconvnet}
lenet=data/models/lenet.onnx
config=../examples/lenet.json

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_input.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. lib/cli_harness.sh

# expect_same_output NAME FILE: the last run's stdout is FILE, byte for byte.
expect_same_output() {
    if cmp -s "$tmp/out" "$2"; then pass; else fail "$1: output differs from $2"; fi
}

# ------------------------------------------------------------ standard input
"$cli" parse "$lenet" >"$tmp/lenet.json" 2>/dev/null
"$cli" report "$config" >"$tmp/lenet.report" 2>/dev/null
"$cli" report --model "$lenet" >"$tmp/lenet-model.report" 2>/dev/null

run parse - <"$lenet"
[ "$status" -eq 0 ] && pass || fail "parse -: exit $status"
expect_same_output "parse - is parse FILE" "$tmp/lenet.json"
run report - <"$config"
expect_same_output "report - is report FILE" "$tmp/lenet.report"
run report --model - <"$lenet"
expect_same_output "report --model - is report --model FILE" "$tmp/lenet-model.report"

# A UTF-8 byte order mark before the JSON is skipped, not refused with an invisible character.
printf '\xef\xbb\xbf' | cat - "$config" >"$tmp/bom.json"
run report "$tmp/bom.json"
expect_same_output "report of a file with a byte order mark" "$tmp/lenet.report"

# ------------------------------------------------------------ not models, refused at once
expect_error "parse /dev/zero" 1 "/dev/zero: not an ONNX model (its first bytes are no field of a model)" \
    parse /dev/zero
# An endless pipe: refused from its first bytes (timeout guards against reading forever).
"$cli" parse - < <(yes) >"$tmp/out" 2>"$tmp/err" &
pid=$!
( sleep 20; kill $pid 2>/dev/null ) &
watchdog=$!
wait $pid
status=$?
kill $watchdog 2>/dev/null
if [ "$status" -eq 1 ] && grep -qF "standard input: not an ONNX model" "$tmp/err"; then pass; else
    fail "parse - from an endless pipe: exit $status" "$(head -c 300 "$tmp/err")"; fi
expect_error "report /dev/zero" 1 "/dev/zero:1:1:" report /dev/zero
expect_error "graphs nested 3000 deep" 1 "messages nested more than 100 levels deep" \
    parse ../fuzz/regressions/onnx/graphs-nested-3000-deep.onnx
expect_error "list-ops of graphs nested 3000 deep" 1 "messages nested more than 100 levels deep" \
    parse --list-ops ../fuzz/regressions/onnx/graphs-nested-3000-deep.onnx

# ------------------------------------------------------------ messages stay one readable line
# A file name longer than a message holds: its middle is cut, the reason at the end stays.
long=$(printf 'd%.0s' $(seq 1 250))
expect_error "a 1,000-character file name keeps the reason" 1 "/nofile.json: cannot open: No such file or directory" \
    report "$tmp/$long/$long/$long/$long/nofile.json"
grep -qF " ... " "$tmp/err" && pass || fail "a 1,000-character file name: no ' ... ' where it was cut"
# Control characters and bytes that are not UTF-8 in a name are shown, not echoed raw.
expect_error "a name with control bytes" 1 'x\x1B[31my\xFF.onnx: cannot open' parse "$tmp/x"$'\e'"[31my"$'\xff'".onnx"

# A model whose file name holds a newline: optimise's summary stays three lines (the design, the bound, the search).
cp "$lenet" "$tmp/le"$'\n'"net.onnx"
"$cli" optimise "$tmp/le"$'\n'"net.onnx" --platform ../examples/platforms/zedboard.json -o "$tmp/opt" \
    --iterations 2000 >"$tmp/out" 2>/dev/null
if [ "$(wc -l <"$tmp/out")" -eq 3 ] && grep -qF 'le\x0Anet on zedboard' "$tmp/out"; then pass; else
    fail "optimise summary of a name with a newline" "$(cat "$tmp/out")"; fi

# ------------------------------------------------------------ -o: whole or not at all
for command in "parse $lenet" "report $config" "schedule $config" "parse --list-ops $lenet"; do
    out="$tmp/kept"
    echo OLD >"$out"
    # Killed mid-write by the file size limit: the old file stays as it was.
    # (The inner shell reports the kill on its own stderr, which is discarded.)
    bash -c 'ulimit -f 0; "$@"; true' limit "$cli" $command -o "$out" >/dev/null 2>&1
    if [ "$(cat "$out")" = OLD ]; then pass; else fail "$command -o, killed while writing: old file lost"; fi
    rm -f "$out".tmp-*
    # The same with the signal ignored: the write fails, one line, and no temporary file is left.
    # (Its message goes through a pipe: the limit would stop it reaching a file.)
    (trap '' XFSZ; ulimit -f 0; exec "$cli" $command -o "$out" 2>&1 >/dev/null) | cat >"$tmp/err"
    status=${PIPESTATUS[0]}
    if [ "$status" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ "$(cat "$out")" = OLD ]; then pass; else
        fail "$command -o, write failed: exit $status, old file $(head -c 20 "$out")" "$(cat "$tmp/err")"; fi
    if compgen -G "$out.tmp-*" >/dev/null; then fail "$command -o: temporary file left behind"; else pass; fi
    # Written whole when it can be; a device is written in place, never replaced.
    run $command -o "$out"
    [ "$status" -eq 0 ] && [ "$(cat "$out")" != OLD ] && pass || fail "$command -o: not written"
    run $command -o /dev/full
    if [ -c /dev/full ] && [ "$status" -eq 1 ]; then pass; else fail "$command -o /dev/full: exit $status"; fi
done

# visualise draws into a temporary file with the picture's extension, renamed when complete.
echo OLD >"$tmp/kept.png"
bash -c 'ulimit -f 0; "$@"; true' limit "$cli" visualise "$config" -o "$tmp/kept.png" >/dev/null 2>&1
[ "$(cat "$tmp/kept.png")" = OLD ] && pass || fail "visualise -o, killed while writing: old picture lost"
rm -f "$tmp"/kept.png.tmp-*
run visualise "$config" -o "$tmp/kept.png"
if [ "$status" -eq 0 ] && [ "$(head -c 4 "$tmp/kept.png" | tail -c 3)" = PNG ]; then pass; else
    fail "visualise -o: no png written (exit $status)"; fi
if compgen -G "$tmp/kept.png.tmp-*" >/dev/null; then fail "visualise -o: temporary file left behind"; else pass; fi

harness_summary
