#!/usr/bin/env bash
# Fuzzes the readers with libFuzzer: fuzz/run.sh [SECONDS] [TARGET...]
#
# Builds the fuzzers with clang in build-fuzz/ (the library instrumented for coverage, ASan and
# UBSan), then runs each TARGET (default: onnx, config and platform, one after another) for SECONDS
# (default 30) on a copy of its seeds and past crashes, so the committed corpus never grows.
# Exits non-zero when a fuzzer finds a crash, a timeout, a leak or a broken check, and prints
# where the input it saved is: copy it into fuzz/regressions/TARGET/ once it is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
build="build-fuzz"

CC=clang cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFCN_FUZZ=ON \
  -DBUILD_TESTING=OFF >/dev/null
[ $# -gt 0 ] || set -- onnx config platform
targets=()
for target in "$@"; do targets+=(--target "fuzz_$target"); done
cmake --build "$build" -j"$(nproc)" "${targets[@]}" >/dev/null

# Inputs each reader takes: whole models for ONNX, hand-sized JSON for the others.
max_len() {
  case $1 in
    onnx) echo 1048576 ;;
    config) echo 65536 ;;
    *) echo 16384 ;;
  esac
}

failed=0
for target in "$@"; do
  work="$build/fuzz-run/$target"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp fuzz/corpus/"$target"/* "$work/corpus/"
  if compgen -G "fuzz/regressions/$target/*" >/dev/null; then cp fuzz/regressions/"$target"/* "$work/corpus/"; fi
  dict=()
  [ -f "fuzz/$target.dict" ] && dict=(-dict="fuzz/$target.dict")
  echo "== fuzz_$target: ${seconds}s"
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
     "$build/fuzz/fuzz_$target" "$work/corpus" ${dict[@]+"${dict[@]}"} -max_total_time="$seconds" \
       -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$work/artifacts/" >"$work/log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|cov:' "$work/log" |
      tail -4 || true
  else
    failed=1
    echo "fuzz_$target FAILED; log: $work/log"
    grep -E 'ERROR|SUMMARY|fuzz_[a-z]+: ' "$work/log" | head -5 || true
    for artifact in "$work"/artifacts/*; do
      [ -e "$artifact" ] && echo "input saved in $artifact"
    done
  fi
done
exit $failed
