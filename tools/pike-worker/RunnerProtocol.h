// The private protocol between the verifier (pike-worker's evaluator child) and
// pike-runner, the per-request process that runs a candidate. One JSON object per
// line on a socketpair the runner holds as fd 3. The verifier decides every
// verdict itself: a runner message can only report a failure or numbers that the
// verifier cross-checks; anything malformed or unexpected is a protocol violation
// (runtime_error), because candidate code in the runner can write to that socket.
//
//   runner → verifier, unasked, once CUDA is initialised:
//     {"msg":"hello","pid":P,"cuda":"ok"|"<why not>"}
//   verifier → runner                       runner → verifier
//     {"op":"ping"}                           {"msg":"pong","pid","fds":[..],"env":[names],"stdin":"<path>"}
//     {"op":"say","text":T}                   {"msg":"said"}   (T written to stdout and stderr; tests)
//     {"op":"map","inputs":[Buf],"outputs":[Buf],"l2_flush_bytes":N}
//                                             {"msg":"mapped"}
//     {"op":"null","i":I}                     {"msg":"done","i":I,"event_ms","wall_ms","err":""}
//       (I: a random id per call, so an answer cannot be written ahead)
//     {"op":"load","mode","artifact","entry","launches":[Launch]}
//                                             {"msg":"loaded","sandbox":"<what applies>"}
//     {"op":"run","i":I,"profile":bool}       {"msg":"done","i":I,"event_ms","wall_ms","err","rewrote"[,"kernels"]}
//   any failure:                              {"msg":"error","stage":S,"kind":K,"detail":D}
//   Buf = {"handle":"<hex cudaIpcMemHandle_t>","offset":N,"bytes":N,"dtype":D,"shape":[..]}
//   Launch = {"kernel","grid":[3],"block":[3],"smem","args":[["in"|"out",k],..]}
#ifndef PIKE_WORKER_RUNNERPROTOCOL_H
#define PIKE_WORKER_RUNNERPROTOCOL_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pike::worker::runner {

constexpr int kChannelFd = 3;                 // the runner's end of the socketpair
constexpr size_t kMaxMessageBytes = 256 << 10; // one line; kernels lists are capped below
constexpr size_t kMaxKernelRecords = 64;
constexpr size_t kMaxErrBytes = 2048;

struct BufferDesc {
  std::string handle; // hex of the 64-byte cudaIpcMemHandle_t
  uint64_t offset = 0; // where the tensor starts inside the allocation (after the canary)
  uint64_t bytes = 0;
  int dtype = 0;
  std::vector<int64_t> shape;
  nlohmann::json toJson() const;
};

struct LaunchDesc {
  std::string kernel;
  unsigned grid[3] = {1, 1, 1}, block[3] = {1, 1, 1};
  unsigned smem = 0;
  std::vector<std::pair<bool, int>> args; // (isOutput, index)
  nlohmann::json toJson() const;
};

/// Parse helpers used by the runner; each returns the reason the value is unusable.
std::optional<std::string> parseBuffer(const nlohmann::json &j, BufferDesc &out);
std::optional<std::string> parseLaunch(const nlohmann::json &j, size_t numInputs, size_t numOutputs,
                                       LaunchDesc &out);

/// What a `done` message claims. Numbers are the runner's (candidate-controlled
/// once the candidate is loaded): use them only where the verifier can check them.
struct Done {
  int64_t i = -1;
  double eventMs = 0, wallMs = 0;
  std::string err;     // launch / CUDA / entry-return error, "" when none
  std::string rewrote; // an output descriptor the launcher changed, "" when none
  nlohmann::json kernels; // profile call only: [{"name","ms"}]
  std::string kernelsError; // profile call only: why there are no kernel records
};

/// Checks a message the verifier received while waiting for `done` of call i.
/// Returns the violation ("expected done 4, got ...") or nullopt.
std::optional<std::string> parseDone(const nlohmann::json &m, int64_t i, Done &out);

/// Checks a message that must be {"msg": name, ...}. A runner "error" message is
/// not a violation: it comes back in `runnerError` (stage, kind, detail) instead.
struct RunnerError {
  std::string stage, kind, detail;
};
std::optional<std::string> expectMessage(const nlohmann::json &m, const std::string &name,
                                         std::optional<RunnerError> &runnerError);

/// Parses one received line (at most kMaxMessageBytes); the violation or nullopt.
std::optional<std::string> parseLine(const std::string &line, nlohmann::json &out);

std::string toHex(const void *data, size_t n);
bool fromHex(const std::string &hex, void *out, size_t n);

/// Truncates a string taken from the runner (candidate-controlled) to `max` bytes.
std::string clip(const std::string &s, size_t max);

} // namespace pike::worker::runner

#endif
