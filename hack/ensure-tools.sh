#!/usr/bin/env bash
# The end-to-end tests drive the real binary in tmux and check go-git's work
# with the git CLI. Install them from the distribution when they are
# missing (a fresh Debian/Ubuntu machine as root); otherwise say what to do.
set -euo pipefail
missing=()
for tool in tmux git; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "tools: installing ${missing[*]} (needed by the end-to-end tests)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
  exit 0
fi
echo "tools: the end-to-end tests need ${missing[*]}; install them (e.g. sudo apt-get install ${missing[*]})" >&2
exit 1
