// pike-nvrtc: the compile child of pike-worker for NVRTC candidates. It compiles
// one source file to a cubin and exits, so the worker can bound a compile with a
// hard timeout (a hung NVRTC call is killed with its process group), give it a
// scrubbed environment and a Landlock file-system sandbox, none of which can be
// done to a library call inside the evaluator. Linked only to NVRTC.
//
//   pike-nvrtc SOURCE NAME OUT_CUBIN [NVRTC options...]
//
// SOURCE is compiled under the file name NAME (diagnostics read "NAME(LINE): ..."),
// the compiler log goes to stdout, the cubin to OUT_CUBIN. Exit status: 0 compiled,
// 1 compile error (the log says why), 2 usage or I/O error.
#include <nvrtc.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

int fail(const std::string &msg) {
  std::cout << "pike-nvrtc: " << msg << "\n";
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 4)
    return fail("usage: pike-nvrtc SOURCE NAME OUT_CUBIN [NVRTC options...]");
  std::ifstream in(argv[1], std::ios::binary);
  if (!in)
    return fail(std::string("cannot read ") + argv[1]);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string source = ss.str();

  nvrtcProgram prog;
  nvrtcResult rc = nvrtcCreateProgram(&prog, source.c_str(), argv[2], 0, nullptr, nullptr);
  if (rc != NVRTC_SUCCESS) {
    std::cout << "nvrtc: nvrtcCreateProgram: " << nvrtcGetErrorString(rc) << "\n";
    return 1;
  }
  std::vector<const char *> opts(argv + 4, argv + argc);
  rc = nvrtcCompileProgram(prog, static_cast<int>(opts.size()), opts.data());
  size_t logSize = 0;
  nvrtcGetProgramLogSize(prog, &logSize);
  std::string log(logSize, '\0');
  if (logSize > 0)
    nvrtcGetProgramLog(prog, log.data());
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n'))
    log.pop_back();
  if (!log.empty())
    std::cout << log << "\n";
  if (rc != NVRTC_SUCCESS) {
    if (log.empty())
      std::cout << "nvrtc: " << nvrtcGetErrorString(rc) << "\n";
    nvrtcDestroyProgram(&prog);
    return 1;
  }
  size_t cubinSize = 0;
  rc = nvrtcGetCUBINSize(prog, &cubinSize);
  std::string cubin(cubinSize, '\0');
  if (rc == NVRTC_SUCCESS && cubinSize > 0)
    rc = nvrtcGetCUBIN(prog, cubin.data());
  nvrtcDestroyProgram(&prog);
  if (rc != NVRTC_SUCCESS || cubinSize == 0) {
    std::cout << "nvrtc: no cubin (" << nvrtcGetErrorString(rc)
              << "); is the target a real sm_ architecture?\n";
    return 1;
  }
  std::ofstream out(argv[3], std::ios::binary | std::ios::trunc);
  out.write(cubin.data(), static_cast<std::streamsize>(cubin.size()));
  if (!out)
    return fail(std::string("cannot write ") + argv[3]);
  return 0;
}
