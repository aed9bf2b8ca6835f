#include "RunnerProtocol.h"

#include <cstdint>
#include <cmath>

namespace pike::worker::runner {

using json = nlohmann::json;

json BufferDesc::toJson() const {
  return {{"handle", handle}, {"offset", offset}, {"bytes", bytes}, {"dtype", dtype}, {"shape", shape}};
}

json LaunchDesc::toJson() const {
  json a = json::array();
  for (auto &[out, k] : args)
    a.push_back({out ? "out" : "in", k});
  return {{"kernel", kernel},
          {"grid", {grid[0], grid[1], grid[2]}},
          {"block", {block[0], block[1], block[2]}},
          {"smem", smem},
          {"args", a}};
}

namespace {
bool isCount(const json &v) { return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0); }
} // namespace

std::optional<std::string> parseBuffer(const json &j, BufferDesc &out) {
  if (!j.is_object())
    return "buffer is not an object";
  if (!j.contains("handle") || !j["handle"].is_string() || j["handle"].get<std::string>().size() != 128)
    return "buffer.handle must be 128 hex digits";
  for (const char *k : {"offset", "bytes", "dtype"})
    if (!j.contains(k) || !isCount(j[k]))
      return std::string("buffer.") + k + " must be a non-negative integer";
  if (!j.contains("shape") || !j["shape"].is_array() || j["shape"].size() > 8)
    return "buffer.shape must be an array of at most 8 sizes";
  out.handle = j["handle"].get<std::string>();
  out.offset = j["offset"].get<uint64_t>();
  out.bytes = j["bytes"].get<uint64_t>();
  out.dtype = j["dtype"].get<int>();
  out.shape.clear();
  for (const auto &d : j["shape"]) {
    if (!isCount(d))
      return "buffer.shape must hold non-negative integers";
    out.shape.push_back(d.get<int64_t>());
  }
  return std::nullopt;
}

std::optional<std::string> parseLaunch(const json &j, size_t numInputs, size_t numOutputs, LaunchDesc &out) {
  if (!j.is_object() || !j.contains("kernel") || !j["kernel"].is_string())
    return "launch needs a kernel name";
  out.kernel = j["kernel"].get<std::string>();
  for (const char *k : {"grid", "block"}) {
    const json &a = j.value(k, json());
    if (!a.is_array() || a.size() != 3)
      return std::string("launch.") + k + " must have 3 entries";
    for (size_t d = 0; d < 3; ++d) {
      if (!isCount(a[d]) || a[d].get<uint64_t>() == 0 || a[d].get<uint64_t>() > 0x7fffffffu)
        return std::string("launch.") + k + " entries must be positive";
      (std::string(k) == "grid" ? out.grid : out.block)[d] = a[d].get<unsigned>();
    }
  }
  if (!j.contains("smem") || !isCount(j["smem"]) || j["smem"].get<uint64_t>() > 0xffffffffu)
    return "launch.smem must be a non-negative integer";
  out.smem = j["smem"].get<unsigned>();
  if (!j.contains("args") || !j["args"].is_array())
    return "launch.args must be an array";
  out.args.clear();
  for (const auto &a : j["args"]) {
    if (!a.is_array() || a.size() != 2 || !a[0].is_string() || !isCount(a[1]))
      return "launch.args entries must be [\"in\"|\"out\", index]";
    bool isOut = a[0] == "out";
    if (!isOut && a[0] != "in")
      return "launch.args entries must be [\"in\"|\"out\", index]";
    size_t k = a[1].get<size_t>();
    if (k >= (isOut ? numOutputs : numInputs))
      return "launch.args index out of range";
    out.args.emplace_back(isOut, static_cast<int>(k));
  }
  return std::nullopt;
}

std::optional<std::string> parseLine(const std::string &line, json &out) {
  if (line.size() > kMaxMessageBytes)
    return "a message longer than " + std::to_string(kMaxMessageBytes) + " bytes";
  try {
    // Depth is bounded by the line length limit and nlohmann's recursion stays
    // far from the stack limit at this size.
    out = json::parse(line);
  } catch (const std::exception &) {
    return "a line that is not JSON: '" + clip(line, 120) + "'";
  }
  if (!out.is_object())
    return "a message that is not a JSON object";
  return std::nullopt;
}

std::optional<std::string> expectMessage(const json &m, const std::string &name,
                                         std::optional<RunnerError> &runnerError) {
  runnerError.reset();
  if (!m.is_object() || !m.contains("msg") || !m["msg"].is_string())
    return "a message without \"msg\" (expected " + name + ")";
  std::string got = m["msg"].get<std::string>();
  if (got == "error") {
    RunnerError e;
    auto str = [&](const char *k) {
      return m.contains(k) && m[k].is_string() ? clip(m[k].get<std::string>(), kMaxErrBytes) : std::string();
    };
    e.stage = str("stage");
    e.kind = str("kind");
    e.detail = str("detail");
    runnerError = e;
    return std::nullopt;
  }
  if (got != name)
    return "\"" + clip(got, 40) + "\" where " + name + " was expected";
  return std::nullopt;
}

std::optional<std::string> parseDone(const json &m, int64_t i, Done &out) {
  std::optional<RunnerError> re;
  if (auto v = expectMessage(m, "done", re))
    return v;
  if (re)
    return "an error message during call " + std::to_string(i) + " (" + re->stage + ": " + re->detail + ")";
  if (!m.contains("i") || !m["i"].is_number_integer() || m["i"].get<int64_t>() != i)
    return "done for a call other than " + std::to_string(i);
  for (const char *k : {"event_ms", "wall_ms"}) {
    if (!m.contains(k) || !m[k].is_number())
      return std::string("done without a number ") + k;
    double v = m[k].get<double>();
    if (!std::isfinite(v) || v < 0 || v > 1e7)
      return std::string("done with an impossible ") + k;
  }
  if (!m.contains("err") || !m["err"].is_string())
    return "done without \"err\"";
  out.i = i;
  out.eventMs = m["event_ms"].get<double>();
  out.wallMs = m["wall_ms"].get<double>();
  out.err = clip(m["err"].get<std::string>(), kMaxErrBytes);
  out.rewrote = m.contains("rewrote") && m["rewrote"].is_string() ? clip(m["rewrote"].get<std::string>(), 512) : "";
  out.kernels = json::array();
  out.kernelsError = m.contains("kernels_error") && m["kernels_error"].is_string()
                         ? clip(m["kernels_error"].get<std::string>(), 512)
                         : "";
  if (m.contains("kernels") && m["kernels"].is_array())
    for (const auto &k : m["kernels"]) {
      if (out.kernels.size() >= kMaxKernelRecords)
        break;
      if (k.is_object() && k.contains("name") && k["name"].is_string() && k.contains("ms") && k["ms"].is_number() &&
          std::isfinite(k["ms"].get<double>()))
        out.kernels.push_back({{"name", clip(k["name"].get<std::string>(), 200)}, {"ms", k["ms"].get<double>()}});
    }
  return std::nullopt;
}

std::string toHex(const void *data, size_t n) {
  static const char *digits = "0123456789abcdef";
  const auto *p = static_cast<const unsigned char *>(data);
  std::string s(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = digits[p[i] >> 4];
    s[2 * i + 1] = digits[p[i] & 15];
  }
  return s;
}

bool fromHex(const std::string &hex, void *out, size_t n) {
  if (hex.size() != 2 * n)
    return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    return -1;
  };
  auto *p = static_cast<unsigned char *>(out);
  for (size_t i = 0; i < n; ++i) {
    int hi = nib(hex[2 * i]), lo = nib(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    p[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

std::string clip(const std::string &s, size_t max) {
  if (s.size() <= max)
    return s;
  return s.substr(0, max) + "…";
}

} // namespace pike::worker::runner
