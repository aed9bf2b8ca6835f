# Sourced by pike's scripts after scripts/setup.sh: puts the checkout's virtual
# environment (.venv/, or $PIKE_VENV) first on PATH, so `python3`, `pip` and
# the tests' interpreter are the ones setup.sh installed into.
pike_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pike_venv=${PIKE_VENV:-$pike_root/.venv}
if [ ! -x "$pike_venv/bin/python" ]; then
  echo "pike: no virtual environment at $pike_venv (run scripts/setup.sh)" >&2
  return 1 2>/dev/null || exit 1
fi
export VIRTUAL_ENV="$pike_venv"
export PATH="$pike_venv/bin:$PATH"
unset PYTHONHOME
