#!/usr/bin/env bash
# CI's formatting check: the C++ lines changed since BASE (default: the previous commit, or
# $CW_FORMAT_BASE) must be as clang-format 14 writes them with the project's .clang-format.
# Only changed lines are held to it, so a change never has to reformat a whole old file.
#
# Usage: packaging/check-format.sh [BASE [--fix]]   (--fix formats those lines in place)
set -euo pipefail
cd "$(dirname "$0")/.."

base="${1:-${CW_FORMAT_BASE:-HEAD~1}}"
if ! git rev-parse --verify -q "${base}^{commit}" >/dev/null; then
  echo "check-format: no commit '$base' to compare with; nothing to check"
  exit 0
fi
# Renames count as renames (-M): a moved file is held to its changed lines only.
changed_lines() { git diff -U0 -M --no-color "$base" -- '*.h' '*.cpp'; }
if [[ "${2:-}" == "--fix" ]]; then
  changed_lines | clang-format-diff-14 -p1 -i
  exit 0
fi
out=$(changed_lines | clang-format-diff-14 -p1)
if [[ -z "$out" ]]; then
  echo "check-format: the C++ lines changed since $base are formatted"
  exit 0
fi
printf '%s\n' "$out"
echo "check-format: the lines above differ from .clang-format's layout; fix with: packaging/check-format.sh $base --fix"
exit 1
