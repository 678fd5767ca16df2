#!/usr/bin/env bash
# The picture when memory runs out, which graphviz does not survive (its png renderer crashes when
# cairo cannot have the bitmap). `optimise` still writes the configuration, report, schedule and search
# log and says in one line why topology.png is missing; `visualise` fails with one line and exit 1,
# never a crash, and leaves no file behind.
#  - Under `ulimit -v` of UNDER_LIMIT KiB, ResNet-50 is searched but its picture cannot be drawn: the
#    png's memory is asked for before graphviz is called, and the line says how much it needed.
#  - Under that limit no optimiser thread reserves a malloc arena of its own (strace), which made the
#    search itself fail now and then.
#  - A drawing that crashes all the same (pango or fontconfig, short of memory, have crashed it at
#    other limits) is made by stopping the drawing child with a signal: fontconfig pointed at a FIFO
#    nobody writes holds it, so the test finds it before it can finish.
# Usage: cli_memory.sh PATH/TO/fpgaconvnet   (run from tests/)
set -u

cli=${1:?usage: cli_memory.sh PATH/TO/fpgaconvnet}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcn_cli_memory.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. lib/cli_harness.sh

resnet50=data/models/resnet50.onnx
lenet=data/models/lenet.onnx
zc706=../examples/platforms/zc706.json
search=(--iterations 20000 --time-limit 60 --quiet)
written='; the configuration, report and schedule are written'

# Found by experiment (Debian 12, graphviz 2.42): the search runs in 40 MB and more; ResNet-50's png
# (12 megapixels, 4 bytes each) is refused from about 70 to 120 MB, drawn from 140 MB. Halfway, with
# 20 MB either side for another machine's libraries.
UNDER_LIMIT=90000

# expect_without_picture NAME DIR MODEL-NAME: the search's files (expect_search_files), and no picture.
expect_without_picture() {
    expect_search_files "$@"
    if [ -e "$2/topology.png" ] || [ -e "$2/topology.svg" ]; then fail "$1: a picture was written"; else pass; fi
}

# expect_line NAME REGEX: stderr is exactly one line, matching REGEX (grep -E).
expect_line() {
    if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qE -- "$2" "$tmp/err"; then
        pass
    else
        fail "$1: stderr is not the one line expected" "$(head -c 500 "$tmp/err")"
    fi
}

# expect_no_picture NAME FILE: neither the picture nor a temporary file beside it is left.
expect_no_picture() {
    if [ -e "$2" ] || compgen -G "$2.tmp-*" >/dev/null; then fail "$1: left $(ls -d "$2"*)"; else pass; fi
}

# crash_drawing NAME ARGS...: runs the tool with fontconfig held on a FIFO, and kills the first child
# it starts (the drawing) with SIGABRT, as a crash would end it. Leaves $status, $tmp/out, $tmp/err.
crash_drawing() {
    local name=$1 child= tries
    shift
    FONTCONFIG_FILE=$tmp/fonts.fifo "$cli" "$@" >"$tmp/out" 2>"$tmp/err" &
    local pid=$!
    # Waiting for the child to start is no bound on speed: it waits on the FIFO until killed.
    for tries in $(seq 600); do
        child=$(pgrep -P "$pid" | head -n 1)
        [ -n "$child" ] && break
        sleep 0.1
    done
    if [ -n "$child" ]; then kill -ABRT "$child"; else fail "$name: no drawing child in 60 s"; kill "$pid"; fi
    wait "$pid"
    status=$?
}

# ------------------------------------------------------------------ a drawing that crashes
mkfifo "$tmp/fonts.fifo"
crash_drawing "optimise, drawing crashed" optimise "$lenet" --platform "$zc706" -o "$tmp/a" "${search[@]}"
expect_without_picture "optimise, drawing crashed" "$tmp/a" lenet
expect_line "optimise, drawing crashed" \
    "^fpgaconvnet: topology\.png is missing: graphviz crashed while drawing it \(signal 6; out of memory\?\)$written$"

crash_drawing "visualise, drawing crashed" visualise --model "$lenet" -o "$tmp/lenet.png"
if [ "$status" -eq 1 ]; then pass; else fail "visualise, drawing crashed: exit $status, expected 1"; fi
expect_line "visualise, drawing crashed" \
    "^fpgaconvnet: $tmp/lenet\.png: graphviz crashed while drawing it \(signal 6; out of memory\?\)$"
expect_no_picture "visualise, drawing crashed" "$tmp/lenet.png"

# ------------------------------------------------------------------ a ulimit on memory
# AddressSanitizer reserves terabytes of address space for its shadow memory: nothing runs under a
# ulimit -v there, so these cases are for the plain builds.
if grep -qa __asan_init "$cli"; then
    echo "skipped the ulimit -v cases: $cli is built with AddressSanitizer, which cannot run under ulimit -v"
    harness_summary
    exit
fi

# No thread reserves a malloc arena of its own (src/cli/main.c says why), counted with strace.
# (strace is installed by scripts/install-deps.sh; a sandbox that forbids ptrace skips this case.)
if ! strace -f -qq -o /dev/null true 2>/dev/null; then
    echo "skipped the arena case: strace cannot trace here"
else
    (ulimit -v "$UNDER_LIMIT" && exec strace -f -qq -o "$tmp/mmap" -e trace=mmap \
        "$cli" optimise "$lenet" --platform "$zc706" -o "$tmp/arena" --iterations 2000 --quiet) >"$tmp/out" 2>"$tmp/err"
    status=$?
    expect_search_files "optimise under ulimit -v $UNDER_LIMIT, traced" "$tmp/arena" lenet
    arenas=$(grep -c 'PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE' "$tmp/mmap")
    if [ "$arenas" -eq 0 ]; then pass; else
        fail "optimise under ulimit -v $UNDER_LIMIT: $arenas reservations of a thread's malloc arena"; fi
fi

oom_png='out of memory for a png of [0-9]+ x [0-9]+ pixels \([0-9]+ MB to draw\); an \.svg needs far less'
(ulimit -v "$UNDER_LIMIT" && exec "$cli" optimise "$resnet50" --platform "$zc706" -o "$tmp/b" "${search[@]}") \
    >"$tmp/out" 2>"$tmp/err"
status=$?
expect_without_picture "optimise under ulimit -v $UNDER_LIMIT" "$tmp/b" resnet50
expect_output_re "optimise under ulimit -v $UNDER_LIMIT" "^resnet50 on zc706: throughput "
expect_line "optimise under ulimit -v $UNDER_LIMIT" "^fpgaconvnet: topology\.png is missing: $oom_png$written$"

(ulimit -v "$UNDER_LIMIT" && exec "$cli" visualise --model "$resnet50" -o "$tmp/resnet50.png") >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" -eq 1 ]; then pass; else fail "visualise under ulimit -v $UNDER_LIMIT: exit $status, expected 1"; fi
expect_line "visualise under ulimit -v $UNDER_LIMIT" "^fpgaconvnet: $tmp/resnet50\.png: $oom_png$"
expect_no_picture "visualise under ulimit -v $UNDER_LIMIT" "$tmp/resnet50.png"
# The svg holds no bitmap: drawn under the same limit.
(ulimit -v "$UNDER_LIMIT" && exec "$cli" visualise --model "$resnet50" -o "$tmp/resnet50.svg") >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && grep -q '<svg' "$tmp/resnet50.svg"; then pass; else
    fail "svg under ulimit -v $UNDER_LIMIT: exit $status" "$(head -c 300 "$tmp/err")"; fi

harness_summary
