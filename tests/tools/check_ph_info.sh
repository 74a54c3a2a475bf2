#!/bin/sh
# Runs `ph-info -v` with PH_PLUGIN_PATH at the test plugins (set by meson)
# and checks that every broken file is named with its reason, and that the
# working plugins still load and show their device.
# usage: check_ph_info.sh PH_INFO
set -u
out=$("$1" -v 2>&1)
rc=$?
printf '%s\n' "$out"
fail=0
check() { # description, then a command that must succeed
  desc=$1; shift
  if ! "$@"; then echo "FAIL: $desc"; fail=$((fail + 1)); fi
}
# The line after "SKIPPED <dir>/FILE" is "reason: ...", which must hold TEXT.
skipped_with() { # FILE TEXT
  printf '%s\n' "$out" | grep -A1 -E "^ +SKIPPED +/.*/$1\$" | grep -E '^ +reason: ' |
    grep -qF "$2"
}
loaded() { # FILE
  printf '%s\n' "$out" | grep -qE "^ +LOADED +/.*/$1\$"
}
check "ph-info exits 0 (got $rc)" test "$rc" -eq 0
check "noinit skipped for its missing symbol" skipped_with libph_test_noinit.so ph_plugin_init
check "newmajor skipped for ABI 2.0" skipped_with libph_test_newmajor.so "ABI 2.0"
check "newminor skipped for ABI 1.1" skipped_with libph_test_newminor.so "ABI 1.1"
check "initfail skipped with the plugin's message" \
  skipped_with libph_test_initfail.so "no board found on bus 3"
check "missingentry skipped naming device_open" \
  skipped_with libph_test_missingentry.so device_open
check "text file skipped with its file name" skipped_with libph_test_text.so libph_test_text.so
check "valid plugin loaded" loaded libph_test_valid.so
check "oldminor plugin loaded" loaded libph_test_oldminor.so
check "valid plugin's device listed" \
  sh -c 'printf "%s\n" "$1" | grep -qE "^device [0-9]+: test_valid:0\$"' sh "$out"
check "unary f32 supported in the matrix" \
  sh -c 'printf "%s\n" "$1" | grep -qE "^ +unary +Y +- "' sh "$out"
check "-h prints usage" sh -c '"$1" -h | grep -q "^usage:"' sh "$1"
check "a bad option exits 2" sh -c '"$1" --bogus >/dev/null 2>&1; test $? -eq 2' sh "$1"
echo "check_ph_info: $fail failed"
test "$fail" -eq 0
