// pike-worker against hostile candidates (at compile time) and hostile clients,
// driving the real binary on this host (no GPU needed): the compile sandbox
// (include policy, hard timeout, scrubbed environment and log, flag allow-list),
// protocol limits (deep JSON, huge lines, EOF anywhere), and TCP (loopback by
// default, shared-token authentication, one bad client never blocks the others).
#include "pike/WorkerClient/Landlock.h"
#include "pike/WorkerClient/LineIO.h"
#include "pike/WorkerClient/Process.h"
#include "pike/WorkerClient/Protocol.h"
#include "pike/WorkerClient/Worker.h"
#include "RawWorker.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <algorithm>
#include <atomic>
#include <iostream>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace pike::worker;
using json = nlohmann::json;
using namespace std::chrono_literals;
using namespace pike::worker::test;

namespace {

const char *kSecret = "sk-pike-hostile-test-7d3f9a61c2";
const char *kToken = "0123456789abcdef-pike-test-token";


json compileReq(const std::string &mode, const std::string &src, int timeoutMs = 120000,
                json flags = json::array()) {
  json c = {{"source", src}, {"mode", mode}, {"flags", flags}};
  if (mode == "nvrtc")
    c["launches"] = {{{"kernel", "k"}, {"grid", {1}}, {"block", {32}}, {"args", {"in0"}}}};
  return {{"protocol", 1}, {"op", "compile"}, {"candidate", c}, {"arch", "sm_90a"},
          {"compile_timeout_ms", timeoutMs}, {"id", "c"}};
}

int waitForPort(const std::string &portFile) {
  int port = 0;
  for (int i = 0; i < 1000 && port == 0; ++i) {
    std::ifstream f(portFile);
    if (!(f >> port))
      std::this_thread::sleep_for(10ms);
  }
  return port;
}

int connectTo(int port) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(s, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
  return s;
}

std::string tokenFile() {
  std::string f = tempDir() + "/token";
  std::ofstream(f) << kToken << "\n";
  chmod(f.c_str(), 0600);
  return f;
}

// ------------------------------------------------------------ compile sandbox

TEST(CompileSandbox, FifoIncludeEndsWithinTheLimit) {
  std::string dir = tempDir();
  std::string fifo = dir + "/hang.h";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  RawWorker w({"--cache-dir", dir + "/cache"});
  // The evaluator answers device_info: after it, its start-up is not in the timings.
  EXPECT_EQ(w.call({{"protocol", 1}, {"op", "device_info"}})["ok"], true);
  for (const char *mode : {"nvrtc", "nvcc"}) {
    auto t0 = Clock::now();
    json r = w.call(compileReq(mode, "#include \"" + fifo + "\"\n__global__ void k(float *p) {}\n", 3000));
    long ms = msSince(t0);
    EXPECT_EQ(r["status"], "compile_error") << r.dump();
    EXPECT_NE(r["log"].get<std::string>().find("include not allowed: candidate.cu(1)"), std::string::npos)
        << r["log"];
    EXPECT_LT(ms, 3000) << mode;
  }
  EXPECT_EQ(w.call({{"protocol", 1}, {"op", "ping"}})["ok"], true);
}

TEST(CompileSandbox, HungCompileChildIsKilledAtTheLimit) {
  // Stands in for an NVRTC call that never returns (a special file, a compiler
  // bug): the compile child is killed with its process group at compile_timeout_ms.
  std::string dir = tempDir();
  std::string fake = dir + "/pike-nvrtc-hang";
  std::ofstream(fake) << "#!/bin/sh\nsleep 60 &\nexec sleep 60\n";
  chmod(fake.c_str(), 0755);
  RawWorker w({"--cache-dir", dir + "/cache", "--nvrtc", fake});
  auto t0 = Clock::now();
  json r = w.call(compileReq("nvrtc", "__global__ void k(float *p) {}\n", 700));
  long ms = msSince(t0);
  EXPECT_EQ(r["status"], "timeout") << r.dump();
  EXPECT_NE(r["log"].get<std::string>().find("700 ms"), std::string::npos) << r["log"];
  EXPECT_LT(ms, 5000);
  EXPECT_EQ(w.call({{"protocol", 1}, {"op", "ping"}})["ok"], true);
}

TEST(CompileSandbox, EnvironIncludeNeverReturnsTheSecret) {
  std::string dir = tempDir();
  RawWorker w({"--cache-dir", dir + "/cache"}, {{"OPENAI_API_KEY", kSecret}});
  std::vector<std::string> sources = {
      "#include \"/proc/self/environ\"\n__global__ void k(float *p) {}\n",
      "#include </proc/self/environ>\n__global__ void k(float *p) {}\n",
      "#include \"../../../../../../proc/self/environ\"\n__global__ void k(float *p) {}\n",
      "#define F \"/proc/self/environ\"\n#include F\n__global__ void k(float *p) {}\n",
      "#inc\\\nlude \"/proc/self/environ\"\n__global__ void k(float *p) {}\n",
      "%:include \"/proc/1/environ\"\n__global__ void k(float *p) {}\n",
      // No include at all: the compiler's own environment must not hold the key either.
      "__global__ void k(float *p) { static_assert(sizeof(p) == 3, \"x\"); }\n"};
  for (const char *mode : {"nvrtc", "nvcc"})
    for (const auto &src : sources) {
      json r = w.call(compileReq(mode, src));
      std::string all = r.dump();
      EXPECT_EQ(all.find(kSecret), std::string::npos) << mode << ": " << all;
      EXPECT_EQ(all.find("OPENAI_API_KEY"), std::string::npos) << mode << ": " << all;
      EXPECT_EQ(r["status"], "compile_error") << all;
    }
}

TEST(CompileSandbox, ClientFlagsOutsideTheAllowListAreRejected) {
  std::string dir = tempDir();
  RawWorker w({"--cache-dir", dir + "/cache"});
  for (json flags : {json{"-ccbin", "/bin/sh"}, json{"--compiler-bindir=/tmp"}, json{"-I/proc/self"},
                     json{"-Xcompiler", "-fplugin=/tmp/x.so"}, json{"@/tmp/flags.rsp"}}) {
    json r = w.call(compileReq("nvcc", "__global__ void k(float *p) {}\n", 120000, flags));
    EXPECT_EQ(r["status"], "rejected") << r.dump();
    std::string want = "flag not allowed: " + flags[0].get<std::string>();
    EXPECT_NE(r["log"].get<std::string>().find(want), std::string::npos) << r["log"];
  }
  json ok = w.call(compileReq("nvrtc", "__global__ void k(float *p) { p[0] = TILE; }\n", 120000,
                              json{"-DTILE=16", "-lineinfo", "--use_fast_math"}));
  EXPECT_EQ(ok["status"], "ok") << ok.dump();
  // The reply says what confined the compile.
  json sb = ok["compile"]["sandbox"];
  EXPECT_EQ(sb["process"], "pike-nvrtc") << sb.dump();
  EXPECT_EQ(sb["environment"], "allow-list");
  EXPECT_EQ(sb["landlock"]["applied"].get<bool>(), landlockAbi() > 0) << sb.dump();
}

TEST(CompileSandbox, CredentialNamesAreRecognised) {
  for (const char *n : {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "HF_TOKEN",
                        "PIKE_WORKER_TOKEN", "PIKE_WORKER_TOKEN_FILE", "AWS_SECRET_ACCESS_KEY",
                        "DB_PASSWORD", "SSH_AUTH_SOCK", "my_api_key"})
    EXPECT_TRUE(isSecretEnvName(n)) << n;
  for (const char *n : {"PATH", "HOME", "CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "PIKE_WORKER_CACHE",
                        "PIKE_NVCC", "PIKE_WORKER_TEST_OPS", "TMPDIR"})
    EXPECT_FALSE(isSecretEnvName(n)) << n;
}

TEST(CompileSandbox, LocalWorkersInheritNoCredentials) {
  // pike-opt has the LLM keys in its environment; the workers it starts (and the
  // evaluator under them, where candidates run) must not.
  setenv("OPENAI_API_KEY", kSecret, 1);
  WorkerProcess::Options o;
  o.executable = PIKE_WORKER_EXE;
  o.args = {"--cache-dir", tempDir()};
  o.env.emplace_back("PIKE_WORKER_TEST_OPS", "1"); // asked for explicitly: passes
  WorkerProcess w(o);
  w.start();
  unsetenv("OPENAI_API_KEY");
  json p;
  for (int i = 0; i < 500; ++i) {
    p = w.call({{"op", "ping"}}, 10s);
    if (p.value("child_alive", false))
      break;
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(p.value("child_alive", false)) << p.dump();
  std::string workerEnv = readAll("/proc/" + std::to_string(p["pid"].get<int>()) + "/environ");
  std::string childEnv;
  for (int i = 0; i < 200 && childEnv.find("PATH=") == std::string::npos; ++i) {
    childEnv = readAll("/proc/" + std::to_string(p["child_pid"].get<int>()) + "/environ");
    std::this_thread::sleep_for(10ms);
  }
  for (const std::string &env : {workerEnv, childEnv}) {
    EXPECT_NE(env.find("PATH="), std::string::npos) << "cannot read the environment";
    EXPECT_EQ(env.find(kSecret), std::string::npos) << "a credential reached the worker";
    EXPECT_NE(env.find("PIKE_WORKER_TEST_OPS=1"), std::string::npos);
  }
}

// ------------------------------------------------------------ protocol limits

TEST(HostileProtocol, DeepJsonIsAnsweredAndTheWorkerStillAnswersPing) {
  RawWorker w({"--cache-dir", tempDir()});
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  w.send(deep);
  json e = w.recv();
  EXPECT_EQ(e["error"]["code"], "too_deep") << e.dump();
  EXPECT_NE(e["error"]["message"].get<std::string>().find("deeper than 64"), std::string::npos);
  // Deep inside an otherwise valid request.
  w.send("{\"protocol\":1,\"op\":\"ping\",\"id\":1,\"x\":" + std::string(100000, '{') + "}");
  EXPECT_EQ(w.recv()["error"]["code"], "too_deep");
  json p = w.call({{"protocol", 1}, {"op", "ping"}, {"id", "after"}});
  EXPECT_EQ(p["id"], "after");
  EXPECT_EQ(p["ok"], true);
}

TEST(HostileProtocol, HugeLineIsRefusedNamingTheLimit) {
  RawWorker w({"--cache-dir", tempDir(), "--max-request-bytes", "1048576"});
  std::thread writer([&] { writeLine(w.in, "{\"protocol\":1,\"pad\":\"" + std::string(3 << 20, 'x') + "\"}"); });
  json e = w.recv();
  writer.join();
  EXPECT_EQ(e["error"]["code"], "too_long") << e.dump();
  EXPECT_NE(e["error"]["message"].get<std::string>().find("1048576 bytes"), std::string::npos);
  EXPECT_EQ(w.call({{"protocol", 1}, {"op", "ping"}})["ok"], true);
}

TEST(HostileProtocol, StdinClosedAtStartExitsWithinTwoSeconds) {
  // It used to hang in 9 of 10 runs. The limit is 2 s after the executable is
  // loaded: `--version` (which exits at once) measures loading, which alone takes
  // over a second on a heavily shared CI core (LibTorch's relocations).
  long load = 0;
  for (int i = 0; i < 3; ++i) {
    RawWorker v({"--version"});
    auto t0 = Clock::now();
    EXPECT_EQ(v.waitExit(30000), 0);
    load = i == 0 ? msSince(t0) : std::min(load, msSince(t0));
  }
  long worst = 0;
  for (int i = 0; i < 10; ++i) {
    RawWorker w({"--cache-dir", tempDir()}, {}, i % 2 ? "closed" : "devnull");
    auto t0 = Clock::now();
    EXPECT_EQ(w.waitExit(static_cast<int>(2000 + load)), 0)
        << "run " << i << " (" << (i % 2 ? "closed" : "/dev/null") << " stdin) did not exit within 2 s + "
        << load << " ms of loading";
    worst = std::max(worst, msSince(t0));
  }
  std::cout << "stdin at EOF from the start: 10 runs, slowest exit " << worst << " ms (loading alone "
            << load << " ms)\n";
}

TEST(HostileProtocol, EofMidLineIsAnsweredThenExits) {
  RawWorker w({"--cache-dir", tempDir()});
  ASSERT_EQ(write(w.in, "{\"protocol\":1,\"op\":\"pi", 22), 22);
  w.closeStdin();
  json e = w.recv(5000);
  EXPECT_EQ(e["error"]["code"], "parse_error") << e.dump();
  EXPECT_EQ(w.waitExit(2000), 0);
}

// ------------------------------------------------------------ TCP

TEST(HostileTcp, NonLoopbackWithoutTokenRefusesToStart) {
  std::string dir = tempDir();
  RawWorker w({"--listen", "0.0.0.0:0", "--port-file", dir + "/port", "--cache-dir", dir});
  EXPECT_EQ(w.waitExit(5000), 2);
  EXPECT_NE(w.stderrText().find("refusing to listen on 0.0.0.0"), std::string::npos) << w.stderrText();
  EXPECT_FALSE(std::filesystem::exists(dir + "/port"));
  RawWorker cmdline({"--listen", "0.0.0.0:0", "--token", kToken, "--cache-dir", dir});
  EXPECT_EQ(cmdline.waitExit(5000), 2);
  EXPECT_NE(cmdline.stderrText().find("never taken from the command line"), std::string::npos);
  EXPECT_EQ(cmdline.stderrText().find(kToken), std::string::npos);
}

TEST(HostileTcp, NoHostMeansLoopback) {
  std::string dir = tempDir();
  RawWorker w({"--listen", ":0", "--port-file", dir + "/port", "--cache-dir", dir});
  int port = waitForPort(dir + "/port");
  ASSERT_GT(port, 0) << w.stderrText();
  EXPECT_NE(w.stderrText().find("listening on 127.0.0.1:"), std::string::npos) << w.stderrText();
  RemoteWorker r("127.0.0.1", port, std::string());
  r.start();
  EXPECT_EQ(r.call({{"op", "ping"}}, 10s)["ok"], true);
}

TEST(HostileTcp, WithATokenOnlyAuthenticatedClientsAreServed) {
  std::string dir = tempDir();
  std::string tf = tokenFile();
  RawWorker w({"--listen", "0.0.0.0:0", "--port-file", dir + "/port", "--cache-dir", dir, "--token-file", tf});
  int port = waitForPort(dir + "/port");
  ASSERT_GT(port, 0) << w.stderrText();

  // A raw client that skips authentication gets an error and is disconnected.
  int s = connectTo(port);
  ASSERT_TRUE(writeLine(s, R"({"protocol":1,"op":"ping","id":1})"));
  LineReader rd(s, kMaxLineBytes);
  std::string line;
  ASSERT_EQ(rd.read(line, 10000), LineReader::Result::Line);
  json e = json::parse(line);
  EXPECT_EQ(e["error"]["code"], "unauthorized") << line;
  EXPECT_EQ(rd.read(line, 10000), LineReader::Result::Eof) << "connection should be closed";
  close(s);

  // A wrong token: the client says the worker refused it.
  RemoteWorker wrong("127.0.0.1", port, std::string("not-the-token-but-long-enough"));
  try {
    wrong.start();
    FAIL() << "a wrong token was accepted";
  } catch (const WorkerError &err) {
    EXPECT_NE(std::string(err.what()).find("refused authentication"), std::string::npos) << err.what();
  }
  // A client without a token learns why its call failed.
  RemoteWorker none("127.0.0.1", port, std::string());
  none.start();
  try {
    none.call({{"op", "ping"}}, 10s);
    FAIL() << "an unauthenticated call was answered";
  } catch (const WorkerError &err) {
    EXPECT_NE(std::string(err.what()).find("unauthorized"), std::string::npos) << err.what();
  }

  // The right token, from the file named by PIKE_WORKER_TOKEN_FILE (as WorkerPool::remote does).
  setenv("PIKE_WORKER_TOKEN_FILE", tf.c_str(), 1);
  unsetenv("PIKE_WORKER_TOKEN");
  auto pool = WorkerPool::remote({"127.0.0.1:" + std::to_string(port)});
  unsetenv("PIKE_WORKER_TOKEN_FILE");
  json p = pool->call({{"op", "ping"}}, 10s);
  EXPECT_EQ(p["ok"], true) << p.dump();
  EXPECT_EQ(w.stderrText().find(kToken), std::string::npos) << "the token was logged";
}

TEST(HostileTcp, TokenNeverReachesTheEvaluatorOrTheEnvironmentFile) {
  std::string dir = tempDir();
  RawWorker w({"--listen", "127.0.0.1:0", "--port-file", dir + "/port", "--cache-dir", dir},
         {{"PIKE_WORKER_TOKEN", kToken}});
  int port = waitForPort(dir + "/port");
  ASSERT_GT(port, 0) << w.stderrText();
  RemoteWorker r("127.0.0.1", port, std::string(kToken));
  r.start();
  json p;
  for (int i = 0; i < 200; ++i) { // the evaluator starts in the background
    p = r.call({{"op", "ping"}}, 10s);
    if (p.value("child_alive", false))
      break;
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(p.value("child_alive", false)) << p.dump();
  // Right after fork (before exec) the child is not readable yet: retry a moment.
  std::string childEnv;
  for (int i = 0; i < 200 && childEnv.empty(); ++i) {
    childEnv = readAll("/proc/" + std::to_string(p["child_pid"].get<int>()) + "/environ");
    if (childEnv.empty())
      std::this_thread::sleep_for(10ms);
  }
  EXPECT_NE(childEnv.find("PATH="), std::string::npos) << "cannot read the evaluator's environment";
  EXPECT_EQ(childEnv.find(kToken), std::string::npos) << "the evaluator inherited the token";
  std::string ownEnv = readAll("/proc/" + std::to_string(p["pid"].get<int>()) + "/environ");
  EXPECT_EQ(ownEnv.find(kToken), std::string::npos) << "the token is still in /proc/PID/environ";
}

TEST(HostileTcp, MisbehavingClientsNeverBlockAWellBehavedOne) {
  std::string dir = tempDir();
  RawWorker w({"--listen", "127.0.0.1:0", "--port-file", dir + "/port", "--cache-dir", dir},
         {{"PIKE_WORKER_TEST_OPS", "1"}});
  int port = waitForPort(dir + "/port");
  ASSERT_GT(port, 0) << w.stderrText();

  // 1. Half a line, then silence.
  int half = connectTo(port);
  ASSERT_TRUE(::send(half, "{\"protocol\":1,\"op\":\"pi", 22, 0) == 22);
  // 2. Thousands of requests whose replies it never reads.
  int deaf = connectTo(port);
  std::thread flood([&] {
    std::string ping = R"({"protocol":1,"op":"ping","id":1})";
    std::string batch;
    for (int i = 0; i < 1000; ++i)
      batch += ping + "\n";
    for (int i = 0; i < 100; ++i)
      if (::send(deaf, batch.data(), batch.size(), MSG_NOSIGNAL) < 0)
        break;
  });
  // 3. A request, then a disconnect before the reply.
  int quitter = connectTo(port);
  ASSERT_TRUE(writeLine(quitter, R"({"protocol":1,"op":"sleep","ms":300,"id":"q"})"));
  close(quitter);
  // 4. Garbage and deep JSON.
  int garbage = connectTo(port);
  ASSERT_TRUE(writeLine(garbage, "\x01\x02 not json"));
  ASSERT_TRUE(writeLine(garbage, std::string(200000, '[')));

  RemoteWorker good("127.0.0.1", port, std::string());
  good.start();
  for (int i = 0; i < 5; ++i) {
    auto t0 = Clock::now();
    EXPECT_EQ(good.call({{"op", "ping"}}, 10s)["ok"], true);
    EXPECT_LT(msSince(t0), 2000) << "ping " << i << " was held up";
  }
  json c = good.call(json{{"op", "compile"},
                          {"candidate", compileReq("nvrtc", "__global__ void k(float *p) {}\n")["candidate"]},
                          {"arch", "sm_90a"}},
                     120s);
  EXPECT_EQ(c["status"], "ok") << c.dump();
  LineReader gr(garbage, kMaxLineBytes);
  std::string line;
  ASSERT_EQ(gr.read(line, 10000), LineReader::Result::Line);
  EXPECT_EQ(json::parse(line)["error"]["code"], "parse_error");
  ASSERT_EQ(gr.read(line, 10000), LineReader::Result::Line);
  EXPECT_EQ(json::parse(line)["error"]["code"], "too_deep");
  EXPECT_EQ(good.call({{"op", "ping"}}, 10s)["ok"], true);
  shutdown(deaf, SHUT_RDWR);
  flood.join();
  for (int fd : {half, deaf, garbage})
    close(fd);
  EXPECT_EQ(good.call({{"op", "shutdown"}}, 10s)["ok"], true);
  EXPECT_EQ(w.waitExit(10000), 0);
}

} // namespace
