#include "Compiler.h"

#include "KernelABIText.h" // generated: kKernelABIHeader
#include "pike/Support/FileLock.h"
#include "pike/Support/Sha256.h"
#include "pike/WorkerClient/CompilePolicy.h"
#include "pike/WorkerClient/CudnnLocation.h"
#include "pike/WorkerClient/Landlock.h"
#include "pike/WorkerClient/Protocol.h"

#include <nvrtc.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <fstream>
#include <ftw.h>
#include <link.h>
#include <poll.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace pike::worker {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {
constexpr const char *kSourceName = "candidate.cu";
// Bump when the artifact layout or default flags change, so old entries are not reused.
// 3: logs are scrubbed (older cached logs may quote other files) and carry the sandbox.
// 4: nvcc candidates linked against the CUDA libraries they include (cache-3 ones
// failed to load in the LibTorch-free runner: undefined cublasLt symbols).
constexpr const char *kCacheFormat = "pike-worker-cache-4";

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

// rm -rf in-process, so a cold compile spawns only the compiler. (Not
// std::filesystem: its symbols clash with LibTorch's in this binary.)
void removeTree(const std::string &dir) {
  auto removeOne = [](const char *path, const struct stat *, int, struct FTW *) {
    ::remove(path); // best effort: a leftover temp dir is harmless
    return 0;
  };
  ::nftw(dir.c_str(), removeOne, 16, FTW_DEPTH | FTW_PHYS);
}

std::string dirName(const std::string &p) {
  auto slash = p.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : p.substr(0, slash);
}

std::string realPath(const std::string &p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) ? std::string(buf) : p;
}

// The directory of the libnvrtc this process loaded (a pip wheel's, the toolkit's).
std::string nvrtcLibraryDir() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void *>(&::nvrtcVersion), &info) && info.dli_fname)
    return dirName(realPath(info.dli_fname));
  return "";
}

// Where exec would find `name`: itself when it has a '/', else the first
// executable of that name on PATH; "" if none.
std::string programPath(const std::string &name) {
  if (name.find('/') != std::string::npos)
    return name;
  const char *path = std::getenv("PATH");
  std::istringstream in(path ? path : "");
  for (std::string dir; std::getline(in, dir, ':');) {
    std::string p = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(p.c_str(), X_OK) == 0)
      return p;
  }
  return "";
}

// The install prefix of a program ("/usr" for /usr/bin/g++, the toolkit root for
// nvcc; its own directory when that prefix would be "/"), "" if not found.
std::string programPrefix(const std::string &name) {
  std::string p = programPath(name);
  if (p.empty())
    return "";
  std::string bin = dirName(realPath(p)), prefix = dirName(bin);
  return prefix == "/" ? bin : prefix; // /bin/gcc must not open up all of /
}

std::string defaultNvrtcExe() {
  if (const char *v = std::getenv("PIKE_NVRTC"); v && *v)
    return v;
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0)
    return dirName(std::string(buf, static_cast<size_t>(n))) + "/pike-nvrtc";
  return "pike-nvrtc";
}

// "include not allowed: candidate.cu(3): ..." lines as diagnostics with line numbers.
json includeDiagnostics(const std::vector<std::string> &problems, const std::string &source) {
  std::vector<CompileDiagnostic> diags;
  std::string prefix = std::string("include not allowed: ") + kSourceName + "(";
  for (const auto &p : problems) {
    CompileDiagnostic d;
    d.severity = "error";
    d.message = p;
    if (p.compare(0, prefix.size(), prefix) == 0)
      d.line = std::atoi(p.c_str() + prefix.size());
    diags.push_back(d);
  }
  return diagnosticsJson(diags, source);
}

} // namespace

std::string archForCapability(int major, int minor) {
  std::string a = "sm_" + std::to_string(major) + std::to_string(minor);
  if (major == 9 && minor == 0)
    a += "a";
  return a;
}

json CompileOutcome::toJson() const {
  json j = {{"status", status}, {"log", log},   {"errors", errors},  {"cache_hit", cacheHit},
            {"ms", ms},         {"key", key},   {"arch", arch},      {"sandbox", sandbox}};
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
  if (auto bad = checkFlags(out.flags, out.mode))
    return *bad;
  out.launches = c.value("launches", json::array());
  if (out.mode == "nvrtc" && (!out.launches.is_array() || out.launches.empty()))
    return "nvrtc candidates need a non-empty candidate.launches array";
  return std::nullopt;
}

namespace {

/// torch's lib directory, from the libraries this process has loaded (the worker
/// links LibTorch); empty when none is.
std::string loadedTorchLibDir() {
  std::string found;
  dl_iterate_phdr(
      [](struct dl_phdr_info *info, size_t, void *data) -> int {
        std::string name = info->dlpi_name ? info->dlpi_name : "";
        for (const char *lib : {"/libtorch_cuda.so", "/libtorch.so", "/libc10.so"})
          if (name.size() > std::strlen(lib) &&
              name.compare(name.size() - std::strlen(lib), std::string::npos, lib) == 0) {
            *static_cast<std::string *>(data) = name.substr(0, name.size() - std::strlen(lib));
            return 1;
          }
        return 0;
      },
      &found);
  return found;
}

bool wantsCudnn(const CandidateSpec &c) {
  return c.mode == "nvcc" && std::find(c.flags.begin(), c.flags.end(), "-lcudnn") != c.flags.end();
}

} // namespace

const std::optional<CudnnLocation> &Compiler::cudnn(std::string *why) {
  std::lock_guard<std::mutex> lk(versionMu_);
  if (!cudnnResolved_) {
    const char *env = std::getenv("PIKE_CUDNN_DIR");
    std::string toolkit = cudaInclude_.empty() ? "" : dirName(realPath(cudaInclude_));
    cudnn_ = resolveCudnn(env ? env : "", loadedTorchLibDir(), toolkit, cudnnWhy_);
    cudnnResolved_ = true;
  }
  if (why)
    *why = cudnnWhy_;
  return cudnn_;
}

Compiler::Compiler(std::string cacheDir, std::string nvcc, std::string cudaInclude)
    : cacheDir_(std::move(cacheDir)), nvcc_(std::move(nvcc)), cudaInclude_(std::move(cudaInclude)),
      nvrtcExe_(defaultNvrtcExe()) {
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

const std::vector<std::string> &Compiler::hostIncludeDirs() {
  std::lock_guard<std::mutex> lk(versionMu_);
  if (hostDirsKnown_)
    return hostIncludeDirs_;
  hostDirsKnown_ = true;
  // nvcc compiles host code with the host C++ compiler on PATH: its system
  // include dirs hold the standard headers a launcher may use (<stdint.h>, <cmath>).
  for (const char *cxx : {"g++", "c++"}) {
    std::string out;
    bool to = false;
    if (runProcess({cxx, "-xc++", "-E", "-v", "/dev/null"}, "/", 20000, out, to) != 0)
      continue;
    std::istringstream in(out);
    bool inList = false;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("#include <...> search starts here:", 0) == 0) {
        inList = true;
      } else if (line.rfind("End of search list.", 0) == 0) {
        break;
      } else if (inList && !line.empty() && line[0] == ' ') {
        std::string dir = line.substr(line.find_first_not_of(' '));
        if (dir.size() > 20 && dir.compare(dir.size() - 20, 20, " (framework directory)") == 0)
          continue;
        hostIncludeDirs_.push_back(realPath(dir));
      }
    }
    if (!hostIncludeDirs_.empty())
      break;
  }
  if (hostIncludeDirs_.empty())
    hostIncludeDirs_ = {"/usr/local/include", "/usr/include"};
  return hostIncludeDirs_;
}

CompileOutcome Compiler::compile(const CandidateSpec &c, const std::string &arch, int timeoutMs) {
  auto t0 = Clock::now();
  std::string version = c.mode == "nvrtc" ? nvrtcVersion() : nvccVersion();
  std::string keyText = std::string(kCacheFormat) + '\0' + c.mode + '\0' + arch + '\0' + version +
                        '\0' + kKernelABIHeader + '\0';
  for (const auto &f : c.flags)
    keyText += f + '\0';
  if (wantsCudnn(c)) // the artifact's rpath names the cuDNN it was linked with
    if (const auto &loc = cudnn())
      keyText += loc->libDir + '/' + loc->library + '\0';
  keyText += '\0' + c.source;
  std::string key = sha256Hex(keyText);

  // The include policy depends on what the include dirs hold now, so it is
  // checked on every request, cached artifact or not.
  std::vector<std::string> roots = {cudaInclude_, includeDir_};
  if (c.mode == "nvcc")
    for (const auto &d : hostIncludeDirs())
      roots.push_back(d);
  // -lcudnn: cuDNN's own include dir joins (pip installs keep it outside the toolkit).
  if (wantsCudnn(c))
    if (const auto &loc = cudnn())
      roots.push_back(loc->includeDir);
  std::vector<std::string> problems = checkIncludes(c.source, roots, kSourceName);
  if (!problems.empty()) {
    CompileOutcome out;
    out.status = "compile_error";
    for (const auto &p : problems)
      out.log += (out.log.empty() ? "" : "\n") + p;
    out.errors = includeDiagnostics(problems, c.source);
    out.sandbox = {{"include_policy", "rejected"}};
    out.key = key;
    out.arch = arch;
    out.ms = msSince(t0);
    return out;
  }

  std::string dir = cacheDir_ + "/" + key.substr(0, 2);
  mkdirs(dir);
  std::string base = dir + "/" + key;
  std::string artifact = base + (c.mode == "nvrtc" ? ".cubin" : ".so");
  std::string failFile = base + ".fail.json";

  FileLock lock(base + ".lock"); // best effort: unlocked, two workers only compile twice
  CompileOutcome out;
  if (fileExists(artifact)) {
    out.cacheHit = true;
    out.artifact = artifact;
    readFile(base + ".log", out.log);
    std::string sb;
    if (readFile(base + ".sandbox.json", sb)) {
      try {
        out.sandbox = json::parse(sb);
      } catch (const std::exception &) {
      }
    }
  } else if (std::string failed; readFile(failFile, failed)) {
    // Compile errors are cached too: a repeated broken candidate never recompiles.
    try {
      json j = json::parse(failed);
      out.status = j.value("status", "compile_error");
      out.log = j.value("log", "");
      out.errors = j.value("errors", json::array());
      out.sandbox = j.value("sandbox", json::object());
      out.cacheHit = true;
    } catch (const std::exception &) {
      std::remove(failFile.c_str());
    }
  }
  if (!out.cacheHit) {
    out = c.mode == "nvrtc" ? compileNvrtc(c, arch, artifact, timeoutMs)
                            : compileNvcc(c, arch, artifact, timeoutMs);
    out.errors = diagnosticsJson(parseCompileLog(out.log, kSourceName), c.source);
    if (out.status == "ok") {
      writeFileAtomic(base + ".log", out.log);
      writeFileAtomic(base + ".sandbox.json", out.sandbox.dump());
    } else if (out.status == "compile_error") { // timeouts may pass on a quieter machine: not cached
      writeFileAtomic(failFile, json{{"status", out.status},
                                     {"log", out.log},
                                     {"errors", out.errors},
                                     {"sandbox", out.sandbox}}
                                    .dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }
  out.key = key;
  out.arch = arch;
  out.ms = msSince(t0);
  return out;
}

std::string Compiler::runCompiler(const CandidateSpec &c, std::vector<std::string> argv,
                                  int timeoutMs, const char *what, CompileOutcome &out) {
  std::string tmpl = cacheDir_ + "/tmp/" + what + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) {
    out.status = "compile_error";
    out.log = "cannot create a build directory under " + cacheDir_ + "/tmp: " + std::strerror(errno);
    return "";
  }
  std::string work = buf.data();
  if (!writeFileAtomic(work + "/" + kSourceName, c.source)) {
    out.status = "compile_error";
    out.log = "cannot write " + work + "/" + kSourceName + ": " + std::strerror(errno);
    return work;
  }

  ProcessSandbox sb;
  sb.env = compilerEnvironment(work);
  json landlock;
  std::string why;
  if (int abi = landlockAbi(&why); abi > 0) {
    LandlockPaths lp;
    // Reads: the toolkit (wherever its pieces are), pike's include dir, the
    // compile child itself, system binaries/libraries/headers. Writes: its temp dir.
    lp.readDirs = {programPrefix(nvcc_), realPath(cudaInclude_),
                   includeDir_, dirName(realPath(programPath(nvrtcExe_))), nvrtcLibraryDir(),
                   "/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc/alternatives", "/etc/ld.so.conf.d"};
    if (c.mode == "nvcc") {
      // nvcc's host compiler may live outside /usr (e.g. /opt/rh/gcc-toolset-N/root/usr).
      for (const char *cc : {"gcc", "g++", "c++", "cc", "ld"})
        if (std::string prefix = programPrefix(cc); !prefix.empty())
          lp.readDirs.push_back(prefix);
      for (const auto &d : hostIncludeDirs())
        lp.readDirs.push_back(d);
      if (wantsCudnn(c))
        if (const auto &loc = cudnn())
          lp.readDirs.push_back(loc->root);
    }
    lp.readFiles = {"/etc/ld.so.cache", "/etc/ld.so.conf", "/dev/urandom", "/dev/random"};
    // A relative or unresolvable path must never widen the set to the cwd or "/".
    std::vector<std::string> dirs;
    for (const auto &d : lp.readDirs)
      if (!d.empty() && d[0] == '/' && d != "/")
        dirs.push_back(d);
    lp.readDirs = dirs;
    lp.writeDirs = {work};
    lp.writeFiles = {"/dev/null"};
    std::string err;
    sb.landlockFd = buildLandlockRuleset(lp, err);
    if (sb.landlockFd >= 0)
      landlock = {{"applied", true}, {"abi", abi}};
    else
      landlock = {{"applied", false}, {"reason", err}};
  } else {
    landlock = {{"applied", false}, {"reason", why}};
  }
  out.sandbox = {{"process", what},
                 {"timeout_ms", timeoutMs},
                 {"environment", "allow-list"},
                 {"include_policy", "checked"},
                 {"log", "scrubbed"},
                 {"landlock", landlock}};

  std::string raw;
  bool timedOut = false;
  int rc = runProcess(argv, work, timeoutMs, raw, timedOut, sb);
  if (sb.landlockFd >= 0)
    ::close(sb.landlockFd);
  out.log = scrubCompileLog(raw, kSourceName);
  auto note = [&](const std::string &line) { out.log += (out.log.empty() ? "" : "\n") + line; };
  if (timedOut) {
    out.status = "timeout";
    note(std::string(what) + " exceeded the compile time limit of " + std::to_string(timeoutMs) +
         " ms and was killed");
  } else if (rc == 127) {
    out.status = "compile_error";
    note("cannot run " + argv[0] + (c.mode == "nvcc" ? "; set --nvcc or PIKE_NVCC" : "; set --nvrtc or PIKE_NVRTC"));
  } else if (rc == 125) {
    out.status = "compile_error";
    note("the compile sandbox could not be applied: " + raw.substr(0, 300));
  } else if (rc != 0) {
    out.status = "compile_error";
    if (out.log.empty())
      note(std::string(what) + " failed (" + (rc < 0 ? std::string("killed") : "exit status " + std::to_string(rc)) + ")");
  }
  return work;
}

CompileOutcome Compiler::compileNvrtc(const CandidateSpec &c, const std::string &arch,
                                      const std::string &outPath, int timeoutMs) {
  CompileOutcome out;
  // The source's own directory is never searched; includes come from the
  // toolkit and pike's include dir only (the policy already checked the names).
  std::vector<std::string> argv = {nvrtcExe_, kSourceName, kSourceName, "candidate.cubin",
                                   "--gpu-architecture=" + arch, "-std=c++17", "-lineinfo",
                                   "--no-source-include", "-I" + includeDir_};
  if (!cudaInclude_.empty())
    argv.push_back("-I" + cudaInclude_);
  argv.insert(argv.end(), c.flags.begin(), c.flags.end());
  std::string work = runCompiler(c, argv, timeoutMs, "pike-nvrtc", out);
  if (out.status == "ok" && std::rename((work + "/candidate.cubin").c_str(), outPath.c_str()) != 0) {
    out.status = "compile_error";
    out.log += "\nNVRTC produced no cubin: " + std::string(std::strerror(errno));
  } else if (out.status == "ok") {
    out.artifact = outPath;
  }
  if (!work.empty())
    removeTree(work);
  return out;
}

/// The toolkit's library directory next to nvcc (bin/../lib64, or the targets/ layout).
static std::string toolkitLibraryDir(const std::string &nvcc) {
  if (nvcc.find('/') == std::string::npos)
    return "";
  std::string bin = dirName(nvcc);
  for (const char *rel : {"/../lib64", "/../targets/x86_64-linux/lib", "/../lib"}) {
    std::string dir = bin + rel;
    struct stat st {};
    if (::stat((dir + "/libcudart.so").c_str(), &st) == 0 || ::stat((dir + "/libcublas.so").c_str(), &st) == 0)
      return realPath(dir);
  }
  return "";
}

std::vector<std::string> Compiler::runnerPreloads() {
  std::vector<std::string> out;
  // Opt-in (PIKE_WORKER_PRELOAD=1) until measured inside a search: in run
  // full-20261207k (H100), with it on, the same candidates on the same slots
  // timed 3-13% slower than in run j while the references timed the same (the
  // spare preloads while the current request's candidate is timed).
  if (const char *v = std::getenv("PIKE_WORKER_PRELOAD"); !v || std::string(v) != "1")
    return out;
  auto addIfFile = [&](const std::string &path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      out.push_back(realPath(path));
  };
  // cuBLASLt before cuBLAS (which needs it); the unversioned names are the
  // links -lcublas resolves, so the file loaded is the one candidates link.
  if (std::string dir = toolkitLibraryDir(nvcc_); !dir.empty())
    for (const char *lib : {"libcublasLt.so", "libcublas.so"})
      addIfFile(dir + "/" + lib);
  // cuDNN 9 opens its sub-libraries (graph, heuristics, engines, ...) on first
  // use, inside the candidate's first call; loaded here they are found by name.
  if (const auto &loc = cudnn()) {
    std::string main = loc->libDir + "/" + loc->library;
    std::string suffix = loc->library.substr(std::string("libcudnn").size()); // ".so.9"
    std::vector<std::string> subs;
    if (DIR *d = ::opendir(loc->libDir.c_str())) {
      while (dirent *e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n.rfind("libcudnn_", 0) == 0 && n.size() > suffix.size() &&
            n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
          subs.push_back(loc->libDir + "/" + n);
      }
      ::closedir(d);
    }
    std::sort(subs.begin(), subs.end()); // a stable order: the same runner argv every start
    for (const auto &p : subs)
      addIfFile(p);
    addIfFile(main);
  }
  return out;
}

CompileOutcome Compiler::compileNvcc(const CandidateSpec &c, const std::string &arch,
                                     const std::string &outPath, int timeoutMs) {
  CompileOutcome out;
  std::string num = arch.substr(3); // "90a"
  std::vector<std::string> argv = {nvcc_, "-shared", "-Xcompiler", "-fPIC", "-O3", "-std=c++17",
                                   "-gencode=arch=compute_" + num + ",code=sm_" + num,
                                   "-I" + includeDir_};
  for (const auto &f : c.flags)
    if (f != "-lcudnn")
      argv.push_back(f);
  // The runner has no LibTorch to provide cuBLAS & co: link what the source includes,
  // found at load time through the toolkit's library directory.
  std::vector<std::string> libs = linkLibrariesFor(c.source);
  for (const std::string &lib : libs)
    if (std::find(c.flags.begin(), c.flags.end(), lib) == c.flags.end())
      argv.push_back(lib);
  if (!libs.empty())
    if (std::string dir = toolkitLibraryDir(nvcc_); !dir.empty())
      argv.insert(argv.end(), {"-L" + dir, "-Xlinker", "-rpath=" + dir});
  if (wantsCudnn(c)) {
    // The client only asks for cuDNN; where it is comes from the worker's resolution.
    std::string why;
    const auto &loc = cudnn(&why);
    if (!loc) {
      out.status = "compile_error";
      out.log = "-lcudnn: " + why;
      return out;
    }
    argv.insert(argv.end(), {"-I" + loc->includeDir, "-L" + loc->libDir, "-l:" + loc->library,
                             "-Xlinker", "-rpath=" + loc->libDir});
  }
  argv.insert(argv.end(), {"-o", "candidate.so", kSourceName});
  std::string work = runCompiler(c, argv, timeoutMs, "nvcc", out);
  if (out.status == "ok" && std::rename((work + "/candidate.so").c_str(), outPath.c_str()) != 0) {
    out.status = "compile_error";
    out.log += "\nnvcc produced no candidate.so: " + std::string(std::strerror(errno));
  } else if (out.status == "ok") {
    out.artifact = outPath;
  }
  if (!work.empty())
    removeTree(work);
  return out;
}

std::vector<std::string> compilerEnvironment(const std::string &tmpDir) {
  static const char *const kAllowed[] = {"PATH", "HOME", "TMPDIR", "LD_LIBRARY_PATH",
                                         "CUDA_PATH", "CUDA_HOME", "CUDA_ROOT"};
  std::vector<std::string> env;
  for (char **e = environ; *e; ++e) {
    const char *eq = std::strchr(*e, '=');
    if (!eq)
      continue;
    std::string name(*e, static_cast<size_t>(eq - *e));
    bool allowed = false;
    for (const char *a : kAllowed)
      allowed |= name == a;
    if (allowed && !(name == "TMPDIR" && !tmpDir.empty()))
      env.push_back(*e);
  }
  if (!tmpDir.empty())
    env.push_back("TMPDIR=" + tmpDir);
  env.push_back("LC_ALL=C");
  return env;
}

int runProcess(const std::vector<std::string> &args, const std::string &cwd, int timeoutMs,
               std::string &output, bool &timedOut, const ProcessSandbox &sandbox) {
  timedOut = false;
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    output = std::string("pipe: ") + std::strerror(errno);
    return -1;
  }
  // Everything the child needs is built before fork (only async-signal-safe calls after it).
  std::vector<std::string> a = args;
  std::vector<char *> argv;
  for (auto &s : a)
    argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<std::string> envStore = sandbox.env.empty() ? compilerEnvironment() : sandbox.env;
  std::vector<char *> envp;
  for (auto &e : envStore)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  static const char kSandboxFailed[] = "pike-worker: cannot apply the Landlock sandbox\n";
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
    if (sandbox.landlockFd >= 0 && applyLandlockRuleset(sandbox.landlockFd) != 0) {
      ssize_t ignored = ::write(2, kSandboxFailed, sizeof kSandboxFailed - 1);
      (void)ignored;
      ::_exit(125);
    }
    // Nothing of the worker's (its protocol pipes, sockets, locks) reaches the compiler.
    ::syscall(SYS_close_range, 3u, ~0u, 0u);
    ::execvpe(argv[0], argv.data(), envp.data());
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
