import os
import sys

KB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if KB not in sys.path:
    sys.path.insert(0, KB)


def pytest_configure(config):
    # torch.jit.* is deprecated in torch 2.11 and warns on every call; pike uses it on purpose.
    config.addinivalue_line("filterwarnings", "ignore:`torch.jit:DeprecationWarning")
