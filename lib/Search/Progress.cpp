#include "pike/Search/Progress.h"

#include <cstdio>
#include <unistd.h>

namespace pike::search {

std::string formatProgress(const ProgressInfo &p) {
  char buf[128];
  std::string out = "search gen " + std::to_string(p.generation);
  out += " | queries " + std::to_string(p.queries) + "/" + std::to_string(p.queryBudget);
  if (p.usdBudget > 0)
    std::snprintf(buf, sizeof buf, " | $%.2f/%.2f", p.usd, p.usdBudget);
  else
    std::snprintf(buf, sizeof buf, " | $%.2f", p.usd);
  out += buf;
  out += " | busy " + std::to_string(p.busy) + "/" + std::to_string(p.parallel);
  std::snprintf(buf, sizeof buf, " | %.0fs |", p.elapsedSec);
  out += buf;
  for (const TaskProgress &t : p.tasks) {
    out += " " + t.regionName + " ";
    if (t.bestSpeedup > 0) {
      std::snprintf(buf, sizeof buf, "%.2fx", t.bestSpeedup);
      out += buf;
    } else {
      out += "-";
    }
  }
  return out;
}

bool isTerminal(int fd) { return ::isatty(fd) == 1; }

ProgressPrinter::ProgressPrinter(std::ostream &os, bool tty, double intervalSec)
    : os_(os), tty_(tty), intervalSec_(intervalSec) {}

void ProgressPrinter::operator()(const ProgressInfo &p) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string line = formatProgress(p);
  auto now = std::chrono::steady_clock::now();
  if (tty_) {
    // Pad to erase the tail of a longer previous line.
    std::string padded = line;
    if (padded.size() < lastWidth_)
      padded.append(lastWidth_ - padded.size(), ' ');
    lastWidth_ = line.size();
    os_ << '\r' << padded;
    if (p.final)
      os_ << '\n';
    os_.flush();
    return;
  }
  double since = std::chrono::duration<double>(now - last_).count();
  if (!p.final && printedAny_ && since < intervalSec_)
    return;
  printedAny_ = true;
  last_ = now;
  os_ << line << '\n';
  os_.flush();
}

} // namespace pike::search
