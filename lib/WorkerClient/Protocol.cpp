#include "pike/WorkerClient/Protocol.h"
#include "pike/Support/DType.h"
#include "pike/Support/JsonDepth.h"

#include <cmath>
#include <cstdlib>
#include <regex>
#include <sstream>

namespace pike::worker {

using json = nlohmann::json;

bool isKnownOp(const std::string &op, bool testOps) {
  if (op == "evaluate" || op == "compile" || op == "ping" || op == "shutdown" ||
      op == "device_info")
    return true;
  return testOps && (op == "crash" || op == "hang" || op == "sleep");
}

std::optional<std::string> checkJsonDepth(const std::string &line, int maxDepth) {
  if (auto at = findJsonNestingDeeperThan(line, maxDepth))
    return "JSON nesting deeper than " + std::to_string(maxDepth) + " levels (at byte " +
           std::to_string(*at) + ")";
  return std::nullopt;
}

bool opHasStatus(const std::string &op) { return op == "evaluate" || op == "compile"; }

std::optional<std::string> checkEnvelope(const json &req, bool testOps, std::string *errorCode,
                                         std::string *op) {
  auto fail = [&](const char *code, std::string msg) {
    if (errorCode)
      *errorCode = code;
    return std::optional<std::string>(std::move(msg));
  };
  if (!req.is_object())
    return fail("bad_request", "request must be a JSON object");
  if (req.contains("op") && req["op"].is_string() && op)
    *op = req["op"].get<std::string>();
  if (!req.contains("protocol"))
    return fail("bad_request", "missing field 'protocol' (this worker speaks protocol " +
                                   std::to_string(kProtocolVersion) + ")");
  if (!req["protocol"].is_number_integer())
    return fail("bad_request", "field 'protocol' must be an integer");
  int v = req["protocol"].get<int>();
  if (v != kProtocolVersion)
    return fail("unsupported_protocol", "unsupported protocol version " + std::to_string(v) +
                                            " (this worker speaks " +
                                            std::to_string(kProtocolVersion) + ")");
  if (!req.contains("op") || !req["op"].is_string())
    return fail("bad_request", "missing string field 'op'");
  std::string o = req["op"].get<std::string>();
  if (!isKnownOp(o, testOps))
    return fail("unknown_op", "unknown op '" + o +
                                  "' (expected evaluate, compile, ping, device_info or shutdown)");
  if (req.contains("id") && !(req["id"].is_string() || req["id"].is_number() || req["id"].is_null()))
    return fail("bad_request", "field 'id' must be a string or a number");
  return std::nullopt;
}

json errorReply(const json &id, const std::string &op, const std::string &code,
                const std::string &message) {
  json r = {{"protocol", kProtocolVersion},
            {"id", id},
            {"ok", false},
            {"error", {{"code", code}, {"message", message}}}};
  if (!op.empty())
    r["op"] = op;
  if (opHasStatus(op)) {
    r["status"] = "rejected";
    r["log"] = "bad request: " + message;
  }
  return r;
}

// Slot tensors cross the protocol, so only types the kernel ABI carries.
std::optional<int> parseDType(const std::string &name) {
  const DTypeInfo *d = dtypeFromAlias(name);
  if (!d || d->abiCode < 0)
    return std::nullopt;
  return d->abiCode;
}

const char *dtypeName(int code) {
  const DTypeInfo *d = dtypeFromAbiCode(code);
  return d ? d->name : "unknown";
}

size_t dtypeBytes(int code) {
  const DTypeInfo *d = dtypeFromAbiCode(code);
  return d ? static_cast<size_t>(d->bytes) : 0;
}

bool isValidInit(const std::string &init) {
  if (init == "normal" || init == "uniform" || init == "positive")
    return true;
  static const std::regex re(R"(randint:(-?\d+):(-?\d+))");
  std::smatch m;
  if (!std::regex_match(init, m, re))
    return false;
  return std::stoll(m[1]) < std::stoll(m[2]);
}

std::vector<CompileDiagnostic> parseCompileLog(const std::string &log, const std::string &file) {
  // nvcc:  candidate.cu(12): error: identifier "x" is undefined
  // NVRTC: candidate.cu(12): error: ...   host compiler: candidate.cu:12:5: error: ...
  std::vector<CompileDiagnostic> out;
  std::istringstream in(log);
  std::string line;
  const std::regex paren(R"((?:^|[/ ])([^ /()]+)\((\d+)\): (error|warning)[^:]*: (.*)$)");
  const std::regex colon(R"((?:^|[/ ])([^ /:]+):(\d+):(\d+): (error|warning|fatal error): (.*)$)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, paren) && m[1] == file) {
      out.push_back({std::stoi(m[2]), 0, m[3], m[4]});
    } else if (std::regex_search(line, m, colon) && m[1] == file) {
      std::string sev = m[4];
      out.push_back({std::stoi(m[2]), std::stoi(m[3]), sev == "warning" ? "warning" : "error", m[5]});
    }
  }
  return out;
}

json diagnosticsJson(const std::vector<CompileDiagnostic> &diags, const std::string &source) {
  std::vector<std::string> lines;
  std::istringstream in(source);
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  json arr = json::array();
  for (const auto &d : diags) {
    json e = {{"line", d.line}, {"severity", d.severity}, {"message", d.message}};
    if (d.column > 0)
      e["column"] = d.column;
    if (d.line >= 1 && static_cast<size_t>(d.line) <= lines.size())
      e["source_line"] = lines[d.line - 1];
    arr.push_back(e);
  }
  return arr;
}

json jsonNumber(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  return v;
}

double numberFromJson(const json &v, double fallback) {
  if (v.is_number())
    return v.get<double>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "nan")
      return std::nan("");
    if (s == "inf")
      return INFINITY;
    if (s == "-inf")
      return -INFINITY;
  }
  return fallback;
}

} // namespace pike::worker
