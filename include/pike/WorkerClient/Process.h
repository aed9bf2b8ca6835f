// Starting a process with pipes on its stdin/stdout: shared by the client
// (WorkerProcess) and the worker's supervisor (its evaluator child).
#ifndef PIKE_WORKERCLIENT_PROCESS_H
#define PIKE_WORKERCLIENT_PROCESS_H

#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace pike::worker {

struct PipedProcess {
  pid_t pid = -1;
  int stdinFd = -1;  // write end: the child's stdin
  int stdoutFd = -1; // read end: the child's stdout
};

struct SpawnOptions {
  std::vector<std::pair<std::string, std::string>> env; // added to (or replacing in) ours
  int stderrFd = -1;          // >= 0: the child's stderr; else inherited
  bool dieWithParent = false; // SIGKILL the child when the spawning thread's process dies
  /// Leave out inherited variables that look like credentials (isSecretEnvName);
  /// variables named in `env` still pass.
  bool dropSecrets = false;
};

/// True for environment variable names that usually hold credentials: any name
/// containing KEY, TOKEN, SECRET, PASSWORD, PASSWD, CREDENTIAL or AUTH, in any case
/// (OPENAI_API_KEY, HF_TOKEN, AWS_SECRET_ACCESS_KEY, PIKE_WORKER_TOKEN,
/// SSH_AUTH_SOCK, ...). pike-worker needs none of them.
bool isSecretEnvName(const std::string &name);

/// Starts argv[0] (searched on PATH when it has no '/'). Both returned fds are
/// close-on-exec. Returns pid -1 and sets `error` on failure; exec failures show
/// up as exit status 127.
PipedProcess spawnPiped(const std::vector<std::string> &argv, const SpawnOptions &opts,
                        std::string &error);

} // namespace pike::worker

#endif
