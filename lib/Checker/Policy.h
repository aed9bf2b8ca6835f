// Name tables of the checker's rules (docs/checker.md explains each entry).
// Kept apart from the AST walk so that the allow-list reads as one list.
#ifndef PIKE_LIB_CHECKER_POLICY_H
#define PIKE_LIB_CHECKER_POLICY_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace pike::checker::policy {

// Header paths (as written in #include) that pull in torch, ATen, c10, pybind.
bool isForbiddenInclude(llvm::StringRef spelled);

// Functions that read a clock, on host or device (clock64, std::chrono is
// matched by namespace elsewhere). Checked before every other call rule.
bool isTimingFunction(llvm::StringRef name);

// The CUDA runtime subset a host entry may call.
bool isAllowedCudaRuntime(llvm::StringRef name);

// Waiting for or polling the stream from the host: cudaStreamSynchronize,
// cudaEventSynchronize, cudaStreamQuery, cudaEventQuery (CheckOptions::allowStreamSync).
bool isHostSynchronisation(llvm::StringRef name);

// A CUDA runtime call that is rejected with a rule other than host-call or a
// message of its own; fills rule and message. False for names not listed.
bool explainDeniedCudaRuntime(llvm::StringRef name, std::string &rule, std::string &message);

// Like explainDeniedCudaRuntime, for cuBLAS/cuDNN functions that are rejected
// although their prefix is allowed.
bool explainDeniedLibraryCall(llvm::StringRef name, std::string &rule, std::string &message);

// cuBLAS, cuBLASLt, cuDNN (host API, by prefix).
bool isAllowedLibraryCall(llvm::StringRef name);

// C and C++ math functions (sqrt, expf, fmaxf, ...), usable under any qualifier.
bool isMathFunction(llvm::StringRef name);

// Free functions of namespace std other than math that host code may call.
bool isAllowedStdFunction(llvm::StringRef name);

// std classes whose constructors and members host code may use.
bool isAllowedStdClass(llvm::StringRef name);

// C library functions other than math (memcpy, assert's helper).
bool isAllowedCFunction(llvm::StringRef name);

// Why a well-known forbidden host function is forbidden ("" if not known).
std::string denyReason(llvm::StringRef name);

} // namespace pike::checker::policy

#endif
