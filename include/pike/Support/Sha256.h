// SHA-256 for content-addressed keys (the worker's compile cache, the LLM
// response cache): collisions must not hand one request another's result, so
// no short non-cryptographic hash. Self-contained: no crypto library, no LLVM,
// for the MLIR-free halves (search, LLM, worker); compiler code that links LLVM
// uses llvm::SHA256 instead.
#ifndef PIKE_SUPPORT_SHA256_H
#define PIKE_SUPPORT_SHA256_H

#include <string>

namespace pike {
/// Lower-case hex digest of `data`.
std::string sha256Hex(const std::string &data);
} // namespace pike

#endif
