#!/usr/bin/env bash
# Device check of channels-last (pike.layout = "nhwc") slots in a package: builds
# the package of test/Package/channels-last-slot.mlir (hand-written kernels, no
# search) with a fresh runtime cache, so slot_ops.cpp is compiled from this
# checkout, and runs check_channels_last_slot.py under each layout policy of the
# packaged model. Prints PASS/FAIL lines; exit 1 on any FAIL.
#
#   test/gpu/package/channels-last-slot.sh   (on the GPU machine; pike-opt as scripts/device-env.sh finds it)
# Environment: OUT (default /tmp/pike-channels-last-slot).
set -u
cd "$(dirname "$0")/../../.."
source scripts/device-env.sh || exit 1
OUT=${OUT:-/tmp/pike-channels-last-slot}
W=$OUT/work
rm -rf "$W" && mkdir -p "$W"
PIKE_PACKAGE_CACHE="$W/cache" "$PIKE_OPT" test/Package/channels-last-slot.mlir \
  -pike-emit-package="output-dir=$W/pkg build=true" -o /dev/null >"$OUT/build.log" 2>&1 ||
  { echo "FAIL: the package does not build"; tail -20 "$OUT/build.log"; tail -20 "$W/pkg/build.log" 2>/dev/null; exit 1; }
echo "PASS: the package builds"
fail=0
for policy in never always auto; do
  PIKE_CHANNELS_LAST=$policy $PY test/gpu/package/check_channels_last_slot.py "$W/pkg" >"$W/checks-$policy.txt" 2>&1 ||
    fail=1
  cat "$W/checks-$policy.txt" | tee -a "$OUT/checks.txt"
done
[ $fail -eq 0 ] && echo "channels-last-slot.sh: PASS" || echo "channels-last-slot.sh: FAIL"
exit $fail
