#!/bin/bash
# Runs on one node (one Slurm task): a pike-worker per visible GPU, each pinned
# with CUDA_VISIBLE_DEVICES and listening on PIKE_WORKER_PORT + i. Writes the
# node's "host:port" lines to $PIKE_WORKERS_DIR/<host>.list and then
# <host>.ready once every worker accepts connections. See pike-workers.sbatch.
set -euo pipefail

worker="${PIKE_WORKER:-pike-worker}"
port_base="${PIKE_WORKER_PORT:-7070}"
timeout="${PIKE_READY_TIMEOUT:-300}"
dir="${PIKE_WORKERS_DIR:?PIKE_WORKERS_DIR must be set (pike-workers.sbatch sets it)}"
logs="${PIKE_WORKER_LOGS:-$dir}"
host="$(hostname -f 2>/dev/null || hostname)"

# GPUs Slurm gave this task; fall back to every GPU nvidia-smi sees.
gpus=()
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" ]]; then
  IFS=',' read -r -a gpus <<< "$CUDA_VISIBLE_DEVICES"
elif command -v nvidia-smi >/dev/null; then
  mapfile -t gpus < <(nvidia-smi --query-gpu=index --format=csv,noheader)
fi
if [[ ${#gpus[@]} -eq 0 ]]; then
  echo "error: $host: no GPU visible (CUDA_VISIBLE_DEVICES empty, no nvidia-smi)" >&2
  exit 1
fi

pids=()
# shellcheck disable=SC2317  # invoked by the trap
stop() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 143' TERM INT

extra=()
if [[ -n "${PIKE_WORKER_ARGS:-}" ]]; then
  read -r -a extra <<< "$PIKE_WORKER_ARGS"
fi
# Workers reachable from other nodes run code for whoever connects: they need the
# shared token (the coordinator sends the same one; docs/worker.md, "Threat model").
if [[ -n "${PIKE_WORKER_TOKEN_FILE:-}" ]]; then
  extra+=(--token-file "$PIKE_WORKER_TOKEN_FILE")
elif [[ -z "${PIKE_WORKER_TOKEN:-}" ]]; then
  echo "error: $host: set PIKE_WORKER_TOKEN_FILE (a file readable only by you, e.g." \
       "openssl rand -hex 32 > ~/.pike-worker-token; chmod 600 ~/.pike-worker-token) or PIKE_WORKER_TOKEN" >&2
  exit 1
fi
for i in "${!gpus[@]}"; do
  port=$((port_base + i))
  CUDA_VISIBLE_DEVICES="${gpus[$i]}" "$worker" --listen "0.0.0.0:$port" "${extra[@]}" \
    > "$logs/$host-gpu${gpus[$i]}.log" 2>&1 &
  pids+=("$!")
done

# Ready = the port accepts a TCP connection.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
deadline=$((SECONDS + timeout))
for i in "${!gpus[@]}"; do
  port=$((port_base + i))
  until listening "$port"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "error: $host: worker for GPU ${gpus[$i]} exited; see $logs/$host-gpu${gpus[$i]}.log" >&2
      exit 1
    fi
    if [[ $SECONDS -ge $deadline ]]; then
      echo "error: $host: worker for GPU ${gpus[$i]} not listening on $port after ${timeout}s" >&2
      exit 1
    fi
    sleep 1
  done
done

: > "$dir/$host.list.tmp"
for i in "${!gpus[@]}"; do
  echo "$host:$((port_base + i))" >> "$dir/$host.list.tmp"
done
mv "$dir/$host.list.tmp" "$dir/$host.list"
touch "$dir/$host.ready"
echo "pike: $host: ${#gpus[@]} worker(s) listening from port $port_base"

# Any worker dying ends the node's task, so Slurm (--kill-on-bad-exit) notices.
wait -n "${pids[@]}"
rc=$?
echo "error: $host: a worker exited with status $rc" >&2
exit 1
