// SHA-256, for content-addressed compile-cache keys (collisions must not hand one
// candidate another's binary, so no short non-cryptographic hash here).
#ifndef PIKE_WORKER_SHA256_H
#define PIKE_WORKER_SHA256_H

#include <string>

namespace pike::worker {
/// Lower-case hex digest of `data`.
std::string sha256Hex(const std::string &data);
} // namespace pike::worker

#endif
