#include "pike/Search/Population.h"
#include "pike/Search/Random.h"
#include "pike/Search/Serialize.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace pike::search;

namespace {
Candidate okCandidate(const std::string &id, double speedup, double compileMs = 100, size_t codeSize = 10) {
  Candidate c;
  c.id = id;
  c.code.source = std::string(codeSize, 'k');
  c.result.status = EvalStatus::Ok;
  c.result.referenceMs = speedup;
  c.result.candidateMs = 1;
  c.result.compileMs = compileMs;
  return c;
}

Island makeIsland(const std::vector<std::pair<std::string, double>> &members) {
  Island isl;
  int64_t order = 0;
  for (const auto &[id, s] : members)
    isl.push_back({okCandidate(id, s), order++});
  return isl;
}
} // namespace

TEST(SearchRandom, UniformBelowIsInRangeAndCoversIt) {
  std::mt19937_64 rng(1);
  std::map<uint64_t, int> seen;
  for (int i = 0; i < 6000; ++i) {
    uint64_t v = uniformBelow(rng, 6);
    ASSERT_LT(v, 6u);
    ++seen[v];
  }
  ASSERT_EQ(seen.size(), 6u);
  for (const auto &[v, n] : seen)
    EXPECT_NEAR(n, 1000, 150) << "value " << v;
  EXPECT_EQ(uniformBelow(rng, 1), 0u);
}

TEST(SearchRandom, DerivedSeedsDifferPerIndex) {
  EXPECT_EQ(deriveSeed(5, {1, 2, 3}), deriveSeed(5, {1, 2, 3}));
  EXPECT_NE(deriveSeed(5, {1, 2, 3}), deriveSeed(5, {1, 2, 4}));
  EXPECT_NE(deriveSeed(5, {1, 2, 3}), deriveSeed(6, {1, 2, 3}));
  EXPECT_NE(deriveSeed(5, {1, 23}), deriveSeed(5, {12, 3}));
}

TEST(SearchPopulation, RankIsBySpeedupThenInsertionOrder) {
  Island isl = makeIsland({{"a", 1.0}, {"b", 3.0}, {"c", 2.0}, {"d", 3.0}});
  EXPECT_EQ(rankIsland(isl), (std::vector<size_t>{1, 3, 2, 0}));
}

// The exact sequence pins the portable RNG: mt19937_64 plus our own range
// reduction must give the same parents on every platform and compiler.
TEST(SearchPopulation, ParentSelectionSequenceIsExactForASeed) {
  Island isl = makeIsland({{"a", 1.0}, {"b", 5.0}, {"c", 2.0}, {"d", 4.0}, {"e", 3.0}, {"f", 0.5}});
  std::vector<std::vector<std::string>> got;
  for (uint64_t p = 0; p < 8; ++p) {
    std::mt19937_64 rng = deriveRng(42, {uint64_t(RngPurpose::SelectParents), 0, p});
    std::vector<std::string> ids;
    for (size_t i : selectParents(isl, 3, 2, rng))
      ids.push_back(isl[i].candidate.id);
    got.push_back(ids);
  }
  const std::vector<std::vector<std::string>> expected = {
      {"e", "b"}, {"d", "b"}, {"b", "d"}, {"b", "e"}, {"d", "b"}, {"e", "d"}, {"d", "e"}, {"b", "d"}};
  EXPECT_EQ(got, expected);

  // Another seed gives another sequence.
  std::vector<std::vector<std::string>> other;
  for (uint64_t p = 0; p < 8; ++p) {
    std::mt19937_64 rng = deriveRng(43, {uint64_t(RngPurpose::SelectParents), 0, p});
    std::vector<std::string> ids;
    for (size_t i : selectParents(isl, 3, 2, rng))
      ids.push_back(isl[i].candidate.id);
    other.push_back(ids);
  }
  EXPECT_NE(got, other);
}

TEST(SearchPopulation, ElitesOnlyAndAllElitesReachable) {
  Island isl;
  for (int i = 0; i < 20; ++i)
    isl.push_back({okCandidate("c" + std::to_string(i), 1.0 + (i * 7 % 20)), i});
  // Top 3 by speedup: values 20, 19, 18 -> i*7%20 == 19, 18, 17.
  std::set<std::string> top;
  for (int i = 0; i < 20; ++i)
    if (i * 7 % 20 >= 17)
      top.insert("c" + std::to_string(i));
  ASSERT_EQ(top.size(), 3u);
  std::mt19937_64 rng(9);
  std::set<std::string> chosen;
  for (int round = 0; round < 500; ++round) {
    std::vector<size_t> picks = selectParents(isl, 3, 2, rng);
    ASSERT_EQ(picks.size(), 2u);
    ASSERT_NE(picks[0], picks[1]) << "parents are distinct";
    for (size_t i : picks) {
      ASSERT_TRUE(top.count(isl[i].candidate.id)) << isl[i].candidate.id << " is not an elite";
      chosen.insert(isl[i].candidate.id);
    }
  }
  EXPECT_EQ(chosen, top);
}

TEST(SearchPopulation, SelectionOnSmallIslands) {
  std::mt19937_64 rng(1);
  EXPECT_TRUE(selectParents(Island{}, 4, 2, rng).empty());
  Island one = makeIsland({{"x", 2}});
  EXPECT_EQ(selectParents(one, 4, 2, rng), std::vector<size_t>{0});
  EXPECT_TRUE(selectParents(one, 4, 0, rng).empty());
}

TEST(SearchPopulation, RingMigrationOrderWithoutDuplicates) {
  std::vector<Island> islands = {makeIsland({{"a1", 3}, {"a2", 1}}),
                                 makeIsland({{"b1", 2}, {"a1", 3}}), // already holds island 0's best
                                 makeIsland({{"c1", 5}, {"c2", 4}})};
  int64_t order = 100;
  std::vector<Migration> ev = migrateRing(islands, 1, order);
  // 0 -> 1 skipped (a1 present), 1 -> 2 sends b1? no: island 1's best is a1 (3 > 2).
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].from, 1);
  EXPECT_EQ(ev[0].to, 2);
  EXPECT_EQ(ev[0].candidateId, "a1");
  EXPECT_EQ(ev[1].from, 2);
  EXPECT_EQ(ev[1].to, 0);
  EXPECT_EQ(ev[1].candidateId, "c1");
  EXPECT_EQ(islands[2].back().candidate.island, 2);
  EXPECT_EQ(islands[2].back().order, 100);
  EXPECT_EQ(islands[0].back().candidate.id, "c1");
  EXPECT_EQ(order, 102);

  // Senders' lists are taken before copying: c1 reached island 0 this round but
  // does not continue to island 1 until the next round.
  EXPECT_EQ(islands[1].size(), 2u);
  ev = migrateRing(islands, 1, order);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].from, 0);
  EXPECT_EQ(ev[0].to, 1);
  EXPECT_EQ(ev[0].candidateId, "c1");
  // Now every island's best is everywhere: no more copies, no duplicates.
  EXPECT_TRUE(migrateRing(islands, 1, order).empty());
  for (const Island &isl : islands) {
    std::set<std::string> ids;
    for (const Member &m : isl)
      EXPECT_TRUE(ids.insert(m.candidate.id).second) << "duplicate " << m.candidate.id;
  }
}

TEST(SearchPopulation, MigrationOfSeveralMigrants) {
  std::vector<Island> islands = {makeIsland({{"a1", 3}, {"a2", 2}, {"a3", 1}}), makeIsland({}), };
  int64_t order = 0;
  std::vector<Migration> ev = migrateRing(islands, 2, order);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].candidateId, "a1");
  EXPECT_EQ(ev[1].candidateId, "a2");
  EXPECT_EQ(islands[1].size(), 2u);
  std::vector<Island> single = {makeIsland({{"a", 1}})};
  EXPECT_TRUE(migrateRing(single, 1, order).empty());
}

TEST(SearchPopulation, ParetoFrontOverSpeedupAndSecondObjective) {
  std::vector<Candidate> cs = {
      okCandidate("fast-slowcompile", 3.0, 900), okCandidate("mid", 2.0, 300),
      okCandidate("dominated", 1.5, 400),        okCandidate("cheap", 1.0, 100),
      okCandidate("worse-cheap", 0.9, 100),      okCandidate("mid", 2.0, 300), // duplicate id
  };
  Candidate broken = okCandidate("broken-fast", 10, 1);
  broken.result.status = EvalStatus::Incorrect;
  cs.push_back(broken);
  std::vector<std::string> ids;
  for (const Candidate &c : paretoFront(cs, "compile_ms"))
    ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"fast-slowcompile", "mid", "cheap"}));

  std::vector<Candidate> sized = {okCandidate("big", 2.0, 1, 500), okCandidate("small", 1.5, 1, 50),
                                  okCandidate("tiny-slow", 1.0, 1, 60)};
  ids.clear();
  for (const Candidate &c : paretoFront(sized, "code_size"))
    ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"big", "small"}));
}

TEST(SearchSerialize, CandidateRoundTripAndStatusNames) {
  Candidate c = okCandidate("id1", 2.5);
  c.parents = {"p1", "p2"};
  c.origin = "llm-fix";
  c.island = 3;
  c.fixDepth = 2;
  c.code.mode = "nvrtc";
  c.code.launches = nlohmann::json::array({{{"grid", {1, 1, 1}}}});
  c.result.details = {{"worker", "gpu3"}};
  c.result.candidateMs = 0.1234567890123;
  Candidate back = candidateFromJson(toJson(c));
  EXPECT_EQ(toJson(back), toJson(c));
  for (auto s : {EvalStatus::Ok, EvalStatus::CompileError, EvalStatus::RuntimeError, EvalStatus::Incorrect,
                 EvalStatus::Timeout, EvalStatus::Rejected})
    EXPECT_EQ(parseEvalStatus(toString(s)), s);
  EXPECT_FALSE(parseEvalStatus("fine").has_value());
  EXPECT_THROW(candidateFromJson({{"id", "x"}}), std::runtime_error);
}

TEST(SearchSerialize, CandidateIdDependsOnKernelNotKnobs) {
  CandidateCode a;
  a.source = "k";
  CandidateCode b = a;
  b.knobs = {{"tile", 4}};
  EXPECT_EQ(candidateId("fp", a), candidateId("fp", b));
  EXPECT_NE(candidateId("fp", a), candidateId("fp2", a));
  b.source = "k2";
  EXPECT_NE(candidateId("fp", a), candidateId("fp", b));
  EXPECT_EQ(stableHash(""), "cbf29ce484222325"); // FNV-1a offset basis: platform independent
}
