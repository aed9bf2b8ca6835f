// Questions about types and declarations that several checker rules ask.
#ifndef PIKE_LIB_CHECKER_ASTQUERIES_H
#define PIKE_LIB_CHECKER_ASTQUERIES_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "llvm/ADT/StringRef.h"

namespace pike::checker {

/// cudaStream_t (a pointer to CUstream_st).
bool isStreamType(clang::QualType t);
/// cublasHandle_t, cublasLtHandle_t, cudnnHandle_t: opaque library handles whose
/// creation is expensive; caching one in a static does not cache results.
bool isLibraryHandleType(clang::QualType t);
/// The record a pointer type points to (null otherwise); `isConst` says whether
/// the pointee is const.
const clang::RecordDecl *pointeeRecord(clang::QualType t, bool &isConst);
/// PikeTensorRef, by name or as the typedef of an anonymous struct.
bool isTensorRefRecord(const clang::RecordDecl *rd);
/// int NAME(const PikeTensorRef*, int32_t, PikeTensorRef*, int32_t, cudaStream_t)
bool hasEntrySignature(const clang::ASTContext &ctx, const clang::FunctionDecl *fd);
/// __device__ or __global__ and not also __host__.
bool isDeviceOnly(const clang::FunctionDecl *fd);
/// True if some enclosing namespace of `dc` is called `name`.
bool inNamespaceNamed(const clang::DeclContext *dc, llvm::StringRef name);
const clang::NamespaceDecl *outermostNamespace(const clang::DeclContext *dc);
/// The class `d` is a member of, if any.
const clang::RecordDecl *enclosingRecord(const clang::Decl *d);
bool atGlobalScope(const clang::Decl *d);

} // namespace pike::checker

#endif
