#!/usr/bin/env bash
# Print the path of the first working interpreter among the versions given (e.g. `3.13 3.12`), looking on PATH and
# in pyenv's versions directory (pyenv shims exist for versions that are installed but not selected, and fail).
set -u
for v in "$@"; do
  for cand in "$(command -v "python$v" 2>/dev/null)" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$v"*/bin/"python$v"; do
    if [ -n "$cand" ] && [ -x "$cand" ] && "$cand" -c 'import sys' >/dev/null 2>&1; then
      echo "$cand"
      exit 0
    fi
  done
done
exit 0
