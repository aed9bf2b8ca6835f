#include "pike/TorchScript/InputSpec.h"
#include "pike/Support/DType.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace pike;

std::string pike::canonicalDType(const std::string &raw) {
  // Model inputs reach kernels, so only types the kernel ABI carries.
  const DTypeInfo *d = dtypeFromAlias(raw);
  return d && d->abiName ? d->name : "";
}

namespace {
bool parseInline(const std::string &text, InputSpec &spec, std::string &error) {
  std::stringstream items(text);
  std::string item;
  int index = 0;
  while (std::getline(items, item, ',')) {
    TensorSpec t;
    t.name = "input_" + std::to_string(index++);
    std::stringstream dims(item);
    std::string part;
    while (std::getline(dims, part, 'x')) {
      if (part.empty()) {
        error = "empty dimension in input spec item '" + item + "'";
        return false;
      }
      if (std::isdigit(static_cast<unsigned char>(part[0]))) {
        // Whole-string integers only: stoll would read "1e8" as 1.
        size_t used = 0;
        try {
          t.shape.push_back(std::stoll(part, &used));
        } catch (...) {
          used = 0;
        }
        if (used != part.size()) {
          error = "bad dimension '" + part + "' in input spec item '" + item +
                  "' (expected a non-negative integer)";
          return false;
        }
      } else {
        t.dtype = canonicalDType(part);
        if (t.dtype.empty()) {
          error = "unknown dtype '" + part + "' in input spec item '" + item + "'";
          return false;
        }
      }
    }
    spec.inputs.push_back(t);
  }
  if (spec.inputs.empty()) {
    error = "input spec is empty";
    return false;
  }
  return true;
}

int64_t elementBytes(const std::string &dtype) { return dtypeNamed(dtype)->bytes; }

/// Shapes no GPU can hold are a mistake in the spec (and overflow size arithmetic downstream).
bool checkSizes(const InputSpec &spec, std::string &error) {
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    const TensorSpec &t = spec.inputs[i];
    int64_t bytes = elementBytes(t.dtype);
    bool tooLarge = false;
    for (int64_t d : t.shape)
      if (d != 0 && bytes > kMaxInputBytes / d)
        tooLarge = true;
      else
        bytes *= d;
    if (tooLarge) {
      std::string shape;
      for (int64_t d : t.shape)
        shape += (shape.empty() ? "" : "x") + std::to_string(d);
      error = "input #" + std::to_string(i) + " ('" + t.name + "', " + shape + " " + t.dtype +
              ") is larger than " + std::to_string(kMaxInputBytes >> 40) +
              " TiB, more than any GPU holds";
      return false;
    }
  }
  return true;
}
} // namespace

bool InputSpec::parse(const std::string &text, InputSpec &spec, std::string &error) {
  spec.inputs.clear();
  if (text.size() < 5 || text.substr(text.size() - 5) != ".json")
    return parseInline(text, spec, error) && checkSizes(spec, error);
  std::ifstream in(text);
  if (!in) {
    error = "cannot open input spec '" + text + "'";
    return false;
  }
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    error = "input spec '" + text + "' is not valid JSON";
    return false;
  }
  if (!j.is_object() || !j.contains("inputs") || !j["inputs"].is_array()) {
    error = "input spec '" + text + "' has no \"inputs\" array";
    return false;
  }
  int index = 0;
  for (const auto &e : j["inputs"]) {
    TensorSpec t;
    if (!e.is_object() || !e.contains("shape") || !e["shape"].is_array()) {
      error = "input #" + std::to_string(index) + " in '" + text + "' has no \"shape\" array";
      return false;
    }
    for (const auto &d : e["shape"]) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0) {
        error = "input #" + std::to_string(index) + " in '" + text +
                "' has a dimension that is not a non-negative integer";
        return false;
      }
      t.shape.push_back(d.get<int64_t>());
    }
    for (const char *key : {"name", "dtype"})
      if (e.contains(key) && !e[key].is_string()) {
        error = "input #" + std::to_string(index) + " in '" + text + "' has a \"" + key +
                "\" that is not a string";
        return false;
      }
    t.name = e.value("name", "input_" + std::to_string(index));
    t.dtype = canonicalDType(e.value("dtype", std::string("float32")));
    if (t.dtype.empty()) {
      error = "input #" + std::to_string(index) + " in '" + text + "' has unknown dtype '" +
              e.value("dtype", std::string()) + "'";
      return false;
    }
    spec.inputs.push_back(t);
    ++index;
  }
  return checkSizes(spec, error);
}
