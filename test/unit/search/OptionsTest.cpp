#include "pike/Search/Options.h"

#include <gtest/gtest.h>

using namespace pike::search;

TEST(SearchOptions, DefaultsValidate) {
  SearchOptions o;
  EXPECT_EQ(o.validate(), "");
  EXPECT_EQ(o.fixAttempts, 5);
  EXPECT_EQ(o.objective2, "none");
}

TEST(SearchOptions, ParsesEveryKind) {
  SearchOptions o;
  std::string err = o.parse("budget=32, budgetUsd=2.5,islands=2,eliteK=3,migrationInterval=5,"
                            "migrants=2,fixAttempts=0,parallel=8,seed=18446744073709551615,"
                            "wallClockSec=60,checkpointPath=\"/tmp/a,b.jsonl\",dbPath=/tmp/db,"
                            "objective2=compile_ms,generationSize=4,parentsPerProposal=1,tracePath=t.json");
  ASSERT_EQ(err, "");
  EXPECT_EQ(o.budget, 32);
  EXPECT_DOUBLE_EQ(o.budgetUsd, 2.5);
  EXPECT_EQ(o.islands, 2);
  EXPECT_EQ(o.eliteK, 3);
  EXPECT_EQ(o.migrationInterval, 5);
  EXPECT_EQ(o.migrants, 2);
  EXPECT_EQ(o.fixAttempts, 0);
  EXPECT_EQ(o.parallel, 8);
  EXPECT_EQ(o.seed, 18446744073709551615ULL);
  EXPECT_DOUBLE_EQ(o.wallClockSec, 60);
  EXPECT_EQ(o.checkpointPath, "/tmp/a,b.jsonl");
  EXPECT_EQ(o.dbPath, "/tmp/db");
  EXPECT_EQ(o.objective2, "compile_ms");
  EXPECT_EQ(o.generationSize, 4);
  EXPECT_EQ(o.parentsPerProposal, 1);
  EXPECT_EQ(o.tracePath, "t.json");
}

TEST(SearchOptions, RoundTripsThroughToString) {
  SearchOptions o;
  ASSERT_EQ(o.parse("budget=7,checkpointPath=\"a b,c\",seed=3,budgetUsd=0.1"), "");
  SearchOptions back;
  ASSERT_EQ(back.parse(o.toString()), "") << o.toString();
  EXPECT_EQ(back.toJson(), o.toJson());
}

TEST(SearchOptions, ErrorsNameTheKey) {
  SearchOptions o;
  std::string err = o.parse("budget=10,islandz=3");
  EXPECT_NE(err.find("unknown search option 'islandz'"), std::string::npos) << err;
  EXPECT_NE(err.find("islands"), std::string::npos) << "lists known keys: " << err;

  err = o.parse("budget=ten");
  EXPECT_NE(err.find("'budget'"), std::string::npos) << err;
  EXPECT_NE(err.find("'ten'"), std::string::npos) << err;

  err = o.parse("parallel=0");
  EXPECT_NE(err.find("'parallel'"), std::string::npos) << err;

  err = o.parse("budgetUsd=-1");
  EXPECT_NE(err.find("'budgetUsd'"), std::string::npos) << err;

  err = o.parse("objective2=latency");
  EXPECT_NE(err.find("'objective2'"), std::string::npos) << err;

  err = o.parse("seed=-4");
  EXPECT_NE(err.find("'seed'"), std::string::npos) << err;

  err = o.parse("eliteK=2,parentsPerProposal=3");
  EXPECT_NE(err.find("'parentsPerProposal'"), std::string::npos) << err;

  err = o.parse("budget");
  EXPECT_NE(err.find("expected key=value"), std::string::npos) << err;

  err = o.parse("checkpointPath=\"unterminated");
  EXPECT_NE(err.find("unterminated quote"), std::string::npos) << err;
}

TEST(SearchOptions, FailedParseLeavesOptionsUnchanged) {
  SearchOptions o;
  ASSERT_EQ(o.parse("budget=9"), "");
  EXPECT_NE(o.parse("budget=11,islands=0"), "");
  EXPECT_EQ(o.budget, 9);
  EXPECT_EQ(o.islands, 4);
}

TEST(SearchOptions, EmptyStringKeepsDefaults) {
  SearchOptions o;
  EXPECT_EQ(o.parse(""), "");
  EXPECT_EQ(o.toJson(), SearchOptions().toJson());
}

TEST(SearchOptions, AcceptsPassOptionSpelling) {
  pike::search::SearchOptions o;
  EXPECT_EQ(o.parse("elite-k=5,fix-attempts=2,migration-interval=7,budget-usd=1.5"), "");
  EXPECT_EQ(o.eliteK, 5);
  EXPECT_EQ(o.fixAttempts, 2);
  EXPECT_EQ(o.migrationInterval, 7);
  EXPECT_DOUBLE_EQ(o.budgetUsd, 1.5);
  EXPECT_NE(o.parse("elite-q=1"), "");
}
