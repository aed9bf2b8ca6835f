#include "AstQueries.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"

namespace pike::checker {

using namespace clang;

bool isStreamType(QualType t) {
  t = t.getCanonicalType();
  if (!t->isPointerType())
    return false;
  const auto *rd = t->getPointeeType()->getAsRecordDecl();
  return rd && rd->getName() == "CUstream_st";
}

bool isLibraryHandleType(QualType t) {
  t = t.getCanonicalType();
  if (!t->isPointerType())
    return false;
  const auto *rd = t->getPointeeType()->getAsRecordDecl();
  if (!rd)
    return false;
  StringRef n = rd->getName();
  return n == "cublasContext" || n == "cublasLtContext" || n == "cudnnContext";
}

const RecordDecl *pointeeRecord(QualType t, bool &isConst) {
  t = t.getCanonicalType();
  if (!t->isPointerType())
    return nullptr;
  QualType p = t->getPointeeType();
  isConst = p.isConstQualified();
  return p->getAsRecordDecl();
}

bool isTensorRefRecord(const RecordDecl *rd) {
  if (!rd)
    return false;
  if (rd->getName() == "PikeTensorRef")
    return true;
  const TypedefNameDecl *td = rd->getTypedefNameForAnonDecl();
  return td && td->getName() == "PikeTensorRef";
}

namespace {
bool isInt32(const ASTContext &ctx, QualType t) {
  t = t.getCanonicalType();
  return t->isIntegerType() && !t->isBooleanType() && t->isSignedIntegerType() &&
         ctx.getTypeSize(t) == 32;
}
} // namespace

bool hasEntrySignature(const ASTContext &ctx, const FunctionDecl *fd) {
  if (fd->getNumParams() != 5 || !isInt32(ctx, fd->getReturnType()))
    return false;
  bool c0 = false, c2 = false;
  const RecordDecl *r0 = pointeeRecord(fd->getParamDecl(0)->getType(), c0);
  const RecordDecl *r2 = pointeeRecord(fd->getParamDecl(2)->getType(), c2);
  return isTensorRefRecord(r0) && c0 && isTensorRefRecord(r2) && !c2 &&
         isInt32(ctx, fd->getParamDecl(1)->getType()) &&
         isInt32(ctx, fd->getParamDecl(3)->getType()) &&
         isStreamType(fd->getParamDecl(4)->getType());
}

bool isDeviceOnly(const FunctionDecl *fd) {
  return fd && (fd->hasAttr<CUDADeviceAttr>() || fd->hasAttr<CUDAGlobalAttr>()) &&
         !fd->hasAttr<CUDAHostAttr>();
}

bool inNamespaceNamed(const DeclContext *dc, StringRef name) {
  for (; dc; dc = dc->getParent())
    if (const auto *ns = dyn_cast<NamespaceDecl>(dc))
      if (ns->getName() == name)
        return true;
  return false;
}

const NamespaceDecl *outermostNamespace(const DeclContext *dc) {
  const NamespaceDecl *out = nullptr;
  for (; dc; dc = dc->getParent())
    if (const auto *ns = dyn_cast<NamespaceDecl>(dc))
      if (!ns->isInline())
        out = ns;
  return out;
}

const RecordDecl *enclosingRecord(const Decl *d) {
  return dyn_cast_or_null<RecordDecl>(d->getDeclContext());
}

bool atGlobalScope(const Decl *d) {
  return d->getDeclContext()->getRedeclContext()->isTranslationUnit();
}

} // namespace pike::checker
