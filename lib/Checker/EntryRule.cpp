#include "EntryRule.h"

#include "AstQueries.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/Rewrite/Core/Rewriter.h"

#include <algorithm>

namespace pike::checker {

using namespace clang;

namespace {
// The declarations at the top level of the candidate; extern "C" { ... } blocks
// hold theirs one level down.
std::vector<Decl *> topLevelDecls(Decl *d) {
  std::vector<Decl *> ds{d};
  if (auto *ls = dyn_cast<LinkageSpecDecl>(d))
    ds.assign(ls->decls_begin(), ls->decls_end());
  return ds;
}
} // namespace

void EntryRule::findEntries() {
  for (Decl *d : ctx.getTranslationUnitDecl()->decls()) {
    for (Decl *x : topLevelDecls(d)) {
      if (!sm.isInMainFile(sm.getFileLoc(x->getLocation())))
        continue;
      auto *fd = dyn_cast<FunctionDecl>(x);
      if (fd && fd->isThisDeclarationADefinition() && hasEntrySignature(ctx, fd))
        (fd->isExternC() ? entries : cppLinkage).push_back(fd);
      else if (auto *nd = dyn_cast<NamedDecl>(x);
               nd && nd->getIdentifier() && nd->getName() == opts.entrySymbol &&
               !(fd && !fd->isThisDeclarationADefinition()))
        symbolClash.push_back(nd);
    }
  }
}

void EntryRule::noteReference(const DeclRefExpr *dre) {
  if (auto *fd = dyn_cast<FunctionDecl>(dre->getDecl()))
    fnRefs[fd->getCanonicalDecl()].push_back(dre->getLocation());
}

bool EntryRule::checkEntry(bool parseFailed, std::string &rewritten) {
  auto where = [&](const Decl *d) {
    PresumedLoc p = sm.getPresumedLoc(sm.getFileLoc(d->getLocation()));
    return std::pair<unsigned, unsigned>(p.getLine(), p.getColumn());
  };
  auto add = [&](const Decl *d, std::string msg) {
    auto [l, c] = d ? where(d) : std::pair<unsigned, unsigned>(0, 0);
    report.add(kRuleEntry, std::move(msg), l, c);
  };
  const std::string sig = "extern \"C\" int " + opts.entrySymbol +
                          "(const PikeTensorRef *inputs, int32_t num_inputs, PikeTensorRef "
                          "*outputs, int32_t num_outputs, cudaStream_t stream)";
  if (entries.empty()) {
    if (!cppLinkage.empty())
      add(cppLinkage.front(), "'" + cppLinkage.front()->getNameAsString() +
                                  "' has the entry signature but C++ linkage; declare it "
                                  "extern \"C\"");
    else if (!parseFailed)
      add(nullptr, "no entry point: define " + sig);
    return false;
  }
  if (entries.size() > 1) {
    std::string names;
    for (FunctionDecl *fd : entries)
      names += (names.empty() ? "'" : ", '") + fd->getNameAsString() + "' (line " +
               std::to_string(where(fd).first) + ")";
    add(entries[1], "several functions have the entry signature: " + names +
                        "; keep exactly one");
    return false;
  }
  FunctionDecl *fd = entries.front();
  if (!checkTensorRefLayout(fd))
    return false;
  if (fd->getName() == opts.entrySymbol)
    return true;
  for (NamedDecl *nd : symbolClash)
    if (nd != fd) {
      add(nd, "'" + opts.entrySymbol + "' names something other than the entry point '" +
                  fd->getNameAsString() + "'; rename it");
      return false;
    }
  // Rename every declaration and reference of the entry to the ABI symbol.
  Rewriter rw(sm, ctx.getLangOpts());
  std::vector<SourceLocation> locs;
  for (FunctionDecl *r : fd->redecls())
    locs.push_back(r->getLocation());
  auto refs = fnRefs.find(fd->getCanonicalDecl());
  if (refs != fnRefs.end())
    locs.insert(locs.end(), refs->second.begin(), refs->second.end());
  unsigned len = fd->getName().size();
  for (SourceLocation loc : locs) {
    if (loc.isMacroID() || !sm.isInMainFile(loc)) {
      add(fd, "the entry's name '" + fd->getNameAsString() +
                  "' comes from a macro; write it out so it can be renamed to '" +
                  opts.entrySymbol + "'");
      return false;
    }
  }
  std::sort(locs.begin(), locs.end(), [](SourceLocation a, SourceLocation b) {
    return a.getRawEncoding() < b.getRawEncoding();
  });
  locs.erase(std::unique(locs.begin(), locs.end()), locs.end());
  for (SourceLocation loc : locs)
    rw.ReplaceText(loc, len, opts.entrySymbol);
  if (const RewriteBuffer *buf = rw.getRewriteBufferFor(sm.getMainFileID()))
    rewritten = std::string(buf->begin(), buf->end());
  return true;
}

bool EntryRule::checkNvrtcKernels() {
  std::map<std::string, const FunctionDecl *> kernels, mangled;
  for (Decl *d : ctx.getTranslationUnitDecl()->decls()) {
    for (Decl *x : topLevelDecls(d)) {
      auto *fd = dyn_cast<FunctionDecl>(x);
      if (!fd || !fd->hasAttr<CUDAGlobalAttr>() || !fd->isThisDeclarationADefinition() ||
          !sm.isInMainFile(sm.getFileLoc(fd->getLocation())))
        continue;
      (fd->isExternC() ? kernels : mangled)[fd->getNameAsString()] = fd;
    }
  }
  bool parseFailed = ctx.getDiagnostics().hasErrorOccurred();
  auto at = [&](const FunctionDecl *fd, std::string msg) {
    PresumedLoc p = fd ? sm.getPresumedLoc(sm.getFileLoc(fd->getLocation())) : PresumedLoc();
    report.add(kRuleEntry, std::move(msg), p.isValid() ? p.getLine() : 0,
               p.isValid() ? p.getColumn() : 0);
  };
  bool ok = true;
  for (const std::string &k : opts.kernels) {
    if (kernels.count(k))
      continue;
    ok = false;
    if (mangled.count(k))
      at(mangled[k], "kernel '" + k + "' has C++ linkage; declare it extern \"C\" __global__ "
                     "so pike can find it by name");
    else if (!parseFailed)
      at(nullptr, "the launch list names kernel '" + k + "' but the source defines no "
                  "extern \"C\" __global__ function '" + k + "'");
  }
  if (opts.kernels.empty() && kernels.empty()) {
    ok = false;
    if (!parseFailed)
      at(mangled.empty() ? nullptr : mangled.begin()->second,
         "an NVRTC candidate must define its kernels as extern \"C\" __global__ functions");
  }
  return ok;
}

// A PikeTensorRef of the candidate's own must match KernelABI.h field by field.
bool EntryRule::checkTensorRefLayout(const FunctionDecl *fd) {
  bool isConst = false;
  const RecordDecl *rd = pointeeRecord(fd->getParamDecl(0)->getType(), isConst);
  if (!rd || !rd->getDefinition())
    return true; // an incomplete type is never dereferenced by the candidate
  rd = rd->getDefinition();
  std::vector<std::pair<std::string, uint64_t>> fields;
  for (const FieldDecl *f : rd->fields())
    fields.push_back({f->getNameAsString(), ctx.getTypeSize(f->getType())});
  std::vector<std::pair<std::string, uint64_t>> want = {
      {"data", 64}, {"dtype", 32}, {"ndim", 32}, {"sizes", 64 * 8}};
  if (fields == want)
    return true;
  PresumedLoc p = sm.getPresumedLoc(sm.getFileLoc(rd->getLocation()));
  report.add(kRuleEntry,
             "PikeTensorRef differs from pike/Runtime/KernelABI.h (fields data, dtype, ndim, "
             "sizes[8]); #include \"pike/Runtime/KernelABI.h\" instead of redefining it",
             p.isValid() && sm.isInMainFile(sm.getFileLoc(rd->getLocation())) ? p.getLine() : 0,
             p.isValid() ? p.getColumn() : 0);
  return false;
}

} // namespace pike::checker
