// Portable randomness for the search. std::mt19937_64's output is fixed by the
// standard, std::uniform_int_distribution's is not, so the range reduction is
// ours. Every decision derives a fresh generator from (seed, purpose, indices):
// replaying a checkpoint then needs no saved RNG state, only the indices.
#ifndef PIKE_SEARCH_RANDOM_H
#define PIKE_SEARCH_RANDOM_H

#include <cstdint>
#include <initializer_list>
#include <random>

namespace pike::search {

inline uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Mixes a seed with a list of indices into one 64-bit value.
inline uint64_t deriveSeed(uint64_t seed, std::initializer_list<uint64_t> parts) {
  uint64_t h = splitmix64(seed);
  for (uint64_t p : parts)
    h = splitmix64(h ^ splitmix64(p + 0x632be59bd9b4e019ULL));
  return h;
}

inline std::mt19937_64 deriveRng(uint64_t seed, std::initializer_list<uint64_t> parts) {
  return std::mt19937_64(deriveSeed(seed, parts));
}

/// Uniform integer in [0, n) by rejection sampling; n must be > 0.
inline uint64_t uniformBelow(std::mt19937_64 &rng, uint64_t n) {
  // Largest multiple of n that fits: values at or above it would bias the modulo.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % n + 1) % n;
  uint64_t x;
  do
    x = rng();
  while (x > limit);
  return x % n;
}

/// Purposes mixed into deriveSeed so different decisions never share a stream.
enum class RngPurpose : uint64_t { SelectParents = 1, ProposerSeed = 2, FixerSeed = 3 };

} // namespace pike::search

#endif
