#include "ParseRule.h"

#include "clang/Basic/DiagnosticParse.h"
#include "clang/Basic/DiagnosticSema.h"
#include "clang/Basic/SourceManager.h"

#include <cstring>

namespace pike::checker {

using namespace clang;

namespace {
// Clang errors on code that nvcc, which compiles the candidate, accepts. Rejecting
// for them would send a correct candidate back to the fix agent.
bool nvccAccepts(const clang::Diagnostic &info) {
  // `__shared__ cuda::barrier<...> bar;` (nvcc: warning static_var_with_dynamic_init).
  if (info.getID() == diag::err_shared_var_init)
    return true;
  // `__shared__ alignas(16) float tile[N];`: Clang wants alignas first.
  if (info.getID() == diag::err_attributes_not_allowed && info.hasSourceManager() &&
      info.getLocation().isValid()) {
    const SourceManager &sm = info.getSourceManager();
    bool invalid = false;
    const char *p = sm.getCharacterData(sm.getSpellingLoc(info.getLocation()), &invalid);
    return !invalid && std::strncmp(p, "alignas", 7) == 0;
  }
  return false;
}
} // namespace

void ParseDiagConsumer::HandleDiagnostic(DiagnosticsEngine::Level level,
                                         const clang::Diagnostic &info) {
  DiagnosticConsumer::HandleDiagnostic(level, info);
  if (level < DiagnosticsEngine::Error || nvccAccepts(info))
    return;
  SmallString<256> text;
  info.FormatDiagnostic(text);
  unsigned line = 0, col = 0;
  std::string file;
  std::string message(text.str());
  if (info.hasSourceManager() && info.getLocation().isValid()) {
    const SourceManager &sm = info.getSourceManager();
    SourceLocation loc = sm.getFileLoc(info.getLocation());
    PresumedLoc p = sm.getPresumedLoc(loc);
    if (p.isValid()) {
      line = p.getLine();
      col = p.getColumn();
      if (!sm.isInMainFile(loc)) {
        // An error inside a header is almost always caused by the candidate
        // (a macro, a missing include order): point at the candidate's
        // #include that leads there.
        SourceLocation inc = loc;
        while (inc.isValid() && !sm.isInMainFile(inc))
          inc = sm.getIncludeLoc(sm.getFileID(inc));
        PresumedLoc ip = inc.isValid() ? sm.getPresumedLoc(inc) : PresumedLoc();
        if (ip.isValid()) {
          message = "in included file " + std::string(p.getFilename()) + ":" +
                    std::to_string(p.getLine()) + ": " + message;
          line = ip.getLine();
          col = ip.getColumn();
        } else {
          file = p.getFilename();
        }
      }
    }
  }
  report.add(kRuleParse, message, line, col, file);
}

} // namespace pike::checker
