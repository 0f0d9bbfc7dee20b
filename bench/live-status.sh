#!/usr/bin/env bash
# Live status benchmark: state change on the host → status card, SSE vs 10 s polling.
#   bash bench/live-status.sh [--runs N]      (see bench/README.md)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
if [[ -x "$root/.tools/node/node_modules/node/bin/node" ]]; then
  export PATH="$root/.tools/node/node_modules/node/bin:$PATH"
fi
cd "$root"
exec node --require "$root/node_modules/@backstage/cli-node/config/nodeTransform.cjs" "$here/live-status.ts" "$@"
