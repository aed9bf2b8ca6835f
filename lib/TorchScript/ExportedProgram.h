// torch.export archives (.pt2) as TorchScript modules, read in C++ with no
// Python: the importer then treats them like any TorchScript input. Internal to
// PikeTorchScript (the one compiler-side library that sees LibTorch).
#ifndef PIKE_LIB_TORCHSCRIPT_EXPORTEDPROGRAM_H
#define PIKE_LIB_TORCHSCRIPT_EXPORTEDPROGRAM_H

#include "pike/TorchScript/InputSpec.h"
#include "pike/TorchScript/TorchScriptImporter.h"

#include <torch/script.h>

#include <string>

namespace pike {

/// Reads the ExportedProgram saved by torch.export.save at `path` and builds a
/// TorchScript module with the same forward(): parameters, buffers and lifted
/// constants become buffers, each graph node one aten call (keyword arguments,
/// by schema name), each node's source range the user's Python line from the
/// node's stack trace. `spec` receives the program's user inputs (names,
/// concrete shapes, dtypes). Throws std::runtime_error naming the cause.
torch::jit::Module loadExportedProgram(const std::string &path, InputSpec &spec);

/// The TorchScript source of forward() that loadExportedProgram compiles
/// (for --emit=torchscript-graph debugging and tests).
std::string exportedProgramSource(const std::string &path);

} // namespace pike

#endif
