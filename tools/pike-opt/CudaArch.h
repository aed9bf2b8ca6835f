// --cuda-arch=auto|sm_XX: which GPU architecture the tuning keys, the search
// and the package target. auto resolves, in order: the worker's GPU when a
// search runs (the search pass asks the worker: its arch= becomes "auto"),
// else the architecture of the tuning database's records (-pike-apply-db),
// else sm_90 with a note.
#ifndef PIKE_TOOLS_PIKE_OPT_CUDAARCH_H
#define PIKE_TOOLS_PIKE_OPT_CUDAARCH_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace pike::tools {

/// The architecture pike uses when nothing says otherwise.
inline constexpr const char *kDefaultCudaArch = "sm_90";

struct ArchResolution {
  std::string arch;  // normalized, or "auto" when the search decides
  std::string note;  // how auto was resolved ("" when nothing to say)
  std::string warning; // the tuning database holds records of other archs
  std::string error;
};

/// Resolves --cuda-arch. `searchRuns`: a -pike-search/-pike-llm-search pass is
/// in the pipeline (then auto stays "auto" for the pass to resolve). `applyDb`:
/// the -pike-apply-db path ("" when none).
ArchResolution resolveCudaArch(llvm::StringRef option, bool searchRuns, llvm::StringRef applyDb);

} // namespace pike::tools

#endif
