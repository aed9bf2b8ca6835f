#include "pike/WorkerClient/CompilePolicy.h"

#include <algorithm>

#include <cctype>
#include <regex>
#include <sys/stat.h>

namespace pike::worker {

namespace {

struct LogicalLine {
  std::string text; // spliced, comments replaced by a space
  int line;         // physical line it starts on (1-based)
};

bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Translation phases 2-3 as far as directives care: backslash-newline splices,
// comments become one space, string/character literals (raw ones included) are
// kept verbatim so that "//" or "/*" inside them is not taken for a comment.
std::vector<LogicalLine> logicalLines(const std::string &src) {
  std::vector<LogicalLine> out;
  LogicalLine cur{"", 1};
  int phys = 1;
  size_t i = 0, n = src.size();
  enum class State { Code, LineComment, BlockComment, String, Char, Raw } st = State::Code;
  std::string rawEnd; // ")delim\"" of the current raw string
  auto endLine = [&] {
    out.push_back(cur);
    cur = LogicalLine{"", phys};
  };
  while (i < n) {
    char c = src[i];
    // Line splice: applies in every state (even inside comments and literals).
    if (c == '\\' && st != State::Raw) {
      size_t j = i + 1;
      if (j < n && src[j] == '\r')
        ++j;
      if (j < n && src[j] == '\n') {
        i = j + 1;
        ++phys;
        continue;
      }
    }
    if (c == '\n') {
      ++phys;
      if (st == State::BlockComment) {
        ++i;
        continue;
      }
      if (st == State::Raw) {
        cur.text += '\n';
        ++i;
        continue;
      }
      st = State::Code; // unterminated literals and line comments end here
      ++i;
      endLine();
      continue;
    }
    switch (st) {
    case State::Code:
      if (c == '/' && i + 1 < n && src[i + 1] == '/') {
        st = State::LineComment;
        cur.text += ' ';
        i += 2;
        continue;
      }
      if (c == '/' && i + 1 < n && src[i + 1] == '*') {
        st = State::BlockComment;
        cur.text += ' ';
        i += 2;
        continue;
      }
      if (c == '"') {
        // Raw string: R"delim( with an R that starts a token (optionally u8/u/U/L before it).
        size_t r = cur.text.size();
        bool raw = r >= 1 && cur.text[r - 1] == 'R';
        if (raw) {
          size_t p = r - 1;
          if (p >= 2 && cur.text.compare(p - 2, 2, "u8") == 0)
            p -= 2;
          else if (p >= 1 && (cur.text[p - 1] == 'u' || cur.text[p - 1] == 'U' || cur.text[p - 1] == 'L'))
            p -= 1;
          raw = p == 0 || !isIdentChar(cur.text[p - 1]);
        }
        if (raw) {
          size_t open = src.find('(', i + 1);
          size_t nl = src.find('\n', i + 1);
          if (open != std::string::npos && (nl == std::string::npos || open < nl) && open - i - 1 <= 16) {
            rawEnd = ")" + src.substr(i + 1, open - i - 1) + "\"";
            st = State::Raw;
            cur.text.append(src, i, open - i + 1);
            i = open + 1;
            continue;
          }
        }
        st = State::String;
        cur.text += c;
        ++i;
        continue;
      }
      if (c == '\'') {
        // After an identifier/number character it is a digit separator (1'000).
        if (cur.text.empty() || !isIdentChar(cur.text.back()))
          st = State::Char;
        cur.text += c;
        ++i;
        continue;
      }
      cur.text += c;
      ++i;
      continue;
    case State::LineComment:
      ++i;
      continue;
    case State::BlockComment:
      if (c == '*' && i + 1 < n && src[i + 1] == '/') {
        st = State::Code;
        i += 2;
      } else {
        ++i;
      }
      continue;
    case State::String:
    case State::Char:
      cur.text += c;
      if (c == '\\' && i + 1 < n && src[i + 1] != '\n') {
        cur.text += src[i + 1];
        i += 2;
        continue;
      }
      if ((st == State::String && c == '"') || (st == State::Char && c == '\''))
        st = State::Code;
      ++i;
      continue;
    case State::Raw:
      if (src.compare(i, rawEnd.size(), rawEnd) == 0) {
        cur.text += rawEnd;
        i += rawEnd.size();
        st = State::Code;
      } else {
        cur.text += c;
        ++i;
      }
      continue;
    }
  }
  if (!cur.text.empty())
    out.push_back(cur);
  return out;
}

size_t skipSpace(const std::string &s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\v' || s[i] == '\f' || s[i] == '\r'))
    ++i;
  return i;
}

bool isRegularFile(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Why `name` (the text between the delimiters) may not be included, or "".
std::string rejectHeaderName(const std::string &name, const std::vector<std::string> &dirs) {
  if (name.empty())
    return "empty header name";
  if (name[0] == '/')
    return "absolute path";
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/' ||
          c == '-' || c == '+'))
      return "character '" + std::string(1, c) + "' in a header name";
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    std::string part = name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "..")
      return "'..' component";
    if (slash == std::string::npos)
      break;
    start = slash + 1;
  }
  for (const auto &d : dirs)
    if (!d.empty() && isRegularFile(d + "/" + name))
      return "";
  return "not a file in the CUDA toolkit's or pike's include directory";
}

} // namespace

std::vector<std::string> checkIncludes(const std::string &source,
                                       const std::vector<std::string> &includeDirs,
                                       const std::string &fileName) {
  std::vector<std::string> problems;
  for (const auto &L : logicalLines(source)) {
    const std::string &t = L.text;
    size_t i = skipSpace(t, 0);
    if (t.compare(i, 1, "#") == 0)
      i += 1;
    else if (t.compare(i, 2, "%:") == 0)
      i += 2;
    else if (t.compare(i, 3, "?\?=") == 0)
      i += 3;
    else
      continue;
    i = skipSpace(t, i);
    size_t nameEnd = i;
    while (nameEnd < t.size() && isIdentChar(t[nameEnd]))
      ++nameEnd;
    std::string directive = t.substr(i, nameEnd - i);
    // #embed (C23, and GCC 15 in C++) pulls a file's bytes in as data: never allowed.
    if (directive != "include" && directive != "include_next" && directive != "import" &&
        directive != "embed")
      continue;
    std::string shown = t.substr(skipSpace(t, 0));
    while (!shown.empty() && std::isspace(static_cast<unsigned char>(shown.back())))
      shown.pop_back();
    if (shown.size() > 200)
      shown = shown.substr(0, 200) + "...";
    auto reject = [&](const std::string &why) {
      problems.push_back("include not allowed: " + fileName + "(" + std::to_string(L.line) +
                         "): " + shown + " (" + why + ")");
    };
    if (directive != "include") {
      reject("#" + directive + " is not allowed");
      continue;
    }
    size_t a = skipSpace(t, nameEnd);
    char open = a < t.size() ? t[a] : 0;
    char close = open == '<' ? '>' : open == '"' ? '"' : 0;
    size_t b = close ? t.find(close, a + 1) : std::string::npos;
    if (!close || b == std::string::npos || skipSpace(t, b + 1) != t.size()) {
      reject("computed or malformed include: only a literal <name> or \"name\" is allowed");
      continue;
    }
    std::string why = rejectHeaderName(t.substr(a + 1, b - a - 1), includeDirs);
    if (!why.empty())
      reject(why);
  }
  return problems;
}

std::optional<std::string> checkFlags(const std::vector<std::string> &flags, const std::string &mode) {
  static const std::regex plain(
      R"(--?lineinfo|--generate-line-info|--?use_fast_math|--?maxrregcount=[1-9][0-9]{0,2})"
      R"(|--?std=c\+\+(17|20)|--?expt-relaxed-constexpr|--?extended-lambda|--?expt-extended-lambda)"
      R"(|-Xptxas=-v|--ptxas-options=-v)");
  static const std::regex define(R"(-D[A-Za-z_][A-Za-z0-9_]{0,127}(=[A-Za-z0-9_.+-]{0,256})?)");
  static const std::regex nvccOnly(R"(-lcublas|-lcublasLt|-lcudnn|-O[0-3])");
  for (size_t k = 0; k < flags.size(); ++k) {
    const std::string &f = flags[k];
    if (std::regex_match(f, plain) || std::regex_match(f, define))
      continue;
    if ((f == "-Xptxas" || f == "--ptxas-options") && k + 1 < flags.size() && flags[k + 1] == "-v") {
      ++k;
      continue;
    }
    if (std::regex_match(f, nvccOnly)) {
      if (mode == "nvcc")
        continue;
      return "flag not allowed: " + f + " (nvcc only: NVRTC links no libraries and has no -O levels)";
    }
    std::string shown = f.size() > 100 ? f.substr(0, 100) + "..." : f;
    return "flag not allowed: " + shown +
           " (allowed: -lineinfo, --use_fast_math, -maxrregcount=N, -std=c++17|c++20, "
           "--expt-relaxed-constexpr, --extended-lambda, -DNAME[=VALUE] of [A-Za-z0-9_.+-], "
           "-Xptxas -v, and for nvcc -O0..-O3 -lcublas -lcublasLt -lcudnn)";
  }
  return std::nullopt;
}

std::string scrubCompileLog(const std::string &log, const std::string &fileName) {
  // A diagnostic header names its file: EDG "FILE(LINE): error: ..." or gcc
  // "FILE:LINE[:COL]: error: ..."; also gcc's "FILE: In function ..." context.
  static const std::regex header(
      R"(^(.+?)(\(\d+\)|:\d+(:\d+)?):\s*(catastrophic error|fatal error|error|warning|remark|note|internal error)\b.*)");
  static const std::regex context(R"(^(.+?): (In |At global scope|At top level).*)");
  static const std::regex included(R"(^(In file included from|\s+from) .*)");
  static const std::regex summary(
      R"(^(\d+ (errors?|warnings?|catastrophic errors?) detected in the compilation of ".*"\.)"
      R"(|[Cc]ompilation terminated\.|ptxas\b.*|nvcc (fatal|error|warning)\s*:.*|nvrtc: .*)"
      R"(|(\S*/)?ld(\.\w+)?: .*|collect2: .*|pike-nvrtc: .*)$)");
  std::string out;
  bool keep = false;
  size_t start = 0;
  while (start < log.size()) {
    size_t nl = log.find('\n', start);
    std::string line = log.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? log.size() : nl + 1;
    std::smatch m;
    bool summaryLine = false;
    if (std::regex_match(line, m, header) || std::regex_match(line, m, context)) {
      keep = m[1].str() == fileName;
    } else if (std::regex_match(line, included)) {
      keep = false; // the diagnostic that follows names its own file
      continue;
    } else if (std::regex_match(line, summary)) {
      summaryLine = true;
      keep = false;
    }
    if (keep || summaryLine) {
      out += line;
      out += '\n';
    }
  }
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  return out;
}

std::vector<std::string> linkLibrariesFor(const std::string &source) {
  // Matched on #include lines only: a header named in a comment or string links nothing
  // (an unused library would only cost load time).
  static const std::regex include(R"(^[ \t]*#[ \t]*include[ \t]*[<"]([A-Za-z0-9_./]+)[>"])",
                                  std::regex::multiline);
  static const std::pair<const char *, const char *> kLibraries[] = {
      {"cublasLt.h", "-lcublasLt"}, {"cublas_v2.h", "-lcublas"}, {"cublas.h", "-lcublas"},
      {"cufft.h", "-lcufft"},       {"curand.h", "-lcurand"}};
  std::vector<std::string> flags;
  for (auto it = std::sregex_iterator(source.begin(), source.end(), include);
       it != std::sregex_iterator(); ++it) {
    std::string header = (*it)[1].str();
    for (const auto &[name, flag] : kLibraries)
      if (header == name && std::find(flags.begin(), flags.end(), flag) == flags.end())
        flags.push_back(flag);
  }
  return flags;
}

} // namespace pike::worker
