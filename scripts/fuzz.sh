#!/usr/bin/env bash
# Runs totpkit's cargo-fuzz targets (fuzz/), one at a time, and prints executions per target.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    default 60 s, every target
#   FUZZ_RUNS=10000000 scripts/fuzz.sh 1800             stop at 10 M executions or 30 min
#   scripts/fuzz.sh 5                                   a smoke run: 7 × 5 s, plus the build
#                                                       (about 4 minutes cold, seconds warm)
#
# Targets: otpauth base32 http_date clock_offset qr_svg verify policy_record (fuzz/README.md says what each
# checks). Each run starts from fuzz/seeds/<target>/ (copied into the git-ignored
# fuzz/corpus/<target>/, which keeps growing across runs). Builds use nightly with debug
# assertions on (-a), so an integer overflow is a crash too, and without AddressSanitizer
# (-s none: totpkit forbids unsafe code, and ASan halves the speed); FUZZ_BUILD_FLAGS overrides
# that, e.g. FUZZ_BUILD_FLAGS="-a -s address". One single-process libFuzzer at a time (the
# equivalent of -jobs=1 -workers=1 without the extra log files), under `nice`, because the
# machine has two cores. A crash leaves its input in
# fuzz/artifacts/<target>/ and makes the script exit 1; reproduce it with
#   cargo +nightly fuzz run -a -s none TARGET fuzz/artifacts/TARGET/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

SECONDS_PER_TARGET=${1:-60}
shift || true
ALL=(otpauth base32 http_date clock_offset qr_svg verify policy_record)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL[@]}")

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: needs the nightly toolchain (rustup toolchain install nightly)" >&2
  exit 1
fi
if ! command -v cargo-fuzz >/dev/null; then
  echo "fuzz: cargo install cargo-fuzz --locked (about 1 minute)"
  cargo install cargo-fuzz --locked
fi

read -r -a BUILD <<<"${FUZZ_BUILD_FLAGS:--a -s none}"
# qr_svg spends its time in the QR encoder's mask-penalty loops, where comparison tracing (meant
# to find magic strings in parsers) costs 3x the speed: it is built without, in its own target
# directory so the other targets keep theirs.
flags_for() {
  if [ "$1" = qr_svg ]; then
    echo "${BUILD[*]} --no-trace-compares --target-dir fuzz/target/no-trace-compares"
  else
    echo "${BUILD[*]}"
  fi
}
for t in "${TARGETS[@]}"; do
  read -r -a flags <<<"$(flags_for "$t")"
  nice -n 10 cargo +nightly fuzz build "${flags[@]}" "$t"
done

LOGS=$(mktemp -d)
results=()
failed=0
for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  cp -n "fuzz/seeds/$t/"* "fuzz/corpus/$t/" 2>/dev/null || true
  printf '\n== fuzz %s for %s s%s\n' "$t" "$SECONDS_PER_TARGET" "${FUZZ_RUNS:+ or $FUZZ_RUNS runs}"
  log="$LOGS/$t.log"
  args=(-max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 -max_len=8192)
  [ -n "${FUZZ_RUNS:-}" ] && args+=(-runs="$FUZZ_RUNS")
  start=$(date +%s)
  read -r -a flags <<<"$(flags_for "$t")"
  if nice -n 10 cargo +nightly fuzz run "${flags[@]}" "$t" "fuzz/corpus/$t" -- "${args[@]}" >"$log" 2>&1; then
    status=ok
  else
    status=CRASH
    failed=1
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -8 || true
  fi
  secs=$(( $(date +%s) - start ))
  execs=$(sed -nE 's/^stat::number_of_executed_units: ([0-9]+)/\1/p' "$log" | tail -1)
  # After a crash libFuzzer prints no final stats: take the last progress line.
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  results+=("$(printf '%-13s %-5s %12s execs %8s exec/s %5s s  cov %-5s corpus %s' \
    "$t" "$status" "${execs:-0}" "$(( ${execs:-0} / (secs > 0 ? secs : 1) ))" "$secs" "${cov:-?}" "$corpus")")
  tail -3 "$log"
done

printf '\n== fuzz summary (logs in %s)\n' "$LOGS"
printf '%s\n' "${results[@]}"
exit "$failed"
