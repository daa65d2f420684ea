#!/usr/bin/env bash
# .ci/tracked-files.sh - fail if git tracks something built: a file over 1 MiB, an
# executable or object file (ELF, Mach-O, PE, a Go archive), or an executable that is not
# a script. Pictures and test data are fine. Run by `make lint`.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((1 << 20))
bad=0
while IFS= read -r -d '' f; do
  [ -f "$f" ] || continue                      # deleted in the work tree, or a submodule
  size=$(stat -c %s "$f")
  if [ "$size" -gt "$limit" ]; then
    echo "tracked file over 1 MiB: $f ($size bytes)"; bad=1; continue
  fi
  magic=$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')
  case "$magic" in
    7f454c46|cffaedfe|cefaedfe|feedface|feedfacf|cafebabe|213c6172)
      echo "tracked build output (executable or object file): $f"; bad=1; continue ;;
    4d5a*)
      echo "tracked build output (Windows executable): $f"; bad=1; continue ;;
  esac
  if [ -x "$f" ] && [ "$(head -c 2 "$f")" != "#!" ]; then
    echo "tracked executable that is not a script: $f"; bad=1
  fi
done < <(git ls-files -z)
if [ "$bad" != 0 ]; then
  echo "nothing built is ever committed: git rm --cached the files above and add them to .gitignore" >&2
  exit 1
fi
