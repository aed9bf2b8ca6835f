// Pulls the kernel source out of an LLM reply: fenced blocks (``` or ~~~, any
// length, tagged cuda/cu/cpp/c++/cxx/cc/c/h/hpp or untagged), several blocks,
// unterminated fences (a reply cut at max tokens), or no fences at all.
#ifndef PIKE_LLM_EXTRACT_H
#define PIKE_LLM_EXTRACT_H

#include <optional>
#include <string>
#include <vector>

namespace pike::llm {

struct CodeBlock {
  std::string lang;        // lower-cased info string's first word, "" when untagged
  std::string code;
  bool terminated = true;  // false: the reply ended inside the fence
  int line = 0;            // 1-based line of the opening fence
};

/// Every fenced block, in order.
std::vector<CodeBlock> findCodeBlocks(const std::string &reply);

/// True when `code` defines extern "C" int <entry>(...), also inside an
/// extern "C" { } block.
bool definesEntry(const std::string &code, const std::string &entry);

struct Extraction {
  std::optional<std::string> code;
  std::string how;      // "block 2 of 3 (cuda) defines pike_entry", "largest of 2 blocks", "unfenced", ...
  std::string failure;  // "no code in reply: ..." when code is empty
};

/// Chooses among the code blocks: the last one defining the entry, else the
/// largest; without fences, the reply from its first code-looking line to its
/// last closing brace. Never throws.
Extraction extractCode(const std::string &reply, const std::string &entry = "pike_entry");

} // namespace pike::llm

#endif
