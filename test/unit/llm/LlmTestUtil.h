// Test helpers: a temporary directory and the scripted LLM server
// (test/llm_server/server.py) run as a subprocess on a free port.
#ifndef PIKE_TEST_LLM_UTIL_H
#define PIKE_TEST_LLM_UTIL_H

#include "pike/LLM/Options.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace pike::llm::test {

// Never a real key: tests check this string appears nowhere but in headers.
inline const char *kKeyEnv = "PIKE_TEST_LLM_KEY";
inline const char *kKey = "sk-pike-test-SECRET-7f3a9c21d4e8b6";

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pike-llm-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string operator/(const std::string &name) const { return path + "/" + name; }
};

inline std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ScriptedServer {
public:
  /// `script` is the server's JSON script; `scriptPath` instead serves a file.
  explicit ScriptedServer(const nlohmann::json &script, const std::string &scriptPath = "") {
    std::string sp = scriptPath;
    if (sp.empty()) {
      sp = dir_ / "script.json";
      std::ofstream(sp) << script.dump(2);
    }
    log_ = dir_ / "requests.jsonl";
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    std::vector<std::string> args = {PIKE_PYTHON, PIKE_LLM_SERVER, "--script", sp, "--log", log_};
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, PIKE_PYTHON, &fa, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error(std::string("cannot start ") + PIKE_PYTHON);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    std::string line;
    char c;
    while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    close(fds[0]);
    if (line.rfind("PORT ", 0) != 0) {
      stop();
      throw std::runtime_error("scripted server did not start: '" + line + "'");
    }
    port_ = std::stoi(line.substr(5));
  }
  ~ScriptedServer() { stop(); }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// Every request the server received so far, in arrival order.
  std::vector<nlohmann::json> requests() const {
    std::vector<nlohmann::json> out;
    std::istringstream in(readFile(log_));
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) out.push_back(nlohmann::json::parse(l));
    return out;
  }
  std::string logText() const { return readFile(log_); }

  /// Options for `provider` pointing at this server, key from kKeyEnv.
  LLMOptions options(const std::string &provider, const std::string &model) const {
    LLMOptions o;
    o.provider = provider;
    o.model = model;
    o.baseUrl = provider == "openai" ? url() + "/v1" : url();
    o.apiKeyEnv = kKeyEnv;
    o.backoffSec = 0.01;
    o.timeoutSec = 20;
    return o;
  }

private:
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int st;
      waitpid(pid_, &st, 0);
      pid_ = -1;
    }
  }
  TempDir dir_;
  std::string log_;
  pid_t pid_ = -1;
  int port_ = 0;
};

} // namespace pike::llm::test

#endif
