// The AST walk of a candidate: visits the candidate's own declarations once and
// hands each node to the rule families that judge it (host-call, timing,
// static-state, stream; references to the entry rule).
#ifndef PIKE_LIB_CHECKER_CANDIDATEVISITOR_H
#define PIKE_LIB_CHECKER_CANDIDATEVISITOR_H

#include "CandidateContext.h"
#include "EntryRule.h"

namespace pike::checker {

/// Walks the candidate's top-level declarations (after EntryRule::findEntries;
/// `entry.entry()` names the stream parameter in messages) and reports into `report`.
void walkCandidate(clang::ASTContext &ctx, Report &report, const CheckOptions &opts,
                   const std::string &cudaRoot, EntryRule &entry);

} // namespace pike::checker

#endif
