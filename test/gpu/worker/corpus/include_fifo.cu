// Hostile: NVRTC #include of a FIFO (the suite creates it and substitutes its absolute
// path for @FIFO@); reading it blocks forever. Absolute includes are refused before
// compiling, and a compile is bounded anyway: expected `compile_error` ("include not
// allowed") or `timeout` within the request's compile limit.
#include "@FIFO@"
extern "C" __global__ void ew(const float *x, const float *y, float *out) {}
