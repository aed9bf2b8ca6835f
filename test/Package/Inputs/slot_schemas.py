"""Loads a built package's library and prints the schema of every op in its
namespace (graph_forward and one per kernel slot), one per line.

usage: slot_schemas.py PACKAGE_DIR
"""
import json
import os
import sys

import torch

pkg = sys.argv[1]
ns = json.load(open(os.path.join(pkg, "report.json")))["namespace"]
torch.ops.load_library(os.path.join(pkg, "lib", "libpike_ops.so"))
for schema in torch._C._jit_get_all_schemas():
    if schema.name.startswith(ns + "::"):
        print(schema)
