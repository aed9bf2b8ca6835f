#!/usr/bin/env bash
# pike end to end on a GPU machine, in one command that fits the device's
# 10-minute limit: export kernelbench tasks, search kernels for every slot with
# the built-in proposer (pike-opt + pike-worker), write and build the AOT
# packages, then time pike against eager and torch.compile in ONE harness run.
#
#   scripts/device-pike-bench.sh            (from the repository root)
#
# Carried from the CPU machine (both built there; see scripts/build-static-pike-opt.sh):
#   build-static/bin/pike-opt                  MLIR linked in, LibTorch found here at run time
#   build/tools/pike-worker/pike-worker        built against the same torch 2.11+cu130
# The worker is rebuilt here if the carried one cannot load its libraries.
#
# Level 3 (29 tasks) does not fit one call: run it in task ranges that share one RUN_ID,
# then merge the calls' run JSONs into one harness run on any machine (docs/kernelbench.md):
#   RUN_ID=l3-h100-1 TASK_RANGE=1-17  scripts/device-pike-bench.sh
#   RUN_ID=l3-h100-1 TASK_RANGE=18-23 SEARCH_PER_TASK_S=120 scripts/device-pike-bench.sh
#   RUN_ID=l3-h100-1 TASK_RANGE=24-29 SEARCH_PER_TASK_S=120 scripts/device-pike-bench.sh
#   python3 kernelbench/bench.py --merge OUT1/results/*Z.json OUT2/... --out-json kernelbench/results/<card>-<stamp>.json
# The harness times pike against eager, eager in a CUDA graph and every torch.compile mode
# (default, reduce-overhead, max-autotune), so the report's torch_compile_best is from the
# same run. torch.compile compiles in the background during the search (the inductor cache
# is shared with kernelbench/scripts/device-baseline.sh: after its KB_PHASE=warm call for the
# same tasks on the same machine, those compiles are cache hits and do not compete with the
# search for the GPU).
#
# Environment knobs: LEVELS (level3), TASKS (all of LEVELS), TASK_RANGE (N-M: tasks whose
# number is in [N, M]), RUN_ID (shared by the calls of one harness run; generated when unset),
# SEARCH ("budget=1000,...": the driver's knobs), SEARCH_PER_TASK_S (60: each task's search
# budget, wall clock, passed as pike-opt --search-time as the README's main job does),
# SEARCH_S (the search phase's cap; default: all of TOTAL_S but TIMING_RESERVE_S (200),
# kept for builds and timing; tasks are capped at their own budgets, so it ends early when all are done),
# PAR (tasks searched at once), TIME_JOBS (3: timing processes sharing the GPU lock), TOTAL_S (540),
# APPLY_DB (a tuning database to replay instead of searching), SEARCH_TASKS (with
# APPLY_DB: these tasks are searched anyway, seeded with APPLY_DB's records),
# METHODS (eager,eager_cudagraph,torch_compile,torch_compile_reduce_overhead,
# torch_compile_max_autotune,pike), PRECISION (fp32|tf32), OUT (/tmp/pike-bench-out),
# TF32 (1: also package every task with --precision=tf32 from the same kernels and
# time it as the method pike_tf32 in the same harness run), NHWC (1: likewise with
# --channels-last=auto, timed as pike_nhwc), BF16 (1: after each task's fp32 search, a
# second search under --precision=bf16 of BF16_SEARCH_S (default SEARCH_PER_TASK_S / 2)
# seconds, seeded from the fp32 records (a bf16 package needs kernels searched and verified
# under bf16: its GEMMs and attention use bf16 operands, each slot checked by the worker
# against the fp32 reference with the bf16 tolerance); its package is timed as pike_bf16
# and checked against eager with bench.py's --relaxed-atol/--relaxed-rtol, RELAXED_TOL
# (0.05) each; the bf16 records go into the same database, keyed bf16), GUARD (1: the
# CUDA-graph timing guard beside the export, see step 0), SEARCH_PASS_OPTS (more
# pike-search pass options), TIME_JOBS (3), PIKE_COMMIT (the commit the run note names),
# BIG_TASKS / BIG_SEARCH_S (a name regex whose tasks get their own search time, first),
# WARM_THREADS (2: inductor compile workers per background torch.compile warm-up),
# TASK_OVERHEAD_S (a task's seconds beyond its searches in the phase plan: 40, or 20 without bf16),
# BUILD_JOBS (0: each task's packages are built in its own job, inside the search phase;
# N > 0: a niced queue of N builds beside the searches, which the timing phase waits for).
set -u
cd "$(dirname "$0")/.."
SEARCH_TASKS=${SEARCH_TASKS:-}
ROOT=$PWD
T0=$(date +%s)
OUT=${OUT:-/tmp/pike-bench-out}
LEVELS=${LEVELS:-level3}
TOTAL=${TOTAL_S:-540}
SEARCH_PER_TASK_S=${SEARCH_PER_TASK_S:-60}
TIMING_RESERVE_S=${TIMING_RESERVE_S:-200}
TASK_RANGE=${TASK_RANGE:-}
RUN_ID=${RUN_ID:-pike-bench-$(date -u +%Y%m%dT%H%M%SZ)-$$}
APPLY_DB=${APPLY_DB:-}
PAR=${PAR:-4}
TIME_JOBS=${TIME_JOBS:-3}
SEARCH=${SEARCH:-budget=1000,islands=1,elite-k=3,parallel=2}
SEARCH_PASS_OPTS=${SEARCH_PASS_OPTS:-}   # more pike-search pass options, e.g. graph-timing=false
METHODS=${METHODS:-eager,eager_cudagraph,torch_compile,torch_compile_reduce_overhead,torch_compile_max_autotune,pike}
PRECISION=${PRECISION:-fp32}
TF32=${TF32:-0}
[ "$TF32" = 1 ] && METHODS=$METHODS,pike_tf32
NHWC=${NHWC:-0}
[ "$NHWC" = 1 ] && METHODS=$METHODS,pike_nhwc
BF16=${BF16:-0}
BF16_SEARCH_S=${BF16_SEARCH_S:-$((SEARCH_PER_TASK_S / 2))}
RELAXED_TOL=${RELAXED_TOL:-0.05}
# pike_bf16 is a relaxed policy: its run also times torch.compile with TF32 on (the
# relaxed baseline; compile-best stays over the strict modes).
[ "$BF16" = 1 ] && METHODS=$METHODS,torch_compile_tf32,pike_bf16
# torch.compile modes are timed after the other methods of a task: a compile that was not
# warmed (--compile-unwarmed) runs inline and can take minutes (the GRU stack's did not
# finish in run h200-all-20261207), which must not cost the task its pike numbers.
METHODS=$(echo "$METHODS" | tr ',' '\n' | awk '/^torch_compile/ {c = c (c ? "," : "") $0; next} {o = o (o ? "," : "") $0} END {print o (o && c ? "," : "") c}')
BF16_NOTE=""
[ "$BF16" = 1 ] && BF16_NOTE=", then a bf16 search of ${BF16_SEARCH_S}s"
WORK=${WORK:-/tmp/pike-bench-work}
rm -rf "$WORK"   # a warm machine keeps /tmp: never reuse the last run's exports
mkdir -p "$OUT" "$WORK"
log() { echo "[$(($(date +%s) - T0))s] $*"; }
left() { echo $((T0 + TOTAL - $(date +%s))); }

export TORCHINDUCTOR_CACHE_DIR=${TORCHINDUCTOR_CACHE_DIR:-/tmp/kb-inductor-cache} TORCHINDUCTOR_FX_GRAPH_CACHE=1
DEVICE=${DEVICE:-cuda}   # cpu: a dry run of the plumbing on a machine without a GPU
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader 2>&1 | head -2

source scripts/device-env.sh || exit 1
# Replaying a tuning database needs no worker: don't spend device time building one.
if { [ -z "$APPLY_DB" ] || [ -n "$SEARCH_TASKS" ]; } && { [ ! -x "$WORKER" ] || ldd "$WORKER" 2>/dev/null | grep -q "not found"; }; then
  log "carried pike-worker cannot load ($(ldd "$WORKER" 2>&1 | grep 'not found' | head -2)); building it"
  cmake -S . -B "$WORK/build-device" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPIKE_BUILD_COMPILER=OFF \
    -DPIKE_BUILD_TESTS=OFF ${WORKER_CMAKE_ARGS:-} >"$OUT/worker-build.log" 2>&1 &&
    ninja -C "$WORK/build-device" -j16 pike-worker >>"$OUT/worker-build.log" 2>&1 || { log "worker build failed"; tail -20 "$OUT/worker-build.log"; exit 1; }
  WORKER=$WORK/build-device/tools/pike-worker/pike-worker
fi

# 0. GUARD=1: the CUDA-graph timing guard (scripts/graph-timing-guard.sh) runs beside the
#    export; if an honest control fails in graph mode, the searches use graph-timing=false.
if [ "${GUARD:-0}" = 1 ]; then
  PY=$PY WORKER=$WORKER bash scripts/graph-timing-guard.sh "$WORK/guard-suite" >"$WORK/guard.out" 2>&1 &
  GUARD_PID=$!
fi

# 1. Export every task for the GPU (seed 0: the harness builds the same weights).
TASK_FILES=()
for lvl in ${LEVELS//,/ }; do
  for f in kernelbench/tasks/$lvl/*.py; do
    name=$(basename "$f" .py)
    if [ -n "${TASKS:-}" ] && ! echo ",$TASKS," | grep -q ",$name,"; then continue; fi
    if [ -n "$TASK_RANGE" ]; then
      num=$((10#${name%%_*})) lo=${TASK_RANGE%-*} hi=${TASK_RANGE#*-}
      if [ "$num" -lt "$lo" ] || [ "$num" -gt "$hi" ]; then continue; fi
    fi
    TASK_FILES+=("$f")
  done
done
NTASKS=${#TASK_FILES[@]}
[ "$NTASKS" -gt 0 ] || { log "no task selected (LEVELS=$LEVELS TASKS=${TASKS:-} TASK_RANGE=$TASK_RANGE)"; exit 2; }
# BIG_TASKS (a regex on task names, e.g. '^(1[89]|2[0-9])_' for the whole networks) get
# BIG_SEARCH_S (and half of it under bf16) instead of SEARCH_PER_TASK_S, and are searched first.
BIG_TASKS=${BIG_TASKS:-}
BIG_SEARCH_S=${BIG_SEARCH_S:-$SEARCH_PER_TASK_S}
# A task's search seconds: fp32, and the bf16 search after it. The phase plan and
# each search read these, so the two agree.
is_big_task() { [ -n "$BIG_TASKS" ] && echo "$1" | grep -Eq "$BIG_TASKS"; }
task_search_s() { if is_big_task "$1"; then echo "$BIG_SEARCH_S"; else echo "$SEARCH_PER_TASK_S"; fi; }
task_bf16_search_s() { if is_big_task "$1"; then echo $((BIG_SEARCH_S / 2)); else echo "$BF16_SEARCH_S"; fi; }
# A task also costs what its searches do not count: imports, worker starts, packages,
# about TASK_OVERHEAD_S (default 40; 20 s under BF16=0). Run full-20261207j (H100)
# searched its tasks on budget (a 20 s search took 21 s) yet left level-3 tasks 10-17
# unsearched: 24 tasks took ~72 s each at 4 at once (package builds inside the task's
# job) against a plan of 32 s, so fair_share gave the last ones nothing.
TASK_OVERHEAD_S=${TASK_OVERHEAD_S:-$([ "$BF16" = 1 ] && echo 40 || echo 20)}
mkdir -p "$WORK/plan"   # each task's planned seconds, removed when it starts (fair_share)
for f in "${TASK_FILES[@]}"; do
  t=$(task_search_s "$(basename "$f" .py)")
  [ "$BF16" = 1 ] && t=$((t + $(task_bf16_search_s "$(basename "$f" .py)")))
  echo "$((t + TASK_OVERHEAD_S))" >"$WORK/plan/$(basename "$f" .py)"
done
# The phase runs until TIMING_RESERVE_S before the end; each task is still capped at its
# planned seconds (fair_share), so the phase ends early when every task is done. A cap of
# (the tasks' planned seconds) / PAR + 30 was too short: a task costs more than its --search-time (import,
# searches that overrun their slot share, the package), and in run h100-full-20261207b it
# left level 3 tasks 12-17 unsearched while the timing phase used 90 of its 320 s.
SEARCH_S=${SEARCH_S:-$((TOTAL - TIMING_RESERVE_S))}
log "run id $RUN_ID: $NTASKS tasks; search budget ${SEARCH_PER_TASK_S}s per task${BIG_TASKS:+ (${BIG_SEARCH_S}s for $BIG_TASKS)}, $PAR at once (phase cap ${SEARCH_S}s)"
log "exporting $NTASKS tasks"
printf '%s\n' "${TASK_FILES[@]}" | xargs -P 8 -I{} sh -c \
  'n=$(basename {} .py); '"$PY"' kernelbench/export.py {} -o '"$WORK"'/export/$n --device '"$DEVICE"' --seed 0 >'"$WORK"'/export-$n.log 2>&1 || echo "export failed: $n"'

# 2. torch.compile warm-up in the background (fills the inductor cache for phase 4).
#    Niced, with WARM_THREADS inductor compile workers each (default 2): six warm-ups
#    with inductor's default pool (one worker per core) starved the searches of CPU in
#    run nhwc-20261207i (H200): an evaluation waited a median 4.4-6.5 s beyond its
#    compile (1.3 s) and GPU phase (0.5 s), so a 90 s search reached 14-20 of a
#    network's slots.
if echo "$METHODS" | grep -q torch_compile; then
  for i in 0 1 2 3 4 5; do
    TORCHINDUCTOR_COMPILE_THREADS=${WARM_THREADS:-2} timeout -k 5 $((SEARCH_S + 60)) nice -n 15 $PY kernelbench/bench.py --device "$DEVICE" --levels "$LEVELS" ${TASKS:+--tasks "$TASKS"} \
      ${TASK_RANGE:+--task-range "$TASK_RANGE"} --run-id "$RUN_ID" \
      --warm-compile-only --methods "$(echo "$METHODS" | tr ',' '\n' | grep '^torch_compile' | paste -sd,)" \
      --shard $i/6 --out-json "$WORK/warm-$i.json" >"$WORK/warm-$i.log" 2>&1 &
  done
fi

if [ -n "${GUARD_PID:-}" ]; then
  wait "$GUARD_PID"
  verdict=$(tail -1 "$WORK/guard.out")
  log "CUDA-graph timing guard: $verdict ($(grep 'as expected' "$WORK/guard.out" | tail -1))"
  if [ "$verdict" != ok ] && ! echo "$SEARCH_PASS_OPTS" | grep -q "graph-timing="; then
    cat "$WORK/guard.out"
    SEARCH_PASS_OPTS="$SEARCH_PASS_OPTS graph-timing=false"
    log "the searches run with graph-timing=false"
  fi
fi

# 3. Search + package per task (PAR at once), time-boxed; a task whose search does
#    not finish in time gets a package without searched kernels.
# The search phase ends at SEARCH_S, and early enough to leave TIMING_RESERVE_S of TOTAL_S.
SEARCH_END=$(($(date +%s) + SEARCH_S))
[ $SEARCH_END -gt $((T0 + TOTAL - TIMING_RESERVE_S)) ] && SEARCH_END=$((T0 + TOTAL - TIMING_RESERVE_S))
# A variant of a task's package: the same kernels (replayed from the database
# the fp32 package used), other emit options (tf32: TF32 allowed for
# cuBLAS/cuDNN inside it; nhwc: the runtime tries channels-last).
variant_one() {
  n=$1 db=$2 name=$3
  shift 3
  d=$WORK/export/$n
  "$PIKE_OPT" "$d/model.pt" --input-spec "$d/input_spec.json" --emit=package "$@" \
    -o "$WORK/pkgs-$name/$n" ${db:+-pike-apply-db="$db"} >"$WORK/package-$name-$n.log" 2>&1 ||
    echo "$name package of $n failed: $(grep -m1 -i error "$WORK/package-$name-$n.log" | cut -c1-200)"
}
# A task starting late gets a fair share of what is left of the search phase: its
# planned time scaled by (seconds left x PAR) / (planned seconds of the tasks not yet
# started, itself included), never more than planned. Without it, tasks that overran
# their budget (a slow profile) took the phase and the last tasks were never searched
# (run h200-all-20261207: level 3 tasks 1-17).
fair_share() {
  local left=$((SEARCH_END - $(date +%s))) pending npending
  pending=$(cat "$WORK"/plan/* 2>/dev/null | awk '{s += $1} END {print s + 0}')
  npending=$(ls "$WORK"/plan 2>/dev/null | wc -l)
  rm -f "$WORK/plan/$1"
  # The overheads are paid whatever the share: only the search seconds scale.
  pending=$((pending - npending * TASK_OVERHEAD_S))
  left=$((left * PAR - npending * TASK_OVERHEAD_S))
  SHARE_PCT=100
  [ "$pending" -gt 0 ] && SHARE_PCT=$((left * 100 / pending))
  [ $SHARE_PCT -gt 100 ] && SHARE_PCT=100
  [ $SHARE_PCT -lt 0 ] && SHARE_PCT=0
  return 0
}
search_one() {
  fair_share "$1"
  search_one_fp32 "$@"
  local db=""
  if [ -s "$WORK/tune-$1.db" ]; then db=$WORK/tune-$1.db
  elif [ -n "${APPLY_DB:-}" ]; then db=$APPLY_DB; fi
  [ "$TF32" = 1 ] && variant_one "$1" "$db" tf32 --precision=tf32
  [ "$NHWC" = 1 ] && variant_one "$1" "$db" nhwc --channels-last=auto
  [ "$BF16" = 1 ] && search_one_bf16 "$1" "$db"
  return 0
}
# The bf16 package: a search under --precision=bf16 (the fp32 records seed it), its
# records keyed bf16 in the task's database; without time left, or when it fails, the
# package replays the database under bf16 (bf16 records, else the fp32 ones).
search_one_bf16() {
  n=$1 db=$2
  d=$WORK/export/$n
  [ -f "$d/model.pt" ] || return 0
  budget=$((SEARCH_END - $(date +%s)))
  cap=$(($(task_bf16_search_s "$n") * ${SHARE_PCT:-100} / 100))
  [ $budget -gt $cap ] && budget=$cap
  if [ -z "${APPLY_DB:-}" ] || [ -s "$WORK/tune-$n.db" ]; then
    if [ $budget -gt 10 ]; then
      # As the fp32 search: --search-time is the task's whole bf16 search.
      timeout -k 3 $((budget + 45)) "$PIKE_OPT" "$d/model.pt" --input-spec "$d/input_spec.json" --emit=package \
        --precision=bf16 -o "$WORK/pkgs-bf16/$n" --search-time="${budget}s" \
        -pike-search="workers=local:1 worker-path=$WORKER search=$SEARCH work-dir=$WORK/search-bf16/$n db=$WORK/tune-$n.db min-speedup=1.03 $SEARCH_PASS_OPTS" \
        >"$WORK/search-bf16-$n.log" 2>&1 && { echo "searched $n under bf16"; return 0; }
      echo "bf16 search of $n failed or ran out of time: $(grep -m1 -i error "$WORK/search-bf16-$n.log" | cut -c1-200)"
    fi
    [ -s "$WORK/tune-$n.db" ] && db=$WORK/tune-$n.db
  fi
  variant_one "$n" "$db" bf16 --precision=bf16
}
search_one_fp32() {
  n=$1
  d=$WORK/export/$n
  [ -f "$d/model.pt" ] || return 0
  budget=$((SEARCH_END - $(date +%s)))
  cap=$(($(task_search_s "$n") * ${SHARE_PCT:-100} / 100))
  [ $budget -gt $cap ] && budget=$cap
  if [ -n "${APPLY_DB:-}" ] && echo ",${SEARCH_TASKS:-}," | grep -q ",$n,"; then
    # Search this task anyway, starting from the database's records (seeds).
    cp "$APPLY_DB" "$WORK/tune-$n.db"
  fi
  if [ -n "${APPLY_DB:-}" ] && [ ! -s "$WORK/tune-$n.db" ]; then
    # Replay a tuning database instead of searching (no GPU needed for this step).
    "$PIKE_OPT" "$d/model.pt" --input-spec "$d/input_spec.json" --emit=package --precision="$PRECISION" \
      -o "$WORK/pkgs/$n" -pike-apply-db="$APPLY_DB" >"$WORK/package-$n.log" 2>&1 && { echo "applied $n"; return 0; }
    echo "apply-db of $n failed: $(grep -m1 -i error "$WORK/package-$n.log" | cut -c1-200)"
  elif [ $budget -gt 10 ]; then
    # The README's main job: --search-time is the task's whole search (profile included),
    # split over its slot functions by eager time; the timeout (budget + 45 s for the jobs
    # in flight and the package) is the backstop.
    timeout -k 3 $((budget + 45)) "$PIKE_OPT" "$d/model.pt" --input-spec "$d/input_spec.json" --emit=package \
      --precision="$PRECISION" -o "$WORK/pkgs/$n" --search-time="${budget}s" \
      -pike-search="workers=local:1 worker-path=$WORKER search=$SEARCH work-dir=$WORK/search/$n db=$WORK/tune-$n.db min-speedup=1.03 $SEARCH_PASS_OPTS" \
      >"$WORK/search-$n.log" 2>&1 && { echo "searched $n"; return 0; }
    echo "search of $n failed or ran out of time: $(grep -m1 -i error "$WORK/search-$n.log" | cut -c1-200)"
  fi
  # Fallback: whatever the database holds for this task (nothing: reference ops).
  local fdb=""
  [ -s "$WORK/tune-$n.db" ] && fdb=$WORK/tune-$n.db
  "$PIKE_OPT" "$d/model.pt" --input-spec "$d/input_spec.json" --emit=package --precision="$PRECISION" \
    -o "$WORK/pkgs/$n" ${fdb:+-pike-apply-db="$fdb"} >"$WORK/package-$n.log" 2>&1 || echo "package of $n failed"
}
# A package's build: the package runtime (LibTorch headers: most of a build) is compiled
# once, into a cache every later package reuses (PIKE_RUNTIME_CACHE); while the cache is
# empty, builds take a lock, so only the first compiles it.
build_pkg() {
  local cache=$WORK/runtime-cache
  if [ -z "$(ls -A "$cache" 2>/dev/null)" ]; then
    mkdir -p "$cache"
    flock "$WORK/runtime.lock" bash -c 'build_pkg_now "$1" "$2"' _ "$1" "$2"
  else
    build_pkg_now "$1" "$2"
  fi
}
build_pkg_now() {
  cmake -S "$1" -B "$1/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPIKE_RUNTIME_CACHE="$WORK/runtime-cache" \
    >"$1/build.log" 2>&1 && cmake --build "$1/build" -j "$2" >>"$1/build.log" 2>&1 || echo "package build failed: $1"
}
build_task_pkgs() {
  for d in "$WORK"/pkgs/"$1" "$WORK"/pkgs-tf32/"$1" "$WORK"/pkgs-nhwc/"$1" "$WORK"/pkgs-bf16/"$1"; do
    [ -d "$d" ] && build_pkg "$d" 4
  done
  return 0
}
export -f is_big_task task_search_s task_bf16_search_s fair_share search_one search_one_fp32 search_one_bf16 variant_one build_pkg build_pkg_now build_task_pkgs
export TASK_OVERHEAD_S PAR WORK PIKE_OPT WORKER SEARCH SEARCH_PASS_OPTS SEARCH_END SEARCH_PER_TASK_S BIG_TASKS BIG_SEARCH_S PRECISION APPLY_DB SEARCH_TASKS TF32 NHWC BF16 BF16_SEARCH_S
for f in "$WORK"/plan/*; do [ -d "$WORK/export/$(basename "$f")" ] || rm -f "$f"; done   # not exported: never starts
log "search: until $((SEARCH_END - T0))s, ${SEARCH_PER_TASK_S}s per task, $PAR tasks at once, options $SEARCH"
# Package builds: by default in the task's own job, so the phase plan (TASK_OVERHEAD_S)
# and fair_share bound them and the timing phase starts on time. BUILD_JOBS > 0 hands
# them to a niced builder queue instead, which the timing phase must wait for: in run
# full-20261207k (H100) the queue (2 builds at once, 24 and 48 packages of 10-30 nvcc
# compiles each) drained 100-125 s after the last search, the timing phase lost that
# (three networks and four other tasks untimed), and its compiles beside the searches
# slowed the candidates' own (nvcc 1.5 -> 2.5 s a cuBLASLt candidate).
order_tasks() {
  for t in $(ls "$WORK/export"); do is_big_task "$t" && echo "$t"; done
  for t in $(ls "$WORK/export"); do is_big_task "$t" || echo "$t"; done
}
if [ "${BUILD_JOBS:-0}" -gt 0 ]; then
  mkfifo "$WORK/build.fifo"
  nice -n 5 xargs -P "$BUILD_JOBS" -I{} bash -c 'build_task_pkgs {}' <"$WORK/build.fifo" &
  BUILDER=$!
  exec 3>"$WORK/build.fifo"   # the queue stays open until every search is done
  order_tasks | xargs -P "$PAR" -I{} bash -c 'search_one {}; echo {} >"$WORK/build.fifo"'
  exec 3>&-
  wait "$BUILDER"
else
  order_tasks | xargs -P "$PAR" -I{} bash -c 'search_one {}; build_task_pkgs {}'
fi
# The per-task databases merge into one (best per key).
cat "$WORK"/tune-*.db 2>/dev/null > "$OUT/tune.db.jsonl"

# 4. Packages were built in their task's job (or by the builder queue); rebuild any
#    that is missing a library.
for d in $(ls -d "$WORK"/pkgs/* "$WORK"/pkgs-tf32/* "$WORK"/pkgs-nhwc/* "$WORK"/pkgs-bf16/* 2>/dev/null); do
  [ -f "$d/lib/libpike_ops.so" ] || [ -f "$d/build.log" ] || build_pkg "$d" 8
done
log "packages built: $(ls "$WORK"/pkgs*/*/lib/libpike_ops.so 2>/dev/null | wc -l)"

# 5. One harness run: eager, torch.compile and pike on the same inputs and weights.
#    TIME_JOBS processes share the tasks; every GPU measurement holds one lock, so one
#    process times at a time while the others load packages and compiled code.
L=$(left)
log "timing (${L}s left) in $TIME_JOBS processes"
for i in $(seq 0 $((TIME_JOBS - 1))); do
  timeout -k 5 $((L - 10)) $PY kernelbench/bench.py --device "$DEVICE" --levels "$LEVELS" ${TASKS:+--tasks "$TASKS"} \
    ${TASK_RANGE:+--task-range "$TASK_RANGE"} --run-id "$RUN_ID" --shard $i/$TIME_JOBS --gpu-lock "$WORK/gpu.lock" \
    --methods "$METHODS" --pike-packages "$WORK/pkgs" --pike-tf32-packages "$WORK/pkgs-tf32" --pike-nhwc-packages "$WORK/pkgs-nhwc" \
    --pike-bf16-packages "$WORK/pkgs-bf16" --relaxed-atol "$RELAXED_TOL" --relaxed-rtol "$RELAXED_TOL" --warm-manifest "$WORK/warm-*.json" \
    --compile-unwarmed torch_compile,torch_compile_reduce_overhead,torch_compile_tf32 \
    --deadline $((T0 + TOTAL - 25)) --time-budget 0.3 --no-report --out-json "$WORK/run-$i.json" \
    --note "scripts/device-pike-bench.sh at ${PIKE_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo 'unknown commit')}: pike built-in search ($SEARCH) with --search-time=${SEARCH_PER_TASK_S}s per task${BIG_TASKS:+ (${BIG_SEARCH_S}s for the tasks matching $BIG_TASKS)} ($PAR tasks at once)$BF16_NOTE, precision $PRECISION${SEARCH_PASS_OPTS:+, pass options $SEARCH_PASS_OPTS}${APPLY_DB:+, tuning database replayed: $(basename "$APPLY_DB")}; $TIME_JOBS timing processes share the GPU through a lock" \
    >"$WORK/bench-$i.log" 2>&1 &
done
wait
cat "$WORK"/bench-*.log >"$OUT/bench.log"
$PY kernelbench/bench.py --merge $(ls "$WORK"/warm-*.json 2>/dev/null) $(ls "$WORK"/run-*.json 2>/dev/null) \
  --results-dir "$OUT/results" >>"$OUT/bench.log" 2>&1 || log "merge failed (see bench.log)"
tail -30 "$OUT/bench.log"

# 6. What comes back: the results, the tuning database, each package's report.
# The device tool returns at most 8 files: results (5) + tune.db.jsonl + this tarball,
# which also takes the logs (bench, worker build, exports, searches, packages, builds).
mv "$OUT/bench.log" "$OUT/worker-build.log" "$WORK/" 2>/dev/null
tar czf "$OUT/pike-reports.tgz" -C "$WORK" $(cd "$WORK" && ls -d pkgs/*/report.json pkgs/*/report.md pkgs-tf32/*/report.json \
  pkgs-bf16/*/report.json pkgs-bf16/*/report.md search-bf16/*/search-report.json \
  search-*.log search/*/search-report.json search/*/checkpoint.jsonl search-bf16/*/checkpoint.jsonl guard.out guard-suite/suite.json export-*.log package-*.log warm-*.log pkgs*/*/build.log bench.log worker-build.log 2>/dev/null) 2>/dev/null
log "done"
