// Runs the crash-test search so the gtest can SIGKILL it mid-run:
//   pike-search-crash-helper <checkpoint.jsonl> <proposer-delay-ms>
// Prints the final state JSON when it gets to finish.
#include "SearchFakes.h"

#include <cstdlib>
#include <iostream>

int main(int argc, char **argv) {
  using namespace pike::search;
  using namespace pike::search::testing;
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " <checkpoint.jsonl> <proposer-delay-ms>\n";
    return 2;
  }
  FakeProposer proposer;
  proposer.delayMs = std::atoi(argv[2]);
  FakeFixer fixer;
  fixer.delayMs = proposer.delayMs;
  FakeEvaluator evaluator;
  SearchDriver driver(crashTestOptions(argv[1]), proposer, &fixer, evaluator);
  SearchReport rep = driver.run(fakeTasks(2));
  std::cout << rep.stateJson().dump() << "\n";
  return 0;
}
