// Landlock (Linux >= 5.13) file-system sandboxing for the worker's compile
// children: a ruleset built in the parent, applied in the forked child before
// exec, inherited by everything the compiler starts. Reads and executes are
// allowed only beneath the listed directories, writes only beneath its own.
#ifndef PIKE_WORKERCLIENT_LANDLOCK_H
#define PIKE_WORKERCLIENT_LANDLOCK_H

#include <string>
#include <vector>

namespace pike::worker {

/// The running kernel's Landlock ABI version, or 0 when unavailable (`why` says
/// why: not built in, disabled at boot, blocked by a seccomp filter).
int landlockAbi(std::string *why = nullptr);

struct LandlockPaths {
  std::vector<std::string> readDirs;   // read and execute beneath
  std::vector<std::string> readFiles;  // read (and execute) these files
  std::vector<std::string> writeDirs;  // read, write, create and remove beneath
  std::vector<std::string> writeFiles; // read and write these files (e.g. /dev/null)
};

/// Builds a ruleset fd (close-on-exec) from the paths that exist; -1 with `error`
/// on failure. Call before fork.
int buildLandlockRuleset(const LandlockPaths &paths, std::string &error);

/// In the forked child: sets no_new_privs and restricts the process to the
/// ruleset. Async-signal-safe. Returns 0 or an errno value.
int applyLandlockRuleset(int rulesetFd);

} // namespace pike::worker

#endif
