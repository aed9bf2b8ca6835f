// aten::trunc (a row of the elementwise op table, lib/Codegen/ElementwiseOps.cpp):
// accepted by the registry, printed as truncf/trunc, and the host reference
// matches torch.trunc on CPU; an integer trunc has no generator.
// RUN: rm -rf %t && mkdir -p %t
// RUN: pike-opt %s -pike-generate-kernels="dump-dir=%t/cu host-ref-dir=%t/host" -pike-emit-torchscript="reference-dir=%t/ref" -o /dev/null 2>%t/remarks.txt
// RUN: FileCheck %s --check-prefix=CU < %t/cu/trunc.cu
// RUN: FileCheck %s --check-prefix=CU64 < %t/cu/trunc64.cu
// RUN: FileCheck %s --check-prefix=REMARK < %t/remarks.txt
// RUN: %python %S/Inputs/check_host_ref.py %t/host %t/ref | FileCheck %s --check-prefix=HOST

// CU: const float [[X:a[0-9]+]] = reinterpret_cast<const float*>(&in0_v)[j];
// CU: const float {{v[0-9]+}} = truncf([[X]]);
// CU64: = trunc(
// REMARK: cannot generate a kernel for slot 'trunci': 'aten::trunc' with a non-floating result
// HOST-DAG: OK trunc
// HOST-DAG: OK trunc64
module {
  pike.kernel @trunc(%x: tensor<4x8xf32>) -> tensor<4x8xf32> attributes {entry = "pike_trunc", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::trunc"(%x) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
    pike.yield %0 : tensor<4x8xf32>
  }
  pike.kernel @trunc64(%x: tensor<3x5xf64>) -> tensor<3x5xf64> attributes {entry = "pike_trunc64", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::trunc"(%x) {operands = ["self"]} : (tensor<3x5xf64>) -> tensor<3x5xf64>
    pike.yield %0 : tensor<3x5xf64>
  }
  pike.kernel @trunci(%x: tensor<6xi64>) -> tensor<6xi64> attributes {entry = "pike_trunci", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::trunc"(%x) {operands = ["self"]} : (tensor<6xi64>) -> tensor<6xi64>
    pike.yield %0 : tensor<6xi64>
  }
}
