// pike-db: inspect and combine tuning databases (the JSON-lines files that
// -pike-search / -pike-llm-search record into and -pike-apply-db replays).
//
//   pike-db list DB                 one line per record (key, speedup, times, origin)
//   pike-db merge OUT IN...         best record per key of every IN into OUT
//                                   (IN: a database or an `export` document)
//   pike-db export DB [-o FILE]     {"version":1,"records":[...]} (stdout by default)
//   pike-db verify DB --references DIR [--workers SPEC] [--worker PATH] [--drop-failing]
//                                   re-runs every record through a pike-worker on a GPU;
//                                   marks it (verified_on) or drops it (--drop-failing)
//
// Merging goes through TuningDb, so OUT is written atomically under its lock and
// a record replaces another only when it is strictly faster. Records that fail
// TuningDb's consistency check are never merged, listed or verified.
#include "pike/BuildInfo.h"
#include "pike/Search/TuningDb.h"
#include "pike/Support/JsonDepth.h"
#include "pike/Support/Precision.h"
#include "pike/WorkerClient/Worker.h"
#include "pike/WorkerClient/WorkerEvaluator.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

using pike::search::TuningDb;
using pike::search::TuningRecord;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char *kUsage = "usage: pike-db list DB\n"
                     "       pike-db merge OUT IN...\n"
                     "       pike-db export DB [-o FILE]\n"
                     "       pike-db verify DB --references DIR [--workers local:N[@G,..]|HOST:PORT,..]\n"
                     "                         [--worker PATH] [--drop-failing]\n"
                     "       pike-db --help | --version\n";

/// A usage error: the usage on stderr, exit 2.
int usage(const char *why = nullptr) {
  if (why)
    std::cerr << "pike-db: error: " << why << "\n";
  std::cerr << kUsage;
  return 2;
}

/// --help: asked for, so stdout and exit 0.
int help() {
  std::cout << "pike-db: inspect and combine pike tuning databases (JSON lines).\n\n"
            << kUsage
            << "\n  list     one line per record: key, speedup, times, origin\n"
               "  merge    best record per key of every IN (database or export) into OUT\n"
               "  export   {\"version\":1,\"records\":[...]} to stdout or FILE\n"
               "  verify   re-run every record through a pike-worker on a GPU; mark (verified_on) or,\n"
               "           with --drop-failing, drop the ones that fail\n";
  return 0;
}

int fail(const std::string &message) {
  std::cerr << "pike-db: error: " << message << "\n";
  return 1;
}

void printWarnings(const TuningDb &db) {
  for (const auto &w : db.warnings())
    std::cerr << "pike-db: warning: " << w << "\n";
}

/// The records of IN as an export document: IN is an export (one JSON object
/// with "records") or a database (JSON lines).
json loadAsExport(const std::string &path) {
  if (!std::filesystem::exists(path))
    throw std::runtime_error("'" + path + "' does not exist");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  json doc = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_object() && doc.contains("records"))
    return doc;
  TuningDb db(path);
  printWarnings(db);
  return db.exportJson();
}

int list(const std::string &path) {
  if (!std::filesystem::exists(path))
    return fail("'" + path + "' does not exist");
  TuningDb db(path);
  printWarnings(db);
  std::printf("%-26s %-7s %-6s %-8s %8s %10s %10s  %s\n", "fingerprint", "arch", "cuda", "torch",
              "speedup", "kernel_ms", "ref_ms", "origin (region) [verified on]");
  auto text = [](const json &j, const char *k) {
    return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>().substr(0, 80)
                                                              : std::string("?");
  };
  for (const TuningRecord &r : db.records()) {
    std::string verified = r.verifiedOn.is_object()
                               ? " [verified on " + text(r.verifiedOn, "gpu") + ", " + text(r.verifiedOn, "date") + "]"
                               : "";
    if (r.key.precision != "fp32") // the precision policy it was searched under
      verified += " [" + r.key.precision + "]";
    std::printf("%-26s %-7s %-6s %-8s %8.3f %10.4f %10.4f  %s (%s)%s\n", r.key.fingerprint.c_str(),
                r.key.arch.c_str(), r.key.toolkit.c_str(), r.key.torch.c_str(), r.speedup,
                r.candidateMs, r.referenceMs, text(r.provenance, "origin").c_str(),
                text(r.provenance, "region").c_str(), verified.c_str());
  }
  std::printf("%zu records\n", db.size());
  return 0;
}

int merge(const std::string &out, const std::vector<std::string> &inputs) {
  TuningDb db(out);
  printWarnings(db);
  size_t before = db.size();
  for (const auto &in : inputs) {
    json doc = loadAsExport(in);
    size_t kept = db.importJson(doc);
    std::cout << in << ": " << doc["records"].size() << " records, " << kept << " kept\n";
  }
  std::cout << out << ": " << before << " -> " << db.size() << " keys\n";
  return 0;
}

int exportDb(const std::string &path, const std::string &outFile) {
  if (!std::filesystem::exists(path))
    return fail("'" + path + "' does not exist");
  TuningDb db(path);
  printWarnings(db);
  std::string text = db.exportJson().dump(1) + "\n";
  if (outFile.empty()) {
    std::cout << text;
    return 0;
  }
  std::ofstream f(outFile);
  f << text;
  if (!f)
    return fail("cannot write '" + outFile + "'");
  return 0;
}

/// The worker binary: --worker, else beside this pike-db (installed: bin/), else
/// the build tree's tools/pike-worker/, else PATH.
std::string defaultWorkerPath() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path candidate : {self.parent_path() / "pike-worker",
                               self.parent_path().parent_path() / "pike-worker" / "pike-worker"})
      if (fs::exists(candidate))
        return candidate.string();
  }
  return "pike-worker";
}

std::string utcNow() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

/// "sm_90a" and "sm_90" name the same architecture for a record's key.
std::string baseArch(std::string arch) {
  if (!arch.empty() && arch.back() == 'a')
    arch.pop_back();
  return arch;
}

struct VerifyOptions {
  std::string db, references, workers = "local:1", worker;
  bool dropFailing = false;
};

/// The task of `fingerprint` from DIR/<fp>.task.json (written by
/// -pike-apply-tuning-db with references=DIR), or why there is none.
std::optional<pike::search::TaskSpec> loadTask(const std::string &dir, const std::string &fingerprint,
                                               std::string &why) {
  fs::path path = fs::path(dir) / (fingerprint + ".task.json");
  if (fingerprint.find('/') != std::string::npos || fingerprint.find("..") != std::string::npos) {
    why = "fingerprint is not a file name";
    return std::nullopt;
  }
  if (!fs::exists(path)) {
    why = "no " + path.string() + " (write it with -pike-apply-tuning-db=\"db=... references=" + dir + "\")";
    return std::nullopt;
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1u << 20) || pike::findJsonNestingDeeperThan(text.str(), 16)) {
    why = path.string() + " is too large or nested too deep";
    return std::nullopt;
  }
  json doc = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("signature") || !doc["signature"].is_object() ||
      !doc.contains("reference") || !doc["reference"].is_string()) {
    why = path.string() + " is not a task file ({\"signature\",\"reference\",...})";
    return std::nullopt;
  }
  std::string reference = doc["reference"].get<std::string>();
  if (reference.empty() || reference.find('/') != std::string::npos || reference == "..") {
    why = path.string() + ": 'reference' must be a file name inside " + dir;
    return std::nullopt;
  }
  pike::search::TaskSpec task;
  task.regionName = doc.value("region", std::string("slot"));
  task.fingerprint = fingerprint;
  task.signature = doc["signature"];
  task.referencePath = (fs::path(dir) / reference).string();
  if (!fs::exists(task.referencePath)) {
    why = "no reference " + task.referencePath;
    return std::nullopt;
  }
  return task;
}

int verify(const VerifyOptions &o) {
  if (!fs::exists(o.db))
    return fail("'" + o.db + "' does not exist");
  if (o.references.empty() || !fs::is_directory(o.references))
    return fail("verify needs --references DIR (the directory -pike-apply-tuning-db=\"db=... references=DIR\" "
                "wrote the slots' <fingerprint>.pt and .task.json into)");
  TuningDb db(o.db);
  printWarnings(db);

  // A GPU first: without one nothing can be verified, so stop before touching the db.
  std::shared_ptr<pike::worker::WorkerPool> pool;
  try {
    if (o.workers.rfind("local:", 0) == 0) {
      int perGpu = 1;
      std::vector<int> gpus;
      pike::worker::WorkerPool::parseLocalSpec(o.workers, perGpu, gpus);
      pike::worker::WorkerProcess::Options options;
      options.executable = o.worker.empty() ? defaultWorkerPath() : o.worker;
      pool = pike::worker::WorkerPool::local(options, gpus, perGpu);
    } else {
      std::vector<std::string> addresses;
      std::stringstream ss(o.workers);
      for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty())
          addresses.push_back(item);
      pool = pike::worker::WorkerPool::remote(addresses);
    }
    pool->startAll();
  } catch (const std::exception &e) {
    return fail(std::string("cannot start workers (") + o.workers + "): " + e.what());
  }
  json device = pool->call({{"op", "device_info"}}, std::chrono::milliseconds(60000));
  auto field = [&](const char *k, const std::string &otherwise) {
    if (!device.is_object() || !device.contains(k))
      return otherwise;
    const json &v = device[k];
    if (v.is_string())
      return v.get<std::string>();
    if (v.is_object() && v.contains("message") && v["message"].is_string())
      return v["message"].get<std::string>();
    return v.dump().substr(0, 300);
  };
  if (!device.is_object() || !device.value("ok", false))
    return fail("worker (" + o.workers + ") did not answer device_info: " + field("error", device.dump().substr(0, 300)));
  if (!device.value("available", false))
    return fail("no GPU to verify on: " + field("reason", "the worker reports no CUDA device") +
                "; pike-db verify re-runs every record on a GPU, so run it on a GPU machine");
  const std::string gpu = field("name", "?");
  const std::string arch = field("arch", "?");
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  std::cout << "verifying " << db.size() << " records of " << o.db << " on " << gpu << " (" << arch << ", " << host
            << ")\n";

  std::vector<TuningRecord> keep;
  size_t verified = 0, failed = 0, skipped = 0;
  for (TuningRecord r : db.records()) {
    std::string why;
    std::optional<pike::search::TaskSpec> task;
    if (baseArch(r.key.arch) != baseArch(arch))
      why = "searched for " + r.key.arch + ", this GPU is " + arch;
    else
      task = loadTask(o.references, r.key.fingerprint, why);
    if (!task) {
      ++skipped;
      std::cout << "SKIP " << r.key.toString() << ": " << why << "\n";
      keep.push_back(r);
      continue;
    }
    if (std::string bad = pike::search::checkRecordSignature(r, task->signature); !bad.empty()) {
      ++failed;
      std::cout << "FAIL " << r.key.toString() << ": " << bad << (o.dropFailing ? " (dropped)" : "") << "\n";
      r.verifiedOn = json();
      if (!o.dropFailing)
        keep.push_back(r);
      continue;
    }
    // Each record is re-checked with the tolerance it was searched with (its
    // provenance), else its policy's default: a bf16 record is not an fp32 one.
    pike::worker::EvaluatorOptions checkWith;
    pike::Tolerance tol = pike::defaultTolerance(
        pike::parsePrecision(r.key.precision).value_or(pike::Precision::FP32));
    if (r.provenance.contains("tolerance") && r.provenance["tolerance"].is_object()) {
      const json &t = r.provenance["tolerance"];
      if (t.contains("atol") && t["atol"].is_number() && t["atol"].get<double>() >= 0)
        tol.atol = t["atol"].get<double>();
      if (t.contains("rtol") && t["rtol"].is_number() && t["rtol"].get<double>() >= 0)
        tol.rtol = t["rtol"].get<double>();
    }
    checkWith.atol = tol.atol;
    checkWith.rtol = tol.rtol;
    pike::worker::WorkerEvaluator evaluator(pool, checkWith);
    pike::search::EvalResult result = evaluator.evaluate(*task, r.code);
    if (result.ok()) {
      ++verified;
      if (r.signature.is_null())
        r.signature = task->signature; // later applies check it against the slot
      r.verifiedOn = {{"gpu", gpu},
                      {"arch", arch},
                      {"host", std::string(host)},
                      {"date", utcNow()},
                      {"candidateMs", result.candidateMs},
                      {"referenceMs", result.referenceMs},
                      {"speedup", result.speedup()}};
      std::cout << "OK   " << r.key.toString() << ": correct, " << result.candidateMs << " ms ("
                << result.speedup() << "x; the record claims " << r.speedup << "x)\n";
      keep.push_back(r);
    } else {
      ++failed;
      std::string log = result.log.substr(0, result.log.find('\n'));
      std::cout << "FAIL " << r.key.toString() << ": " << pike::search::toString(result.status) << ": "
                << log.substr(0, 300) << (o.dropFailing ? " (dropped)" : "") << "\n";
      r.verifiedOn = json(); // a stale mark must not survive a failed re-run
      if (!o.dropFailing)
        keep.push_back(r);
    }
  }
  db.replaceAll(keep);
  std::cout << verified << " verified, " << failed << " failed" << (o.dropFailing ? " (dropped)" : " (kept, unmarked)")
            << ", " << skipped << " skipped; " << o.db << " now holds " << keep.size() << " records\n";
  return failed > 0 && !o.dropFailing ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty())
    return usage();
  if (args[0] == "-h" || args[0] == "--help")
    return help();
  if (args[0] == "--version") {
    std::cout << "pike-db (pike " << PIKE_VERSION_STRING << ", commit " << PIKE_GIT_COMMIT << ")\n";
    return 0;
  }
  const std::string cmd = args[0];
  try {
    if (cmd == "list" && args.size() == 2)
      return list(args[1]);
    if (cmd == "merge" && args.size() >= 3)
      return merge(args[1], std::vector<std::string>(args.begin() + 2, args.end()));
    if (cmd == "export" && args.size() == 2)
      return exportDb(args[1], "");
    if (cmd == "export" && args.size() == 4 && args[2] == "-o")
      return exportDb(args[1], args[3]);
    if (cmd == "verify" && args.size() >= 2) {
      VerifyOptions o;
      o.db = args[1];
      for (size_t i = 2; i < args.size(); ++i) {
        auto value = [&](const char *flag) -> const std::string * {
          return args[i] == flag && i + 1 < args.size() ? &args[++i] : nullptr;
        };
        if (const std::string *v = value("--references"))
          o.references = *v;
        else if (const std::string *v = value("--workers"))
          o.workers = *v;
        else if (const std::string *v = value("--worker"))
          o.worker = *v;
        else if (args[i] == "--drop-failing")
          o.dropFailing = true;
        else
          return usage(("bad argument '" + args[i] + "' for 'verify'").c_str());
      }
      return verify(o);
    }
  } catch (const std::exception &e) {
    return fail(e.what());
  }
  return usage(("bad arguments for '" + cmd + "'").c_str());
}
