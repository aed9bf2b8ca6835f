#include "pike/LLM/Template.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace pike::llm {

PromptTemplate PromptTemplate::load(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw TemplateError("cannot read prompt template " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return fromString(ss.str(), path);
}

PromptTemplate PromptTemplate::fromString(const std::string &text, const std::string &name) {
  PromptTemplate t;
  t.name_ = name;
  std::string lit;
  size_t i = 0;
  auto lineOf = [&](size_t pos) { return 1 + std::count(text.begin(), text.begin() + pos, '\n'); };
  while (i < text.size()) {
    size_t open = text.find("{{", i);
    if (open == std::string::npos) {
      lit += text.substr(i);
      break;
    }
    lit += text.substr(i, open - i);
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos)
      throw TemplateError(name + ":" + std::to_string(lineOf(open)) + ": '{{' without a closing '}}'");
    std::string inner = text.substr(open + 2, close - open - 2);
    i = close + 2;
    if (!inner.empty() && inner[0] == '!') {
      // A comment on a line of its own disappears with its newline.
      size_t ls = lit.find_last_of('\n');
      bool lineStart = lit.find_first_not_of(" \t", ls == std::string::npos ? 0 : ls + 1) == std::string::npos;
      if (lineStart && i < text.size() && text[i] == '\n') {
        lit.erase(ls == std::string::npos ? 0 : ls + 1);
        ++i;
      }
      continue;
    }
    size_t b = inner.find_first_not_of(" \t"), e = inner.find_last_not_of(" \t");
    std::string var = b == std::string::npos ? "" : inner.substr(b, e - b + 1);
    bool valid = !var.empty() && (std::isalpha((unsigned char)var[0]) || var[0] == '_');
    for (char c : var) valid = valid && (std::isalnum((unsigned char)c) || c == '_');
    if (!valid)
      throw TemplateError(name + ":" + std::to_string(lineOf(open)) + ": bad placeholder '{{" + inner +
                          "}}' (names are letters, digits and _)");
    t.pieces_.push_back({false, lit});
    lit.clear();
    t.pieces_.push_back({true, var});
  }
  t.pieces_.push_back({false, lit});
  return t;
}

std::vector<std::string> PromptTemplate::placeholders() const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const Piece &p : pieces_)
    if (p.isVar && seen.insert(p.text).second) out.push_back(p.text);
  return out;
}

std::string PromptTemplate::render(const std::map<std::string, std::string> &values) const {
  std::vector<std::string> missing;
  for (const std::string &v : placeholders())
    if (!values.count(v)) missing.push_back(v);
  if (!missing.empty()) {
    std::string list;
    for (const std::string &m : missing) list += (list.empty() ? "" : ", ") + ("{{" + m + "}}");
    throw TemplateError("prompt template " + name_ + ": no value for placeholder " + list);
  }
  std::string out;
  for (const Piece &p : pieces_) out += p.isVar ? values.at(p.text) : p.text;
  return out;
}

std::string promptPath(const std::string &promptDir, const std::string &name, const std::string &version) {
  std::string d = promptDir;
  if (!d.empty() && d.back() != '/') d += '/';
  return d + name + "." + version + ".md";
}

} // namespace pike::llm
