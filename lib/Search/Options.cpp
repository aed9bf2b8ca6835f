#include <cctype>
#include "pike/Search/Options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <sstream>

namespace pike::search {
namespace {

using Setter = std::function<std::string(SearchOptions &, const std::string &)>;
using Getter = std::function<std::string(const SearchOptions &)>;
struct Field {
  const char *key;
  Setter set;
  Getter get;
};

std::string parseInt(const std::string &v, int64_t lo, int64_t hi, int64_t &out) {
  if (v.empty())
    return "expected an integer, got an empty value";
  errno = 0;
  char *end = nullptr;
  long long x = std::strtoll(v.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE)
    return "expected an integer, got '" + v + "'";
  if (x < lo || x > hi)
    return "value " + v + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  out = x;
  return "";
}

std::string parseDouble(const std::string &v, double lo, double &out) {
  if (v.empty())
    return "expected a number, got an empty value";
  errno = 0;
  char *end = nullptr;
  double x = std::strtod(v.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || !std::isfinite(x))
    return "expected a finite number, got '" + v + "'";
  if (x < lo)
    return "value " + v + " must be >= " + std::to_string(lo);
  out = x;
  return "";
}

std::string fmtDouble(double d) {
  std::ostringstream os;
  os.precision(17);
  os << d;
  return os.str();
}

template <class T> Field intField(const char *key, T SearchOptions::*m, int64_t lo, int64_t hi) {
  return {key,
          [m, lo, hi](SearchOptions &o, const std::string &v) {
            int64_t x = 0;
            std::string err = parseInt(v, lo, hi, x);
            if (err.empty())
              o.*m = static_cast<T>(x);
            return err;
          },
          [m](const SearchOptions &o) { return std::to_string(o.*m); }};
}

Field doubleField(const char *key, double SearchOptions::*m) {
  return {key,
          [m](SearchOptions &o, const std::string &v) {
            double x = 0;
            std::string err = parseDouble(v, 0, x);
            if (err.empty())
              o.*m = x;
            return err;
          },
          [m](const SearchOptions &o) { return fmtDouble(o.*m); }};
}

Field stringField(const char *key, std::string SearchOptions::*m) {
  return {key,
          [m](SearchOptions &o, const std::string &v) {
            o.*m = v;
            return std::string();
          },
          [m](const SearchOptions &o) { return o.*m; }};
}

const std::vector<Field> &fields() {
  static const std::vector<Field> f = {
      intField("budget", &SearchOptions::budget, 1, INT64_MAX),
      doubleField("budgetUsd", &SearchOptions::budgetUsd),
      intField("islands", &SearchOptions::islands, 1, 1024),
      intField("eliteK", &SearchOptions::eliteK, 1, 1 << 20),
      intField("parentsPerProposal", &SearchOptions::parentsPerProposal, 0, 1 << 20),
      intField("generationSize", &SearchOptions::generationSize, 1, 1 << 20),
      intField("migrationInterval", &SearchOptions::migrationInterval, 0, INT64_MAX),
      intField("migrants", &SearchOptions::migrants, 0, 1 << 20),
      intField("fixAttempts", &SearchOptions::fixAttempts, 0, 1000),
      intField("parallel", &SearchOptions::parallel, 1, 4096),
      {"seed",
       [](SearchOptions &o, const std::string &v) {
         errno = 0;
         char *end = nullptr;
         if (v.empty() || v[0] == '-')
           return std::string("expected a non-negative integer, got '" + v + "'");
         unsigned long long x = std::strtoull(v.c_str(), &end, 10);
         if (*end != '\0' || errno == ERANGE)
           return std::string("expected a 64-bit unsigned integer, got '" + v + "'");
         o.seed = x;
         return std::string();
       },
       [](const SearchOptions &o) { return std::to_string(o.seed); }},
      doubleField("wallClockSec", &SearchOptions::wallClockSec),
      stringField("checkpointPath", &SearchOptions::checkpointPath),
      stringField("dbPath", &SearchOptions::dbPath),
      stringField("tracePath", &SearchOptions::tracePath),
      {"objective2",
       [](SearchOptions &o, const std::string &v) {
         if (v != "none" && v != "compile_ms" && v != "code_size")
           return std::string("expected one of none, compile_ms, code_size, got '" + v + "'");
         o.objective2 = v;
         return std::string();
       },
       [](const SearchOptions &o) { return o.objective2; }},
  };
  return f;
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\n");
  if (b == std::string::npos)
    return "";
  size_t e = s.find_last_not_of(" \t\n");
  return s.substr(b, e - b + 1);
}

} // namespace

const std::vector<std::string> &SearchOptions::keys() {
  static const std::vector<std::string> k = [] {
    std::vector<std::string> out;
    for (const Field &f : fields())
      out.push_back(f.key);
    return out;
  }();
  return k;
}

std::string SearchOptions::parse(const std::string &text) {
  // Split on commas outside double quotes.
  std::vector<std::string> items;
  std::string cur;
  bool quoted = false;
  for (char c : text) {
    if (c == '"')
      quoted = !quoted;
    if (c == ',' && !quoted) {
      items.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (quoted)
    return "search options: unterminated quote in '" + text + "'";
  items.push_back(cur);

  SearchOptions next = *this;
  for (const std::string &raw : items) {
    std::string item = trim(raw);
    if (item.empty())
      continue;
    size_t eq = item.find('=');
    if (eq == std::string::npos)
      return "search option '" + item + "': expected key=value";
    // Pass-option spelling (elite-k, fix-attempts) and C++ spelling (eliteK) both work.
    std::string key;
    bool upper = false;
    for (char c : trim(item.substr(0, eq))) {
      if (c == '-' || c == '_') {
        upper = true;
        continue;
      }
      key.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
      upper = false;
    }
    std::string value = trim(item.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    const Field *field = nullptr;
    for (const Field &f : fields())
      if (key == f.key)
        field = &f;
    if (!field) {
      std::string known;
      for (const Field &f : fields())
        known += (known.empty() ? "" : ", ") + std::string(f.key);
      return "unknown search option '" + key + "' (known: " + known + ")";
    }
    std::string err = field->set(next, value);
    if (!err.empty())
      return "search option '" + key + "': " + err;
  }
  std::string err = next.validate();
  if (!err.empty())
    return err;
  *this = next;
  return "";
}

std::string SearchOptions::validate() const {
  if (budget < 1)
    return "search option 'budget': must be >= 1";
  if (!(budgetUsd >= 0) || !std::isfinite(budgetUsd))
    return "search option 'budgetUsd': must be a finite number >= 0 (0 = no dollar cap)";
  if (islands < 1)
    return "search option 'islands': must be >= 1";
  if (eliteK < 1)
    return "search option 'eliteK': must be >= 1";
  if (parentsPerProposal < 0 || parentsPerProposal > eliteK)
    return "search option 'parentsPerProposal': must be in [0, eliteK=" + std::to_string(eliteK) + "]";
  if (generationSize < 1)
    return "search option 'generationSize': must be >= 1";
  if (migrationInterval < 0)
    return "search option 'migrationInterval': must be >= 0 (0 = no migration)";
  if (migrants < 0)
    return "search option 'migrants': must be >= 0";
  if (fixAttempts < 0)
    return "search option 'fixAttempts': must be >= 0";
  if (parallel < 1)
    return "search option 'parallel': must be >= 1";
  if (!(wallClockSec >= 0) || !std::isfinite(wallClockSec))
    return "search option 'wallClockSec': must be a finite number >= 0 (0 = no limit)";
  if (objective2 != "none" && objective2 != "compile_ms" && objective2 != "code_size")
    return "search option 'objective2': expected one of none, compile_ms, code_size";
  return "";
}

std::string SearchOptions::toString() const {
  std::string out;
  for (const Field &f : fields()) {
    std::string v = f.get(*this);
    if (v.find(',') != std::string::npos || v.find(' ') != std::string::npos)
      v = "\"" + v + "\"";
    out += (out.empty() ? "" : ",") + std::string(f.key) + "=" + v;
  }
  return out;
}

nlohmann::json SearchOptions::toJson() const {
  return {{"budget", budget},
          {"budgetUsd", budgetUsd},
          {"islands", islands},
          {"eliteK", eliteK},
          {"parentsPerProposal", parentsPerProposal},
          {"generationSize", generationSize},
          {"migrationInterval", migrationInterval},
          {"migrants", migrants},
          {"fixAttempts", fixAttempts},
          {"parallel", parallel},
          {"seed", seed},
          {"wallClockSec", wallClockSec},
          {"checkpointPath", checkpointPath},
          {"dbPath", dbPath},
          {"tracePath", tracePath},
          {"objective2", objective2}};
}

} // namespace pike::search
