// Hostile: a computed #include (the name comes from a macro), which a check that only
// reads literal names would miss. Expected `compile_error`; the suite's secret must not
// appear in the reply.
#define PIKE_STR2(x) #x
#define PIKE_STR(x) PIKE_STR2(x)
#define PIKE_HEADER PIKE_STR(/proc/self/environ)
#include PIKE_HEADER
extern "C" __global__ void ew(const float *x, const float *y, float *out) {}
