// Replaying the tuning database onto the slots (pike-apply-tuning-db).
//
// The database is untrusted input (docs/search.md, "Tuning database as
// untrusted input"): a record reaches a slot only if it is self-consistent
// (TuningDb drops the others at load), fits the slot's signature, and its
// source is either byte-identical to what pike's own generator emits for the
// record's knobs (up to the slot name its symbols carry) or passes the same Clang candidate checker the LLM path uses.
// Every refusal is a warning naming the record and the reason, and the slot
// keeps its reference ops. Checker verdicts are cached beside the database
// (<db>.checker-verdicts, authenticated per user; see CheckerVerdictCache.h).
#include "pike/Tuning/ApplyTuningDb.h"
#include "pike/Dialect/AttrNames.h"
#include "pike/Dialect/OpRegistry.h"
#include "pike/Codegen/Codegen.h"
#include "pike/Search/CheckerVerdictCache.h"
#include "pike/Search/TuningDb.h"
#include "pike/Tuning/SlotSearch.h"
#include "pike/Tuning/SlotSupport.h"
#ifdef PIKE_HAVE_CHECKER
#include "pike/Checker/Checker.h"
#endif

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cctype>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

using namespace mlir;
using namespace pike;

namespace {

/// `text` with every symbol prefix `pike_<from>` (not followed by an identifier
/// character: region_2 must not touch region_20's names) renamed to `pike_<to>`.
std::string renameSlotPrefix(const std::string &text, const std::string &from, const std::string &to) {
  const std::string a = "pike_" + from, b = "pike_" + to;
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = text.find(a, pos)) != std::string::npos; pos = hit + a.size()) {
    out.append(text, pos, hit - pos);
    char next = hit + a.size() < text.size() ? text[hit + a.size()] : '\0';
    bool identChar = std::isalnum(static_cast<unsigned char>(next));
    out += identChar ? a : b; // "pike_region_2_ew" renames; "pike_region_20" does not
  }
  out.append(text, pos, std::string::npos);
  return out;
}

/// The slot name a record's code was generated for (its provenance's region),
/// as the generator spells it in symbols; "" when absent or not an identifier.
std::string recordSlotName(const search::TuningRecord &r) {
  // The database is untrusted: any type may stand where a string is expected.
  if (!r.provenance.is_object() || !r.provenance.contains("region") || !r.provenance["region"].is_string())
    return "";
  std::string region = r.provenance["region"].get<std::string>();
  if (region.empty() || region.size() > 128)
    return "";
  for (char c : region)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      return "";
  return region;
}

/// pike's generator output for `kernel` when, given the record's knobs, it is
/// exactly the record's code: such a record holds nothing a third party wrote.
/// Symbols carry the slot's name, so a record searched for another slot of the
/// same function (a repeated block: `region_2`'s record applied to `region_6`,
/// named in its provenance) is compared with its slot prefix renamed; the
/// package then takes the generator's output for this slot, never the record's
/// text, so names stay unique in the package whatever the provenance says.
std::optional<search::CandidateCode> generatorReproduction(KernelOp kernel, const search::TuningRecord &r) {
  const search::CandidateCode &code = r.code;
  // The generator reports what it cannot handle as remarks; keep them quiet.
  ScopedDiagnosticHandler quiet(kernel.getContext(), [](Diagnostic &) { return success(); });
  FailureOr<codegen::GeneratedKernel> gen =
      codegen::tryGenerate(kernel, codegen::Knobs::fromJson(code.knobs));
  if (failed(gen) || gen->mode != code.mode)
    return std::nullopt;
  search::CandidateCode ours = code;
  ours.source = gen->source;
  ours.entry = gen->entry;
  ours.launches = gen->launches;
  auto same = [&](const search::CandidateCode &c) {
    return c.source == ours.source &&
           (code.mode == "nvrtc" ? c.launches == ours.launches : c.entry == ours.entry);
  };
  if (same(code))
    return ours;
  std::string from = recordSlotName(r), to;
  for (char c : kernel.getSymName())
    to += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  if (from.empty() || from == to)
    return std::nullopt;
  search::CandidateCode renamed = code;
  renamed.source = renameSlotPrefix(code.source, from, to);
  renamed.entry = renameSlotPrefix(code.entry, from, to);
  renamed.launches = nlohmann::json::parse(renameSlotPrefix(code.launches.dump(), from, to));
  if (same(renamed))
    return ours;
  return std::nullopt;
}

/// Why a record the database offers for this run's policy must still not be
/// used, or "": an fp32 record on a matrix-product slot in a relaxed run, its knobs ask for more than the policy allows (a record keyed
/// fp32 whose knobs want bf16 operands is forged or broken), or the worker
/// checked it with a looser tolerance than this run's.
std::string policyMismatch(const search::TuningRecord &r, const ApplyTuningDbOptions &options,
                           bool matrixProducts) {
  // A relaxed policy's package runs PyTorch's matrix products in TF32: an fp32
  // record's speed-up was measured against a reference without it, and says
  // nothing against this run's (convolutions use TF32 under every policy).
  if (matrixProducts && options.precision != Precision::FP32 && r.key.precision == "fp32")
    return std::string("it was measured under the fp32 policy against matrix products without TF32, "
                       "which PyTorch's run in TF32 under the ") +
           precisionName(options.precision) + " policy";
  codegen::Knobs knobs = codegen::Knobs::fromJson(r.code.knobs);
  if (!codegen::policyAllows(options.precision, knobs))
    return std::string("its knobs ask for ") +
           (knobs.halfOperands.empty() ? "TF32" : knobs.halfOperands + " operands") +
           ", which the " + precisionName(options.precision) + " precision policy does not allow";
  // Records from before tolerances were kept: the worker's default then.
  Tolerance checked = defaultTolerance(Precision::FP32);
  const nlohmann::json &prov = r.provenance;
  if (prov.contains("tolerance") && prov["tolerance"].is_object()) {
    const nlohmann::json &t = prov["tolerance"];
    if (!t.contains("atol") || !t["atol"].is_number() || !t.contains("rtol") || !t["rtol"].is_number())
      return "its provenance.tolerance is not {atol, rtol} numbers";
    checked = {t["atol"].get<double>(), t["rtol"].get<double>()};
  }
  if (checked.atol > options.tolerance.atol || checked.rtol > options.tolerance.rtol) {
    std::ostringstream why;
    why << "the worker checked it with atol " << checked.atol << ", rtol " << checked.rtol
        << ", looser than this run's atol " << options.tolerance.atol << ", rtol "
        << options.tolerance.rtol;
    return why.str();
  }
  return "";
}

/// Why an #include (or __has_include) of the source would make the checker
/// open a file outside the include paths, or "". The checker rejects such
/// includes too, but only after Clang has opened the file, and opening a FIFO
/// blocks forever; a computed include (a macro) could name anything.
std::string includeHazard(const std::string &source) {
  static const std::regex directive(R"(^[ \t]*#[ \t]*include(_next)?[ \t]*([<"]([^>"\n]*)[>"])?)");
  static const std::regex hasInclude(R"(__has_include(_next)?[ \t]*\([ \t]*[<"]([^>"\n]*)[>"])");
  auto outside = [](const std::string &path) {
    return path.empty() || path[0] == '/' || path.find("..") != std::string::npos || path[0] == '~';
  };
  std::istringstream lines(source);
  unsigned lineNo = 0;
  for (std::string line; std::getline(lines, line);) {
    ++lineNo;
    std::smatch m;
    if (std::regex_search(line, m, directive)) {
      if (!m[2].matched)
        return "line " + std::to_string(lineNo) + ": computed #include (a macro names the file)";
      if (outside(m[3].str()))
        return "line " + std::to_string(lineNo) + ": #include of '" + m[3].str().substr(0, 80) +
               "' (absolute or parent path)";
    }
    for (auto it = std::sregex_iterator(line.begin(), line.end(), hasInclude); it != std::sregex_iterator(); ++it)
      if (outside((*it)[2].str()))
        return "line " + std::to_string(lineNo) + ": __has_include of '" + (*it)[2].str().substr(0, 80) +
               "' (absolute or parent path)";
  }
  return "";
}

/// "" when the candidate checker accepts the record's source, else why not.
std::string checkerVerdict(const search::CandidateCode &code) {
  if (std::string hazard = includeHazard(code.source); !hazard.empty())
    return "include outside the toolkit and pike's ABI header, " + hazard;
#ifdef PIKE_HAVE_CHECKER
  checker::CheckOptions options;
  options.mode = code.mode;
  options.entrySymbol = code.entry;
  options.fileName = "record.cu";
  for (const auto &launch : code.launches)
    if (launch.contains("kernel") && launch["kernel"].is_string())
      options.kernels.push_back(launch["kernel"].get<std::string>());
  checker::CheckResult check = checker::checkCandidate(code.source, options);
  if (check.accepted)
    return "";
  std::string diags = checker::formatDiagnostics(check, options.fileName);
  size_t firstLine = diags.find('\n');
  std::string first = diags.substr(0, firstLine);
  if (check.diags.size() > 1)
    first += " (and " + std::to_string(check.diags.size() - 1) + " more)";
  return "rejected by the candidate checker: " + first;
#else
  (void)code;
  return "this pike-opt was built without the Clang candidate checker, so a record pike's "
         "generator does not reproduce cannot be checked (check=false trusts the database)";
#endif
}

std::string formatMs(double v) {
  std::ostringstream os;
  os.precision(4);
  os << v;
  return os.str();
}

/// Where the record says it was measured: provenance "gpu" (card) when the
/// search recorded it, and the key's arch.
std::string searchedOn(const search::TuningRecord &r) {
  std::string gpu;
  for (const char *field : {"gpu", "device", "card"})
    if (r.provenance.contains(field) && r.provenance[field].is_string())
      gpu = r.provenance[field].get<std::string>().substr(0, 80);
  return gpu.empty() ? r.key.arch + " (card not recorded)" : gpu + " (" + r.key.arch + ")";
}

/// What the report may say about correctness: a record is never re-run here.
std::string verification(const search::TuningRecord &r) {
  if (r.verifiedOn.is_object()) {
    auto field = [&](const char *k) {
      return r.verifiedOn.contains(k) && r.verifiedOn[k].is_string()
                 ? r.verifiedOn[k].get<std::string>().substr(0, 80)
                 : std::string("?");
    };
    return "not re-run by this build; pike-db verify found it correct on " + field("gpu") + " (" +
           field("arch") + ", " + field("host") + ", " + field("date") + ")";
  }
  return "not re-verified on this machine (times and correctness as recorded)";
}

/// references=DIR: <fp>.pt and <fp>.task.json, what `pike-db verify` needs to
/// re-run this slot's records through a worker.
LogicalResult writeReference(ModuleOp module, KernelOp kernel, const std::string &references) {
  FailureOr<search::TaskSpec> task = makeTaskSpec(module, kernel, references);
  if (failed(task))
    return failure();
  nlohmann::json doc = {{"region", kernel.getSymName().str()},
                        {"fingerprint", task->fingerprint},
                        {"signature", task->signature},
                        {"reference", task->fingerprint + ".pt"}};
  llvm::SmallString<256> path(references);
  llvm::sys::path::append(path, task->fingerprint + ".task.json");
  std::ofstream out{std::string(path)};
  out << doc.dump(1) << "\n";
  if (!out)
    return kernel.emitError() << "cannot write '" << path << "'";
  return success();
}

} // namespace

LogicalResult pike::applyTuningDb(ModuleOp module, const ApplyTuningDbOptions &options) {
  const std::string &db = options.db;
  if (db.empty() || !llvm::sys::fs::exists(db)) {
    module.emitError() << "tuning database '" << db << "' does not exist";
    return failure();
  }
  if (llvm::sys::fs::is_directory(db)) {
    module.emitError() << "tuning database '" << db << "' is a directory";
    return failure();
  }
  std::optional<search::TuningDb> database;
  try {
    database.emplace(db);
  } catch (const std::exception &e) {
    module.emitError() << "cannot read tuning database '" << db << "': " << e.what();
    return failure();
  }
  // A line that is not a record at all means the file was damaged or forged:
  // the package would silently depend on which lines survived.
  if (!database->damagedLines().empty()) {
    InFlightDiagnostic diag = module.emitError()
                              << "tuning database is damaged: " << database->damagedLines().front();
    if (database->damagedLines().size() > 1)
      diag << " (and " << database->damagedLines().size() - 1 << " more damaged lines)";
    return failure();
  }
  for (const std::string &w : database->warnings())
    module.emitWarning() << w;
  search::TuningEnv env = tuningEnv(options.arch);
  if (!options.toolkit.empty())
    env.toolkit = options.toolkit;
  if (!options.torchVersion.empty())
    env.torch = options.torchVersion;
  std::optional<search::CheckerVerdictCache> verdicts;
  Builder b(module.getContext());
  unsigned applied = 0;
  for (KernelOp kernel : module.getOps<KernelOp>()) {
    if (kernel.getImpl() != "reference")
      continue;
    if (!options.onlySlots.empty() && !options.onlySlots.count(kernel.getSymName().str()))
      continue;
    if (!options.references.empty() &&
        failed(writeReference(module, kernel, options.references)))
      return failure();
    search::TuningKey key{slotFingerprint(kernel), env.arch, env.toolkit, env.torch,
                          precisionName(options.precision)};
    // The policy's own record or a stricter policy's, checked with a tolerance
    // no looser than this run's, its knobs within the policy.
    std::optional<search::TuningRecord> record;
    std::string policyRefusal;
    const bool matrixProducts = computesMatrixProduct(kernel);
    for (search::TuningRecord &r : database->lookupAllowed(key)) {
      std::string why = policyMismatch(r, options, matrixProducts);
      if (why.empty()) {
        record = std::move(r);
        break;
      }
      if (policyRefusal.empty())
        policyRefusal = "tuning record " + r.key.toString() + " not used: " + why;
    }
    if (!record) {
      std::optional<std::string> rejected = database->rejection(key);
      std::string why = !policyRefusal.empty() ? policyRefusal
                        : rejected ? "tuning record " + key.toString() + " rejected: " + *rejected
                                   : "no tuning record for " + key.toString();
      kernel->setAttr(pike::kFallbackReasonAttr, b.getStringAttr(why));
      if (options.require) {
        kernel.emitError() << why;
        return failure();
      }
      continue;
    }
    // require=true: a refused record is an error, like a missing one.
    key = record->key; // the record used (a stricter policy's, maybe)
    auto refuse = [&](const std::string &why) {
      std::string text = "tuning record " + key.toString() + " not used: " + why;
      if (options.require)
        kernel.emitError() << text;
      else
        kernel.emitWarning() << text;
      kernel->setAttr(pike::kFallbackReasonAttr, b.getStringAttr(text));
    };
    FailureOr<nlohmann::json> signature = slotSignature(kernel);
    if (failed(signature))
      return failure();
    if (std::string why = search::checkRecordSignature(*record, *signature); !why.empty()) {
      refuse(why);
      if (options.require)
        return failure();
      continue;
    }
    if (record->speedup < options.minSpeedup) {
      std::ostringstream why;
      why.precision(3);
      why << "tuning record ran at " << record->speedup << "x of the reference (needs "
          << options.minSpeedup << "x)";
      kernel->setAttr(pike::kFallbackReasonAttr, b.getStringAttr(why.str()));
      continue;
    }
    std::string sourceCheck;
    if (std::optional<search::CandidateCode> ours = generatorReproduction(kernel, *record)) {
      sourceCheck = ours->source == record->code.source
                        ? "source byte-identical to pike's generator output for its knobs"
                        : "source identical to pike's generator output for its knobs, but for the slot "
                          "name it was searched under (" + recordSlotName(*record) + ")";
      record->code = std::move(*ours);
    } else if (options.check) {
      std::string digest = search::CheckerVerdictCache::codeDigest(record->code);
      if (!verdicts) // only now: the key file is created on first use
        verdicts.emplace(db + ".checker-verdicts");
      std::optional<search::CheckerVerdict> verdict = verdicts->lookup(digest);
      if (!verdict) {
        std::string why = checkerVerdict(record->code);
        verdict = search::CheckerVerdict{why.empty(), why};
#ifdef PIKE_HAVE_CHECKER
        verdicts->store(digest, *verdict); // "no checker in this build" is not a verdict
#endif
      }
      if (!verdict->accepted) {
        refuse(verdict->why);
        if (options.require)
          return failure();
        continue;
      }
      sourceCheck = "source passed the candidate checker";
    } else {
      sourceCheck = "source NOT checked (check=false)";
    }
    applyCandidate(kernel, record->code);
    kernel->setAttr(pike::kSpeedupAttr, b.getF64FloatAttr(record->speedup));
    kernel->setAttr(pike::kKernelMsAttr, b.getF64FloatAttr(record->candidateMs));
    kernel->setAttr(pike::kReferenceMsAttr, b.getF64FloatAttr(record->referenceMs));
    // Provenance for the package report. The times are the record's claim:
    // nothing here ran the kernel.
    kernel->setAttr(pike::kOriginAttr, b.getStringAttr("tuning database " + db));
    kernel->setAttr(pike::kDbRecordAttr, b.getStringAttr(key.toString()));
    kernel->setAttr(pike::kDbSearchedOnAttr, b.getStringAttr(searchedOn(*record)));
    kernel->setAttr(pike::kDbClaimAttr, b.getStringAttr(formatMs(record->candidateMs) + " ms, " +
                                                      formatMs(record->speedup) + "x of " +
                                                      formatMs(record->referenceMs) + " ms"));
    kernel->setAttr(pike::kDbSourceCheckAttr, b.getStringAttr(sourceCheck));
    kernel->setAttr(pike::kVerificationAttr, b.getStringAttr(verification(*record)));
    // The search's measurements, as the record keeps them (not re-measured here).
    const nlohmann::json &prov = record->provenance;
    if (prov.contains("tolerance") && prov["tolerance"].is_object()) {
      std::ostringstream tol;
      tol << "atol " << prov["tolerance"].value("atol", 0.0) << ", rtol "
          << prov["tolerance"].value("rtol", 0.0);
      kernel->setAttr(pike::kToleranceAttr, b.getStringAttr(tol.str()));
    }
    // One error per output of this slot, or none (the record is untrusted input).
    const nlohmann::json errorList = prov.value("maxAbsErrPerOutput", nlohmann::json());
    if (errorList.is_array() && errorList.size() == kernel.getFunctionType().getNumResults())
      if (ArrayAttr errors = maxAbsErrPerOutput(b, nlohmann::json{{"max_abs_err_per_output", errorList}}))
        kernel->setAttr(pike::kMaxAbsErrAttr, errors);
    ++applied;
  }
  module->setAttr(pike::kTuningDbAppliedAttr, b.getI64IntegerAttr(applied));
  return success();
}
