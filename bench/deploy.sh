#!/usr/bin/env bash
# Deploy benchmark: Slipway's API vs a plain ssh deploy script. See bench/README.md.
#   bash bench/deploy.sh [--runs N] [--warmup N] [--verbose]
#   bash bench/deploy.sh --ssh-overhead [--runs N]   (diagnostic: the cost of one remote command)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# The repo's pinned Node 22, when it was bootstrapped (./dev does that); else the PATH's node.
if [[ -x "$root/.tools/node/node_modules/node/bin/node" ]]; then
  export PATH="$root/.tools/node/node_modules/node/bin:$PATH"
fi
cd "$root"
entry="$here/deploy.ts"
if [[ ${1:-} == --ssh-overhead ]]; then
  entry="$here/ssh-overhead.ts"
  shift
fi
exec node --require "$root/node_modules/@backstage/cli-node/config/nodeTransform.cjs" "$entry" "$@"
