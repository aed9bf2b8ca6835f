#!/usr/bin/env bash
# The whole test suite: lit + FileCheck, GoogleTest and the kernelbench CPU tests,
# all through ctest. Installs and builds what is missing first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
source "$root/scripts/pike-env.sh"
cd "$root"
ctest --test-dir "${PIKE_BUILD_DIR:-build}" --output-on-failure -j "${PIKE_JOBS:-$(nproc)}" "$@"
