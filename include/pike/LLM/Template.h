// Prompt templates: text files with {{name}} placeholders and {{! comments }}.
// Values are inserted verbatim and never re-scanned, so code holding "{{" is safe.
#ifndef PIKE_LLM_TEMPLATE_H
#define PIKE_LLM_TEMPLATE_H

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace pike::llm {

class TemplateError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class PromptTemplate {
public:
  /// Throws TemplateError naming the file when it cannot be read or a "{{"
  /// is not closed / not a valid name (with its line).
  static PromptTemplate load(const std::string &path);
  static PromptTemplate fromString(const std::string &text, const std::string &name);

  /// Throws TemplateError naming every placeholder without a value, and the template.
  std::string render(const std::map<std::string, std::string> &values) const;
  /// Placeholder names in order of first use.
  std::vector<std::string> placeholders() const;
  const std::string &name() const { return name_; }

private:
  struct Piece {
    bool isVar;
    std::string text; // literal text or variable name
  };
  std::string name_;
  std::vector<Piece> pieces_;
};

/// <promptDir>/<name>.<version>.md
std::string promptPath(const std::string &promptDir, const std::string &name, const std::string &version);

} // namespace pike::llm

#endif
