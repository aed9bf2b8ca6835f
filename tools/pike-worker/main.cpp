// pike-worker: isolated GPU evaluator of candidate kernels. See docs/worker.md.
//
//   pike-worker                         protocol on stdin/stdout
//   pike-worker --listen HOST:PORT      protocol over TCP (one line per message)
//
// The process you start is the supervisor (no CUDA); it runs the evaluator as a
// child (`--child`, internal) and restarts it after hangs and fatal CUDA errors.
#include "Child.h"
#include "Supervisor.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

const char *kUsage = R"(usage: pike-worker [--listen HOST:PORT [--port-file FILE]] [options]

Evaluates candidate CUDA kernels against LibTorch references. Speaks newline-
delimited JSON (docs/worker-protocol.md) on stdin/stdout, or over TCP with --listen.

options:
  --listen [HOST]:PORT   serve TCP clients (PORT 0 picks a free port). No HOST
                         means 127.0.0.1; a non-loopback HOST needs a shared token
  --token-file FILE      shared token (first line of FILE, at least 16 characters);
                         else $PIKE_WORKER_TOKEN. With a token every TCP client
                         must authenticate first (docs/worker-protocol.md)
  --port-file FILE       with --listen: write the bound port to FILE
  --max-request-bytes N  longest request line (default 67108864)
  --nvrtc PATH           the NVRTC compile child (default $PIKE_NVRTC, else
                         pike-nvrtc beside this executable)
  --cache-dir DIR        compile cache (default $PIKE_WORKER_CACHE, else
                         $XDG_CACHE_HOME/pike-worker, else ~/.cache/pike-worker)
  --nvcc PATH            nvcc for the nvcc path (default $PIKE_NVCC, else the
                         toolkit pike-worker was built with, else nvcc on PATH)
  --compile-threads N    concurrent compiles (default 4)
  --compile-timeout-ms N default compile limit when a request names none (120000)
  --version, --help

environment: CUDA_VISIBLE_DEVICES picks the GPU (the worker uses device 0 of what it
sees); PIKE_WORKER_ARCH overrides the target (e.g. sm_90); PIKE_WORKER_TEST_OPS=1
enables the test-only ops crash/hang/sleep; with it, PIKE_WORKER_FAKE_GPU=1 makes
the worker a TEST-ONLY fake GPU (invented verdicts and times, see FakeGpu.h).
)";

bool exists(const std::string &p) {
  struct stat st;
  return !p.empty() && ::stat(p.c_str(), &st) == 0;
}

std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? v : "";
}

std::string defaultCacheDir() {
  if (auto v = env("PIKE_WORKER_CACHE"); !v.empty())
    return v;
  if (auto v = env("XDG_CACHE_HOME"); !v.empty())
    return v + "/pike-worker";
  if (auto v = env("HOME"); !v.empty())
    return v + "/.cache/pike-worker";
  return "/tmp/pike-worker-cache";
}

std::string defaultNvcc() {
  if (auto v = env("PIKE_NVCC"); !v.empty())
    return v;
  if (exists(PIKE_CUDA_NVCC))
    return PIKE_CUDA_NVCC;
  if (exists("/usr/local/cuda/bin/nvcc"))
    return "/usr/local/cuda/bin/nvcc";
  return "nvcc";
}

std::string defaultCudaInclude() {
  if (exists(std::string(PIKE_CUDA_INCLUDE) + "/cuda_runtime.h"))
    return PIKE_CUDA_INCLUDE;
  if (exists("/usr/local/cuda/include/cuda_runtime.h"))
    return "/usr/local/cuda/include";
  return "";
}

// Daemon hygiene: a worker started with stdin/stdout/stderr closed would get its
// own pipes or sockets as fds 0-2 and read or write them by mistake.
void ensureStandardFds() {
  for (int fd = 0; fd <= 2; ++fd)
    if (::fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
      int n = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
      if (n >= 0 && n != fd) {
        ::dup2(n, fd);
        ::close(n);
      }
    }
}

// Takes PIKE_WORKER_TOKEN out of this process's environment, so neither the
// evaluator (which runs candidate code) nor the compilers inherit it. The value
// is overwritten where it lives first: /proc/PID/environ shows the original
// block, which unsetenv alone leaves intact.
std::string takeTokenFromEnvironment() {
  const char *name = "PIKE_WORKER_TOKEN=";
  std::string token;
  for (char **e = environ; *e; ++e)
    if (std::strncmp(*e, name, std::strlen(name)) == 0) {
      char *v = *e + std::strlen(name);
      token = v;
      std::memset(v, 0, std::strlen(v));
    }
  ::unsetenv("PIKE_WORKER_TOKEN");
  return token;
}

bool readTokenFile(const std::string &path, std::string &token, std::string &error) {
  std::ifstream f(path);
  if (!f) {
    error = "cannot read token file " + path + ": " + std::strerror(errno);
    return false;
  }
  std::getline(f, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ' || token.back() == '\t'))
    token.pop_back();
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH))
    std::cerr << "pike-worker: warning: token file " << path
              << " is readable by every user; chmod 600 it\n";
  return true;
}

std::string selfExe(const char *argv0) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0)
    return std::string(buf, static_cast<size_t>(n));
  return argv0;
}

} // namespace

int main(int argc, char **argv) {
  ensureStandardFds();
  std::string envToken = takeTokenFromEnvironment();
  std::string listen, portFile, tokenFile;
  size_t maxRequestBytes = 64u << 20;
  bool child = false;
  pike::worker::ChildOptions copts;
  copts.cacheDir = defaultCacheDir();
  copts.nvcc = defaultNvcc();
  copts.cudaInclude = defaultCudaInclude();
  copts.testOps = env("PIKE_WORKER_TEST_OPS") == "1";
  if (env("PIKE_WORKER_FAKE_GPU") == "1" && !copts.testOps) {
    std::cerr << "pike-worker: PIKE_WORKER_FAKE_GPU=1 is a test-only mode and needs PIKE_WORKER_TEST_OPS=1\n";
    return 2;
  }
  copts.fakeGpu = env("PIKE_WORKER_FAKE_GPU") == "1";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "pike-worker: " << a << " needs a value\n" << kUsage;
        std::exit(2);
      }
      return argv[++i];
    };
    auto intValue = [&]() {
      std::string v = value();
      try {
        return std::stoi(v);
      } catch (const std::exception &) {
        std::cerr << "pike-worker: " << a << " needs an integer, not '" << v << "'\n";
        std::exit(2);
      }
    };
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--version") {
      std::cout << "pike-worker protocol " << 1 << std::endl;
      ::_exit(0); // no library destructors: tests use this to time a bare start
    } else if (a == "--child") {
      child = true;
    } else if (a == "--listen") {
      listen = value();
    } else if (a == "--port-file") {
      portFile = value();
    } else if (a == "--token-file") {
      tokenFile = value();
    } else if (a == "--token" || a.rfind("--token=", 0) == 0) {
      std::cerr << "pike-worker: the token is never taken from the command line (other users "
                   "can read it there): use --token-file FILE or PIKE_WORKER_TOKEN\n";
      return 2;
    } else if (a == "--max-request-bytes") {
      int v = intValue();
      if (v < 1024) {
        std::cerr << "pike-worker: --max-request-bytes must be at least 1024\n";
        return 2;
      }
      maxRequestBytes = static_cast<size_t>(v);
    } else if (a == "--nvrtc") {
      ::setenv("PIKE_NVRTC", value().c_str(), 1); // read by the compiler in the evaluator
    } else if (a == "--cache-dir") {
      copts.cacheDir = value();
    } else if (a == "--nvcc") {
      copts.nvcc = value();
    } else if (a == "--compile-threads") {
      copts.compileThreads = intValue();
    } else if (a == "--compile-timeout-ms") {
      copts.compileTimeoutMs = intValue();
    } else {
      std::cerr << "pike-worker: unknown argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (child)
    return pike::worker::runChild(copts);

  pike::worker::SupervisorOptions sopts;
  sopts.maxLineBytes = maxRequestBytes;
  sopts.token = envToken;
  if (!tokenFile.empty()) {
    std::string err;
    if (!readTokenFile(tokenFile, sopts.token, err)) {
      std::cerr << "pike-worker: " << err << "\n";
      return 2;
    }
  }
  if (!sopts.token.empty() && sopts.token.size() < 16) {
    std::cerr << "pike-worker: the shared token is shorter than 16 characters; use a random one "
                 "(e.g. openssl rand -hex 32)\n";
    return 2;
  }
  // Always: candidates run as this user, and /proc/<supervisor>/environ and mem
  // would otherwise be readable to them (the client's API keys, the token).
  ::prctl(PR_SET_DUMPABLE, 0);
  sopts.childExe = selfExe(argv[0]);
  sopts.testOps = copts.testOps;
  sopts.childArgs = {"--cache-dir", copts.cacheDir, "--nvcc", copts.nvcc,
                     "--compile-threads", std::to_string(copts.compileThreads),
                     "--compile-timeout-ms", std::to_string(copts.compileTimeoutMs)};
  pike::worker::Supervisor sup(sopts);
  // Every reply is written and the evaluator is gone when these return: skip the
  // static destructors of the libraries (LibTorch's take a noticeable moment).
  auto finish = [](int rc) {
    std::cout.flush();
    std::cerr.flush();
    ::_exit(rc);
  };
  if (listen.empty())
    finish(sup.runStdio());
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "pike-worker: --listen needs HOST:PORT, got '" << listen << "'\n";
    return 2;
  }
  int port;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception &) {
    std::cerr << "pike-worker: bad port in --listen '" << listen << "'\n";
    return 2;
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  finish(sup.runTcp(host, port, portFile));
  return 0;
}
