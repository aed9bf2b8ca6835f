#include "SearchFakes.h"

#include "pike/Search/Driver.h"
#include "pike/Search/Progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace pike::search;
using namespace pike::search::testing;

namespace {
ProgressInfo sample(bool final) {
  ProgressInfo p;
  p.queries = 40;
  p.queryBudget = 200;
  p.usd = 0.5234;
  p.usdBudget = 5;
  p.busy = 3;
  p.parallel = 4;
  p.generation = 3;
  p.final = final;
  p.tasks = {{"region_0", 20, 18, 1.8412}, {"region_1", 20, 17, 0}};
  return p;
}
} // namespace

TEST(SearchProgress, FormatsOneLine) {
  std::string s = formatProgress(sample(false));
  EXPECT_NE(s.find("queries 40/200"), std::string::npos) << s;
  EXPECT_NE(s.find("$0.52/5.00"), std::string::npos) << s;
  EXPECT_NE(s.find("busy 3/4"), std::string::npos) << s;
  EXPECT_NE(s.find("region_0 1.84x"), std::string::npos) << s;
  EXPECT_NE(s.find("region_1 -"), std::string::npos) << s;
  EXPECT_EQ(s.find('\n'), std::string::npos);
}

TEST(SearchProgress, TerminalRewritesOneLine) {
  std::ostringstream os;
  ProgressPrinter printer(os, /*tty=*/true);
  printer(sample(false));
  printer(sample(false));
  printer(sample(true));
  std::string out = os.str();
  EXPECT_EQ(std::count(out.begin(), out.end(), '\r'), 3);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
}

TEST(SearchProgress, PipeGetsPeriodicPlainLines) {
  std::ostringstream os;
  ProgressPrinter printer(os, /*tty=*/false, /*intervalSec=*/3600);
  for (int i = 0; i < 10; ++i)
    printer(sample(false));
  printer(sample(true));
  std::string out = os.str();
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2) << "first line, then only the final one";
}

TEST(SearchProgress, DriverReportsAndWritesTrace) {
  std::string trace = ::testing::TempDir() + "/pike-trace-" + std::to_string(::getpid()) + ".json";
  SearchOptions o;
  o.budget = 12;
  o.parallel = 2;
  o.tracePath = trace;
  FakeProposer p;
  FakeFixer f;
  FakeEvaluator e;
  SearchDriver d(o, p, &f, e);
  std::vector<ProgressInfo> seen;
  d.setProgressCallback([&](const ProgressInfo &pi) { seen.push_back(pi); });
  SearchReport r = d.run(fakeTasks(2));
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(seen.back().final);
  EXPECT_EQ(seen.back().queries, 24);
  EXPECT_EQ(seen.back().queryBudget, 24);
  for (const ProgressInfo &pi : seen)
    EXPECT_LE(pi.busy, 2);

  std::ifstream in(trace);
  nlohmann::json doc = nlohmann::json::parse(in);
  ASSERT_EQ(doc["tasks"].size(), 2u);
  double best0 = 0;
  int64_t lastQueries = 0, jobs = 0;
  for (const auto &ev : doc["events"]) {
    if (ev["task"] != 0 || ev["kind"] == "migrate")
      continue;
    ++jobs;
    EXPECT_GE(ev["best"].get<double>(), best0) << "best-so-far never decreases";
    EXPECT_GT(ev["queries"].get<int64_t>(), lastQueries);
    best0 = ev["best"];
    lastQueries = ev["queries"];
  }
  EXPECT_EQ(jobs, 12);
  EXPECT_DOUBLE_EQ(best0, r.tasks[0].best ? r.tasks[0].best->result.speedup() : 0);
  EXPECT_EQ(doc["stopReason"], "budget");
}

// scripts/plot_search_trace.py turns the driver's trace into a PNG.
TEST(SearchProgress, PlotScriptReadsTheTrace) {
  if (std::system("python3 -c 'import matplotlib' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3 with matplotlib is not available";
  std::string base = ::testing::TempDir() + "/pike-plot-" + std::to_string(::getpid());
  SearchOptions o;
  o.budget = 20;
  o.tracePath = base + ".json";
  FakeProposer p;
  FakeFixer f;
  FakeEvaluator e;
  SearchDriver(o, p, &f, e).run(fakeTasks(2));
  std::string png = base + ".png";
  std::remove(png.c_str());
  std::string cmd = "python3 " PIKE_SOURCE_DIR "/scripts/plot_search_trace.py " + o.tracePath + " " +
                    o.tracePath + " -o " + png + " > " + base + ".log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(png, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  std::ifstream log(base + ".log");
  std::string line;
  std::getline(log, line);
  EXPECT_NE(line.find("(4 curves)"), std::string::npos) << line;
  // A file that is not a trace is an error, not an empty plot.
  std::string bad = "python3 " PIKE_SOURCE_DIR "/scripts/plot_search_trace.py " + base + ".log -o " + png +
                    " > /dev/null 2>&1";
  EXPECT_NE(std::system(bad.c_str()), 0);
}
