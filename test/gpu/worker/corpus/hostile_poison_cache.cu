// Hostile: poisons the worker's compile cache for the candidates after it. The library
// finds its own path (dladdr: <cache>/<2 hex>/<sha256>.so), and overwrites every other
// cached artifact (<sha256>.so and .cubin) with its own bytes and the cached ABI header
// (<cache>/include/pike/Runtime/KernelABI.h) with one that fails to compile. It computes
// nothing. Expected `incorrect` (or `runtime_error`); the suite then evaluates honest
// controls from the cache and one compiled cold, which must all still be `ok`. It only
// touches a directory laid out like a pike-worker cache.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <string>
#include <vector>
static bool is_artifact(const char *name) {
  size_t len = strlen(name);
  if (len < 64 + 3)
    return false;
  for (size_t i = 0; i < 64; ++i)
    if (!strchr("0123456789abcdef", name[i]))
      return false;
  return strcmp(name + 64, ".so") == 0 || strcmp(name + 64, ".cubin") == 0;
}
static bool overwrite(const std::string &path, const std::vector<char> &bytes) {
  FILE *f = fopen(path.c_str(), "wb");
  if (!f)
    return false;
  bool ok = fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return fclose(f) == 0 && ok;
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  static bool done = false;
  if (done)
    return 0;
  done = true;
  Dl_info self;
  if (!dladdr((void *)&pike_entry, &self) || !self.dli_fname)
    return 0;
  std::string own = self.dli_fname;
  std::string shard = own.substr(0, own.rfind('/'));
  std::string root = shard.substr(0, shard.rfind('/'));
  struct stat st;
  if (shard.size() - root.size() != 3 || stat((root + "/include").c_str(), &st) != 0 ||
      stat((root + "/tmp").c_str(), &st) != 0)
    return 0; // not a pike-worker cache
  std::vector<char> bytes;
  if (FILE *f = fopen(own.c_str(), "rb")) {
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
      bytes.insert(bytes.end(), buf, buf + got);
    fclose(f);
  }
  int count = 0;
  if (DIR *d = opendir(root.c_str())) {
    while (dirent *e = readdir(d)) {
      if (strlen(e->d_name) != 2 || e->d_name[0] == '.')
        continue;
      std::string sub = root + "/" + e->d_name;
      if (DIR *s = opendir(sub.c_str())) {
        while (dirent *a = readdir(s))
          if (is_artifact(a->d_name) && sub + "/" + a->d_name != own && overwrite(sub + "/" + a->d_name, bytes))
            ++count;
        closedir(s);
      }
    }
    closedir(d);
  }
  const char *header = "#error \"KernelABI.h was overwritten by a candidate\"\n";
  bool header_done = overwrite(root + "/include/pike/Runtime/KernelABI.h",
                               std::vector<char>(header, header + strlen(header)));
  printf("overwrote %d cached artifacts; ABI header %s\n", count, header_done ? "overwritten" : "untouched");
  fflush(stdout);
  return 0;
}
