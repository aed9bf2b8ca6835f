# lit configuration for pike's compiler tests (CPU only; GPU tests live in test/gpu
# and run on the device through scripts/device-*.sh).
import os
import lit.formats

config.name = "pike"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.pike_obj_root, "test")
config.excludes = ["Inputs", "unit", "gpu", "CMakeLists.txt", "lit.cfg.py", "llm_server",
                   "llm_recordings"]

path = os.pathsep.join([config.pike_tools_dir, os.path.join(config.pike_obj_root, "tools", "pike-db"),
                        config.llvm_tools_dir,
                        os.path.join(config.pike_obj_root, "bin"), config.environment.get("PATH", os.environ["PATH"])])
config.environment["PATH"] = path
for var in ["HOME", "PYTHONPATH", "TORCH_HOME", "LD_LIBRARY_PATH"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]
# Packages built by the tests share one runtime cache in the build tree, not the
# user's ~/.cache (test/Package/runtime-cache.test uses its own).
config.environment["PIKE_PACKAGE_CACHE"] = os.path.join(config.pike_obj_root, "test", "package-runtime-cache")
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%pike_src", config.pike_src_root))
config.substitutions.append(("%pike_opt", os.path.join(config.pike_tools_dir, "pike-opt")))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))

# nvcc can compile generated CUDA without a GPU (test/Codegen compile tests).
import shutil
if shutil.which('nvcc') or os.path.exists('/usr/local/cuda/bin/nvcc'):
    config.available_features.add('nvcc')
    config.substitutions.append(('%nvcc', shutil.which('nvcc') or '/usr/local/cuda/bin/nvcc'))

# pike-worker is built where the CUDA toolkit is (CI has it; it runs without a GPU).
if os.path.exists(getattr(config, "pike_worker", "")):
    config.available_features.add("worker")
    config.substitutions.append(("%pike_worker", config.pike_worker))
