#include "ShapeRules.h"

#include <ATen/ExpandUtils.h>
#include <torch/torch.h>

#include <functional>
#include <set>
#include <sstream>
#include <unordered_map>

namespace tj = torch::jit;
using pike::RuleResult;

namespace {

/// A rule's complaint: the message the real kernel would give.
struct ShapeError {
  std::string message;
};

std::string sizesText(c10::IntArrayRef sizes) {
  std::ostringstream os;
  os << sizes;
  return os.str();
}

std::vector<int64_t> intList(const c10::IValue &iv, size_t n, int64_t fallback) {
  std::vector<int64_t> v = iv.isIntList() ? iv.toIntVector() : std::vector<int64_t>{};
  if (iv.isInt())
    v = {iv.toInt()};
  if (v.empty())
    v = {fallback};
  if (v.size() == 1)
    v.resize(n, v[0]);
  return v;
}

at::Tensor metaEmpty(c10::IntArrayRef sizes, c10::ScalarType dtype) {
  return at::empty(sizes, at::TensorOptions().dtype(dtype).device(c10::kMeta));
}

/// The shared convolution rule. `padding` may be a string ("valid"/"same").
at::Tensor convolution(const at::Tensor &input, const at::Tensor &weight, const c10::IValue &stride,
                       const c10::IValue &padding, const c10::IValue &dilation, bool transposed,
                       const c10::IValue &outputPadding, int64_t groups) {
  int64_t k = weight.dim() - 2;
  if (k < 1)
    throw ShapeError{"weight should have at least three dimensions"};
  bool unbatched = input.dim() == weight.dim() - 1;
  if (!unbatched && input.dim() != weight.dim())
    throw ShapeError{"Expected " + std::to_string(weight.dim() - 1) + "D (unbatched) or " +
                     std::to_string(weight.dim()) + "D (batched) input to conv" +
                     std::to_string(k) + "d, but got input of size: " + sizesText(input.sizes())};
  std::vector<int64_t> in(input.sizes().begin(), input.sizes().end());
  if (unbatched)
    in.insert(in.begin(), 1);
  int64_t channels = in[1];
  int64_t expected = transposed ? weight.size(0) : weight.size(1) * groups;
  if (channels != expected)
    throw ShapeError{"Given groups=" + std::to_string(groups) + ", weight of size " +
                     sizesText(weight.sizes()) + ", expected input" + sizesText(in) +
                     " to have " + std::to_string(expected) + " channels, but got " +
                     std::to_string(channels) + " channels instead"};
  auto s = intList(stride, k, 1), d = intList(dilation, k, 1), op = intList(outputPadding, k, 0);
  std::vector<int64_t> p;
  bool same = false;
  if (padding.isString()) {
    same = padding.toStringRef() == "same";
    p.assign(k, 0);
  } else {
    p = intList(padding, k, 0);
  }
  if (!transposed) {
    std::string padded, kernel;
    bool tooSmall = false;
    for (int64_t i = 0; i < k; ++i) {
      int64_t x = in[i + 2] + 2 * p[i], w = d[i] * (weight.size(i + 2) - 1) + 1;
      tooSmall |= x < w;
      padded += (i ? " x " : "") + std::to_string(x);
      kernel += (i ? " x " : "") + std::to_string(w);
    }
    if (tooSmall && !same)
      throw ShapeError{"Calculated padded input size per channel: (" + padded +
                       "). Kernel size: (" + kernel +
                       "). Kernel size can't be greater than actual input size"};
  }
  std::vector<int64_t> out = {in[0], transposed ? weight.size(1) * groups : weight.size(0)};
  for (int64_t i = 0; i < k; ++i) {
    int64_t x = in[i + 2], w = weight.size(i + 2);
    int64_t y = same ? x
                : transposed ? (x - 1) * s[i] - 2 * p[i] + d[i] * (w - 1) + op[i] + 1
                             : (x + 2 * p[i] - d[i] * (w - 1) - 1) / s[i] + 1;
    if (y <= 0)
      throw ShapeError{"Given input size per channel " + std::to_string(x) +
                       ", calculated output size " + std::to_string(y) + " is too small"};
    out.push_back(y);
  }
  if (unbatched)
    out.erase(out.begin());
  return metaEmpty(out, input.scalar_type()).contiguous(input.suggest_memory_format());
}

using Rule = std::function<std::vector<c10::IValue>(const tj::Stack &)>;

const at::Tensor &tensorArg(const tj::Stack &in, size_t i) {
  if (i >= in.size() || !in[i].isTensor())
    throw ShapeError{"argument " + std::to_string(i) + " is not a tensor"};
  return in[i].toTensor();
}

/// The result is laid out like the input (elementwise, in the input's layout).
std::vector<c10::IValue> likeInput(const tj::Stack &in) {
  return {at::empty_like(tensorArg(in, 0))};
}

/// Normalisations: a contiguous tensor of the input's shape.
std::vector<c10::IValue> normLike(const tj::Stack &in) {
  const at::Tensor &x = tensorArg(in, 0);
  return {metaEmpty(x.sizes(), x.scalar_type())};
}

const std::unordered_map<std::string, Rule> &rules() {
  static const std::unordered_map<std::string, Rule> table = [] {
    std::unordered_map<std::string, Rule> t;
    for (const char *name : {"aten::relu", "aten::relu6", "aten::hardtanh", "aten::hardswish",
                             "aten::selu", "aten::celu", "aten::prelu", "aten::dropout",
                             "aten::feature_dropout", "aten::alpha_dropout", "aten::flip",
                             "aten::roll", "aten::channel_shuffle"})
      t[name] = likeInput;
    // In place: the result is the input itself.
    for (const char *name : {"aten::relu_", "aten::relu6_", "aten::hardtanh_", "aten::hardswish_",
                             "aten::selu_", "aten::celu_", "aten::dropout_"})
      t[name] = [](const tj::Stack &in) { return std::vector<c10::IValue>{tensorArg(in, 0)}; };
    t["aten::batch_norm"] = normLike;
    t["aten::instance_norm"] = normLike;
    t["aten::layer_norm"] = [](const tj::Stack &in) {
      const at::Tensor &x = tensorArg(in, 0);
      std::vector<int64_t> shape = in[1].toIntVector();
      auto n = static_cast<int64_t>(shape.size());
      bool ok = x.dim() >= n;
      for (int64_t i = 0; ok && i < n; ++i)
        ok = x.size(x.dim() - n + i) == shape[i];
      if (!ok) {
        std::string expected = "[*";
        for (int64_t d : shape)
          expected += ", " + std::to_string(d);
        throw ShapeError{"Given normalized_shape=" + sizesText(shape) +
                         ", expected input with shape " + expected +
                         "], but got input of size" + sizesText(x.sizes())};
      }
      return normLike(in);
    };
    t["aten::group_norm"] = [](const tj::Stack &in) {
      const at::Tensor &x = tensorArg(in, 0);
      int64_t groups = in[1].toInt();
      int64_t channels = x.dim() >= 2 ? x.size(1) : 0;
      if (groups <= 0 || channels % groups != 0)
        throw ShapeError{"Expected number of channels in input to be divisible by num_groups, "
                         "but got input of shape " +
                         sizesText(x.sizes()) + " and num_groups=" + std::to_string(groups)};
      return normLike(in);
    };
    auto conv = [](bool transposedForm) {
      // conv1d/2d/3d(input, weight, bias, stride, padding, dilation, groups)
      // conv_transpose1d/2d/3d(input, weight, bias, stride, padding, output_padding, groups, dilation)
      return [transposedForm](const tj::Stack &in) {
        const at::Tensor &x = tensorArg(in, 0), &w = tensorArg(in, 1);
        if (transposedForm)
          return std::vector<c10::IValue>{
              convolution(x, w, in[3], in[4], in[7], true, in[5], in[6].toInt())};
        return std::vector<c10::IValue>{
            convolution(x, w, in[3], in[4], in[5], false, c10::IValue(), in[6].toInt())};
      };
    };
    for (const char *name : {"aten::conv1d", "aten::conv2d", "aten::conv3d"})
      t[name] = conv(false);
    for (const char *name : {"aten::conv_transpose1d", "aten::conv_transpose2d",
                             "aten::conv_transpose3d"})
      t[name] = conv(true);
    // convolution / _convolution(input, weight, bias, stride, padding, dilation,
    //                            transposed, output_padding, groups, ...)
    auto general = [](const tj::Stack &in) {
      return std::vector<c10::IValue>{convolution(tensorArg(in, 0), tensorArg(in, 1), in[3], in[4],
                                                  in[5], in[6].toBool(), in[7], in[8].toInt())};
    };
    t["aten::convolution"] = general;
    t["aten::_convolution"] = general;
    t["aten::where"] = [](const tj::Stack &in) {
      // where.self(condition, self, other); where.ScalarOther etc. have meta kernels.
      const at::Tensor &c = tensorArg(in, 0), &a = tensorArg(in, 1), &b = tensorArg(in, 2);
      std::vector<int64_t> shape = at::infer_size(at::infer_size(c.sizes(), a.sizes()), b.sizes());
      return std::vector<c10::IValue>{metaEmpty(shape, at::result_type(a, b))};
    };
    // scaled_dot_product_attention(query, key, value, attn_mask, dropout_p, is_causal, scale,
    // enable_gqa): no meta kernel without Python; on zeros it computed the whole attention
    // (60 ms per GPT-2 layer).
    t["aten::scaled_dot_product_attention"] = [](const tj::Stack &in) {
      const at::Tensor &q = tensorArg(in, 0), &k = tensorArg(in, 1), &v = tensorArg(in, 2);
      if (q.scalar_type() != k.scalar_type() || q.scalar_type() != v.scalar_type())
        throw ShapeError{std::string("Expected query, key, and value to have the same dtype, but "
                                     "got query.dtype: ") +
                         c10::toString(q.scalar_type()) + " key.dtype: " +
                         c10::toString(k.scalar_type()) + " and value.dtype: " +
                         c10::toString(v.scalar_type()) + " instead."};
      if (q.dim() < 2 || k.dim() < 2 || v.dim() < 2)
        throw ShapeError{"scaled_dot_product_attention: query, key and value must have at least "
                         "2 dimensions, got " +
                         sizesText(q.sizes()) + ", " + sizesText(k.sizes()) + ", " +
                         sizesText(v.sizes())};
      if (q.size(-1) != k.size(-1))
        throw ShapeError{"scaled_dot_product_attention: the last dimension of query " +
                         sizesText(q.sizes()) + " and key " + sizesText(k.sizes()) +
                         " must match"};
      if (k.size(-2) != v.size(-2))
        throw ShapeError{"scaled_dot_product_attention: key " + sizesText(k.sizes()) +
                         " and value " + sizesText(v.sizes()) +
                         " must have the same sequence length"};
      std::vector<int64_t> shape(q.sizes().begin(), q.sizes().end());
      shape.back() = v.size(-1);
      return std::vector<c10::IValue>{metaEmpty(shape, q.scalar_type())};
    };
    // embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse): index_select has
    // no meta kernel here; on zeros it materialised the whole table (150 MB for GPT-2).
    t["aten::embedding"] = [](const tj::Stack &in) {
      const at::Tensor &w = tensorArg(in, 0), &idx = tensorArg(in, 1);
      if (w.dim() != 2)
        throw ShapeError{"'weight' must be 2-D"};
      if (idx.scalar_type() != c10::kLong && idx.scalar_type() != c10::kInt)
        throw ShapeError{std::string("Expected tensor for argument #1 'indices' to have one of "
                                     "the following scalar types: Long, Int; but got ") +
                         c10::toString(idx.scalar_type()) + " instead (while checking arguments "
                                                            "for embedding)"};
      std::vector<int64_t> shape(idx.sizes().begin(), idx.sizes().end());
      shape.push_back(w.size(1));
      return std::vector<c10::IValue>{metaEmpty(shape, w.scalar_type())};
    };
    auto fftDim = [](const at::Tensor &x, const c10::IValue &dimArg) {
      int64_t dim = dimArg.isInt() ? dimArg.toInt() : -1;
      return c10::maybe_wrap_dim(dim, x.dim());
    };
    t["aten::fft_rfft"] = [fftDim](const tj::Stack &in) {
      const at::Tensor &x = tensorArg(in, 0);
      int64_t dim = fftDim(x, in[2]);
      int64_t n = in[1].isInt() ? in[1].toInt() : x.size(dim);
      if (n < 1)
        throw ShapeError{"Invalid number of data points (" + std::to_string(n) + ") specified"};
      std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
      shape[dim] = n / 2 + 1;
      c10::ScalarType real =
          c10::isFloatingType(x.scalar_type()) ? x.scalar_type() : c10::typeMetaToScalarType(
                                                                      at::get_default_dtype());
      return std::vector<c10::IValue>{metaEmpty(shape, c10::toComplexType(real))};
    };
    t["aten::fft_irfft"] = [fftDim](const tj::Stack &in) {
      const at::Tensor &x = tensorArg(in, 0);
      int64_t dim = fftDim(x, in[2]);
      int64_t n = in[1].isInt() ? in[1].toInt() : 2 * (x.size(dim) - 1);
      if (n < 1)
        throw ShapeError{"Invalid number of data points (" + std::to_string(n) + ") specified"};
      std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
      shape[dim] = n;
      c10::ScalarType real = c10::isComplexType(x.scalar_type())
                                 ? c10::toRealValueType(x.scalar_type())
                                 : (c10::isFloatingType(x.scalar_type())
                                        ? x.scalar_type()
                                        : c10::typeMetaToScalarType(at::get_default_dtype()));
      return std::vector<c10::IValue>{metaEmpty(shape, real)};
    };
    return t;
  }();
  return table;
}

} // namespace

RuleResult pike::inferWithShapeRule(const tj::Node *node, tj::Stack &stack, std::string &error) {
  auto it = rules().find(node->kind().toQualString());
  if (it == rules().end() || node->outputs().size() != 1)
    return RuleResult::NoRule;
  // Rules read tensors by position: only schemas whose tensors are all meta.
  for (const c10::IValue &iv : stack)
    if (iv.isTensor() && iv.toTensor().defined() && !iv.toTensor().is_meta())
      return RuleResult::NoRule;
  try {
    std::vector<c10::IValue> out = it->second(stack);
    stack.assign(out.begin(), out.end());
    return RuleResult::Inferred;
  } catch (const ShapeError &e) {
    error = e.message;
    return RuleResult::Failed;
  } catch (const c10::Error &e) {
    // A schema the rule does not know (an overload with other arguments).
    return RuleResult::NoRule;
  }
}
