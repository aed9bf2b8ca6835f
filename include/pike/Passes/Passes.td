#ifndef PIKE_PASSES_TD
#define PIKE_PASSES_TD

include "mlir/Pass/PassBase.td"

def PikeFuse : Pass<"pike-fuse", "mlir::func::FuncOp"> {
  let summary = "Group ops into fusion regions (epilogues, elementwise chains, norm/softmax/attention patterns)";
  let description = [{
    Greedy producer-consumer fusion. A contraction (linear/matmul/conv), a
    normalization, a softmax, a reduction or an elementwise op seeds a group;
    single-use elementwise consumers join it as an epilogue; an elementwise
    chain may end in a softmax or reduction, and an elementwise DAG whose only
    outside user is one reduction becomes that reduction's prologue (the
    reduction's elementwise epilogue chain following it); matmul -> scale/mask -> softmax ->
    matmul becomes an attention group. Views and data movement stay outside,
    except an aten::cat whose only users are in an elementwise or inference
    batch-norm group: it joins as a prologue the generated kernel reads in place;
    and a view that only feeds pointwise ops of an elementwise group and whose
    result torch would have to copy for the slot's contiguous C ABI (a chunk, a
    slice along an inner dim) joins that group and is read through
    (docs/codegen.md, "Views read through").
  }];
  let options = [
    Option<"maxOps", "max-ops", "unsigned", /*default=*/"16",
           "Most ops one group may hold">,
    Option<"fuseEpilogues", "epilogues", "bool", /*default=*/"true",
           "Fuse elementwise consumers into contractions and normalizations">,
    Option<"fuseAttention", "attention", "bool", /*default=*/"true",
           "Recognise matmul-softmax-matmul attention groups">,
    Option<"fuseViews", "views", "bool", /*default=*/"true",
           "Read non-contiguous views (chunk, slice, select, ...) inside the elementwise group they feed">,
    Option<"singles", "singles", "bool", /*default=*/"true",
           "Wrap compute ops that join no group into single-op groups">
  ];
  let dependentDialects = ["pike::PikeDialect"];
}

def PikeOutline : Pass<"pike-outline", "mlir::ModuleOp"> {
  let summary = "Outline each fusion group into a pike.kernel slot with the C ABI and call it";
  let options = [
    Option<"prefix", "prefix", "std::string", /*default=*/"\"region_\"",
           "Symbol prefix of the kernel slots">
  ];
  let dependentDialects = ["pike::PikeDialect"];
}

def PikeAssignLayout : Pass<"pike-assign-layout", "mlir::ModuleOp"> {
  let summary = "Store the convolution part of a network channels-last: mark its kernel slots pike.layout = nhwc";
  let description = [{
    cuDNN and the tensor cores run convolutions fastest on NHWC data, which is
    what torch.compile's layout optimisation gives conv networks. This pass
    chooses, per reference slot, whether its rank-4 tensors are stored
    channels-last (pike/Dialect/SlotLayout.h); generators, the worker and the
    package then all use that order, and the package runs its channels-last copy
    of the model, so activations flow between slots without transposes.

    layout=auto marks the slots connected to a 2-d convolution through rank-4
    values: those of convolution slots, and of every slot or op reached from
    them through rank-4 floating values (reshapes and permutes stop it), so that
    attention blocks of the same network (rank-4 [B, heads, S, D] tensors) keep
    contiguous tensors. layout=nhwc marks every slot with a rank-4 floating
    tensor; layout=nchw removes the marks. Slots that already have code keep
    their layout (their code was written for it). Under auto, a slot whose
    convolution reads a single input channel stays NCHW and stops the spread
    (cuDNN's channels-last engines ran LeNet-5's grayscale 5x5 2x slower).
  }];
  let options = [
    Option<"layout", "layout", "std::string", /*default=*/"\"auto\"",
           "auto, nhwc or nchw">
  ];
  let dependentDialects = ["pike::PikeDialect"];
}

def PikeRegionReport : Pass<"pike-region-report", "mlir::ModuleOp"> {
  let summary = "Report fusion regions / kernel slots: ops, shapes, FLOPs and bytes";
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"-\"",
           "Where the report goes ('-' for stderr, a path ending in .json for JSON)">
  ];
}


def PikeEmitTorchScript : Pass<"pike-emit-torchscript", "mlir::ModuleOp"> {
  let summary = "Write @forward as a TorchScript module and each kernel slot's reference module";
  let description = [{
    The inverse of the importer: every pike.aten becomes the ATen call it
    names, weights become registered buffers (so `.to(device)` moves them) and
    pike.call runs the slot's reference body. Used to check that import and
    partitioning preserve semantics, and to give the worker its references.
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"\"",
           "Path of the TorchScript file for @forward (empty: none)">,
    Option<"referenceDir", "reference-dir", "std::string", /*default=*/"\"\"",
           "Directory receiving <slot>.pt reference modules (empty: none)">
  ];
}


def PikeEmitPackage : Pass<"pike-emit-package", "mlir::ModuleOp"> {
  let summary = "Write the AOT package: kernels, custom-op library sources, rewritten module, CMake config, report";
  let description = [{
    Every pike.kernel whose impl is not `reference` becomes a custom op
    `<ns>::<slot>` backed by its C ABI source; the others run their reference
    ops. With `cuda-graphs`, model.pt replays the whole model as one CUDA graph.
  }];
  let options = [
    Option<"outputDir", "output-dir", "std::string", /*default=*/"\"\"",
           "Package directory">,
    Option<"cudaGraphs", "cuda-graphs", "bool", /*default=*/"true",
           "Run the model as one CUDA graph">,
    Option<"build", "build", "bool", /*default=*/"false",
           "Build lib/libpike_ops.so with CMake after writing the sources">,
    Option<"cudaArch", "cuda-arch", "std::string", /*default=*/"\"90\"",
           "CMAKE_CUDA_ARCHITECTURES of the library">,
    Option<"precision", "precision", "std::string", /*default=*/"\"fp32\"",
           "Precision policy (fp32, tf32, bf16, fp16): reported, in the op namespace, and "
           "TF32 in the cuBLAS/cuDNN calls left to PyTorch unless fp32">,
    Option<"channelsLast", "channels-last", "std::string", /*default=*/"\"auto\"",
           "Layout policy of the runtime: never, auto (time NCHW and channels-last "
           "after capture, keep the faster) or always">
  ];
}


def PikeCheckPrecision : Pass<"pike-check-precision", "mlir::ModuleOp"> {
  let summary = "Warn where a relaxed precision policy can change decisions, not just round values";
  let description = [{
    With TF32 allowed in cuBLAS/cuDNN, matmuls and convolutions round their
    inputs to 10 mantissa bits. Smooth math absorbs that within the 1e-2
    tolerance; discrete decisions do not: a top-k, argmax, sort or comparison on
    such values can pick differently (KernelBench level-5 MoE routing failed the
    harness this way on an H200). bf16 (8-bit significand) and fp16 operands
    round more. Warns at every such op (also max-pooling indices, searchsorted,
    and the discontinuous round/floor/ceil/sign) whose operand depends on a
    matmul, attention or convolution, through slot calls. Run by pike-opt with
    `--precision=tf32|bf16|fp16`.
  }];
  let options = [
    Option<"policy", "policy", "std::string", /*default=*/"\"tf32\"",
           "The relaxed precision policy the warnings are about: tf32, bf16 or fp16">
  ];
}

def PikeApplyTuningDb : Pass<"pike-apply-tuning-db", "mlir::ModuleOp"> {
  let summary = "Install the best known kernel of each slot from a tuning database (no search, no GPU)";
  let description = [{
    Looks each reference slot up by (fingerprint, arch, CUDA toolkit, torch,
    precision policy; a stricter policy's record serves a relaxed run) and installs the recorded code with its measured times, so rebuilding a
    package from the database is deterministic and free. The database is
    untrusted input: a record must be self-consistent, fit the slot's signature
    and have a source that pike's generator reproduces byte for byte or that
    passes the candidate checker; otherwise the slot keeps its reference and a
    warning says why. Lines that are not records at all are an error.
  }];
  let options = [
    Option<"db", "db", "std::string", /*default=*/"\"\"", "Tuning database file">,
    Option<"arch", "arch", "std::string", /*default=*/"\"sm_90\"", "GPU architecture of the records">,
    Option<"toolkit", "toolkit", "std::string", /*default=*/"\"\"",
           "CUDA toolkit version of the records (default: the one pike was built with)">,
    Option<"torchVersion", "torch", "std::string", /*default=*/"\"\"",
           "torch version of the records (default: the one pike was built with)">,
    Option<"require", "require", "bool", /*default=*/"false",
           "Fail when a slot has no usable record (missing, inconsistent or refused; instead of keeping its reference)">,
    Option<"minSpeedup", "min-speedup", "double", /*default=*/"1.02",
           "Install a record only when it was measured at least this much faster">,
    Option<"check", "check", "bool", /*default=*/"true",
           "Install a record whose source is not byte-identical to pike's generator output "
           "only if it passes the Clang candidate checker">,
    Option<"references", "references", "std::string", /*default=*/"\"\"",
           "Write each slot's reference (<fingerprint>.pt) and task (<fingerprint>.task.json) "
           "here, for `pike-db verify --references`">,
    Option<"precision", "precision", "std::string", /*default=*/"\"fp32\"",
           "Precision policy of the run (fp32, tf32, bf16, fp16): records of it or a stricter "
           "one, whose knobs it allows">,
    Option<"atol", "atol", "double", /*default=*/"-1",
           "Use no record the worker checked with a larger atol (negative: the policy's default)">,
    Option<"rtol", "rtol", "double", /*default=*/"-1",
           "Use no record the worker checked with a larger rtol (negative: the policy's default)">
  ];
}


// What both search passes take: where the workers are, which slots, what a
// slot keeps, and the search driver's knobs (search::SearchOptions). Declared
// once; each pass gives its own knob defaults. The older nested `search=` string
// is applied last, so the keys it names win (docs/cli.md).
class SlotSearchPassOptions<string budget, string islands, string eliteK,
                            string fixAttempts, string parallel> {
  list<Option> options = [
    Option<"workers", "workers", "std::string", /*default=*/"\"local:1\"",
           "Workers: local:N (spawn N pike-worker processes), local:N@0,1 (N on each "
           "listed GPU) or host:port,host:port">,
    Option<"workerPath", "worker-path", "std::string", /*default=*/"\"pike-worker\"",
           "pike-worker executable for local workers">,
    Option<"workDir", "work-dir", "std::string", /*default=*/"\"pike-work\"",
           "References, checkpoint and traces go here">,
    Option<"db", "db", "std::string", /*default=*/"\"\"",
           "Tuning database to seed from and record into (empty: none)">,
    Option<"arch", "arch", "std::string", /*default=*/"\"sm_90\"",
           "GPU architecture key (auto: the workers' GPU)">,
    Option<"minSpeedup", "min-speedup", "double", /*default=*/"1.0",
           "Keep a candidate only when at least this much faster than the reference">,
    Option<"precision", "precision", "std::string", /*default=*/"\"fp32\"",
           "Precision policy of the candidates: fp32, tf32, bf16 or fp16 (pike-opt "
           "--precision); keys the tuning-database records">,
    Option<"atol", "atol", "double", /*default=*/"-1",
           "Absolute tolerance of the worker's check against the fp32 reference "
           "(negative: the policy's default, docs/search.md)">,
    Option<"rtol", "rtol", "double", /*default=*/"-1",
           "Relative tolerance of the worker's check against the fp32 reference "
           "(negative: the policy's default)">,
    Option<"maxSlots", "max-slots", "unsigned", /*default=*/"0",
           "Search only the first N slots of the order (0: all)">,
    Option<"searchTime", "search-time", "std::string", /*default=*/"\"\"",
           "Wall-clock budget of the whole search, profile included, e.g. 10m, 1h30m, 90s "
           "(empty: none); split over the slot functions by eager time">,
    Option<"minSlotTime", "min-slot-time", "std::string", /*default=*/"\"10s\"",
           "With search-time: the least time each slot function gets (floors take at most half)">,
    Option<"graphTiming", "graph-timing", "bool", /*default=*/"true",
           "Time candidates and references replayed from a CUDA graph, as the package "
           "runs its slots (false: plain launches, host cost included)">,
    Option<"kernelProfile", "kernel-profile", "bool", /*default=*/"false",
           "Ask the workers for each candidate's per-kernel device times (CUPTI) in its "
           "reply: 35-55 ms more of the GPU phase that every search on the GPU waits on, "
           "and nothing in the search reads them (a human reading the checkpoint may)">,
    Option<"timingBudgetMs", "timing-budget-ms", "double", /*default=*/"30",
           "Worker timing budget per side of an evaluation, in ms (candidate and, once per "
           "slot function, reference; at least 10 timed calls each; 0 < ms <= 60000)">,
    Option<"profileShare", "profile-share", "double", /*default=*/"0.2",
           "With search-time and order=profile: the most of it the eager profile may use "
           "(0 < share <= 1; default search::kDefaultProfileShare); functions are timed largest "
           "first, the rest get a time estimated from the measured ones">,
    Option<"order", "order", "std::string", /*default=*/"\"auto\"",
           "Slot order: auto (default: profile with search-time or 8+ slot functions, else size), "
           "size (largest signature first) or profile (time every slot's "
           "reference through the workers first; largest eager time first)">,
    Option<"budget", "budget", "int64_t", budget,
           "Proposer and fixer queries per slot (>= 1)">,
    Option<"budgetUsd", "budget-usd", "double", /*default=*/"0",
           "Dollars for the whole run (0: no dollar cap)">,
    Option<"islands", "islands", "int", islands,
           "Independent populations per slot, joined by ring migration">,
    Option<"eliteK", "elite-k", "int", eliteK,
           "Parents are drawn from the top k of an island">,
    Option<"parentsPerProposal", "parents-per-proposal", "int", /*default=*/"2",
           "Elites a proposer sees (<= elite-k)">,
    Option<"generationSize", "generation-size", "int", /*default=*/"8",
           "Proposals per slot drawn from one population snapshot">,
    Option<"migrationInterval", "migration-interval", "int64_t", /*default=*/"16",
           "Proposals per slot between ring migrations (0: never)">,
    Option<"migrants", "migrants", "int", /*default=*/"1",
           "Best candidates each island sends to the next">,
    Option<"fixAttempts", "fix-attempts", "int", fixAttempts,
           "Fixer calls per broken proposal chain (a fixer: -pike-llm-search)">,
    Option<"parallel", "parallel", "int", parallel,
           "Jobs (query + evaluation) in flight">,
    Option<"seed", "seed", "uint64_t", /*default=*/"0",
           "Seed of the driver's choices">,
    Option<"wallClockSec", "wall-clock-sec", "double", /*default=*/"0",
           "Stop the search after this many seconds (0: no limit)">,
    Option<"checkpointPath", "checkpoint-path", "std::string", /*default=*/"\"\"",
           "JSONL checkpoint, resumed when it exists (empty: <work-dir>/checkpoint.jsonl)">,
    Option<"tracePath", "trace-path", "std::string", /*default=*/"\"\"",
           "Trace JSON written after each generation (empty: <work-dir>/trace.json)">,
    Option<"objective2", "objective2", "std::string", /*default=*/"\"none\"",
           "Second objective of the search: none, compile_ms or code_size">,
    Option<"searchOptions", "search", "std::string", /*default=*/"\"\"",
           "The knobs above as one 'key=value,...' string, applied last (the keys it "
           "names win): budget=, islands=, elite-k=, fix-attempts=, parallel=, seed=, ...">
  ];
}

def PikeSearch : Pass<"pike-search", "mlir::ModuleOp"> {
  let summary = "Search CUDA implementations of every reference slot and keep the verified fastest";
  let description = [{
    Runs the evolutionary search driver over the module's reference slots,
    largest first: by signature size (`order=size`) or by each slot's eager
    time measured through the workers before the search (`order=profile`,
    which records `pike.reference_ms` and `pike.eager_share` on every slot). Proposals come from the built-in
    generator (knob space, then mutations of the elites); every candidate is
    compiled, verified and timed by pike-worker processes. A slot keeps its
    reference ops unless a candidate is correct and at least `min-speedup`
    faster; the report says why.
  }];
  let options = SlotSearchPassOptions<"8", "1", "3", "5", "1">.options;
}

def PikeGenerateKernels : Pass<"pike-generate-kernels", "mlir::ModuleOp"> {
  let summary = "Built-in kernel generator: give reference slots generated CUDA (nvrtc/nvcc)";
  let description = [{
    For every pike.kernel whose impl is `reference`, runs the built-in
    generator (lib/Codegen) with its first candidate knobs (merged with the
    `knobs` JSON override) and sets impl/source/launches/entry. Slots it cannot
    handle keep their reference body and get a remark (an error with `strict`).
  }];
  let options = [
    Option<"knobs", "knobs", "std::string", /*default=*/"\"\"",
           "JSON object overriding the first candidate's knobs">,
    Option<"dumpDir", "dump-dir", "std::string", /*default=*/"\"\"",
           "Write each generated slot's nvcc host-launcher source as <slot>.cu here">,
    Option<"hostRefDir", "host-ref-dir", "std::string", /*default=*/"\"\"",
           "Write each slot's plain C++ host reference (<slot>.cpp, <slot>.json) here">,
    Option<"strict", "strict", "bool", /*default=*/"false",
           "Fail on slots the generator cannot handle">,
    Option<"candidate", "candidate", "unsigned", /*default=*/"0",
           "Use the N-th candidate knobs (clamped to the slot's knob space)">,
    Option<"mutateSeed", "mutate-seed", "int64_t", /*default=*/"-1",
           "Apply codegen::mutate with this seed to the chosen knobs (-1: none)">,
    Option<"listKnobs", "list-knobs", "bool", /*default=*/"false",
           "Record the slot's candidate knob space as pike.candidates">
  ];
  let dependentDialects = ["pike::PikeDialect"];
}


def PikeLLMSearch : Pass<"pike-llm-search", "mlir::ModuleOp"> {
  let summary = "Search CUDA kernels for every reference slot with the LLM proposal and error-fix agents";
  let description = [{
    The PIKE method: the proposal agent writes kernels from the region (as
    PyTorch-like code and IR), the parents the driver picked and prior best
    attempts; every candidate passes the Clang checker before any GPU time,
    then pike-worker compiles, verifies and times it; broken candidates go to
    the error-fix agent up to `fix-attempts` times. `llm=` takes the client
    options (provider=, model=, base-url=, api-key-env=, budget-usd=,
    cache-dir=, record-dir=, replay-dir=, ...); `llm-record`/`llm-replay`
    (pike-opt --llm-record/--llm-replay) give record-dir/replay-dir unless
    `llm=` does.
  }];
  let options = SlotSearchPassOptions<"300", "1", "3", "5", "4">.options # [
    Option<"llm", "llm", "std::string", /*default=*/"\"\"", "LLM client options (key=value,...)">,
    Option<"llmRecord", "llm-record", "std::string", /*default=*/"\"\"",
           "Record every LLM exchange into this directory (llm=record-dir= wins)">,
    Option<"llmReplay", "llm-replay", "std::string", /*default=*/"\"\"",
           "Serve every LLM exchange from this directory (llm=replay-dir= wins)">,
    Option<"check", "check", "bool", /*default=*/"true",
           "Reject candidates with the Clang checker before any GPU time">
  ];
}

#endif
