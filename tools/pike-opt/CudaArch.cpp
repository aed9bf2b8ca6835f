#include "CudaArch.h"

#include "pike/Pipelines/Pipelines.h"
#include "pike/Search/TuningDb.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"

#include <map>

namespace pike::tools {

ArchResolution resolveCudaArch(llvm::StringRef option, bool searchRuns, llvm::StringRef applyDb) {
  ArchResolution out;
  std::map<std::string, size_t> dbArchs; // records per normalized arch
  if (!applyDb.empty() && llvm::sys::fs::exists(applyDb)) {
    search::TuningDb db(applyDb.str());
    for (const search::TuningRecord &r : db.records())
      ++dbArchs[normalizeCudaArch(r.key.arch).value_or(r.key.arch)];
  }
  auto listArchs = [&](llvm::StringRef except) {
    std::string s;
    for (const auto &[arch, n] : dbArchs)
      if (arch != except)
        s += (s.empty() ? "" : ", ") + arch + " (" + std::to_string(n) + " records)";
    return s;
  };

  if (option != "auto") {
    std::optional<std::string> arch = normalizeCudaArch(option);
    if (!arch) {
      out.error = "bad --cuda-arch='" + option.str() + "': expected auto or sm_NN (e.g. sm_90)";
      return out;
    }
    out.arch = *arch;
  } else if (searchRuns) {
    out.arch = "auto";
    return out; // the search asks its worker; a database's other archs are not used by it
  } else if (!dbArchs.empty()) {
    // The architecture with the most records.
    auto best = dbArchs.begin();
    for (auto it = dbArchs.begin(); it != dbArchs.end(); ++it)
      if (it->second > best->second)
        best = it;
    out.arch = best->first;
    // Said only when it is news: the default architecture alone needs no note.
    if (dbArchs.size() > 1 || out.arch != kDefaultCudaArch)
      out.note = "--cuda-arch=auto: building for " + out.arch + ", the architecture of the tuning database's records";
    if (dbArchs.size() > 1)
      out.note += " (it also holds " + listArchs(out.arch) + "; pass --cuda-arch to choose)";
    return out;
  } else {
    out.arch = kDefaultCudaArch;
    if (!applyDb.empty())
      return out; // a database that does not exist or holds nothing: the pass says so
    out.note = std::string("--cuda-arch=auto: no search and no tuning database to take the GPU from; "
                           "building for ") + kDefaultCudaArch + " (pass --cuda-arch=sm_NN for another GPU)";
    return out;
  }
  // An explicit architecture: records searched on others do not apply.
  if (!dbArchs.empty() && !dbArchs.count(out.arch))
    out.warning = "tuning database '" + applyDb.str() + "' was searched on " + listArchs("") +
                  ", not " + out.arch + ": none of its records applies";
  else if (dbArchs.size() > 1)
    out.warning = "tuning database '" + applyDb.str() + "' also holds records searched on " +
                  listArchs(out.arch) + "; only the " + out.arch + " ones apply";
  return out;
}

} // namespace pike::tools
