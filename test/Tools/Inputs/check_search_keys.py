"""Every key pike-opt --help lists for search= is an option of both search passes.

The help names the keys once and leaves their descriptions to the passes' own
options (Passes.td): a key neither pass takes would be documented nowhere.
    check_search_keys.py HELP_TEXT_FILE
"""
import re
import sys

help_text = open(sys.argv[1]).read()
m = re.search(r"same keys and is applied last:\n(.*?)\n\n", help_text, re.S)
if not m:
    sys.exit("no search= key list in the help")
keys = [re.sub(r"\(.*", "", k).strip() for k in m.group(1).replace("\n", " ").split(",")]
keys = [k for k in keys if k and k != "db-path"]  # db-path: the passes' db=
if len(keys) < 15:
    sys.exit(f"only {len(keys)} keys listed: {keys}")


def options_of(pass_name):
    block = re.search(r"\n\s+--" + pass_name + r" .*?\n((?:\s{8,}--.*\n)+)", help_text)
    if not block:
        sys.exit(f"--{pass_name} is not in the help")
    return set(re.findall(r"^\s+--([a-z0-9-]+)", block.group(1), re.M))


bad = [f"-{p} has no option {k}" for p in ("pike-search", "pike-llm-search")
       for k in keys if k not in options_of(p)]
print("\n".join(bad) or f"all {len(keys)} keys are options of both search passes")
sys.exit(1 if bad else 0)
