# Shared by the tests/cli_*.sh tests: runs the tool and checks its output, exit status and messages.
# The sourcing script sets $cli (the tool) and $tmp (a scratch directory it removes) first, and ends
# with `harness_summary`.

passed=0
failed=0
fail() {
    failed=$((failed + 1))
    echo "FAIL: $1" >&2
    shift
    local line
    for line in "$@"; do echo "    $line" >&2; done
}
pass() { passed=$((passed + 1)); }

# Runs the tool; leaves its output in $tmp/out, $tmp/err and its exit status in $status.
run() {
    "$cli" "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
}

# expect_ok NAME ARGS...: exit 0 and nothing on stderr.
expect_ok() {
    local name=$1
    shift
    run "$@"
    if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ]; then
        pass
    else
        fail "$name: exit $status" "$(head -c 500 "$tmp/err")"
    fi
}

# expect_output NAME FIXED-STRING: the last run's stdout contains it.
expect_output() {
    if grep -qF -- "$2" "$tmp/out"; then
        pass
    else
        fail "$1: output lacks '$2'"
    fi
}

# expect_output_re NAME REGEX: the last run's stdout matches it (grep -E).
expect_output_re() {
    if grep -qE -- "$2" "$tmp/out"; then
        pass
    else
        fail "$1: output matches no /$2/"
    fi
}

# expect_error NAME STATUS MESSAGE-PART ARGS...: exit STATUS, nothing on stdout, and stderr is
# exactly one line "fpgaconvnet: ..." containing MESSAGE-PART.
expect_error() {
    local name=$1 want=$2 part=$3
    shift 3
    run "$@"
    local lines
    lines=$(wc -l <"$tmp/err")
    local message
    message=$(cat "$tmp/err")
    if [ "$status" -ne "$want" ]; then
        fail "$name: exit $status, expected $want" "$message"
    elif [ "$lines" -ne 1 ]; then
        fail "$name: $lines lines on stderr, expected 1" "$message"
    elif [[ "$message" != "fpgaconvnet: "* ]]; then
        fail "$name: message lacks the 'fpgaconvnet: ' prefix" "$message"
    elif [[ "$message" != *"$part"* ]]; then
        fail "$name: message lacks '$part'" "$message"
    elif [ -s "$tmp/out" ]; then
        fail "$name: printed on stdout too" "$(head -c 200 "$tmp/out")"
    else
        pass
    fi
}

# expect_search_files NAME DIR MODEL-NAME: the last run (optimise) exited 0, wrote DIR/MODEL-NAME.json,
# report.json, scheduler.csv and optimiser.csv, and left no DIR.tmp-* behind; the picture is not checked.
expect_search_files() {
    local name=$1 dir=$2 model=$3 file
    if [ "$status" -eq 0 ]; then pass; else fail "$name: exit $status" "$(head -c 500 "$tmp/err")"; fi
    for file in "$model.json" report.json scheduler.csv optimiser.csv; do
        if [ -s "$dir/$file" ]; then pass; else fail "$name: $dir/$file is missing or empty"; fi
    done
    if compgen -G "$dir.tmp-*" >/dev/null; then fail "$name: $dir.tmp-* left behind"; else pass; fi
}

# Prints the closing "N passed, M failed" line; the exit status says whether all passed.
harness_summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
