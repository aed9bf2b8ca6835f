#include "pike/Search/Population.h"

#include "pike/Search/Random.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace pike::search {

std::vector<size_t> rankIsland(const Island &island) {
  std::vector<size_t> idx(island.size());
  for (size_t i = 0; i < idx.size(); ++i)
    idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    double sa = island[a].candidate.result.speedup(), sb = island[b].candidate.result.speedup();
    if (sa != sb)
      return sa > sb;
    return island[a].order < island[b].order;
  });
  return idx;
}

std::vector<size_t> selectParents(const Island &island, int eliteK, int count, std::mt19937_64 &rng) {
  std::vector<size_t> ranked = rankIsland(island);
  size_t k = std::min<size_t>(static_cast<size_t>(std::max(eliteK, 0)), ranked.size());
  ranked.resize(k);
  size_t n = std::min<size_t>(static_cast<size_t>(std::max(count, 0)), k);
  // Partial Fisher-Yates over the elite list.
  std::vector<size_t> out;
  for (size_t i = 0; i < n; ++i) {
    size_t j = i + static_cast<size_t>(uniformBelow(rng, k - i));
    std::swap(ranked[i], ranked[j]);
    out.push_back(ranked[i]);
  }
  return out;
}

std::vector<Migration> migrateRing(std::vector<Island> &islands, int migrants, int64_t &nextOrder) {
  std::vector<Migration> events;
  size_t n = islands.size();
  if (n < 2 || migrants <= 0)
    return events;
  std::vector<std::vector<Candidate>> outgoing(n);
  for (size_t i = 0; i < n; ++i) {
    std::vector<size_t> ranked = rankIsland(islands[i]);
    for (size_t r = 0; r < ranked.size() && r < static_cast<size_t>(migrants); ++r)
      outgoing[i].push_back(islands[i][ranked[r]].candidate);
  }
  for (size_t i = 0; i < n; ++i) {
    size_t to = (i + 1) % n;
    for (const Candidate &c : outgoing[i]) {
      bool present = std::any_of(islands[to].begin(), islands[to].end(),
                                 [&](const Member &m) { return m.candidate.id == c.id; });
      if (present)
        continue;
      Member m{c, nextOrder++};
      m.candidate.island = static_cast<int>(to);
      islands[to].push_back(std::move(m));
      events.push_back({static_cast<int>(i), static_cast<int>(to), c.id});
    }
  }
  return events;
}

double objective2Value(const Candidate &c, const std::string &objective2) {
  if (objective2 == "compile_ms")
    return c.result.compileMs;
  if (objective2 == "code_size")
    return static_cast<double>(c.code.source.size());
  if (objective2 == "none")
    return 0;
  throw std::invalid_argument("unknown objective2 '" + objective2 + "'");
}

std::vector<Candidate> paretoFront(const std::vector<Candidate> &candidates,
                                   const std::string &objective2) {
  std::vector<const Candidate *> ok;
  std::set<std::string> seen;
  for (const Candidate &c : candidates)
    if (c.result.ok() && seen.insert(c.id).second)
      ok.push_back(&c);
  std::vector<Candidate> front;
  for (const Candidate *a : ok) {
    double sa = a->result.speedup(), oa = objective2Value(*a, objective2);
    bool dominated = false;
    for (const Candidate *b : ok) {
      double sb = b->result.speedup(), ob = objective2Value(*b, objective2);
      if (sb >= sa && ob <= oa && (sb > sa || ob < oa)) {
        dominated = true;
        break;
      }
    }
    if (!dominated)
      front.push_back(*a);
  }
  std::sort(front.begin(), front.end(), [&](const Candidate &a, const Candidate &b) {
    if (a.result.speedup() != b.result.speedup())
      return a.result.speedup() > b.result.speedup();
    double oa = objective2Value(a, objective2), ob = objective2Value(b, objective2);
    if (oa != ob)
      return oa < ob;
    return a.id < b.id;
  });
  return front;
}

} // namespace pike::search
