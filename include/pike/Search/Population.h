// Population operations of the island model, free functions so tests can check
// them directly: ranking, elite parent selection, ring migration, Pareto front.
#ifndef PIKE_SEARCH_POPULATION_H
#define PIKE_SEARCH_POPULATION_H

#include "pike/Search/Interfaces.h"

#include <random>
#include <string>
#include <vector>

namespace pike::search {

/// A member of an island: the candidate plus the order in which it was added,
/// which breaks speedup ties deterministically (earlier wins).
struct Member {
  Candidate candidate;
  int64_t order = 0;
};
using Island = std::vector<Member>;

/// Indices of `island` sorted best first: speedup descending, then order ascending.
std::vector<size_t> rankIsland(const Island &island);

/// Picks min(count, k) distinct parents uniformly among the top
/// k = min(eliteK, island.size()) members; returns indices into `island`, in
/// the order drawn. Deterministic for a given rng state.
std::vector<size_t> selectParents(const Island &island, int eliteK, int count, std::mt19937_64 &rng);

struct Migration {
  int from = 0;
  int to = 0;
  std::string candidateId;
};

/// Ring migration: island i sends its `migrants` best to island (i+1) % n. The
/// senders' lists are taken before any copy, so a migrant moves one hop per
/// round; a migrant whose id is already on the target island is not copied.
/// Copies get `island` set to the target and `order` = nextOrder++.
std::vector<Migration> migrateRing(std::vector<Island> &islands, int migrants, int64_t &nextOrder);

/// Second objective (lower is better) of a correct candidate.
double objective2Value(const Candidate &c, const std::string &objective2);

/// Non-dominated correct candidates over (speedup max, objective2 min), unique by
/// id, sorted by speedup descending then objective2 ascending then id.
std::vector<Candidate> paretoFront(const std::vector<Candidate> &candidates,
                                   const std::string &objective2);

} // namespace pike::search

#endif
