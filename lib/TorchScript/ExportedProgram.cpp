// torch.export archives (.pt2) -> TorchScript modules, in C++.
//
// The archive (written by torch.export.save) holds the graph as JSON
// (models/<name>.json, torch/_export/serde/schema.py) and every parameter,
// buffer and lifted constant as raw bytes (data/weights, data/constants). We
// rebuild forward() as TorchScript source -- one aten call per node, keyword
// arguments by schema name -- so the existing importer (freeze, shape
// propagation, lowering) serves both formats and both give the same IR.
#include "ExportedProgram.h"
#include "ScalarType.h"

#include <caffe2/serialize/inline_container.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>

namespace tj = torch::jit;
using json = nlohmann::json;

namespace pike {
namespace {

[[noreturn]] void fail(const std::string &what) { throw std::runtime_error(what); }

/// torch/_export/serde/schema.py ScalarType -> c10.
c10::ScalarType scalarTypeFromSerde(int v) {
  switch (v) {
  case 1: return c10::kByte;
  case 2: return c10::kChar;
  case 3: return c10::kShort;
  case 4: return c10::kInt;
  case 5: return c10::kLong;
  case 6: return c10::kHalf;
  case 7: return c10::kFloat;
  case 8: return c10::kDouble;
  case 9: return c10::kComplexHalf;
  case 10: return c10::kComplexFloat;
  case 11: return c10::kComplexDouble;
  case 12: return c10::kBool;
  case 13: return c10::kBFloat16;
  case 28: return c10::kUInt16;
  case 29: return c10::kFloat8_e4m3fn;
  case 30: return c10::kFloat8_e5m2;
  default: fail("unsupported dtype code " + std::to_string(v) + " in the exported program");
  }
}

int memoryFormatFromSerde(int v) {
  switch (v) {
  case 1: return static_cast<int>(c10::MemoryFormat::Contiguous);
  case 2: return static_cast<int>(c10::MemoryFormat::ChannelsLast);
  case 3: return static_cast<int>(c10::MemoryFormat::ChannelsLast3d);
  case 4: return static_cast<int>(c10::MemoryFormat::Preserve);
  default: fail("unsupported memory format code " + std::to_string(v));
  }
}

/// The input spec's dtype names (torch's, without "torch.").
std::string specDType(c10::ScalarType st) {
  const pike::DTypeInfo *d = pike::dtypeOf(st);
  if (!d || !d->abiName)
    fail(std::string("inputs of dtype ") + c10::toString(st) + " are not supported");
  return d->name;
}

int64_t symInt(const json &v) {
  if (v.contains("as_int"))
    return v["as_int"].get<int64_t>();
  fail("symbolic size " + v.dump() + ": pike imports programs exported with static shapes");
}

std::vector<int64_t> symInts(const json &arr) {
  std::vector<int64_t> r;
  for (const auto &v : arr)
    r.push_back(symInt(v));
  return r;
}

std::string sanitize(const std::string &name) {
  std::string s = "v_";
  for (char c : name)
    s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

std::string floatLiteral(const json &v) {
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s == "Infinity" || s == "inf")
      return "float(\"inf\")";
    if (s == "-Infinity" || s == "-inf")
      return "float(\"-inf\")";
    if (s == "NaN" || s == "nan")
      return "float(\"nan\")";
    fail("bad float literal '" + s + "'");
  }
  double d = v.get<double>();
  if (std::isinf(d))
    return d > 0 ? "float(\"inf\")" : "float(\"-inf\")";
  if (std::isnan(d))
    return "float(\"nan\")";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos)
    s += ".0";
  return s;
}

std::string stringLiteral(const std::string &s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      r += '\\';
    if (c == '\n') {
      r += "\\n";
      continue;
    }
    r += c;
  }
  return r + "\"";
}

template <typename F> std::string list(const json &arr, F render) {
  std::string r = "[";
  for (size_t i = 0; i < arr.size(); ++i)
    r += (i ? ", " : "") + render(arr[i]);
  return r + "]";
}

struct Archive {
  caffe2::serialize::PyTorchStreamReader reader;
  explicit Archive(const std::string &path) : reader(path) {}
  bool has(const std::string &name) { return reader.hasRecord(name); }
  std::string text(const std::string &name) {
    if (!reader.hasRecord(name))
      fail("the archive has no '" + name + "'");
    auto [ptr, size] = reader.getRecord(name);
    return std::string(static_cast<const char *>(ptr.get()), size);
  }
};

at::Tensor tensorFromBytes(Archive &ar, const std::string &record, const json &meta) {
  auto [ptr, size] = ar.reader.getRecord(record);
  c10::ScalarType st = scalarTypeFromSerde(meta.at("dtype").get<int>());
  std::vector<int64_t> sizes = symInts(meta.at("sizes"));
  std::vector<int64_t> strides = symInts(meta.at("strides"));
  int64_t offset = meta.contains("storage_offset") ? symInt(meta["storage_offset"]) : 0;
  size_t elem = c10::elementSize(st);
  if (size % elem)
    fail("weight record '" + record + "' holds " + std::to_string(size) + " bytes, not a multiple of " +
         c10::toString(st) + "'s size");
  int64_t need = offset + 1;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == 0)
      need = 0;
    else if (need)
      need += (sizes[d] - 1) * strides[d];
  }
  if (static_cast<int64_t>(size / elem) < need)
    fail("weight record '" + record + "' is too small for its shape (" + std::to_string(size) + " bytes)");
  at::Tensor storage = at::empty({static_cast<int64_t>(size / elem)}, at::TensorOptions().dtype(st));
  std::memcpy(storage.data_ptr(), ptr.get(), size);
  return storage.as_strided(sizes, strides, offset).contiguous();
}

/// The user's line for a node: the innermost stack frame outside torch itself.
std::optional<std::pair<std::string, size_t>> userFrame(const json &node) {
  if (!node.contains("metadata") || !node["metadata"].contains("stack_trace"))
    return std::nullopt;
  std::string trace = node["metadata"]["stack_trace"].get<std::string>();
  std::optional<std::pair<std::string, size_t>> best, last;
  size_t pos = 0;
  while ((pos = trace.find("File \"", pos)) != std::string::npos) {
    size_t q = trace.find('"', pos + 6);
    if (q == std::string::npos)
      break;
    std::string file = trace.substr(pos + 6, q - pos - 6);
    size_t l = trace.find("line ", q);
    if (l == std::string::npos)
      break;
    size_t line = std::strtoul(trace.c_str() + l + 5, nullptr, 10);
    last = {{file, line}};
    if (file.find("/torch/") == std::string::npos)
      best = last;
    pos = q;
  }
  return best ? best : last;
}

/// Builds forward()'s TorchScript source and the tensors it reads as attributes.
struct SourceBuilder {
  Archive &ar;
  json program;
  std::map<std::string, std::string> bound;           // graph value name -> expression
  std::vector<std::pair<std::string, at::Tensor>> attrs; // attribute name -> tensor
  std::map<size_t, std::pair<std::string, size_t>> lineOrigin; // source line -> user file:line
  InputSpec spec;
  std::ostringstream src;
  size_t line = 0;

  SourceBuilder(Archive &ar, json p) : ar(ar), program(std::move(p)) {}

  std::string value(const std::string &name) {
    auto it = bound.find(name);
    return it != bound.end() ? it->second : sanitize(name);
  }

  std::string render(const json &arg, const std::string &where) {
    if (!arg.is_object() || arg.size() != 1)
      fail("malformed argument of " + where + ": " + arg.dump().substr(0, 200));
    const std::string &kind = arg.begin().key();
    const json &v = arg.begin().value();
    if (kind == "as_none")
      return "None";
    if (kind == "as_tensor")
      return value(v.at("name").get<std::string>());
    if (kind == "as_tensors")
      return list(v, [&](const json &t) { return value(t.at("name").get<std::string>()); });
    if (kind == "as_optional_tensors")
      return list(v, [&](const json &t) { return render(t, where); });
    if (kind == "as_int")
      return std::to_string(v.get<int64_t>());
    if (kind == "as_ints")
      return list(v, [](const json &x) { return std::to_string(x.get<int64_t>()); });
    if (kind == "as_float")
      return floatLiteral(v);
    if (kind == "as_floats")
      return list(v, [](const json &x) { return floatLiteral(x); });
    if (kind == "as_bool")
      return v.get<bool>() ? "True" : "False";
    if (kind == "as_bools")
      return list(v, [](const json &x) { return std::string(x.get<bool>() ? "True" : "False"); });
    if (kind == "as_string")
      return stringLiteral(v.get<std::string>());
    if (kind == "as_strings")
      return list(v, [](const json &x) { return stringLiteral(x.get<std::string>()); });
    if (kind == "as_scalar_type")
      return std::to_string(static_cast<int>(scalarTypeFromSerde(v.get<int>())));
    if (kind == "as_memory_format")
      return std::to_string(memoryFormatFromSerde(v.get<int>()));
    if (kind == "as_layout") {
      if (v.get<int>() != 7)
        fail(where + " asks for a non-strided layout");
      return std::to_string(static_cast<int>(c10::kStrided));
    }
    if (kind == "as_device") {
      std::string d = v.at("type").get<std::string>();
      if (v.contains("index") && !v["index"].is_null())
        d += ":" + std::to_string(v["index"].get<int>());
      return "torch.device(" + stringLiteral(d) + ")";
    }
    if (kind == "as_sym_int" || kind == "as_sym_float" || kind == "as_sym_bool") {
      if (v.contains("as_name"))
        return value(v["as_name"].get<std::string>());
      return render(json{{kind == "as_sym_int" ? "as_int" : kind == "as_sym_float" ? "as_float" : "as_bool",
                          v.begin().value()}},
                    where);
    }
    if (kind == "as_sym_ints")
      return list(v, [&](const json &x) { return render(json{{"as_sym_int", x}}, where); });
    fail(where + ": argument kind '" + kind + "' is not supported");
  }

  void emit(const std::string &stmt, const json *node) {
    src << "    " << stmt << "\n";
    ++line;
    if (node)
      if (auto f = userFrame(*node))
        lineOrigin[line] = *f;
  }

  // conv{1,2,3}d as the traced graph spells it (aten::_convolution with the
  // global cuDNN flags' defaults), so both formats import to the same IR.
  std::string convolution(const json &node, size_t n) {
    std::map<std::string, std::string> a;
    for (const auto &in : node.at("inputs"))
      a[in.at("name").get<std::string>()] = render(in.at("arg"), "conv");
    auto spatial = [&](const char *name, int dflt) {
      std::string r = a.count(name) ? a[name] : "";
      if (r.empty() || r == "[" + std::to_string(dflt) + "]" || r.front() != '[') {
        std::string one = r.empty() ? std::to_string(dflt) : r.front() == '[' ? r.substr(1, r.size() - 2) : r;
        r = "[";
        for (size_t i = 0; i < n; ++i)
          r += (i ? ", " : "") + one;
        r += "]";
      }
      return r;
    };
    if (a.count("padding") && a["padding"].front() == '"')
      return ""; // padding="same"/"valid": keep the conv op as exported
    std::string zeros = "[";
    for (size_t i = 0; i < n; ++i)
      zeros += (i ? ", " : "") + std::string("0");
    zeros += "]";
    return "torch._convolution(" + a.at("input") + ", " + a.at("weight") + ", " +
           (a.count("bias") ? a["bias"] : "None") + ", " + spatial("stride", 1) + ", " +
           spatial("padding", 0) + ", " + spatial("dilation", 1) + ", False, " + zeros + ", " +
           (a.count("groups") ? a["groups"] : "1") + ", False, False, True, True)";
  }

  void node(const json &n) {
    std::string target = n.at("target").get<std::string>();
    const std::string prefix = "torch.ops.aten.";
    if (target.rfind(prefix, 0) != 0)
      fail("op '" + target + "' is not an ATen op; pike imports ATen graphs (export without "
           "custom or higher-order ops, e.g. control flow)");
    std::string op = target.substr(prefix.size());
    std::string base = op.substr(0, op.find('.'));
    if (base.rfind("_assert", 0) == 0 || base == "sym_constrain_range_for_size")
      return; // runtime checks of the exported shapes: nothing to compute
    std::string call;
    if (base == "conv1d" || base == "conv2d" || base == "conv3d")
      call = convolution(n, static_cast<size_t>(base[4] - '0'));
    if (call.empty()) {
      // `torch.<op>` resolves to aten::<op> in C++ TorchScript (no torch.ops there).
      call = "torch." + base + "(";
      bool first = true;
      for (const auto &in : n.at("inputs")) {
        call += (first ? "" : ", ") + in.at("name").get<std::string>() + "=" +
                render(in.at("arg"), "aten." + op);
        first = false;
      }
      call += ")";
    }
    const json &outs = n.at("outputs");
    auto outName = [&](const json &o, size_t i) -> std::string {
      if (o.contains("as_tensor"))
        return sanitize(o["as_tensor"].at("name").get<std::string>());
      for (const char *k : {"as_sym_int", "as_sym_float", "as_sym_bool"})
        if (o.contains(k) && o[k].contains("as_name"))
          return sanitize(o[k]["as_name"].get<std::string>());
      return "_unused_" + std::to_string(line) + "_" + std::to_string(i);
    };
    if (outs.empty()) {
      emit(call, &n);
    } else if (outs.size() == 1 && outs[0].contains("as_tensors")) {
      // Unpacked as the traced graph does (prim::ListUnpack), not by index.
      const json &items = outs[0]["as_tensors"];
      std::string lhs;
      for (size_t i = 0; i < items.size(); ++i)
        lhs += (i ? ", " : "") + sanitize(items[i].at("name").get<std::string>());
      emit(lhs + (items.size() == 1 ? "," : "") + " = " + call, &n);
    } else if (outs.size() == 1) {
      emit(outName(outs[0], 0) + " = " + call, &n);
    } else {
      std::string lhs;
      for (size_t i = 0; i < outs.size(); ++i)
        lhs += (i ? ", " : "") + outName(outs[i], i);
      emit(lhs + " = " + call, &n);
    }
  }

  void build() {
    const json &gm = program.at("graph_module");
    const json &g = gm.at("graph");
    const json &sig = gm.at("signature");
    json weights = json::object(), constants = json::object();
    if (ar.has("data/weights/model_weights_config.json"))
      weights = json::parse(ar.text("data/weights/model_weights_config.json")).value("config", json::object());
    if (ar.has("data/constants/model_constants_config.json"))
      constants = json::parse(ar.text("data/constants/model_constants_config.json")).value("config", json::object());
    auto load = [&](const std::string &key, const std::string &graphName) {
      const json *cfg = weights.contains(key) ? &weights[key] : constants.contains(key) ? &constants[key] : nullptr;
      if (!cfg)
        fail("the archive holds no data for '" + key + "'");
      if (cfg->value("use_pickle", false))
        fail("'" + key + "' is stored pickled; pike reads raw tensor data only (torch.export.save's default)");
      std::string dir = weights.contains(key) ? "data/weights/" : "data/constants/";
      std::string attr = "w_" + sanitize(graphName).substr(2);
      attrs.emplace_back(attr, tensorFromBytes(ar, dir + cfg->at("path_name").get<std::string>(),
                                               cfg->at("tensor_meta")));
      bound[graphName] = "self." + attr;
    };
    std::vector<std::string> params;
    const json &tensorValues = g.at("tensor_values");
    for (const auto &is : sig.at("input_specs")) {
      const std::string kind = is.begin().key();
      const json &v = is.begin().value();
      if (kind == "parameter")
        load(v.at("parameter_name").get<std::string>(), v.at("arg").at("name").get<std::string>());
      else if (kind == "buffer")
        load(v.at("buffer_name").get<std::string>(), v.at("arg").at("name").get<std::string>());
      else if (kind == "tensor_constant")
        load(v.at("tensor_constant_name").get<std::string>(), v.at("arg").at("name").get<std::string>());
      else if (kind == "constant_input")
        bound[v.at("name").get<std::string>()] = render(v.at("value"), "constant input");
      else if (kind == "user_input") {
        const json &arg = v.at("arg");
        if (!arg.contains("as_tensor"))
          fail("forward() input " + arg.dump().substr(0, 120) +
               " is not a tensor; bind non-tensor arguments before exporting");
        std::string name = arg["as_tensor"].at("name").get<std::string>();
        const json &meta = tensorValues.at(name);
        TensorSpec ts;
        ts.name = name;
        ts.shape = symInts(meta.at("sizes"));
        ts.dtype = specDType(scalarTypeFromSerde(meta.at("dtype").get<int>()));
        spec.inputs.push_back(ts);
        params.push_back(sanitize(name) + ": Tensor");
      } else if (kind == "token" || kind == "custom_obj") {
        fail("exported programs with " + kind + " inputs are not supported");
      } else {
        fail("unknown input kind '" + kind + "' in the exported program's signature");
      }
    }
    std::string header = "def forward(self";
    for (const auto &p : params)
      header += ", " + p;
    header += "):\n";
    src << header;
    line = 0; // 0-based line of the last statement written
    for (const auto &n : g.at("nodes"))
      node(n);
    std::vector<std::string> rets;
    for (const auto &os : sig.at("output_specs")) {
      if (os.begin().key() != "user_output")
        continue; // buffer mutations (training-mode statistics): inference ignores them
      rets.push_back(render(os.begin().value().at("arg"), "output"));
    }
    if (rets.empty())
      fail("the exported program returns no tensors");
    std::string ret = rets.size() == 1 ? rets[0] : "(" + [&] {
      std::string s;
      for (size_t i = 0; i < rets.size(); ++i)
        s += (i ? ", " : "") + rets[i];
      return s;
    }() + ")";
    emit("return " + ret, nullptr);
  }
};

std::string modelRecord(Archive &ar) {
  if (ar.has("models/model.json"))
    return "models/model.json";
  for (const auto &r : ar.reader.getAllRecords())
    if (r.rfind("models/", 0) == 0 && r.size() > 5 && r.substr(r.size() - 5) == ".json")
      return r;
  fail("no models/*.json in the archive: not a torch.export program (torch.export.save writes one)");
}

SourceBuilder buildSource(Archive &ar) {
  json program;
  try {
    program = json::parse(ar.text(modelRecord(ar)));
  } catch (const json::exception &e) {
    fail(std::string("the exported program's graph is not valid JSON: ") + e.what());
  }
  SourceBuilder sb(ar, std::move(program));
  try {
    sb.build();
  } catch (const json::exception &e) {
    fail(std::string("malformed exported program: ") + e.what());
  }
  return sb;
}

void pointAtUserLines(tj::Block *block, const std::map<size_t, std::pair<std::string, size_t>> &origin) {
  for (tj::Node *n : block->nodes()) {
    for (tj::Block *b : n->blocks())
      pointAtUserLines(b, origin);
    const tj::SourceRange &r = n->sourceRange();
    if (!r.source())
      continue;
    auto it = origin.find(r.source()->lineno_for_offset(r.start()));
    if (it == origin.end())
      continue;
    auto src = std::make_shared<tj::Source>(std::string(" "), it->second.first, it->second.second);
    n->setSourceRange(tj::SourceRange(src, 0, 1));
  }
}

} // namespace

bool isExportedProgramPath(const std::string &path) {
  std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".pt2";
}

torch::jit::Module loadExportedProgram(const std::string &path, InputSpec &spec) {
  std::unique_ptr<Archive> ar;
  try {
    ar = std::make_unique<Archive>(path);
  } catch (const c10::Error &e) {
    std::string msg = e.what_without_backtrace();
    fail("cannot read the torch.export archive: " + msg.substr(0, msg.find('\n')));
  }
  SourceBuilder sb = [&] {
    try {
      return buildSource(*ar);
    } catch (const c10::Error &e) {
      std::string msg = e.what_without_backtrace();
      fail("cannot read the torch.export archive: " + msg.substr(0, msg.find('\n')));
    }
  }();
  tj::Module m("__torch__.pike.ExportedProgram");
  m.register_attribute("training", c10::BoolType::get(), false);
  for (auto &[name, t] : sb.attrs)
    m.register_buffer(name, t);
  std::string text = sb.src.str();
  try {
    m.define(text);
  } catch (const std::exception &e) {
    std::string msg = e.what();
    msg.erase(0, msg.find_first_not_of(" \n"));
    fail("cannot rebuild forward() from the exported graph: " + msg.substr(0, msg.find('\n')));
  }
  pointAtUserLines(m.get_method("forward").graph()->block(), sb.lineOrigin);
  spec = sb.spec;
  return m;
}

std::string exportedProgramSource(const std::string &path) {
  Archive ar(path);
  return buildSource(ar).src.str();
}

} // namespace pike
