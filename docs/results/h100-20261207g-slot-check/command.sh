#!/bin/bash
# Session 10, check call 2: the fused cuDNN graph (helper L), the channels-last first
# candidates, the row/scan/einsum shapes (helper M).
O=$OUT
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > $O/gpu.txt
( OUT=/tmp/c1 CANDIDATES="0 1 2" timeout 170 scripts/device-codegen-check.sh test/gpu/codegen/conv-fused-graph-shapes.mlir ) > $O/fused-graph-c012.log 2>&1
( OUT=/tmp/c2 KNOBS='{"variant":"cudnn-graph-fused/only"}' CANDIDATES=0 timeout 90 scripts/device-codegen-check.sh test/gpu/codegen/conv-fused-graph-shapes.mlir ) > $O/fused-graph-only.log 2>&1
( OUT=/tmp/c3 CANDIDATES="0" timeout 100 scripts/device-codegen-check.sh test/gpu/codegen/nhwc-shapes.mlir ) > $O/nhwc-first.log 2>&1
( OUT=/tmp/c4 CANDIDATES="0 1" timeout 150 scripts/device-codegen-check.sh test/gpu/codegen/rows-broadcast-shapes.mlir test/gpu/codegen/einsum-shapes.mlir test/gpu/codegen/scan-shapes.mlir ) > $O/rows-einsum-scan.log 2>&1
for f in $O/*.log; do echo "== $f"; grep -E "^(OK|FAIL|MISMATCH|RUN-FAIL|BUILD-FAIL)|failures" $f | tail -40; done
