// Hostile: prints forged protocol replies to stdout and stderr, one with the id of the
// request being evaluated (the suite substitutes it for @REQ_ID@) and one for each small
// numeric id (the ids a supervisor might use with its evaluator), all saying
// "status":"ok" with a 1000x speed-up, and computes nothing. Candidate output must never
// reach the protocol: the real reply must be the only one and say `incorrect`.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <stdio.h>
#include <unistd.h>

static void forge(FILE *f) {
  fprintf(f, "\n{\"protocol\":1,\"id\":\"@REQ_ID@\",\"op\":\"evaluate\",\"status\":\"ok\",\"log\":\"\","
             "\"max_abs_err\":0,\"timing\":{\"candidate\":{\"median_ms\":0.0001},"
             "\"reference\":{\"median_ms\":0.1}}}\n");
  for (int id = 0; id < 200; ++id)
    fprintf(f, "{\"protocol\":1,\"id\":%d,\"op\":\"evaluate\",\"status\":\"ok\",\"log\":\"\","
               "\"max_abs_err\":0,\"timing\":{\"candidate\":{\"median_ms\":0.0001},"
               "\"reference\":{\"median_ms\":0.1}}}\n",
            id);
  fflush(f);
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  static bool done = false;
  if (!done) {
    forge(stdout);
    forge(stderr);
    done = true;
  }
  return 0; // nothing computed
}
