// Test support shared by the worker process tests: temporary directories and
// RawWorker, a pike-worker process with raw access to its pipes (for malformed
// or hostile input). Header-only; each test binary gets its own copies.
#ifndef PIKE_TEST_UNIT_WORKER_RAWWORKER_H
#define PIKE_TEST_UNIT_WORKER_RAWWORKER_H

#include "pike/WorkerClient/LineIO.h"
#include "pike/WorkerClient/Process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace pike::worker::test {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Temporary directories, removed when the test binary exits.
struct TempDirs {
  std::vector<std::string> dirs;
  ~TempDirs() {
    for (const auto &d : dirs) {
      std::error_code ec;
      std::filesystem::remove_all(d, ec);
    }
  }
};

inline std::string tempDir() {
  static TempDirs all;
  char t[] = "/tmp/pike-worker-test-XXXXXX";
  EXPECT_NE(mkdtemp(t), nullptr);
  all.dirs.push_back(t);
  return t;
}

inline long msSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

inline std::string readAll(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// pike-worker with the given arguments and extra environment; stdin/stdout are
// pipes unless stdinMode says otherwise ("devnull", "closed"); stderr to a file.
struct RawWorker {
  pid_t pid = -1;
  int in = -1, out = -1;
  std::string errPath;
  std::unique_ptr<LineReader> reader;

  RawWorker(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> env = {},
       const std::string &stdinMode = "pipe") {
    ignoreSigpipe();
    errPath = tempDir() + "/stderr";
    int a[2], b[2];
    EXPECT_EQ(pipe(a), 0);
    EXPECT_EQ(pipe(b), 0);
    args.insert(args.begin(), PIKE_WORKER_EXE);
    pid = fork();
    if (pid == 0) {
      if (stdinMode == "pipe")
        dup2(a[0], 0);
      else if (stdinMode == "devnull")
        dup2(open("/dev/null", O_RDONLY), 0);
      else
        close(0);
      dup2(b[1], 1);
      int e = open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(e, 2);
      for (int fd : {a[0], a[1], b[0], b[1], e})
        if (fd > 2)
          close(fd);
      unsetenv("PIKE_WORKER_TOKEN");
      for (auto &kv : env)
        setenv(kv.first.c_str(), kv.second.c_str(), 1);
      std::vector<char *> argv;
      for (auto &s : args)
        argv.push_back(s.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(a[0]);
    close(b[1]);
    in = a[1];
    out = b[0];
    reader = std::make_unique<LineReader>(out, kMaxLineBytes);
  }
  ~RawWorker() {
    if (in >= 0)
      close(in);
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    close(out);
  }
  void send(const std::string &line) { ASSERT_TRUE(writeLine(in, line)); }
  json recv(int timeoutMs = 60000) {
    std::string line;
    auto r = reader->read(line, timeoutMs);
    EXPECT_EQ(r, LineReader::Result::Line) << "no reply from the worker";
    return r == LineReader::Result::Line ? json::parse(line) : json();
  }
  json call(const json &req, int timeoutMs = 60000) {
    send(req.dump());
    return recv(timeoutMs);
  }
  void closeStdin() {
    close(in);
    in = -1;
  }
  // Exit status within timeoutMs, or -1 (then it is killed by the destructor).
  int waitExit(int timeoutMs) {
    int st = 0;
    auto t0 = Clock::now();
    while (msSince(t0) < timeoutMs) {
      if (waitpid(pid, &st, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  std::string stderrText() { return readAll(errPath); }
};

} // namespace pike::worker::test

#endif
