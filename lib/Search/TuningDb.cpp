#include "pike/Search/TuningDb.h"

#include "pike/Search/JsonlLog.h"
#include "pike/Search/Serialize.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

namespace pike::search {

std::string TuningKey::toString() const {
  return fingerprint + "/" + arch + "/" + toolkit + "/" + torch;
}

nlohmann::json toJson(const TuningRecord &r) {
  return {{"key",
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
  return r;
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
  r.provenance = std::move(provenance);
  return r;
}

TuningDb::TuningDb(std::string path) : path_(std::move(path)) { loadFile(); }

void TuningDb::reload() {
  best_.clear();
  warnings_.clear();
  loadFile();
}

void TuningDb::loadFile() {
  if (path_.empty())
    return;
  JsonlContents contents = readJsonl(path_);
  warnings_.insert(warnings_.end(), contents.warnings.begin(), contents.warnings.end());
  for (const JsonlRecord &rec : contents.records) {
    try {
      mergeOne(tuningRecordFromJson(rec.value));
    } catch (const std::exception &e) {
      warnings_.push_back(path_ + ":" + std::to_string(rec.line) + ": ignoring record: " + e.what());
    }
  }
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

size_t TuningDb::persist(const std::vector<TuningRecord> &incoming) {
  if (path_.empty()) {
    size_t kept = 0;
    for (const TuningRecord &r : incoming)
      kept += mergeOne(r);
    return kept;
  }
  // Serialize read-merge-write among processes sharing the file.
  std::string lockPath = path_ + ".lock";
  int lfd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lfd < 0)
    throw std::runtime_error("cannot open lock file '" + lockPath + "': " + std::strerror(errno));
  while (::flock(lfd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      ::close(lfd);
      throw std::runtime_error("cannot lock '" + lockPath + "': " + std::strerror(errno));
    }
  }
  size_t kept = 0;
  try {
    reload();
    for (const TuningRecord &r : incoming)
      kept += mergeOne(r);
    if (kept > 0) {
      std::string content;
      for (const auto &[key, rec] : best_)
        content += toJson(rec).dump() + "\n";
      writeFileAtomically(path_, content);
    }
  } catch (...) {
    ::flock(lfd, LOCK_UN);
    ::close(lfd);
    throw;
  }
  ::flock(lfd, LOCK_UN);
  ::close(lfd);
  return kept;
}

bool TuningDb::insert(const TuningRecord &record) { return persist({record}) > 0; }

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
  size_t i = 0;
  for (const auto &r : doc["records"]) {
    try {
      incoming.push_back(tuningRecordFromJson(r));
    } catch (const std::exception &e) {
      throw std::runtime_error("tuning database import: records[" + std::to_string(i) + "]: " + e.what());
    }
    ++i;
  }
  return persist(incoming);
}

std::vector<TuningRecord> TuningDb::records() const {
  std::vector<TuningRecord> out;
  for (const auto &[key, rec] : best_)
    out.push_back(rec);
  return out;
}

std::vector<std::vector<SeedCode>> seedsFromTuningDb(const TuningDb &db, const std::vector<TaskSpec> &tasks,
                                                     const TuningEnv &env) {
  std::vector<std::vector<SeedCode>> seeds(tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i)
    if (auto rec = db.lookup(env.keyFor(tasks[i])))
      seeds[i].push_back(SeedCode{rec->code, "tuning-db"});
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
