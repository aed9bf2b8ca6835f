// The verifier's handle on a runner process, on the CPU: the real pike-runner
// answers ping/say and its CUDA-free protocol checks without a GPU, so its
// process hygiene (fds, environment, stdin, process group, captured output) is
// testable here; shell scripts stand in for runners that hang, die or lie.
#include "RunnerProcess.h"
#include "RunnerProtocol.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <set>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace pike::worker::runner;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

Clock::time_point in(int ms) { return Clock::now() + std::chrono::milliseconds(ms); }

std::unique_ptr<RunnerProcess> startRunner() {
  std::string err;
  auto r = RunnerProcess::spawn(PIKE_RUNNER_EXE, {"--parent", std::to_string(::getpid())}, err);
  EXPECT_TRUE(r) << err;
  return r;
}

std::unique_ptr<RunnerProcess> startScript(const std::string &script) {
  std::string err;
  auto r = RunnerProcess::spawn("/bin/sh", {"-c", script}, err);
  EXPECT_TRUE(r) << err;
  return r;
}

json expect(RunnerProcess &r, const std::string &name) {
  json m;
  std::string why;
  auto w = r.receive(m, in(60000), why);
  EXPECT_EQ(w, RunnerProcess::Wait::Message) << why;
  EXPECT_EQ(m.value("msg", ""), name) << m.dump();
  return m;
}

// State letter of /proc/PID/stat, or 0 when the process is gone.
char procState(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s;
  if (!std::getline(f, s))
    return 0;
  auto p = s.rfind(')');
  return p == std::string::npos || p + 2 >= s.size() ? 0 : s[p + 2];
}

bool diesWithin(pid_t pid, int ms) {
  auto end = in(ms);
  while (Clock::now() < end) {
    char st = procState(pid);
    if (st == 0 || st == 'Z' || st == 'X')
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(RunnerProcess, RunnerSeesOnlyItsFdsAndAllowListedEnvironment) {
  ::setenv("PIKE_TEST_API_KEY", "sk-this-must-not-leak-0123456789", 1);
  int leaky = ::open("/dev/null", O_RDONLY); // no O_CLOEXEC: must still not reach the runner
  ASSERT_GE(leaky, 0);
  auto r = startRunner();
  ::close(leaky);
  ::unsetenv("PIKE_TEST_API_KEY");
  ASSERT_TRUE(r);
  json hello = expect(*r, "hello");
  EXPECT_EQ(hello.value("pid", 0), r->pid());
  EXPECT_TRUE(hello.contains("cuda")); // "ok" on a GPU host, the reason elsewhere
  ASSERT_TRUE(r->send({{"op", "ping"}}));
  json pong = expect(*r, "pong");
  std::set<int> fds;
  for (auto &f : pong["fds"])
    fds.insert(f.get<int>());
  // A CUDA-capable host may add driver fds after cuInit; without a GPU exactly 0-3.
  if (pong.value("cuda", "") != "ok")
    EXPECT_EQ(fds, (std::set<int>{0, 1, 2, 3})) << pong.dump();
  std::set<std::string> allowed(environmentAllowList().begin(), environmentAllowList().end());
  allowed.insert("HOME");
  for (auto &e : pong["env"])
    EXPECT_TRUE(allowed.count(e.get<std::string>())) << "runner inherited " << e;
  EXPECT_EQ(pong.value("stdin", ""), "/dev/null");
  EXPECT_EQ(pong.value("pgid", 0), r->pid()); // its own process group
}

// --preload: the spare maps the libraries before its hello (before the sandbox
// and any candidate code) and says which loaded; one that cannot load is
// reported, not fatal.
TEST(RunnerProcess, PreloadedLibrariesAreMappedBeforeHello) {
  std::string err;
  const std::string missing = "/nonexistent/libpike_missing.so";
  auto r = RunnerProcess::spawn(PIKE_RUNNER_EXE,
                                {"--parent", std::to_string(::getpid()), "--preload", PIKE_PRELOAD_PROBE_LIB,
                                 "--preload", missing},
                                err);
  ASSERT_TRUE(r) << err;
  json hello = expect(*r, "hello");
  ASSERT_TRUE(hello.contains("preload")) << hello.dump();
  const json &p = hello["preload"];
  ASSERT_EQ(p["loaded"].size(), 1u) << p.dump();
  EXPECT_EQ(p["loaded"][0].get<std::string>(), PIKE_PRELOAD_PROBE_LIB);
  ASSERT_EQ(p["errors"].size(), 1u) << p.dump();
  EXPECT_NE(p["errors"][0].get<std::string>().find(missing), std::string::npos) << p.dump();
  EXPECT_GE(p.value("ms", -1.0), 0.0);
  std::ifstream maps("/proc/" + std::to_string(r->pid()) + "/maps");
  std::string all((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
  EXPECT_NE(all.find(PIKE_PRELOAD_PROBE_LIB), std::string::npos) << "the probe library is not mapped";
  // The runner still answers (ping reports the same preload).
  ASSERT_TRUE(r->send({{"op", "ping"}}));
  json pong = expect(*r, "pong");
  EXPECT_EQ(pong["preload"], p);
}

TEST(RunnerProcess, NoPreloadWithoutTheFlag) {
  auto r = startRunner();
  ASSERT_TRUE(r);
  json hello = expect(*r, "hello");
  EXPECT_FALSE(hello.contains("preload")) << hello.dump();
}

TEST(RunnerProcess, OutputIsCapturedAndCapped) {
  auto r = startRunner();
  ASSERT_TRUE(r);
  expect(*r, "hello");
  ASSERT_TRUE(r->send({{"op", "say"}, {"text", "{\"id\":1,\"status\":\"ok\"}\n"}}));
  expect(*r, "said");
  std::string out = r->output();
  // Both streams land in the log (never on a protocol channel).
  EXPECT_NE(out.find("{\"id\":1,\"status\":\"ok\"}\n{\"id\":1,\"status\":\"ok\"}"), std::string::npos) << out;
  ASSERT_TRUE(r->send({{"op", "say"}, {"text", std::string(20000, 'x')}}));
  expect(*r, "said");
  out = r->output();
  EXPECT_LE(out.size(), kOutputKeepBytes + 64);
  EXPECT_NE(out.find("more bytes dropped"), std::string::npos);
}

TEST(RunnerProcess, RunnerAnswersErrorsWithoutCuda) {
  auto r = startRunner();
  ASSERT_TRUE(r);
  json hello = expect(*r, "hello");
  if (hello.value("cuda", "") == "ok")
    GTEST_SKIP() << "this host has a GPU; the no-CUDA answers are not reachable";
  std::optional<RunnerError> re;
  ASSERT_TRUE(r->send({{"op", "map"}, {"inputs", json::array()}, {"outputs", json::array()}}));
  json m = expect(*r, "error");
  EXPECT_EQ(m.value("kind", ""), "no_cuda");
  ASSERT_TRUE(r->send({{"op", "run"}, {"i", 1}}));
  m = expect(*r, "error");
  EXPECT_EQ(m.value("stage", ""), "run");
  ASSERT_TRUE(r->send({{"op", "format_disk"}}));
  m = expect(*r, "error");
  EXPECT_EQ(m.value("kind", ""), "unknown_op");
}

TEST(RunnerProcess, HungRunnerTimesOutAndItsWholeGroupIsKilled) {
  // The "runner" starts a background process (as a forking candidate would),
  // reports its pid, then hangs.
  auto r = startScript("sleep 1000 & echo \"{\\\"bg\\\": $!}\" >&3; sleep 1000");
  ASSERT_TRUE(r);
  json m;
  std::string why;
  ASSERT_EQ(r->receive(m, in(10000), why), RunnerProcess::Wait::Message) << why;
  pid_t bg = m.value("bg", 0);
  ASSERT_GT(bg, 0);
  auto t0 = Clock::now();
  EXPECT_EQ(r->receive(m, in(300), why), RunnerProcess::Wait::Timeout);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(3));
  r->kill();
  ASSERT_TRUE(r->reap(5000));
  EXPECT_NE(r->describeExit().find("SIGKILL"), std::string::npos) << r->describeExit();
  EXPECT_TRUE(diesWithin(bg, 5000)) << "background process " << bg << " survived the group kill";
}

TEST(RunnerProcess, DeathIsReportedWithItsSignal) {
  auto r = startScript("kill -SEGV $$");
  ASSERT_TRUE(r);
  json m;
  std::string why;
  EXPECT_EQ(r->receive(m, in(10000), why), RunnerProcess::Wait::Closed);
  ASSERT_TRUE(r->reap(5000));
  EXPECT_NE(r->describeExit().find("SIGSEGV"), std::string::npos) << r->describeExit();
}

TEST(RunnerProcess, ExitStatusIsReported) {
  auto r = startScript("exit 7");
  ASSERT_TRUE(r);
  json m;
  std::string why;
  EXPECT_EQ(r->receive(m, in(10000), why), RunnerProcess::Wait::Closed);
  ASSERT_TRUE(r->reap(5000));
  EXPECT_EQ(r->describeExit(), "exited with status 7");
}

TEST(RunnerProcess, GarbageAndOverlongMessagesAreViolations) {
  auto r = startScript("echo 'status: ok' >&3; sleep 1000");
  ASSERT_TRUE(r);
  json m;
  std::string why;
  EXPECT_EQ(r->receive(m, in(10000), why), RunnerProcess::Wait::Violation);
  EXPECT_NE(why.find("not JSON"), std::string::npos) << why;

  auto big = startScript("head -c 400000 /dev/zero | tr '\\000' a >&3; sleep 1000");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->receive(m, in(10000), why), RunnerProcess::Wait::Violation);
  EXPECT_NE(why.find("longer than"), std::string::npos) << why;
}

TEST(RunnerProcess, PushedBackMessageComesFirst) {
  auto r = startRunner();
  ASSERT_TRUE(r);
  json hello = expect(*r, "hello");
  r->pushBack(hello);
  expect(*r, "hello");
}

TEST(RunnerProcess, UnstartableExecutableIsAnError) {
  std::string err;
  auto r = RunnerProcess::spawn("/nonexistent/pike-runner", {}, err);
  EXPECT_FALSE(r);
  EXPECT_NE(err.find("/nonexistent/pike-runner"), std::string::npos) << err;
}

TEST(RunnerProcess, RunnerDiesWithItsParent) {
  // A middle process starts the runner (as the verifier does), reports its pid
  // and exits; PR_SET_PDEATHSIG must take the runner down with it.
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  pid_t mid = ::fork();
  if (mid == 0) {
    std::string err;
    auto r = RunnerProcess::spawn(PIKE_RUNNER_EXE, {"--parent", std::to_string(::getpid())}, err);
    json m;
    std::string why;
    pid_t pid = r && r->receive(m, in(60000), why) == RunnerProcess::Wait::Message ? r->pid() : -1;
    (void)!::write(p[1], &pid, sizeof pid);
    r.release(); // no destructor: the runner must die of the parent's death alone
    ::_exit(0);
  }
  ::close(p[1]);
  pid_t runner = -1;
  ASSERT_EQ(::read(p[0], &runner, sizeof runner), static_cast<ssize_t>(sizeof runner));
  ::close(p[0]);
  ASSERT_GT(runner, 0);
  int st = 0;
  ::waitpid(mid, &st, 0);
  EXPECT_TRUE(diesWithin(runner, 5000)) << "runner " << runner << " outlived its parent";
}

} // namespace

namespace {

TEST(RunnerOutput, EnvironmentValuesAreRedacted) {
  char secret[] = "OPENAI_API_KEY=sk-abc123456789";
  char shorty[] = "X=short";
  char noeq[] = "garbage";
  char *env[] = {secret, shorty, noeq, nullptr};
  std::string out = pike::worker::runner::redactEnvironmentValues(
      "key sk-abc123456789 and again sk-abc123456789; short stays", env);
  EXPECT_EQ(out, "key [redacted] and again [redacted]; short stays");
  EXPECT_EQ(pike::worker::runner::redactEnvironmentValues("nothing", nullptr), "nothing");
  char self[] = "ODD=[redacted]"; // a value equal to the mark must not loop
  char *env2[] = {self, nullptr};
  EXPECT_EQ(pike::worker::runner::redactEnvironmentValues("a [redacted] b", env2), "a [redacted] b");
}

} // namespace
