#include "pike/Search/TuningDb.h"

#include "pike/Search/JsonlLog.h"
#include "pike/Search/Serialize.h"
#include "pike/Support/FileLock.h"
#include "pike/Support/JsonDepth.h"
#include "pike/Support/Precision.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace pike::search {

std::string TuningKey::toString() const {
  return fingerprint + "/" + arch + "/" + toolkit + "/" + torch +
         (precision == "fp32" ? std::string() : "/" + precision);
}

nlohmann::json toJson(const TuningRecord &r) {
  nlohmann::json j = {{"key",
           {{"fingerprint", r.key.fingerprint},
            {"arch", r.key.arch},
            {"toolkit", r.key.toolkit},
            {"torch", r.key.torch}}},
          {"code", toJson(r.code)},
          {"speedup", r.speedup},
          {"candidateMs", r.candidateMs},
          {"referenceMs", r.referenceMs},
          {"compileMs", r.compileMs},
          {"provenance", r.provenance}};
  if (r.key.precision != "fp32")
    j["key"]["precision"] = r.key.precision;
  if (!r.signature.is_null())
    j["signature"] = r.signature;
  if (!r.verifiedOn.is_null())
    j["verified_on"] = r.verifiedOn;
  return j;
}

TuningRecord tuningRecordFromJson(const nlohmann::json &j) {
  if (!j.is_object() || !j.contains("key") || !j["key"].is_object())
    throw std::runtime_error("tuning record: missing object 'key'");
  TuningRecord r;
  const auto &k = j["key"];
  for (const char *f : {"fingerprint", "arch", "toolkit", "torch"})
    if (!k.contains(f) || !k[f].is_string())
      throw std::runtime_error(std::string("tuning record: key lacks string '") + f + "'");
  r.key = {k["fingerprint"], k["arch"], k["toolkit"], k["torch"]};
  if (k.contains("precision")) {
    if (!k["precision"].is_string())
      throw std::runtime_error("tuning record: key 'precision' is not a string");
    r.key.precision = k["precision"];
  }
  if (!j.contains("code"))
    throw std::runtime_error("tuning record: missing 'code'");
  r.code = codeFromJson(j["code"]);
  if (!j.contains("speedup") || !j["speedup"].is_number())
    throw std::runtime_error("tuning record: missing number 'speedup'");
  r.speedup = j["speedup"];
  r.candidateMs = j.value("candidateMs", 0.0);
  r.referenceMs = j.value("referenceMs", 0.0);
  r.compileMs = j.value("compileMs", 0.0);
  r.provenance = j.value("provenance", nlohmann::json::object());
  if (!r.provenance.is_object())
    throw std::runtime_error("tuning record: 'provenance' is not an object");
  r.signature = j.value("signature", nlohmann::json());
  r.verifiedOn = j.value("verified_on", nlohmann::json());
  if (!r.verifiedOn.is_null() && !r.verifiedOn.is_object())
    throw std::runtime_error("tuning record: 'verified_on' is not an object");
  return r;
}

namespace {

bool printable(const std::string &s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      return false;
  return true;
}

bool isIdentifier(const std::string &s) {
  static const std::regex id("[A-Za-z_][A-Za-z0-9_]{0,255}");
  return std::regex_match(s, id);
}

bool finitePositive(double v) { return std::isfinite(v) && v > 0; }

/// Writes replace the file by rename; never do that to a device, FIFO or directory.
void requireRegularOrMissing(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw std::runtime_error("'" + path + "' is not a regular file; refusing to replace it");
}

/// "" or why `v` is not an array of three integers in [1, max[i]].
std::string checkDim3(const nlohmann::json &v, const char *what, const int64_t (&max)[3]) {
  if (!v.is_array() || v.size() != 3)
    return std::string("'") + what + "' is not an array of 3 integers";
  for (size_t i = 0; i < 3; ++i) {
    if (!v[i].is_number_integer())
      return std::string("'") + what + "' is not an array of 3 integers";
    int64_t x = v[i].get<int64_t>();
    if (x < 1 || x > max[i])
      return std::string("'") + what + "[" + std::to_string(i) + "]' = " + std::to_string(x) +
             " is outside [1, " + std::to_string(max[i]) + "]";
  }
  return "";
}

std::string checkLaunch(const nlohmann::json &l, size_t index) {
  std::string where = "launch " + std::to_string(index) + ": ";
  if (!l.is_object())
    return where + "not an object";
  if (!l.contains("kernel") || !l["kernel"].is_string() || !isIdentifier(l["kernel"].get<std::string>()))
    return where + "'kernel' is not a C identifier";
  static const int64_t gridMax[3] = {2147483647, 65535, 65535};
  static const int64_t blockMax[3] = {1024, 1024, 64};
  for (auto [field, max] : {std::pair<const char *, const int64_t(&)[3]>{"grid", gridMax},
                            std::pair<const char *, const int64_t(&)[3]>{"block", blockMax}}) {
    if (!l.contains(field))
      return where + "no '" + field + "'";
    if (std::string why = checkDim3(l[field], field, max); !why.empty())
      return where + why;
  }
  const auto &block = l["block"];
  if (block[0].get<int64_t>() * block[1].get<int64_t>() * block[2].get<int64_t>() > 1024)
    return where + "'block' has more than 1024 threads";
  if (l.contains("smem") &&
      (!l["smem"].is_number_integer() || l["smem"].get<int64_t>() < 0 || l["smem"].get<int64_t>() > (1 << 20)))
    return where + "'smem' is not an integer in [0, 1 MiB]";
  if (!l.contains("args") || !l["args"].is_array())
    return where + "no 'args' array";
  static const std::regex arg("(in|out)[0-9]{1,4}");
  for (const auto &a : l["args"])
    if (!a.is_string() || !std::regex_match(a.get<std::string>(), arg))
      return where + "argument " + a.dump().substr(0, 40) + " is not inN or outN";
  for (auto &[key, value] : l.items())
    if (key != "kernel" && key != "grid" && key != "block" && key != "smem" && key != "args")
      return where + "unknown field '" + key.substr(0, 40) + "'";
  return "";
}

} // namespace

std::string checkTuningRecord(const TuningRecord &r) {
  for (const std::string *f : {&r.key.fingerprint, &r.key.arch, &r.key.toolkit, &r.key.torch})
    if (f->empty() || f->size() > 128 || !printable(*f))
      return "key field '" + f->substr(0, 40) + "' is empty, longer than 128 or not printable";
  if (!parsePrecision(r.key.precision))
    return "key precision '" + r.key.precision.substr(0, 40) + "' is not " + precisionChoices();
  if (!finitePositive(r.candidateMs))
    return "candidateMs " + std::to_string(r.candidateMs) + " is not a finite positive time";
  if (!finitePositive(r.referenceMs))
    return "referenceMs " + std::to_string(r.referenceMs) + " is not a finite positive time";
  if (!std::isfinite(r.compileMs) || r.compileMs < 0)
    return "compileMs is not a finite non-negative time";
  if (!finitePositive(r.speedup))
    return "speedup is not a finite positive number";
  double own = r.referenceMs / r.candidateMs;
  if (std::fabs(r.speedup - own) > 1e-3 * own) {
    std::ostringstream why;
    why << "speedup " << r.speedup << " contradicts its own times (referenceMs / candidateMs = "
        << own << ")";
    return why.str();
  }
  const CandidateCode &c = r.code;
  if (c.source.empty())
    return "no kernel source";
  if (c.source.size() > kMaxRecordSourceBytes)
    return "kernel source of " + std::to_string(c.source.size()) + " bytes exceeds the limit of " +
           std::to_string(kMaxRecordSourceBytes);
  if (c.source.find('\0') != std::string::npos)
    return "kernel source contains a NUL byte";
  if (!c.knobs.is_object())
    return "'knobs' is not an object";
  if (!c.launches.is_array())
    return "'launches' is not an array";
  if (c.mode == "nvcc") {
    if (!isIdentifier(c.entry))
      return "nvcc entry '" + c.entry.substr(0, 40) + "' is not a C identifier";
    if (!c.launches.empty())
      return "an nvcc record has a launch list";
  } else if (c.mode == "nvrtc") {
    if (c.launches.empty())
      return "an nvrtc record has no launches";
    if (c.launches.size() > kMaxRecordLaunches)
      return "more than " + std::to_string(kMaxRecordLaunches) + " launches";
    for (size_t i = 0; i < c.launches.size(); ++i)
      if (std::string why = checkLaunch(c.launches[i], i); !why.empty())
        return why;
  } else {
    return "unknown mode '" + c.mode.substr(0, 40) + "' (expected nvrtc or nvcc)";
  }
  if (!r.signature.is_null() && !r.signature.is_object())
    return "'signature' is not an object";
  return "";
}

std::string checkRecordSignature(const TuningRecord &r, const nlohmann::json &signature) {
  auto count = [&](const char *side) -> size_t {
    return signature.contains(side) && signature[side].is_array() ? signature[side].size() : 0;
  };
  // Only shape and dtype define the slot; "init" and other hints do not.
  auto shapes = [](const nlohmann::json &sig) {
    nlohmann::json out = nlohmann::json::object();
    for (const char *side : {"inputs", "outputs"}) {
      out[side] = nlohmann::json::array();
      if (sig.is_object() && sig.contains(side) && sig[side].is_array())
        for (const auto &t : sig[side])
          out[side].push_back(t.is_object() ? nlohmann::json{{"shape", t.value("shape", nlohmann::json())},
                                                             {"dtype", t.value("dtype", nlohmann::json())}}
                                            : t);
    }
    return out;
  };
  if (!r.signature.is_null() && shapes(r.signature) != shapes(signature))
    return "the record was measured on signature " + shapes(r.signature).dump().substr(0, 200) +
           ", the slot has " + shapes(signature).dump().substr(0, 200);
  for (size_t i = 0; i < r.code.launches.size(); ++i) {
    const auto &l = r.code.launches[i];
    if (!l.is_object() || !l.contains("args") || !l["args"].is_array())
      continue;
    for (const auto &a : l["args"]) {
      if (!a.is_string())
        continue;
      const std::string name = a.get<std::string>();
      bool in = name.rfind("in", 0) == 0;
      size_t index = std::strtoul(name.c_str() + (in ? 2 : 3), nullptr, 10);
      if (index >= count(in ? "inputs" : "outputs"))
        return "launch " + std::to_string(i) + " passes '" + name + "', the slot has " +
               std::to_string(count("inputs")) + " inputs and " + std::to_string(count("outputs")) +
               " outputs";
    }
  }
  return "";
}

TuningRecord makeTuningRecord(const TuningKey &key, const Candidate &c, nlohmann::json provenance) {
  if (!c.result.ok())
    throw std::invalid_argument("makeTuningRecord: candidate " + c.id + " is not correct");
  TuningRecord r;
  r.key = key;
  r.code = c.code;
  r.speedup = c.result.speedup();
  r.candidateMs = c.result.candidateMs;
  r.referenceMs = c.result.referenceMs;
  r.compileMs = c.result.compileMs;
  if (!provenance.is_object())
    provenance = nlohmann::json::object();
  provenance["candidateId"] = c.id;
  provenance["origin"] = c.origin;
  provenance["parents"] = c.parents;
  provenance["fixDepth"] = c.fixDepth;
  // The card the worker measured on (its reply's "device"), for the package
  // report's provenance lines.
  const nlohmann::json &details = c.result.details;
  if (details.is_object() && details.contains("device") && details["device"].is_object()) {
    const nlohmann::json &device = details["device"];
    if (device.contains("name") && device["name"].is_string())
      provenance["gpu"] = device["name"];
    if (device.contains("arch") && device["arch"].is_string())
      provenance["gpuArch"] = device["arch"];
  }
  // What the worker checked it with and what it measured: the tolerance decides
  // which later runs may use the record, the errors go into package reports.
  if (details.is_object() && details.contains("verify") && details["verify"].is_object()) {
    const nlohmann::json &verify = details["verify"];
    if (verify.contains("atol") && verify["atol"].is_number() && verify.contains("rtol") &&
        verify["rtol"].is_number())
      provenance["tolerance"] = {{"atol", verify["atol"]}, {"rtol", verify["rtol"]}};
    // A reference that computes in TF32: the worker compared with its strict-fp32
    // run, each output's atol widened to 3x the reference's own TF32 noise
    // (docs/worker.md, "Verification against a TF32 reference").
    if (verify.value("reference_tf32", false) == true) {
      provenance["referenceTf32"] = true;
      if (verify.contains("tf32_noise_per_output") && verify["tf32_noise_per_output"].is_array())
        provenance["tf32NoisePerOutput"] = verify["tf32_noise_per_output"];
      if (verify.contains("atol_per_output") && verify["atol_per_output"].is_array())
        provenance["atolPerOutput"] = verify["atol_per_output"];
    }
  }
  if (details.is_object() && details.contains("max_abs_err_per_output") &&
      details["max_abs_err_per_output"].is_array())
    provenance["maxAbsErrPerOutput"] = details["max_abs_err_per_output"];
  r.provenance = std::move(provenance);
  return r;
}

TuningDb::TuningDb(std::string path) : path_(std::move(path)) { loadFile(); }

void TuningDb::reload() {
  best_.clear();
  rejected_.clear();
  warnings_.clear();
  damaged_.clear();
  loadFile();
}

void TuningDb::loadFile() {
  if (path_.empty())
    return;
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0)
    return;
  size_t lineNo = 0;
  auto damaged = [&](const std::string &why) {
    std::string w = lineNo == 0 ? path_ + ": cannot read: " + why
                                : path_ + ":" + std::to_string(lineNo) + ": ignoring line: " + why;
    warnings_.push_back(w);
    damaged_.push_back(w);
  };
  // A device or FIFO would be read forever (or block): only regular files.
  if (!S_ISREG(st.st_mode)) {
    damaged("not a regular file");
    return;
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxDatabaseBytes) {
    damaged("the file is " + std::to_string(st.st_size) + " bytes, more than " +
            std::to_string(kMaxDatabaseBytes));
    return;
  }
  std::ifstream in(path_, std::ios::binary);
  if (!in)
    return;
  std::string line;
  // Line by line with bounds, so neither a huge line nor deep nesting reaches
  // the JSON parser (a database is untrusted input).
  while (std::getline(in, line)) {
    ++lineNo;
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    if (in.eof()) { // no newline: a writer was cut off (pike's own writes are atomic)
      damaged("torn last line (no newline; the writer was interrupted)");
      break;
    }
    if (line.size() > kMaxRecordLineBytes) {
      damaged("longer than " + std::to_string(kMaxRecordLineBytes) + " bytes");
      continue;
    }
    if (findJsonNestingDeeperThan(line, kMaxRecordJsonDepth)) {
      damaged("JSON nested deeper than " + std::to_string(kMaxRecordJsonDepth) + " levels");
      continue;
    }
    nlohmann::json value = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
      damaged("not valid JSON");
      continue;
    }
    TuningRecord r;
    try {
      r = tuningRecordFromJson(value);
    } catch (const std::exception &e) {
      warnings_.push_back(path_ + ":" + std::to_string(lineNo) + ": ignoring record: " + e.what());
      continue;
    }
    if (std::string why = checkTuningRecord(r); !why.empty()) {
      warnings_.push_back(path_ + ":" + std::to_string(lineNo) + ": ignoring record " + r.key.toString() +
                          ": " + why);
      rejected_.emplace(r.key, why);
      continue;
    }
    mergeOne(r);
  }
}

std::optional<std::string> TuningDb::rejection(const TuningKey &key) const {
  auto it = rejected_.find(key);
  if (it == rejected_.end() || best_.count(key))
    return std::nullopt;
  return it->second;
}

bool TuningDb::mergeOne(const TuningRecord &r) {
  auto it = best_.find(r.key);
  // Strictly faster only: ties keep the incumbent, so merge order cannot flip it.
  if (it != best_.end() && !(r.speedup > it->second.speedup))
    return false;
  best_[r.key] = r;
  return true;
}

std::optional<TuningRecord> TuningDb::lookup(const TuningKey &key) const {
  auto it = best_.find(key);
  if (it == best_.end())
    return std::nullopt;
  return it->second;
}

std::vector<TuningRecord> TuningDb::lookupAllowed(const TuningKey &key) const {
  std::vector<TuningRecord> own, stricter;
  std::optional<Precision> run = parsePrecision(key.precision);
  if (!run)
    return {};
  for (Precision p : {Precision::FP32, Precision::TF32, Precision::BF16, Precision::FP16}) {
    if (!precisionAllows(*run, p))
      continue;
    TuningKey k = key;
    k.precision = precisionName(p);
    if (auto it = best_.find(k); it != best_.end())
      (p == *run ? own : stricter).push_back(it->second);
  }
  std::stable_sort(stricter.begin(), stricter.end(),
                   [](const TuningRecord &a, const TuningRecord &b) { return a.speedup > b.speedup; });
  own.insert(own.end(), stricter.begin(), stricter.end());
  return own;
}

namespace {

/// The database's writer lock (pike/Support/FileLock.h); a lock that cannot be
/// taken is an error, never an unlocked write.
class DbFileLock {
public:
  explicit DbFileLock(const std::string &path) : lock_(path) {
    if (!lock_.held())
      throw std::runtime_error(lock_.error());
  }

private:
  FileLock lock_;
};

template <typename Map> std::string serialized(const Map &best) {
  std::string content;
  for (const auto &[key, rec] : best)
    content += toJson(rec).dump() + "\n";
  return content;
}

} // namespace

size_t TuningDb::persist(const std::vector<TuningRecord> &incoming) {
  if (path_.empty()) {
    size_t kept = 0;
    for (const TuningRecord &r : incoming)
      kept += mergeOne(r);
    return kept;
  }
  requireRegularOrMissing(path_);
  // Serialize read-merge-write among processes sharing the file.
  DbFileLock lock(path_ + ".lock");
  reload();
  size_t kept = 0;
  for (const TuningRecord &r : incoming)
    kept += mergeOne(r);
  if (kept > 0)
    writeFileAtomically(path_, serialized(best_));
  return kept;
}

bool TuningDb::insert(const TuningRecord &record) {
  if (std::string why = checkTuningRecord(record); !why.empty())
    throw std::invalid_argument("tuning record " + record.key.toString() + ": " + why);
  return persist({record}) > 0;
}

void TuningDb::replaceAll(const std::vector<TuningRecord> &records) {
  if (path_.empty()) {
    best_.clear();
    for (const TuningRecord &r : records)
      best_[r.key] = r;
    return;
  }
  requireRegularOrMissing(path_);
  DbFileLock lock(path_ + ".lock");
  best_.clear();
  for (const TuningRecord &r : records)
    best_[r.key] = r;
  writeFileAtomically(path_, serialized(best_));
}

nlohmann::json TuningDb::exportJson() const {
  nlohmann::json recs = nlohmann::json::array();
  for (const auto &[key, rec] : best_)
    recs.push_back(toJson(rec));
  return {{"version", 1}, {"records", recs}};
}

size_t TuningDb::importJson(const nlohmann::json &doc) {
  if (!doc.is_object() || !doc.contains("records") || !doc["records"].is_array())
    throw std::runtime_error("tuning database import: expected {\"version\":1,\"records\":[...]}");
  if (doc.value("version", 0) != 1)
    throw std::runtime_error("tuning database import: unsupported version " +
                             doc.value("version", nlohmann::json()).dump());
  std::vector<TuningRecord> incoming;
  std::vector<std::string> skipped;
  size_t i = 0;
  for (const auto &r : doc["records"]) {
    TuningRecord record;
    try {
      record = tuningRecordFromJson(r);
    } catch (const std::exception &e) {
      throw std::runtime_error("tuning database import: records[" + std::to_string(i) + "]: " + e.what());
    }
    if (std::string why = checkTuningRecord(record); !why.empty())
      skipped.push_back("import: records[" + std::to_string(i) + "] " + record.key.toString() +
                        ": not merged: " + why);
    else
      incoming.push_back(std::move(record));
    ++i;
  }
  size_t kept = persist(incoming); // re-reads the file, which resets warnings_
  warnings_.insert(warnings_.end(), skipped.begin(), skipped.end());
  return kept;
}

std::vector<TuningRecord> TuningDb::records() const {
  std::vector<TuningRecord> out;
  for (const auto &[key, rec] : best_)
    out.push_back(rec);
  return out;
}

std::vector<std::vector<SeedCode>>
seedsFromTuningDb(const TuningDb &db, const std::vector<TaskSpec> &tasks, const TuningEnv &env,
                  const std::function<bool(size_t, const TuningRecord &)> &keep) {
  std::vector<std::vector<SeedCode>> seeds(tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i)
    for (const TuningRecord &rec : db.lookupAllowed(env.keyFor(tasks[i])))
      if (!keep || keep(i, rec))
        seeds[i].push_back(SeedCode{rec.code, "tuning-db"});
  return seeds;
}

size_t recordInTuningDb(TuningDb &db, const SearchReport &report, const TuningEnv &env,
                        const nlohmann::json &provenance) {
  size_t kept = 0;
  for (const TaskOutcome &t : report.tasks) {
    if (!t.best)
      continue;
    nlohmann::json prov = provenance.is_object() ? provenance : nlohmann::json::object();
    prov["region"] = t.regionName;
    TaskSpec spec;
    spec.fingerprint = t.fingerprint;
    kept += db.insert(makeTuningRecord(env.keyFor(spec), *t.best, prov));
  }
  return kept;
}

} // namespace pike::search
