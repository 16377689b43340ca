#!/usr/bin/env bash
# The Debian package, as a user gets it: CPack makes it from this build dir's
# install rules (the ones `make package` uses; no second compile, see
# README "Install"), then it is unpacked with dpkg-deb -x into a temp root and
# the unpacked flowlink runs on the example org. Also checks the package's
# Depends, its files, the man page and the bash completion, and that
# FLOWLINK_BUILD_TESTS=OFF / FLOWLINK_BUILD_BENCH=OFF configure a build of the
# programs only.
#   tests/package/run.sh SOURCE_DIR BUILD_DIR
# Exit 77 (skipped) when dpkg-deb is absent: not a Debian system.
set -euo pipefail

source_dir="${1:?usage: run.sh SOURCE_DIR BUILD_DIR}"
build_dir="${2:?usage: run.sh SOURCE_DIR BUILD_DIR}"

if ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "SKIPPED: dpkg-deb is not installed (not a Debian system); the package test needs it"
  exit 77
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# 1. Make the package (strip, dpkg-shlibdeps, compress), outside the build dir.
cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb="$(ls "$work"/out/flowlink_*.deb)"
echo "made $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

# 2. Its Depends come from what the binaries link.
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
depended_on="$(sed 's/ ([^)]*)//g; s/ *| */\n/g; s/, /\n/g' <<<"$depends")"
for library in libcpprest2.10 libyaml-cpp0.7 libfmt9 libssl3 libstdc++6 libc6; do
  grep -qxF "$library" <<<"$depended_on" || fail "Depends lacks $library"
done

description="$(dpkg-deb -f "$deb" Description)"
if grep -q '^ *;' <<<"$description"; then fail "the Description's lines start with CMake list separators"; fi

# 3. The files a user expects, where Debian expects them.
dpkg-deb -c "$deb" | awk '{print $NF}' >"$work/contents"
for path in ./usr/bin/flowlink ./usr/bin/flowlink-emulator \
  ./usr/share/flowlink/schemas/manifest.schema.json ./usr/share/flowlink/schemas/plan.schema.json \
  ./usr/share/flowlink/schemas/modules.schema.json ./usr/share/man/man1/flowlink.1.gz \
  ./usr/share/bash-completion/completions/flowlink; do
  grep -qxF "$path" "$work/contents" || fail "the package has no $path"
done
if grep -qE 'test_|bench_' "$work/contents"; then fail "the package holds test or benchmark binaries"; fi

# 4. Unpacked into a temp root, the programs run.
root="$work/root"
dpkg-deb -x "$deb" "$root"
flowlink="$root/usr/bin/flowlink"
version="$("$flowlink" --version)" || fail "flowlink --version exited $?"
expected_version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")"
[[ "$version" == "flowlink $expected_version" ]] || fail "flowlink --version printed '$version', not 'flowlink $expected_version'"
[[ "$(dpkg-deb -f "$deb" Version)" == "$expected_version" ]] || fail "the package's Version is not $expected_version"
echo "unpacked: $version"
"$root/usr/bin/flowlink-emulator" --help >/dev/null || fail "flowlink-emulator --help exited $?"

plan_status=0
(cd "$source_dir" && NO_COLOR=1 "$flowlink" plan --export-dir examples/org -f manifests/ --out "$work/plan.json") \
  >"$work/plan.txt" 2>&1 || plan_status=$?
[[ $plan_status -eq 0 ]] || { cat "$work/plan.txt"; fail "unpacked flowlink plan exited $plan_status"; }
grep -qE '^Plan: [0-9]+ to add, .* flows to change' "$work/plan.txt" || fail "the plan has no summary line"
grep -q '"format_version"' "$work/plan.json" || fail "the saved plan has no format_version"
tail -n 1 "$work/plan.txt"

# 5. The man page renders without warnings.
if command -v groff >/dev/null 2>&1; then
  warnings="$(gzip -dc "$root/usr/share/man/man1/flowlink.1.gz" | groff -man -Tutf8 -ww -z 2>&1)"
  [[ -z "$warnings" ]] || fail "groff warns about the man page: $warnings"
fi

# 6. The installed completion completes commands and option values.
completion="$(PATH="$root/usr/bin:$PATH" bash -c '
  source "$1"
  complete_line() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _flowlink; echo "${COMPREPLY[*]}"; }
  complete_line flowlink pl
  complete_line flowlink plan --output m
  complete_line flowlink drift --che' _ "$root/usr/share/bash-completion/completions/flowlink")"
[[ "$completion" == $'plan\nmarkdown\n--check' ]] || fail "bash completion gave: $completion"

# 7. A build of the programs only: no test or benchmark targets (configure only).
cmake -S "$source_dir" -B "$work/programs-only" -G Ninja -DFLOWLINK_BUILD_TESTS=OFF -DFLOWLINK_BUILD_BENCH=OFF \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configuring with the tests off failed"; }
targets="$(cmake --build "$work/programs-only" -- -t targets all 2>/dev/null | cut -d: -f1)"
grep -qx 'flowlink' <<<"$targets" || fail "the programs-only build has no flowlink target"
if grep -qE '^(test_|bench_)' <<<"$targets"; then fail "the programs-only build still has test or benchmark targets"; fi

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "package OK: built, unpacked, flowlink ran on examples/org"
