#!/bin/bash
# Early check call (session 10): new channels-last pool/excite generators, the
# dense-conv candidate order, the package's channels-last wrapper, the worker's
# map retry and layout cases.
cd "$(dirname "$0")" 2>/dev/null || true
O=$OUT
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > $O/gpu.txt
( OUT=/tmp/cg1 CANDIDATES="0 1" timeout 150 scripts/device-codegen-check.sh test/gpu/codegen/nhwc-pool-shapes.mlir test/gpu/codegen/nhwc-excite-shapes.mlir ) > $O/cg-pool-excite.log 2>&1
( OUT=/tmp/cg2 CANDIDATES="0" timeout 120 scripts/device-codegen-check.sh test/gpu/codegen/nhwc-shapes.mlir ) > $O/cg-nhwc-first.log 2>&1
( OUT=/tmp/pkg timeout 90 test/gpu/package/channels-last-slot.sh ) > $O/pkg-channels-last.log 2>&1
( source scripts/device-env.sh && timeout 180 $PY test/gpu/worker/run_suite.py --worker build/tools/pike-worker/pike-worker --out /tmp/wk --skip-bench --no-prewarm --only 'affine' --clients 'map_stall|reference_not' ) > $O/worker.log 2>&1
cp /tmp/wk/suite.json $O/worker-suite.json 2>/dev/null
tail -5 $O/*.log
