#include "pike/LLM/Extract.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <sstream>

namespace pike::llm {

namespace {

std::vector<std::string> splitLines(const std::string &s) {
  std::vector<std::string> lines;
  std::string cur;
  for (char c : s) {
    if (c == '\n') {
      if (!cur.empty() && cur.back() == '\r') cur.pop_back();
      lines.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A fence line: optional indent, then >= 3 of the same '`' or '~'.
bool fenceOf(const std::string &line, char &ch, size_t &len, std::string &info) {
  std::string t = trim(line);
  if (t.size() < 3 || (t[0] != '`' && t[0] != '~')) return false;
  size_t n = 0;
  while (n < t.size() && t[n] == t[0]) ++n;
  if (n < 3) return false;
  ch = t[0];
  len = n;
  info = trim(t.substr(n));
  return !(ch == '`' && info.find('`') != std::string::npos);
}

bool isCodeLang(const std::string &lang) {
  static const char *langs[] = {"", "cuda", "cu", "cuh", "cpp", "c++", "cxx", "cc", "c", "h", "hpp", "hxx"};
  for (const char *l : langs)
    if (lang == l) return true;
  return lang.rfind("cuda", 0) == 0 || lang.rfind("c++", 0) == 0 || lang.rfind("cpp", 0) == 0;
}

std::string oneLine(const std::string &s, size_t n) {
  std::string h;
  for (char c : s.substr(0, n)) h += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return s.size() > n ? h + "..." : h;
}

bool looksLikeCodeStart(const std::string &line) {
  static const std::regex start(
      R"(^\s*(#\s*(include|define|pragma|if|ifndef|ifdef)\b|extern\s+"C"|__global__|__device__|template\s*<|static\s|namespace\s|using\s|typedef\s|struct\s|//|/\*))");
  return std::regex_search(line, start);
}

} // namespace

std::vector<CodeBlock> findCodeBlocks(const std::string &reply) {
  std::vector<CodeBlock> blocks;
  std::vector<std::string> lines = splitLines(reply);
  for (size_t i = 0; i < lines.size(); ++i) {
    char ch;
    size_t len;
    std::string info;
    if (!fenceOf(lines[i], ch, len, info)) continue;
    CodeBlock b;
    b.line = (int)i + 1;
    std::string first = info.substr(0, info.find_first_of(" \t{"));
    for (char &c : first) c = (char)std::tolower((unsigned char)c);
    b.lang = first;
    b.terminated = false;
    std::string code;
    size_t j = i + 1;
    for (; j < lines.size(); ++j) {
      char c2;
      size_t l2;
      std::string info2;
      if (fenceOf(lines[j], c2, l2, info2) && c2 == ch && l2 >= len && info2.empty()) {
        b.terminated = true;
        break;
      }
      code += lines[j];
      code += '\n';
    }
    b.code = code;
    blocks.push_back(std::move(b));
    i = j; // continue after the closing fence (or the end)
  }
  return blocks;
}

bool definesEntry(const std::string &code, const std::string &entry) {
  if (code.find("extern \"C\"") == std::string::npos && !std::regex_search(code, std::regex(R"(extern\s+"C")")))
    return false;
  std::regex decl("(^|[^A-Za-z0-9_])(int|int32_t|cudaError_t)\\s+" + entry + "\\s*\\(");
  for (auto it = std::sregex_iterator(code.begin(), code.end(), decl); it != std::sregex_iterator(); ++it) {
    // Matching ')' then '{': a definition, not a prototype.
    size_t p = it->position(0) + it->length(0);
    int depth = 1;
    while (p < code.size() && depth > 0) {
      if (code[p] == '(') ++depth;
      if (code[p] == ')') --depth;
      ++p;
    }
    while (p < code.size() && std::isspace((unsigned char)code[p])) ++p;
    if (p < code.size() && code[p] == '{') return true;
  }
  return false;
}

Extraction extractCode(const std::string &reply, const std::string &entry) {
  Extraction ex;
  if (trim(reply).empty()) {
    ex.failure = "no code in reply: the reply is empty";
    return ex;
  }
  std::vector<CodeBlock> blocks = findCodeBlocks(reply);
  std::vector<size_t> code;
  for (size_t i = 0; i < blocks.size(); ++i)
    if (isCodeLang(blocks[i].lang) && !trim(blocks[i].code).empty()) code.push_back(i);

  auto describe = [&](size_t i, const char *why) {
    std::ostringstream os;
    os << "block " << (i + 1) << " of " << blocks.size();
    if (!blocks[i].lang.empty()) os << " (" << blocks[i].lang << ")";
    os << " " << why;
    if (!blocks[i].terminated) os << ", unterminated fence";
    return os.str();
  };

  if (!code.empty()) {
    // The last definition wins: replies often show a draft, then the final version.
    for (auto it = code.rbegin(); it != code.rend(); ++it)
      if (definesEntry(blocks[*it].code, entry)) {
        ex.code = blocks[*it].code;
        ex.how = describe(*it, ("defines " + entry).c_str());
        return ex;
      }
    size_t best = code.front();
    for (size_t i : code)
      if (blocks[i].code.size() >= blocks[best].code.size()) best = i;
    ex.code = blocks[best].code;
    ex.how = describe(best, "is the largest; none defines the entry");
    return ex;
  }
  if (!blocks.empty()) {
    std::string langs;
    for (const CodeBlock &b : blocks) langs += (langs.empty() ? "" : ", ") + (b.lang.empty() ? "untagged" : b.lang);
    ex.failure = "no code in reply: " + std::to_string(blocks.size()) + " fenced block(s) (" + langs +
                 ") but none is non-empty C++/CUDA; reply starts \"" + oneLine(reply, 160) + "\"";
    return ex;
  }

  // No fences: raw code, possibly with prose around it.
  std::vector<std::string> lines = splitLines(reply);
  size_t first = lines.size();
  for (size_t i = 0; i < lines.size(); ++i)
    if (looksLikeCodeStart(lines[i])) {
      first = i;
      break;
    }
  if (first < lines.size()) {
    size_t last = first;
    for (size_t i = first; i < lines.size(); ++i) {
      std::string t = trim(lines[i]);
      if (!t.empty() && (t.back() == '}' || t.back() == ';' || t[0] == '#')) last = i;
    }
    std::string text;
    for (size_t i = first; i <= last; ++i) text += lines[i] + "\n";
    if (definesEntry(text, entry) || text.find("__global__") != std::string::npos) {
      ex.code = text;
      ex.how = "unfenced code, lines " + std::to_string(first + 1) + "-" + std::to_string(last + 1);
      return ex;
    }
  }
  ex.failure = "no code in reply: no fenced block and no " + entry + " / __global__ definition; reply starts \"" +
               oneLine(reply, 160) + "\"";
  return ex;
}

} // namespace pike::llm
