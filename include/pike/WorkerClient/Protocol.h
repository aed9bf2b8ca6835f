// The pike-worker wire protocol: newline-delimited JSON, one object per line,
// shared by the worker (tools/pike-worker) and its clients. Torch-free, MLIR-free.
// docs/worker-protocol.md is the full reference.
#ifndef PIKE_WORKERCLIENT_PROTOCOL_H
#define PIKE_WORKERCLIENT_PROTOCOL_H

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace pike::worker {

/// Bumped on any incompatible change of a request or response field.
constexpr int kProtocolVersion = 1;
/// Longest accepted line (a request carries a full kernel source).
constexpr size_t kMaxLineBytes = 64u << 20;
/// Deepest accepted nesting of arrays/objects in one message. Checked on the raw
/// text before parsing: nlohmann::json parses and destroys values recursively, so
/// a deep enough value would overflow the stack.
constexpr int kMaxJsonDepth = 64;

/// Scans one line's raw JSON text (outside string literals) for nesting deeper
/// than maxDepth. Returns the reason it is refused, or nullopt. Linear, no allocation.
std::optional<std::string> checkJsonDepth(const std::string &line, int maxDepth = kMaxJsonDepth);

/// Ops every worker answers. Test-only ops ("crash", "hang", "sleep") exist only
/// when the worker runs with PIKE_WORKER_TEST_OPS=1.
bool isKnownOp(const std::string &op, bool testOps);
/// Ops whose replies carry a candidate status (ok|compile_error|...).
bool opHasStatus(const std::string &op);

/// Checks the envelope {"protocol":1,"op":...,"id":...}. Returns the reason it is
/// unusable, or nullopt. Sets `op` when it could be read.
std::optional<std::string> checkEnvelope(const nlohmann::json &req, bool testOps,
                                         std::string *errorCode, std::string *op);

/// A request-level failure reply: {"protocol","id","op","ok":false,"error":{code,message}}.
/// Replies to evaluate/compile also carry "status":"rejected" and "log", so a client
/// that reads only the status still learns why.
nlohmann::json errorReply(const nlohmann::json &id, const std::string &op,
                          const std::string &code, const std::string &message);

/// Element types of kernel slots, spelled as in the protocol ("float32", ...).
/// Values equal PikeDType of pike/Runtime/KernelABI.h.
std::optional<int> parseDType(const std::string &name);
const char *dtypeName(int pikeDType);
size_t dtypeBytes(int pikeDType);

/// Input initialisations: "normal", "uniform", "positive", "randint:LO:HI".
bool isValidInit(const std::string &init);

/// One parsed compile error/warning: file(line): error: message.
struct CompileDiagnostic {
  int line = 0;
  int column = 0; // 0 when the compiler gave none
  std::string severity; // "error" | "warning"
  std::string message;
};
/// Finds "candidate.cu(LINE): error: MSG" style lines in an nvcc or NVRTC log.
std::vector<CompileDiagnostic> parseCompileLog(const std::string &log, const std::string &file);
/// The same as JSON, each diagnostic with the offending source line attached.
nlohmann::json diagnosticsJson(const std::vector<CompileDiagnostic> &diags,
                               const std::string &source);

/// JSON has no NaN/Inf: such values travel as the strings "nan", "inf", "-inf".
nlohmann::json jsonNumber(double v);
double numberFromJson(const nlohmann::json &v, double fallback = 0);

} // namespace pike::worker

#endif
