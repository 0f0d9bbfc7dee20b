#!/usr/bin/env bash
# Events benchmark: state changes through the outbox to a JetStream ack vs a direct publish.
# See bench/README.md.
#   bash bench/events.sh [--events N] [--apps N] [--rounds N] [--warmup N]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# The repo's pinned Node 22, when it was bootstrapped (./dev does that); else the PATH's node.
if [[ -x "$root/.tools/node/node_modules/node/bin/node" ]]; then
  export PATH="$root/.tools/node/node_modules/node/bin:$PATH"
fi
cd "$root"
exec node --require "$root/node_modules/@backstage/cli-node/config/nodeTransform.cjs" "$here/events.ts" "$@"
