#!/usr/bin/env bash
# Runs independent jobs side by side on a machine with several GPUs, job i on GPU i
# (CUDA_VISIBLE_DEVICES=i, so each job's own GPU is its device 0), and packs what
# each job leaves in its output folder into one archive: $OUT/<name>.tgz. The
# device tool returns at most 8 files, so this keeps any number of result files.
#
#   scripts/device-parallel.sh NAME 'COMMAND' [NAME 'COMMAND' ...]
#
# Each COMMAND runs from the repository root with OUT=<its own folder> and
# WORK=<its own scratch folder>; its output goes to $OUT/<name>.log (tail in the
# console at the end). Knob: JOB_TIMEOUT_S (570) kills jobs that run over.
set -u
cd "$(dirname "$0")/.."
FINAL=${OUT:-/tmp/device-parallel-out}
mkdir -p "$FINAL"
ngpu=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU')
njobs=$(($# / 2))
echo "device-parallel: $njobs jobs on $ngpu GPUs"
nvidia-smi --query-gpu=index,name,driver_version --format=csv,noheader 2>&1
[ "$njobs" -le "$ngpu" ] || { echo "more jobs than GPUs" >&2; exit 1; }
i=0
pids=()
names=()
while [ $# -ge 2 ]; do
  name=$1 cmd=$2
  shift 2
  mkdir -p "/tmp/jobs/$name/out" "/tmp/jobs/$name/work"
  ( export CUDA_VISIBLE_DEVICES=$i OUT=/tmp/jobs/$name/out WORK=/tmp/jobs/$name/work
    timeout -k 10 "${JOB_TIMEOUT_S:-570}" bash -c "$cmd" ) >"/tmp/jobs/$name/out/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
  i=$((i + 1))
done
for k in "${!pids[@]}"; do
  wait "${pids[$k]}"
  echo "== ${names[$k]} (GPU $k): exit $?"
  tail -n 25 "/tmp/jobs/${names[$k]}/out/${names[$k]}.log"
  tar czf "$FINAL/${names[$k]}.tgz" -C "/tmp/jobs/${names[$k]}" out
done
ls -la "$FINAL"
