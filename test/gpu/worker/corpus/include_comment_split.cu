// Hostile: a comment between '#' and 'include' (the preprocessor treats it as a space),
// and the path in angle brackets. Expected `compile_error`; the suite's secret must not
// appear in the reply.
#/* looks like a comment */include </proc/self/environ>
extern "C" __global__ void ew(const float *x, const float *y, float *out) {}
