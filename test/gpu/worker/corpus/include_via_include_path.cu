// Hostile: an innocent-looking relative include that resolves only through a client
// flag adding /proc/self to the include path (see the manifest's flags). The flag must be
// refused (`rejected`, "flag not allowed") or the include must fail (`compile_error`);
// the suite's secret must not appear in the reply.
#include "environ"
extern "C" __global__ void ew(const float *x, const float *y, float *out) {}
