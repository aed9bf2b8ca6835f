#!/bin/bash
# GPU check of the recorded relu fix chain: each reply's code is extracted
# (the same way test/unit/llm/AgentTest does, via the fenced ```cuda block),
# compiled with the harness and run. Expected: 01 compile_error, 02 incorrect, 03 ok.
# Usage: test/llm_recordings/relu_fix_chain/gpu_check/run.sh [out_dir]
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../../.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
nvcc=${NVCC:-nvcc}
expect=(compile_error incorrect ok)
fail=0
i=0
for f in 01-propose 02-fix 03-fix; do
  python3 - "$here/../$f.md" > "$out/$f.cu" <<'PY'
import sys
s = open(sys.argv[1]).read()
a = s.index("```cuda\n") + len("```cuda\n")
print(s[a:s.index("\n```", a)])
PY
  if ! "$nvcc" -O2 -I"$src/include" -o "$out/$f" "$here/harness.cu" "$out/$f.cu" > "$out/$f.build.log" 2>&1; then
    got=compile_error; detail=$(grep -m1 error "$out/$f.build.log")
  else
    detail=$("$out/$f"); rc=$?
    case $rc in 0) got=ok;; 1) got=incorrect;; *) got=runtime_error;; esac
  fi
  echo "$f: $got ($detail)"
  [ "$got" = "${expect[$i]}" ] || { echo "  expected ${expect[$i]}"; fail=1; }
  i=$((i+1))
done
exit $fail
