#include "FrontEnd.h"
#include "CommandLine.h"

#include "pike/TorchScript/TorchScriptImporter.h"
#include "pike/Support/MlirInputBounds.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

#include <fstream>

namespace cl = llvm::cl;
using namespace mlir;

namespace pike::tools {
namespace {

cl::opt<std::string> inputSpecOpt(
    "input-spec", cl::desc("Input shapes for a .pt model: a JSON file or e.g. 1x3x32x32xf32,8xi64"),
    cl::init(""), cl::cat(compileCategory()));
cl::opt<uint64_t> maxInputBytesOpt(
    "max-input-bytes", cl::desc("Refuse a .mlir input larger than this (bytes)"),
    cl::init(pike::kDefaultMaxMlirInputBytes), cl::cat(compileCategory()));
cl::opt<unsigned> maxNestingOpt(
    "max-nesting", cl::desc("Refuse a .mlir input nested deeper than this (brackets, braces, regions)"),
    cl::init(pike::kDefaultMaxMlirNesting), cl::cat(compileCategory()));
cl::opt<std::string> weightsFileOpt(
    "weights-file",
    cl::desc("Where imported weights go (default: <model>.weights.safetensors beside the model)"),
    cl::init(""), cl::cat(compileCategory()));

bool isTorchScriptFile(llvm::StringRef path) {
  if (path == "-")
    return false;
  if (path.ends_with(".pt") || path.ends_with(".pth") || path.ends_with(".torchscript"))
    return true;
  std::ifstream in(path.str(), std::ios::binary);
  char magic[4] = {0, 0, 0, 0};
  in.read(magic, 4);
  return magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

std::nullptr_t fail(const llvm::Twine &message) {
  llvm::errs() << "error: " << message << "\n";
  return nullptr;
}

} // namespace

std::unique_ptr<llvm::MemoryBuffer> loadInput(MLIRContext &context, const std::string &inputFilename) {
  std::string error;
  if (!isTorchScriptFile(inputFilename)) {
    std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(inputFilename, &error);
    if (!buffer) {
      llvm::errs() << error << "\n";
      return nullptr;
    }
    // MLIR's parser recurses per nesting level; refuse what would overflow the stack.
    if (!pike::checkMlirInputBounds(*buffer, maxInputBytesOpt, maxNestingOpt, error)) {
      llvm::errs() << error << "\n";
      return nullptr;
    }
    return buffer;
  }
  // A torch.export archive records its input shapes; TorchScript does not.
  if (inputSpecOpt.empty() && !pike::isExportedProgramPath(inputFilename))
    return fail("'" + inputFilename +
                "' is a TorchScript model: pass --input-spec (JSON file or e.g. 1x3x32x32xf32)");
  pike::ImportOptions options;
  if (!inputSpecOpt.empty() && !pike::InputSpec::parse(inputSpecOpt, options.inputSpec, error))
    return fail("bad --input-spec: " + error);
  options.weightsFile = weightsFileOpt;
  if (options.weightsFile.empty()) {
    llvm::SmallString<256> p(inputFilename);
    llvm::sys::path::replace_extension(p, "weights.safetensors");
    options.weightsFile = std::string(p);
  }
  OwningOpRef<ModuleOp> module = pike::importTorchScript(context, inputFilename, options);
  if (!module)
    return nullptr;
  std::string text;
  llvm::raw_string_ostream os(text);
  // With locations: passes after the import point at the model's Python lines.
  module->print(os, OpPrintingFlags().enableDebugInfo(true));
  os.flush();
  return llvm::MemoryBuffer::getMemBufferCopy(text, inputFilename);
}

int writeTorchScriptGraph(MLIRContext &context, const std::string &inputFilename,
                          const std::string &outputFilename) {
  std::string graph;
  if (!pike::dumpTorchScriptGraph(context, inputFilename, graph))
    return 1;
  std::string error;
  auto out = openOutputFile(outputFilename, &error);
  if (!out) {
    llvm::errs() << error << "\n";
    return 1;
  }
  out->os() << graph;
  out->keep();
  return 0;
}

} // namespace pike::tools
