// Hostile: #include "../../../etc/passwd": a relative name that climbs out of the
// include directories. Expected `compile_error`; no line of /etc/passwd ("root:x:0:")
// may come back in the reply.
#include "../../../../../../../../etc/passwd"
extern "C" __global__ void ew(const float *x, const float *y, float *out) {}
