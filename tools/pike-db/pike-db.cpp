// pike-db: inspect and combine tuning databases (the JSON-lines files that
// -pike-search / -pike-llm-search record into and -pike-apply-db replays).
//
//   pike-db list DB                 one line per record (key, speedup, times, origin)
//   pike-db merge OUT IN...         best record per key of every IN into OUT
//                                   (IN: a database or an `export` document)
//   pike-db export DB [-o FILE]     {"version":1,"records":[...]} (stdout by default)
//
// Merging goes through TuningDb, so OUT is written atomically under its lock and
// a record replaces another only when it is strictly faster.
#include "pike/BuildInfo.h"
#include "pike/Search/TuningDb.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

using pike::search::TuningDb;
using pike::search::TuningRecord;
using json = nlohmann::json;

namespace {

const char *kUsage = "usage: pike-db list DB\n"
                     "       pike-db merge OUT IN...\n"
                     "       pike-db export DB [-o FILE]\n"
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
               "  export   {\"version\":1,\"records\":[...]} to stdout or FILE\n";
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
              "speedup", "kernel_ms", "ref_ms", "origin (region)");
  for (const TuningRecord &r : db.records())
    std::printf("%-26s %-7s %-6s %-8s %8.3f %10.4f %10.4f  %s (%s)\n", r.key.fingerprint.c_str(),
                r.key.arch.c_str(), r.key.toolkit.c_str(), r.key.torch.c_str(), r.speedup,
                r.candidateMs, r.referenceMs, r.provenance.value("origin", "?").c_str(),
                r.provenance.value("region", "?").c_str());
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
  } catch (const std::exception &e) {
    return fail(e.what());
  }
  return usage(("bad arguments for '" + cmd + "'").c_str());
}
