// RUN: pike-opt %s -split-input-file -verify-diagnostics

func.func @unknown_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unsupported operator 'aten::cosh'}}
  %r = pike.aten "aten::cosh"(%x) {operands = ["self"]} : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @dynamic_shape(%x: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{operand must have a static shape, got 'tensor<?xf32>'}}
  %r = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<?xf32>) -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

func.func @missing_operands(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{requires an 'operands' array naming the schema argument of each operand}}
  %r = pike.aten "aten::relu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @operand_count(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'operands' names 2 arguments but the op has 1 operands}}
  %r = pike.aten "aten::relu"(%x) {operands = ["self", "other"]} : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @operand_name_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'operands' entries must be strings}}
  %r = pike.aten "aten::relu"(%x) {operands = [1]} : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @no_result(%x: tensor<4xf32>) {
  // expected-error @+1 {{'aten::relu' must produce at least one tensor}}
  pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4xf32>) -> ()
  return
}

// -----

func.func @unranked(%x: tensor<*xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 must be variadic of 0D/1D/2D/3D/4D/5D/6D/7D/8D tensor of any type values}}
  %r = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<*xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @constant_type() -> tensor<4xf32> {
  // expected-error @+1 {{value type 'tensor<2xf32>' does not match result type 'tensor<4xf32>'}}
  %c = "pike.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

func.func @weight_name() -> tensor<4xf32> {
  // expected-error @+1 {{requires a non-empty weight name}}
  %w = pike.weight "" : tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

func.func @weight_dynamic() -> tensor<?xf32> {
  // expected-error @+1 {{result must have a static shape}}
  %w = pike.weight "w" : tensor<?xf32>
  return %w : tensor<?xf32>
}

// -----

func.func @opaque_reason(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{must say why 'prim::If' was not lowered}}
  %r = pike.opaque "prim::If"(%x) reason "" : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @yield_types(%x: tensor<4xf32>) -> tensor<4xf32> {
  %g = pike.fusion_group "elementwise"(%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %c = pike.constant dense<1.0> : tensor<2xf32>
    // expected-error @+1 {{yields 1 values whose types do not match the parent's 1 results}}
    pike.yield %c : tensor<2xf32>
  }
  return %g : tensor<4xf32>
}

// -----

func.func @group_args(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{body has 0 arguments but 1 are expected}}
  %g = pike.fusion_group "elementwise"(%x) : (tensor<4xf32>) -> tensor<4xf32> {
    %c = pike.constant dense<1.0> : tensor<4xf32>
    pike.yield %c : tensor<4xf32>
  }
  return %g : tensor<4xf32>
}

// -----

func.func @group_arg_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{body argument #0 has type 'tensor<8xf32>' but 'tensor<4xf32>' is expected}}
  %g = pike.fusion_group "elementwise"(%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<8xf32>):
    %c = pike.constant dense<1.0> : tensor<4xf32>
    pike.yield %c : tensor<4xf32>
  }
  return %g : tensor<4xf32>
}

// -----

func.func @group_pattern(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{pattern must be 'elementwise', 'gemm_epilogue', 'conv_epilogue', 'norm_activation', 'softmax', 'attention', 'reduction', 'single' or 'pooling', got ''}}
  %g = pike.fusion_group ""(%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    pike.yield %a : tensor<4xf32>
  }
  return %g : tensor<4xf32>
}

// -----

func.func @group_pattern_unknown(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{pattern must be 'elementwise', 'gemm_epilogue', 'conv_epilogue', 'norm_activation', 'softmax', 'attention', 'reduction', 'single' or 'pooling', got 'matmul_chain'}}
  %g = pike.fusion_group "matmul_chain"(%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    pike.yield %a : tensor<4xf32>
  }
  return %g : tensor<4xf32>
}

// -----

func.func @group_foreign_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  %g = pike.fusion_group "elementwise"(%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    // expected-error @+1 {{is not allowed inside 'pike.fusion_group': only pike.aten, pike.constant and pike.weight are}}
    %r = pike.opaque "prim::If"(%a) reason "x" : (tensor<4xf32>) -> tensor<4xf32>
    pike.yield %r : tensor<4xf32>
  }
  return %g : tensor<4xf32>
}

// -----

// expected-error @+1 {{impl must be 'reference', 'nvcc' or 'nvrtc', got 'ptx'}}
pike.kernel @bad_impl(%a: tensor<4xf32>) -> tensor<4xf32> attributes {entry = "e", impl = "ptx"} {
  pike.yield %a : tensor<4xf32>
}

// -----

// expected-error @+1 {{impl 'nvcc' requires a CUDA source}}
pike.kernel @no_source(%a: tensor<4xf32>) -> tensor<4xf32> attributes {entry = "e", impl = "nvcc"} {
  pike.yield %a : tensor<4xf32>
}

// -----

// expected-error @+1 {{impl 'nvrtc' requires static launches}}
pike.kernel @no_launches(%a: tensor<4xf32>) -> tensor<4xf32> attributes {entry = "e", impl = "nvrtc", source = "x"} {
  pike.yield %a : tensor<4xf32>
}

// -----

// expected-error @+1 {{requires a C ABI entry symbol}}
pike.kernel @no_entry(%a: tensor<4xf32>) -> tensor<4xf32> attributes {entry = "", impl = "reference"} {
  pike.yield %a : tensor<4xf32>
}

// -----

// expected-error @+1 {{argument must have a static shape}}
pike.kernel @dyn_arg(%a: tensor<?xf32>) -> tensor<4xf32> attributes {entry = "e", impl = "reference"} {
  %c = pike.constant dense<1.0> : tensor<4xf32>
  pike.yield %c : tensor<4xf32>
}

// -----

pike.kernel @k(%a: tensor<4xf32>) -> tensor<4xf32> attributes {entry = "e", impl = "reference"} {
  pike.yield %a : tensor<4xf32>
}
func.func @call_types(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{operand or result types do not match kernel 'k'}}
  %r = pike.call @k(%x) : (tensor<8xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

func.func @call_missing(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'nope' does not name a pike.kernel}}
  %r = pike.call @nope(%x) : (tensor<8xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}
