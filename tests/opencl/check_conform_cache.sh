#!/usr/bin/env bash
# The quick conformance profile on the OpenCL devices, twice, with a fresh
# program cache: the first run compiles programs, the second compiles none
# (every program comes from the on-disk cache), and both pass. Counts the
# plugin's PH_LOG=debug lines "opencl: compiled program ...".
# usage: check_conform_cache.sh PH_CONFORM WORKDIR
set -u
conform=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
export PH_CACHE_DIR="$work/cache" PH_LOG=debug

run() {
  "$conform" --device opencl --skip-missing --profile quick --no-progress \
    >"$work/$1.out" 2>"$work/$1.log"
}

run first
rc1=$?
if [ "$rc1" -eq 77 ]; then
  echo "SKIP: no OpenCL device ($(head -1 "$work/first.out"))"
  exit 77
fi
run second
rc2=$?
c1=$(grep -c 'opencl: compiled program' "$work/first.log")
c2=$(grep -c 'opencl: compiled program' "$work/second.log")
h2=$(grep -c 'opencl: loaded program .* from cache' "$work/second.log")
echo "first run: exit $rc1, $c1 programs compiled; second run: exit $rc2, $c2 compiled, $h2 loaded from cache"
fail=0
[ "$rc1" -eq 0 ] || { echo "FAIL: first quick run failed:"; tail -5 "$work/first.out"; fail=1; }
[ "$rc2" -eq 0 ] || { echo "FAIL: second quick run failed:"; tail -5 "$work/second.out"; fail=1; }
[ "$c1" -gt 0 ] || { echo "FAIL: the first run with an empty cache compiled nothing"; fail=1; }
[ "$c2" -eq 0 ] || { echo "FAIL: the second run compiled $c2 programs"; fail=1; }
[ "$h2" -gt 0 ] || { echo "FAIL: the second run loaded nothing from the cache"; fail=1; }
exit $fail
