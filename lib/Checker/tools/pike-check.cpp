// pike-check: run the candidate checker on a file.
//
//   pike-check candidate.cu [--entry=SYM] [--cuda-path=DIR] [--rewrite=OUT] [--time]
//   pike-check kernels.cu --mode=nvrtc [--kernel=NAME]...
//
// Prints compiler-style diagnostics on stdout; exit 0 accepted, 1 rejected,
// 2 usage or I/O error. --rewrite writes the source with the entry renamed.
#include "pike/Checker/Checker.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

int usage() {
  std::cerr << "usage: pike-check FILE.cu [--mode=nvcc|nvrtc] [--kernel=NAME]... [--entry=SYM]"
               " [--cuda-path=DIR] [--resource-dir=DIR] [--rewrite=OUT] [--time]\n";
  return 2;
}

bool take(const std::string &arg, const char *prefix, std::string &out) {
  std::string p(prefix);
  if (arg.compare(0, p.size(), p) != 0)
    return false;
  out = arg.substr(p.size());
  return true;
}

} // namespace

int main(int argc, char **argv) {
  pike::checker::CheckOptions opts;
  std::string file, rewriteOut;
  bool showTime = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string kernel;
    if (take(a, "--entry=", opts.entrySymbol) || take(a, "--cuda-path=", opts.cudaPath) ||
        take(a, "--resource-dir=", opts.resourceDir) || take(a, "--rewrite=", rewriteOut) ||
        take(a, "--mode=", opts.mode))
      continue;
    if (take(a, "--kernel=", kernel)) {
      opts.kernels.push_back(kernel);
      continue;
    }
    if (a == "--time") {
      showTime = true;
      continue;
    }
    if (a == "-h" || a == "--help" || !file.empty() || a.rfind("--", 0) == 0)
      return usage();
    file = a;
  }
  if (file.empty() || opts.entrySymbol.empty())
    return usage();

  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "pike-check: cannot read " << file << "\n";
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  opts.fileName = file;

  pike::checker::CheckResult r = pike::checker::checkCandidate(ss.str(), opts);
  std::cout << pike::checker::formatDiagnostics(r, file);
  if (showTime)
    std::cerr << "pike-check: " << file << " checked in " << r.parseSeconds << " s\n";
  if (!r.accepted)
    return 1;
  if (!rewriteOut.empty()) {
    std::ofstream out(rewriteOut, std::ios::binary);
    out << r.rewrittenSource;
    if (!out) {
      std::cerr << "pike-check: cannot write " << rewriteOut << "\n";
      return 2;
    }
  }
  return 0;
}
