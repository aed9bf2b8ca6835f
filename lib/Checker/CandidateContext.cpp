#include "CandidateContext.h"

#include "AstQueries.h"

#include "clang/Basic/FileManager.h"
#include "clang/AST/Expr.h"
#include "clang/Lex/Lexer.h"

namespace pike::checker {

using namespace clang;

void CandidateContext::diag(const char *rule, SourceLocation loc, std::string message) {
  SourceLocation fl = sm.getFileLoc(loc);
  PresumedLoc p = sm.getPresumedLoc(fl);
  report.add(rule, std::move(message), p.isValid() ? p.getLine() : 0,
             p.isValid() ? p.getColumn() : 0);
}

std::string CandidateContext::text(const Expr *e) const {
  StringRef s = Lexer::getSourceText(CharSourceRange::getTokenRange(e->getSourceRange()), sm,
                                     ctx.getLangOpts());
  return s.empty() ? std::string("<expr>") : s.str();
}

std::string CandidateContext::entryStreamName() const {
  if (entry && entry->getParamDecl(4)->getIdentifier())
    return entry->getParamDecl(4)->getName().str();
  return "stream";
}

bool CandidateContext::definedInCandidate(const FunctionDecl *fd) const {
  const FunctionDecl *def = nullptr;
  if (!fd->isDefined(def))
    return false;
  if (const FunctionDecl *pattern = def->getTemplateInstantiationPattern())
    def = pattern;
  return inMain(def->getLocation());
}

bool CandidateContext::declaredInCandidateOnly(const FunctionDecl *fd) const {
  // Builtins (__syncthreads in a host-side parse) are declared implicitly at
  // their first use.
  if (fd->getBuiltinID() || fd->isImplicit())
    return false;
  for (const FunctionDecl *r : fd->redecls())
    if (!inMain(r->getLocation()))
      return false;
  return true;
}

bool CandidateContext::inStd(const Decl *d) const {
  const NamespaceDecl *ns = outermostNamespace(d->getDeclContext());
  return ns && (ns->getName() == "std" || ns->getName() == "__gnu_cxx");
}

bool CandidateContext::onlyInCudaHeaders(const FunctionDecl *fd) const {
  for (const FunctionDecl *r : fd->redecls())
    if (!fromCudaHeader(r))
      return false;
  return true;
}

// CUDA toolkit headers and Clang's CUDA wrappers.
bool CandidateContext::fromCudaHeader(const Decl *d) const {
  SourceLocation loc = sm.getFileLoc(d->getLocation());
  if (loc.isInvalid())
    return false;
  OptionalFileEntryRef fe = sm.getFileEntryRefForID(sm.getFileID(loc));
  if (!fe)
    return false;
  StringRef real = fe->getFileEntry().tryGetRealPathName();
  std::string path = real.empty() ? fe->getName().str() : real.str();
  return (!cudaRoot.empty() && StringRef(path).starts_with(cudaRoot)) ||
         StringRef(path).contains("/__clang_cuda_") ||
         StringRef(path).starts_with(kVirtualRoot);
}

} // namespace pike::checker
