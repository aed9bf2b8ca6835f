#include "pike/Support/DataDir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace {

namespace fs = std::filesystem;

/// A fresh directory; `withData` makes it look like pike's data directory.
fs::path makeDir(const fs::path &p, bool withData) {
  fs::create_directories(p);
  if (withData) {
    fs::create_directories(p / "package");
    fs::create_directories(p / "prompts");
  }
  return p;
}

class DataDirTest : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pike-datadir-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root = tmpl;
  }
  void TearDown() override { fs::remove_all(root); }
  fs::path root;
};

std::string errorOf(const char *env, const std::string &exe, const std::string &source) {
  try {
    pike::findDataDir(env, exe, source);
  } catch (const std::runtime_error &e) {
    return e.what();
  }
  return "";
}

TEST_F(DataDirTest, InstalledLayoutIsShareSlashPike) {
  makeDir(root / "prefix" / "bin", false);
  fs::path share = makeDir(root / "prefix" / "share" / "pike", true);
  fs::path source = makeDir(root / "src" / "data", true);
  EXPECT_EQ(pike::findDataDir(nullptr, (root / "prefix" / "bin" / "pike-opt").string(), source.string()),
            share.string());
}

TEST_F(DataDirTest, BuildTreeFallsBackToTheSourceData) {
  makeDir(root / "build" / "tools" / "pike-opt", false);
  fs::path source = makeDir(root / "src" / "data", true);
  EXPECT_EQ(pike::findDataDir("", (root / "build" / "tools" / "pike-opt" / "pike-opt").string(),
                              source.string()),
            source.string());
}

TEST_F(DataDirTest, EnvironmentWinsAndMustBeADataDirectory) {
  fs::path env = makeDir(root / "env", true);
  fs::path share = makeDir(root / "prefix" / "share" / "pike", true);
  EXPECT_EQ(pike::findDataDir(env.string().c_str(), (root / "prefix" / "bin" / "x").string(), ""),
            env.string());
  fs::path half = makeDir(root / "half", false);
  fs::create_directories(half / "prompts"); // no package/: not pike's data
  std::string err = errorOf(half.string().c_str(), (root / "prefix" / "bin" / "x").string(), "");
  EXPECT_NE(err.find("PIKE_DATA_DIR=" + half.string()), std::string::npos) << err;
}

TEST_F(DataDirTest, NoneFoundNamesEveryPlaceTried) {
  fs::path source = makeDir(root / "src" / "data", false);
  std::string err = errorOf(nullptr, (root / "bin" / "pike-opt").string(), source.string());
  EXPECT_NE(err.find("pike data directory not found"), std::string::npos) << err;
  EXPECT_NE(err.find((root / "share" / "pike").string()), std::string::npos) << err;
  EXPECT_NE(err.find(source.string()), std::string::npos) << err;
}

TEST(DataDir, ThisBuildFindsTheSourceData) {
  unsetenv("PIKE_DATA_DIR");
  EXPECT_EQ(fs::path(pike::dataDir()), fs::path(PIKE_SOURCE_DIR "/data").lexically_normal());
}

} // namespace
