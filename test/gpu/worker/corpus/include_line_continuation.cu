// Hostile: the #include directive is split by a backslash-newline ("#inc" + "lude"), which
// the preprocessor joins but a line-by-line scanner does not see. Expected `compile_error`;
// the suite's secret must not appear in the reply.
#inc\
lude "/proc/self/environ"
extern "C" __global__ void ew(const float *x, const float *y, float *out) {}
