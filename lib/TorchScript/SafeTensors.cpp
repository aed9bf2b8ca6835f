#include "pike/TorchScript/SafeTensors.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

using namespace pike;

bool pike::writeSafeTensors(const std::string &path,
                            const std::map<std::string, RawTensor> &tensors, std::string &error) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  uint64_t offset = 0;
  for (const auto &[name, t] : tensors) {
    header[name] = {{"dtype", t.dtype}, {"shape", t.shape},
                    {"data_offsets", {offset, offset + t.size()}}};
    offset += t.size();
  }
  std::string text = header.dump();
  // The format asks for 8-byte alignment of the data section.
  while ((text.size() % 8) != 0)
    text.push_back(' ');
  std::string tmp = path + ".tmp";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) {
    error = "cannot open '" + tmp + "' for writing";
    return false;
  }
  uint64_t len = text.size();
  unsigned char lenBytes[8];
  for (int i = 0; i < 8; ++i)
    lenBytes[i] = static_cast<unsigned char>((len >> (8 * i)) & 0xff);
  out.write(reinterpret_cast<const char *>(lenBytes), 8);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const auto &[name, t] : tensors)
    out.write(reinterpret_cast<const char *>(t.data()), static_cast<std::streamsize>(t.size()));
  out.close();
  if (!out) {
    error = "failed writing '" + tmp + "'";
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot rename '" + tmp + "' to '" + path + "'";
    return false;
  }
  return true;
}

bool pike::readSafeTensors(const std::string &path, std::map<std::string, RawTensor> &tensors,
                           std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open weights file '" + path + "'";
    return false;
  }
  unsigned char lenBytes[8];
  if (!in.read(reinterpret_cast<char *>(lenBytes), 8)) {
    error = "'" + path + "' is too short to be a safetensors file";
    return false;
  }
  uint64_t len = 0;
  for (int i = 7; i >= 0; --i)
    len = (len << 8) | lenBytes[i];
  if (len > (1u << 30)) {
    error = "'" + path + "' has an implausible header length";
    return false;
  }
  std::string text(len, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(len))) {
    error = "'" + path + "' ends inside its header";
    return false;
  }
  nlohmann::json header = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object()) {
    error = "'" + path + "' has a malformed JSON header";
    return false;
  }
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (auto &[name, entry] : header.items()) {
    if (name == "__metadata__")
      continue;
    RawTensor t;
    try {
      t.dtype = entry.at("dtype").get<std::string>();
      t.shape = entry.at("shape").get<std::vector<int64_t>>();
      auto offs = entry.at("data_offsets").get<std::vector<uint64_t>>();
      if (offs.size() != 2 || offs[0] > offs[1] || offs[1] > data.size()) {
        error = "tensor '" + name + "' in '" + path + "' points outside the file";
        return false;
      }
      t.bytes.assign(data.begin() + offs[0], data.begin() + offs[1]);
    } catch (const std::exception &e) {
      error = "tensor '" + name + "' in '" + path + "' has a malformed entry: " + e.what();
      return false;
    }
    tensors[name] = std::move(t);
  }
  return true;
}
