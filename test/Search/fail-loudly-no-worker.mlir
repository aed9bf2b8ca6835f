// A search that cannot start its worker stops before it spends or writes
// anything (issue #15): exit 1, the reason, and where the worker was looked for.
// Nothing of the search's is left behind: no work directory (checkpoint,
// references), no tuning database, no package files.
// RUN: rm -rf %t && mkdir -p %t
// RUN: not pike-opt %s --emit=package -o %t/pkg -pike-search="worker-path=%t/missing/pike-worker work-dir=%t/work db=%t/tune.db" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not test -e %t/work
// RUN: not test -e %t/tune.db
// RUN: not test -e %t/pkg/report.json
// RUN: not test -e %t/pkg/model.pike.mlir
// RUN: not test -e %t/pkg/kernels

// A bare name is looked for next to pike-opt, in the build tree's tools/pike-worker, then in $PATH.
// RUN: not pike-opt %s --emit=kernels -o /dev/null -pike-search="worker-path=no-such-pike-worker work-dir=%t/work" 2>&1 | FileCheck %s --check-prefix=SEARCHED

// An executable that is not a pike-worker: it never answers the ping.
// RUN: printf '#!/bin/sh\nexit 3\n' > %t/not-a-worker
// RUN: chmod +x %t/not-a-worker
// RUN: not pike-opt %s --emit=kernels -o /dev/null -pike-search="worker-path=%t/not-a-worker work-dir=%t/work" 2>&1 | FileCheck %s --check-prefix=DIES -DPATH=%t/not-a-worker
// RUN: not test -e %t/work

// Remote workers: nobody listens on the port.
// RUN: not pike-opt %s --emit=kernels -o /dev/null -pike-search="workers=127.0.0.1:1 work-dir=%t/work" 2>&1 | FileCheck %s --check-prefix=REMOTE

// The LLM search shares the check (or this pike-opt has no LLM clients); no query is sent.
// RUN: env OPENAI_API_KEY=unused not pike-opt %s --emit=kernels -o /dev/null -pike-llm-search="llm=provider=openai,model=none,base-url=http://127.0.0.1:1/v1 worker-path=%t/missing/pike-worker work-dir=%t/work" 2>&1 | FileCheck %s --check-prefix=LLM

// MISSING: error: cannot start the search: no pike-worker executable at '{{.*}}/missing/pike-worker' (worker-path=); the search stopped before spending anything
// MISSING-NOT: search gen
// SEARCHED: error: cannot start the search: no pike-worker executable found: looked at {{.*}}/tools/pike-opt/no-such-pike-worker, {{.*}}/tools/pike-worker/no-such-pike-worker and $PATH (build the pike-worker target, or pass worker-path=)
// DIES: error: cannot start the search: cannot use pike-worker '[[PATH]]': worker 1 of 1: worker [[PATH]][pid {{[0-9]+}}] exited with status 3; the search stopped before spending anything
// REMOTE: error: cannot start the search: cannot use workers=127.0.0.1:1: worker 1 of 1: worker 127.0.0.1:1: cannot connect: Connection refused
// LLM: error: {{cannot start the search: no pike-worker executable at '.*/missing/pike-worker'|this pike-opt was built without the LLM clients}}

func.func @forward(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
