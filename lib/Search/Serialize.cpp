#include "pike/Search/Serialize.h"

#include <cstdio>
#include <stdexcept>

namespace pike::search {

const char *toString(EvalStatus s) {
  switch (s) {
  case EvalStatus::Ok: return "ok";
  case EvalStatus::CompileError: return "compile_error";
  case EvalStatus::RuntimeError: return "runtime_error";
  case EvalStatus::Incorrect: return "incorrect";
  case EvalStatus::Timeout: return "timeout";
  case EvalStatus::Rejected: return "rejected";
  }
  return "rejected";
}

std::optional<EvalStatus> parseEvalStatus(const std::string &s) {
  for (EvalStatus e : {EvalStatus::Ok, EvalStatus::CompileError, EvalStatus::RuntimeError,
                       EvalStatus::Incorrect, EvalStatus::Timeout, EvalStatus::Rejected})
    if (s == toString(e))
      return e;
  return std::nullopt;
}

namespace {
template <class T> T field(const nlohmann::json &j, const char *key, const char *what) {
  if (!j.is_object() || !j.contains(key))
    throw std::runtime_error(std::string(what) + ": missing field '" + key + "'");
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception &e) {
    throw std::runtime_error(std::string(what) + ": bad field '" + key + "': " + e.what());
  }
}
} // namespace

nlohmann::json toJson(const CandidateCode &c) {
  return {{"source", c.source}, {"mode", c.mode}, {"entry", c.entry},
          {"launches", c.launches}, {"knobs", c.knobs}};
}

nlohmann::json toJson(const EvalResult &r) {
  return {{"status", toString(r.status)}, {"log", r.log},         {"candidateMs", r.candidateMs},
          {"referenceMs", r.referenceMs}, {"compileMs", r.compileMs}, {"maxAbsErr", r.maxAbsErr},
          {"details", r.details}};
}

nlohmann::json toJson(const Candidate &c) {
  return {{"id", c.id},         {"parents", c.parents}, {"origin", c.origin},
          {"island", c.island}, {"fixDepth", c.fixDepth}, {"code", toJson(c.code)},
          {"result", toJson(c.result)}};
}

nlohmann::json toJson(const Spend &s) {
  return {{"queries", s.queries}, {"promptTokens", s.promptTokens},
          {"completionTokens", s.completionTokens}, {"usd", s.usd}};
}

CandidateCode codeFromJson(const nlohmann::json &j) {
  CandidateCode c;
  c.source = field<std::string>(j, "source", "code");
  c.mode = field<std::string>(j, "mode", "code");
  c.entry = field<std::string>(j, "entry", "code");
  c.launches = j.value("launches", nlohmann::json::array());
  c.knobs = j.value("knobs", nlohmann::json::object());
  return c;
}

EvalResult resultFromJson(const nlohmann::json &j) {
  EvalResult r;
  std::string st = field<std::string>(j, "status", "result");
  auto parsed = parseEvalStatus(st);
  if (!parsed)
    throw std::runtime_error("result: unknown status '" + st + "'");
  r.status = *parsed;
  r.log = j.value("log", "");
  r.candidateMs = j.value("candidateMs", 0.0);
  r.referenceMs = j.value("referenceMs", 0.0);
  r.compileMs = j.value("compileMs", 0.0);
  r.maxAbsErr = j.value("maxAbsErr", 0.0);
  r.details = j.value("details", nlohmann::json::object());
  return r;
}

Candidate candidateFromJson(const nlohmann::json &j) {
  Candidate c;
  c.id = field<std::string>(j, "id", "candidate");
  c.parents = j.value("parents", std::vector<std::string>{});
  c.origin = j.value("origin", "");
  c.island = j.value("island", 0);
  c.fixDepth = j.value("fixDepth", 0);
  c.code = codeFromJson(field<nlohmann::json>(j, "code", "candidate"));
  c.result = resultFromJson(field<nlohmann::json>(j, "result", "candidate"));
  return c;
}

Spend spendFromJson(const nlohmann::json &j) {
  Spend s;
  if (!j.is_object())
    throw std::runtime_error("spend: expected an object");
  s.queries = j.value("queries", int64_t(0));
  s.promptTokens = j.value("promptTokens", int64_t(0));
  s.completionTokens = j.value("completionTokens", int64_t(0));
  s.usd = j.value("usd", 0.0);
  return s;
}

std::string stableHash(const std::string &data) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string candidateId(const std::string &taskFingerprint, const CandidateCode &code) {
  // Length-prefixed fields so different splits of the same bytes cannot collide.
  std::string key;
  for (const std::string &part :
       {taskFingerprint, code.mode, code.entry, code.launches.dump(), code.source})
    key += std::to_string(part.size()) + ":" + part + ";";
  return stableHash(key);
}

} // namespace pike::search
