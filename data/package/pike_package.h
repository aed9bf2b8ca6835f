/* What a package tells its runtime: its op namespace, policies and kernel slots.
 * pike writes src/slots.c (plain C, compiled in milliseconds) with these
 * definitions; the runtime (src/runtime.cpp, src/slot_ops.cpp), the same for
 * every package and therefore compiled once and reused (CMakeLists.txt), reads
 * them. The symbols are hidden: two packages loaded into one process each see
 * their own. */
#ifndef PIKE_PACKAGE_H
#define PIKE_PACKAGE_H

#include "pike_kernel_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PIKE_PACKAGE_HIDDEN __attribute__((visibility("hidden")))

/* One custom op <namespace>::<name>(Tensor x0, ...) -> Tensor | (Tensor, ...),
 * calling `entry`. Shapes are static: in_sizes holds every input's sizes back
 * to back (in_ndim[i] of them for input i), likewise out_sizes; out_dtype is a
 * PikeDType per output. Slots computing the same function share one entry.
 * channels_last (the slot's pike.layout = "nhwc", its own row's): the kernel
 * reads and writes every rank-4 input and output channels-last (physical
 * N,H,W,C of the logical N,C,H,W; the ABI passes no strides); other ranks and
 * slots with 0 are contiguous. */
typedef struct PikePackageSlot {
  const char *name;
  PikeKernelEntry entry;
  int32_t num_inputs;
  const int32_t *in_ndim;
  const int64_t *in_sizes;
  int32_t num_outputs;
  const int32_t *out_ndim;
  const int64_t *out_sizes;
  const int32_t *out_dtype;
  int32_t channels_last;
} PikePackageSlot;

/* Terminated by an entry whose name is NULL. */
PIKE_PACKAGE_HIDDEN extern const PikePackageSlot pike_package_slots[];
PIKE_PACKAGE_HIDDEN extern const char pike_package_namespace[];
/* pike-opt --precision=tf32: TF32 in the cuBLAS/cuDNN calls left to PyTorch. */
PIKE_PACKAGE_HIDDEN extern const int32_t pike_package_allow_tf32;
/* pike-opt --channels-last: "never", "auto" or "always" (PIKE_CHANNELS_LAST overrides). */
PIKE_PACKAGE_HIDDEN extern const char pike_package_channels_last[];

#ifdef __cplusplus
}
#endif
#endif /* PIKE_PACKAGE_H */
