// A slot marked pike.layout = "nhwc" stores its rank-4 tensors channels-last:
// its row in src/slots.c says so (channels_last = 1), so the op wrapper hands
// the kernel channels-last inputs and allocates channels-last outputs; every
// other slot's row says 0. The module computes out = x * s[c] + b[c] twice,
// channels-last (@region_0: channel i % C) and NCHW (@region_1: channel
// (i / (H*W)) % C), and negates each result with one layout-agnostic kernel
// (@region_2 channels-last, @region_3 contiguous): those two share one entry,
// and each row keeps its own layout. The layout is part of the op namespace
// (only where a slot is channels-last: without it the package keeps its
// namespace). test/gpu/package/channels-last-slot.sh builds this package on
// the GPU and checks what each op computes and in which layout.
// RUN: rm -rf %t && mkdir -p %t
// RUN: pike-opt %s -pike-emit-package="output-dir=%t/nhwc" -o /dev/null
// RUN: FileCheck %s < %t/nhwc/src/slots.c
// CHECK: int [[NS:pike_[0-9a-f]+]]_region_0(const PikeTensorRef *, int32_t, PikeTensorRef *, int32_t, struct CUstream_st *);
// CHECK: static const int64_t region_0_in_sizes[] = {2, 8, 5, 7, 8, 8};
// CHECK: int [[NS]]_region_1(
// CHECK: int [[NS]]_region_2(
// CHECK-NOT: int [[NS]]_region_3(
// CHECK: const PikePackageSlot pike_package_slots[] = {
// CHECK-NEXT: {"region_0", [[NS]]_region_0, 3, region_0_in_ndim, region_0_in_sizes, 1, region_0_out_ndim, region_0_out_sizes, region_0_out_dtype, 1},
// CHECK-NEXT: {"region_1", [[NS]]_region_1, 3, region_1_in_ndim, region_1_in_sizes, 1, region_1_out_ndim, region_1_out_sizes, region_1_out_dtype, 0},
// CHECK-NEXT: {"region_2", [[NS]]_region_2, 1, region_2_in_ndim, region_2_in_sizes, 1, region_2_out_ndim, region_2_out_sizes, region_2_out_dtype, 1},
// CHECK-NEXT: {"region_3", [[NS]]_region_2, 1, region_3_in_ndim, region_3_in_sizes, 1, region_3_out_ndim, region_3_out_sizes, region_3_out_dtype, 0},
// CHECK-NEXT: {0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
// CHECK: const char pike_package_namespace[] = "[[NS]]";
//
// The report lists each slot's layout.
// RUN: %python -c "import json,sys; print([(s['slot'], s.get('layout', '-')) for s in json.load(open(sys.argv[1]))['slots']])" %t/nhwc/report.json | FileCheck %s --check-prefix=REPORT
// REPORT: [('region_0', 'nhwc'), ('region_1', '-'), ('region_2', 'nhwc'), ('region_3', '-')]
//
// The same module without the attributes: every row 0, and another namespace.
// RUN: sed 's/"pike.layout" = "nhwc", //' %s > %t/plain.mlir
// RUN: pike-opt %t/plain.mlir -pike-emit-package="output-dir=%t/plain" -o /dev/null
// RUN: FileCheck %s --check-prefix=PLAIN < %t/plain/src/slots.c
// PLAIN-NOT: _out_dtype, 1}
// PLAIN: {"region_0", {{pike_[0-9a-f]+}}_region_0, {{.*}}, region_0_out_dtype, 0},
// PLAIN-NOT: _out_dtype, 1}
// RUN: %python -c "import json,sys; ns=[json.load(open(sys.argv[1]+'/'+p+'/report.json'))['namespace'] for p in ('nhwc','plain')]; print('DIFFERENT' if ns[0]!=ns[1] else 'same')" %t | FileCheck %s --check-prefix=NSDIFF
// NSDIFF: DIFFERENT
module {
  pike.kernel @region_0(%x: tensor<2x8x5x7xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x8x5x7xf32> attributes {"pike.layout" = "nhwc", entry = "pike_region_0", impl = "nvrtc", source = "extern \"C\" __global__ void affine(const float* x, const float* s, const float* b, float* o) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < 560) o[i] = x[i] * s[i % 8] + b[i % 8]; }", launches = [{args = ["in0", "in1", "in2", "out0"], block = [256, 1, 1], grid = [3, 1, 1], kernel = "affine"}]} {
    %0 = pike.aten "aten::view"(%s) {operands = ["self"], size = array<i64: 1, 8, 1, 1>} : (tensor<8xf32>) -> tensor<1x8x1x1xf32>
    %1 = pike.aten "aten::mul"(%x, %0) {operands = ["self", "other"]} : (tensor<2x8x5x7xf32>, tensor<1x8x1x1xf32>) -> tensor<2x8x5x7xf32>
    %2 = pike.aten "aten::view"(%b) {operands = ["self"], size = array<i64: 1, 8, 1, 1>} : (tensor<8xf32>) -> tensor<1x8x1x1xf32>
    %3 = pike.aten "aten::add"(%1, %2) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x8x5x7xf32>, tensor<1x8x1x1xf32>) -> tensor<2x8x5x7xf32>
    pike.yield %3 : tensor<2x8x5x7xf32>
  }
  pike.kernel @region_1(%x: tensor<2x8x5x7xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x8x5x7xf32> attributes {entry = "pike_region_1", impl = "nvrtc", source = "extern \"C\" __global__ void affine(const float* x, const float* s, const float* b, float* o) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < 560) o[i] = x[i] * s[(i / 35) % 8] + b[(i / 35) % 8]; }", launches = [{args = ["in0", "in1", "in2", "out0"], block = [256, 1, 1], grid = [3, 1, 1], kernel = "affine"}]} {
    %0 = pike.aten "aten::view"(%s) {operands = ["self"], size = array<i64: 1, 8, 1, 1>} : (tensor<8xf32>) -> tensor<1x8x1x1xf32>
    %1 = pike.aten "aten::mul"(%x, %0) {operands = ["self", "other"]} : (tensor<2x8x5x7xf32>, tensor<1x8x1x1xf32>) -> tensor<2x8x5x7xf32>
    %2 = pike.aten "aten::view"(%b) {operands = ["self"], size = array<i64: 1, 8, 1, 1>} : (tensor<8xf32>) -> tensor<1x8x1x1xf32>
    %3 = pike.aten "aten::add"(%1, %2) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x8x5x7xf32>, tensor<1x8x1x1xf32>) -> tensor<2x8x5x7xf32>
    pike.yield %3 : tensor<2x8x5x7xf32>
  }
  pike.kernel @region_2(%a: tensor<2x8x5x7xf32>) -> tensor<2x8x5x7xf32> attributes {"pike.layout" = "nhwc", entry = "pike_region_2", impl = "nvrtc", source = "extern \"C\" __global__ void neg(const float* a, float* o) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < 560) o[i] = -a[i]; }", launches = [{args = ["in0", "out0"], block = [256, 1, 1], grid = [3, 1, 1], kernel = "neg"}]} {
    %r = pike.aten "aten::neg"(%a) {operands = ["self"]} : (tensor<2x8x5x7xf32>) -> tensor<2x8x5x7xf32>
    pike.yield %r : tensor<2x8x5x7xf32>
  }
  pike.kernel @region_3(%a: tensor<2x8x5x7xf32>) -> tensor<2x8x5x7xf32> attributes {entry = "pike_region_3", impl = "nvrtc", source = "extern \"C\" __global__ void neg(const float* a, float* o) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < 560) o[i] = -a[i]; }", launches = [{args = ["in0", "out0"], block = [256, 1, 1], grid = [3, 1, 1], kernel = "neg"}]} {
    %r = pike.aten "aten::neg"(%a) {operands = ["self"]} : (tensor<2x8x5x7xf32>) -> tensor<2x8x5x7xf32>
    pike.yield %r : tensor<2x8x5x7xf32>
  }
  func.func @forward(%x: tensor<2x8x5x7xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) -> (tensor<2x8x5x7xf32>, tensor<2x8x5x7xf32>, tensor<2x8x5x7xf32>, tensor<2x8x5x7xf32>) {
    %0 = pike.call @region_0(%x, %s, %b) : (tensor<2x8x5x7xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8x5x7xf32>
    %1 = pike.call @region_1(%x, %s, %b) : (tensor<2x8x5x7xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8x5x7xf32>
    %2 = pike.call @region_2(%0) : (tensor<2x8x5x7xf32>) -> tensor<2x8x5x7xf32>
    %3 = pike.call @region_3(%1) : (tensor<2x8x5x7xf32>) -> tensor<2x8x5x7xf32>
    return %0, %1, %2, %3 : tensor<2x8x5x7xf32>, tensor<2x8x5x7xf32>, tensor<2x8x5x7xf32>, tensor<2x8x5x7xf32>
  }
}
