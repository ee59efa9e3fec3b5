#!/usr/bin/env bash
# The CLI stands on the public SDK only: every quoted #include in src/cli names
# either one of its own headers ("cli/...") or a public one ("deltaglider/...").
# (src/cli/CMakeLists.txt also keeps src/ off the CLI's include path, so a stray
# include fails the build; this check says which file and line, and guards the
# rule itself should the include path change.) Exits 1 listing the offenders.
set -euo pipefail
cd "$(dirname "$0")/.."
offenders=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' src/cli |
              grep -vE '#[[:space:]]*include[[:space:]]+"(cli|deltaglider)/' || true)
if [ -n "$offenders" ]; then
  echo "check-cli-includes: the CLI must include only cli/ and deltaglider/ headers:" >&2
  echo "$offenders" >&2
  exit 1
fi
echo "check-cli-includes: $(grep -rlE '#include' src/cli | wc -l) CLI files include only cli/ and deltaglider/ headers"
