// Slot fingerprints key the tuning database: equal for slots that compute the
// same function (names of slots, weights and locations do not matter), different
// when an op, an attribute or a shape differs.
// RUN: pike-opt %s -pass-pipeline='builtin.module(pike-region-report{output=%t.json})' -o /dev/null
// RUN: %python -c "import json,sys; r={x['name']: x['fingerprint'] for x in json.load(open(sys.argv[1]))['regions']}; print('same' if r['a'] == r['b'] else 'differ', 'differ' if len({r['a'], r['c'], r['d']}) == 3 else 'same')" %t.json | FileCheck %s
// CHECK: same differ

pike.kernel @a(%x: tensor<4x8xf32>) -> tensor<4x8xf32> attributes {entry = "pike_a", impl = "reference"} {
  %w = pike.weight "layer1.bias" : tensor<8xf32>
  %0 = pike.aten "aten::add"(%x, %w) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32> loc("a.py":1:1)
  %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  pike.yield %1 : tensor<4x8xf32>
}
pike.kernel @b(%x: tensor<4x8xf32>) -> tensor<4x8xf32> attributes {entry = "pike_b", impl = "reference"} {
  %w = pike.weight "layer7.bias" : tensor<8xf32>
  %0 = pike.aten "aten::add"(%x, %w) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32> loc("b.py":9:3)
  %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  pike.yield %1 : tensor<4x8xf32>
}
pike.kernel @c(%x: tensor<4x16xf32>) -> tensor<4x16xf32> attributes {entry = "pike_c", impl = "reference"} {
  %w = pike.weight "layer1.bias" : tensor<16xf32>
  %0 = pike.aten "aten::add"(%x, %w) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  pike.yield %1 : tensor<4x16xf32>
}
pike.kernel @d(%x: tensor<4x8xf32>) -> tensor<4x8xf32> attributes {entry = "pike_d", impl = "reference"} {
  %w = pike.weight "layer1.bias" : tensor<8xf32>
  %0 = pike.aten "aten::add"(%x, %w) {alpha = 2 : i64, operands = ["self", "other"]} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  pike.yield %1 : tensor<4x8xf32>
}
