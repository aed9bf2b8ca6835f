#include "Compiler.h"

#include "KernelABIText.h" // generated: kKernelABIHeader
#include "pike/Support/Sha256.h"
#include "pike/WorkerClient/Protocol.h"

#include <nvrtc.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pike::worker {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {
constexpr const char *kSourceName = "candidate.cu";
// Bump when the artifact layout or default flags change, so old entries are not reused.
constexpr const char *kCacheFormat = "pike-worker-cache-2";

double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

void mkdirs(const std::string &path) {
  std::string cur;
  std::istringstream in(path);
  if (!path.empty() && path[0] == '/')
    cur = "/";
  for (std::string part; std::getline(in, part, '/');) {
    if (part.empty())
      continue;
    cur += part + "/";
    ::mkdir(cur.c_str(), 0755);
  }
}

bool readFile(const std::string &path, std::string &out) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

// Write-then-rename: readers never see a half-written artifact.
bool writeFileAtomic(const std::string &path, const std::string &data) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f)
      return false;
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!f)
      return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

bool fileExists(const std::string &p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

struct FileLock {
  int fd = -1;
  explicit FileLock(const std::string &path) {
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0)
      while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
      }
  }
  ~FileLock() {
    if (fd >= 0)
      ::close(fd); // releases the lock
  }
};
} // namespace

std::string archForCapability(int major, int minor) {
  std::string a = "sm_" + std::to_string(major) + std::to_string(minor);
  if (major == 9 && minor == 0)
    a += "a";
  return a;
}

json CompileOutcome::toJson() const {
  json j = {{"status", status}, {"log", log},     {"errors", errors}, {"cache_hit", cacheHit},
            {"ms", ms},         {"key", key},     {"arch", arch}};
  return j;
}

std::optional<std::string> parseCandidate(const json &req, CandidateSpec &out) {
  if (!req.contains("candidate") || !req["candidate"].is_object())
    return "missing object field 'candidate'";
  const json &c = req["candidate"];
  out.mode = c.contains("mode") && c["mode"].is_string() ? c["mode"].get<std::string>() : "nvcc";
  if (out.mode == "reference") {
    // The reference itself, timed alone (eager profiling): nothing to compile.
    out.source.clear();
    out.entry.clear();
    out.flags.clear();
    out.launches = json::array();
    return std::nullopt;
  }
  if (!c.contains("source") || !c["source"].is_string() || c["source"].get<std::string>().empty())
    return "candidate.source must be a non-empty string";
  out.source = c["source"];
  if (out.mode != "nvrtc" && out.mode != "nvcc")
    return "candidate.mode must be \"nvrtc\", \"nvcc\" or \"reference\", not \"" + out.mode + "\"";
  out.entry = c.value("entry", "pike_entry");
  if (out.mode == "nvcc" && out.entry.empty())
    return "candidate.entry must name the exported C function";
  out.flags.clear();
  if (c.contains("flags")) {
    if (!c["flags"].is_array())
      return "candidate.flags must be an array of strings";
    for (const auto &f : c["flags"]) {
      if (!f.is_string())
        return "candidate.flags must be an array of strings";
      out.flags.push_back(f);
    }
  }
  out.launches = c.value("launches", json::array());
  if (out.mode == "nvrtc" && (!out.launches.is_array() || out.launches.empty()))
    return "nvrtc candidates need a non-empty candidate.launches array";
  return std::nullopt;
}

Compiler::Compiler(std::string cacheDir, std::string nvcc, std::string cudaInclude)
    : cacheDir_(std::move(cacheDir)), nvcc_(std::move(nvcc)), cudaInclude_(std::move(cudaInclude)) {
  mkdirs(cacheDir_ + "/tmp");
  // Candidates include "pike/Runtime/KernelABI.h"; ship the copy this worker was built with.
  includeDir_ = cacheDir_ + "/include";
  mkdirs(includeDir_ + "/pike/Runtime");
  std::string hdr = includeDir_ + "/pike/Runtime/KernelABI.h", cur;
  if (!readFile(hdr, cur) || cur != kKernelABIHeader)
    writeFileAtomic(hdr, kKernelABIHeader);
}

std::string Compiler::nvrtcVersion() const {
  int major = 0, minor = 0;
  ::nvrtcVersion(&major, &minor);
  return "nvrtc " + std::to_string(major) + "." + std::to_string(minor);
}

std::string Compiler::nvccVersion() {
  std::lock_guard<std::mutex> lk(versionMu_);
  if (nvccVersion_.empty()) {
    std::string out;
    bool to = false;
    int rc = runProcess({nvcc_, "--version"}, "/", 20000, out, to);
    nvccVersion_ = rc == 0 ? out : "unavailable";
  }
  return nvccVersion_;
}

CompileOutcome Compiler::compile(const CandidateSpec &c, const std::string &arch, int timeoutMs) {
  auto t0 = Clock::now();
  std::string version = c.mode == "nvrtc" ? nvrtcVersion() : nvccVersion();
  std::string keyText = std::string(kCacheFormat) + '\0' + c.mode + '\0' + arch + '\0' + version +
                        '\0' + kKernelABIHeader + '\0';
  for (const auto &f : c.flags)
    keyText += f + '\0';
  keyText += '\0' + c.source;
  std::string key = sha256Hex(keyText);
  std::string dir = cacheDir_ + "/" + key.substr(0, 2);
  mkdirs(dir);
  std::string base = dir + "/" + key;
  std::string artifact = base + (c.mode == "nvrtc" ? ".cubin" : ".so");
  std::string failFile = base + ".fail.json";

  FileLock lock(base + ".lock");
  CompileOutcome out;
  if (fileExists(artifact)) {
    out.cacheHit = true;
    out.artifact = artifact;
    readFile(base + ".log", out.log);
  } else if (std::string failed; readFile(failFile, failed)) {
    // Compile errors are cached too: a repeated broken candidate never recompiles.
    try {
      json j = json::parse(failed);
      out.status = j.value("status", "compile_error");
      out.log = j.value("log", "");
      out.errors = j.value("errors", json::array());
      out.cacheHit = true;
    } catch (const std::exception &) {
      std::remove(failFile.c_str());
    }
  }
  if (!out.cacheHit) {
    out = c.mode == "nvrtc" ? compileNvrtc(c, arch, artifact) : compileNvcc(c, arch, artifact, timeoutMs);
    out.errors = diagnosticsJson(parseCompileLog(out.log, kSourceName), c.source);
    if (out.status == "ok")
      writeFileAtomic(base + ".log", out.log);
    else if (out.status == "compile_error") // timeouts may pass on a quieter machine: not cached
      writeFileAtomic(failFile, json{{"status", out.status}, {"log", out.log}, {"errors", out.errors}}
                                    .dump(-1, ' ', false, json::error_handler_t::replace));
  }
  out.key = key;
  out.arch = arch;
  out.ms = msSince(t0);
  return out;
}

CompileOutcome Compiler::compileNvrtc(const CandidateSpec &c, const std::string &arch,
                                      const std::string &outPath) {
  CompileOutcome out;
  nvrtcProgram prog;
  const char *hdrNames[] = {"pike/Runtime/KernelABI.h"};
  const char *hdrSrcs[] = {kKernelABIHeader};
  nvrtcResult rc = nvrtcCreateProgram(&prog, c.source.c_str(), kSourceName, 1, hdrSrcs, hdrNames);
  if (rc != NVRTC_SUCCESS) {
    out.status = "compile_error";
    out.log = std::string("nvrtcCreateProgram: ") + nvrtcGetErrorString(rc);
    return out;
  }
  std::vector<std::string> opts = {"--gpu-architecture=" + arch, "-std=c++17", "-lineinfo"};
  if (!cudaInclude_.empty())
    opts.push_back("-I" + cudaInclude_);
  opts.insert(opts.end(), c.flags.begin(), c.flags.end());
  std::vector<const char *> optPtrs;
  for (auto &o : opts)
    optPtrs.push_back(o.c_str());
  rc = nvrtcCompileProgram(prog, static_cast<int>(optPtrs.size()), optPtrs.data());
  size_t logSize = 0;
  nvrtcGetProgramLogSize(prog, &logSize);
  std::string log(logSize, '\0');
  if (logSize > 0)
    nvrtcGetProgramLog(prog, log.data());
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n'))
    log.pop_back();
  out.log = log;
  if (rc != NVRTC_SUCCESS) {
    out.status = "compile_error";
    if (out.log.empty())
      out.log = std::string("NVRTC: ") + nvrtcGetErrorString(rc);
    nvrtcDestroyProgram(&prog);
    return out;
  }
  size_t cubinSize = 0;
  rc = nvrtcGetCUBINSize(prog, &cubinSize);
  std::string cubin(cubinSize, '\0');
  if (rc == NVRTC_SUCCESS && cubinSize > 0)
    rc = nvrtcGetCUBIN(prog, cubin.data());
  nvrtcDestroyProgram(&prog);
  if (rc != NVRTC_SUCCESS || cubinSize == 0) {
    out.status = "compile_error";
    out.log += std::string("\nNVRTC produced no cubin for ") + arch + " (" +
               nvrtcGetErrorString(rc) + "); is it a real sm_ architecture?";
    return out;
  }
  if (!writeFileAtomic(outPath, cubin)) {
    out.status = "compile_error";
    out.log += "\ncannot write " + outPath + ": " + std::strerror(errno);
    return out;
  }
  out.artifact = outPath;
  return out;
}

CompileOutcome Compiler::compileNvcc(const CandidateSpec &c, const std::string &arch,
                                     const std::string &outPath, int timeoutMs) {
  CompileOutcome out;
  std::string tmpl = cacheDir_ + "/tmp/nvcc-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) {
    out.status = "compile_error";
    out.log = "cannot create a build directory under " + cacheDir_ + "/tmp: " + std::strerror(errno);
    return out;
  }
  std::string work = buf.data();
  writeFileAtomic(work + "/" + kSourceName, c.source);
  std::string num = arch.substr(3); // "90a"
  std::vector<std::string> argv = {nvcc_, "-shared", "-Xcompiler", "-fPIC", "-O3", "-std=c++17",
                                   "-gencode=arch=compute_" + num + ",code=sm_" + num,
                                   "-I" + includeDir_};
  argv.insert(argv.end(), c.flags.begin(), c.flags.end());
  argv.insert(argv.end(), {"-o", "candidate.so", kSourceName});
  bool timedOut = false;
  int rc = runProcess(argv, work, timeoutMs, out.log, timedOut);
  while (!out.log.empty() && out.log.back() == '\n')
    out.log.pop_back();
  if (timedOut) {
    out.status = "timeout";
    out.log += "\nnvcc exceeded the compile time limit of " + std::to_string(timeoutMs) +
               " ms and was killed";
  } else if (rc != 0) {
    out.status = "compile_error";
    if (rc == 127)
      out.log += "\ncannot run nvcc ('" + nvcc_ + "'); set --nvcc or PIKE_NVCC";
  } else if (std::rename((work + "/candidate.so").c_str(), outPath.c_str()) != 0) {
    out.status = "compile_error";
    out.log += "\nnvcc produced no candidate.so: " + std::string(std::strerror(errno));
  } else {
    out.artifact = outPath;
  }
  std::string ignored;
  bool to2;
  runProcess({"rm", "-rf", work}, "/", 10000, ignored, to2);
  return out;
}

int runProcess(const std::vector<std::string> &args, const std::string &cwd, int timeoutMs,
               std::string &output, bool &timedOut) {
  timedOut = false;
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    output = std::string("pipe: ") + std::strerror(errno);
    return -1;
  }
  std::vector<std::string> a = args;
  std::vector<char *> argv;
  for (auto &s : a)
    argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    output = std::string("fork: ") + std::strerror(errno);
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return -1;
  }
  if (pid == 0) {
    ::setpgid(0, 0); // own group, so a timeout kills nvcc's cicc/ptxas too
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::chdir(cwd.c_str()) != 0)
      ::_exit(126);
    ::dup2(pipefd[1], 1);
    ::dup2(pipefd[1], 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0)
      ::dup2(devnull, 0);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(pipefd[1]);
  auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
  char chunk[8192];
  for (;;) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (left <= 0) {
      timedOut = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    pollfd p{pipefd[0], POLLIN, 0};
    int r = ::poll(&p, 1, left);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      continue; // loop re-checks the deadline
    ssize_t n = ::read(pipefd[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (output.size() < (4u << 20)) // bound runaway logs
      output.append(chunk, static_cast<size_t>(n));
  }
  ::close(pipefd[0]);
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (timedOut)
    ::kill(-pid, SIGKILL); // stragglers of the group
  if (timedOut || !WIFEXITED(st))
    return -1;
  return WEXITSTATUS(st);
}

} // namespace pike::worker
