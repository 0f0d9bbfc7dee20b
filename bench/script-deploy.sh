#!/usr/bin/env bash
# The "plain script" side of the deploy benchmark (bench/deploy.ts): what a hand-written deploy
# script does, as ONE ssh invocation that runs a here-doc on the host.
#
#   script-deploy.sh <ssh client args...> -- NAME REPO REF HOST_PORT CONTAINER_PORT HEALTH_PATH WORK_DIR RUN_LABEL DEPLOY_ID
#
# It does the same work as a Slipway deploy of a new app: fresh clone of the ref, docker build
# with three labels, remove any container of the same name, docker run with Slipway's flags
# (restart policy, publish, labels, env file), then GET the health path until it answers 200,
# every 0.25 s. The remote side prints `bench-mark <step> <epoch seconds>` lines (bash's
# $EPOCHREALTIME, no extra process) so the benchmark can show where the time goes.
set -euo pipefail

ssh_args=()
while [[ $# -gt 0 && $1 != -- ]]; do
  ssh_args+=("$1")
  shift
done
[[ ${1:-} == -- ]] || { echo "usage: $0 <ssh args...> -- NAME REPO REF HOST_PORT CONTAINER_PORT HEALTH_PATH WORK_DIR RUN_LABEL DEPLOY_ID" >&2; exit 2; }
shift
[[ $# -eq 9 ]] || { echo "$0: expected 9 values after --, got $#" >&2; exit 2; }

# The values travel as positional parameters of `bash -s`; ssh joins its arguments into one
# command line for the remote shell, so each one is quoted with printf %q first.
printf -v remote_args ' %q' "$@"

exec ssh "${ssh_args[@]}" "bash -s --$remote_args" <<'DEPLOY'
set -euo pipefail
name=$1 repo=$2 ref=$3 host_port=$4 container_port=$5 health_path=$6 work_dir=$7 run_label=$8 deploy_id=$9
mark() { printf 'bench-mark %s %s\n' "$1" "$EPOCHREALTIME"; }
mark start

# Health probe: curl if the host has it, else wget, else bash's /dev/tcp.
if command -v curl >/dev/null 2>&1; then
  probe() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$host_port$health_path"; }
elif command -v wget >/dev/null 2>&1; then
  probe() { wget -q -O /dev/null -T 2 "http://127.0.0.1:$host_port$health_path"; }
else
  probe() {
    local status
    exec 3<>"/dev/tcp/127.0.0.1/$host_port" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$health_path" >&3
    IFS= read -r -t 2 status <&3 || status=
    exec 3>&-
    [[ $status == "HTTP/1."?" 200"* ]]
  }
fi

# 1. Fresh clone of the ref.
dir="$work_dir/$name-$deploy_id"
mkdir -p "$work_dir"
rm -rf "$dir"
git clone --quiet --no-tags --single-branch --branch "$ref" -- "$repo" "$dir"
commit=$(git -C "$dir" rev-parse --verify 'HEAD^{commit}')
mark cloned

# 2. Build (output streamed back, as Slipway streams it into the deployment log).
image="slipway-bench/$name:$deploy_id"
docker build --tag "$image" \
  --label "slipway-bench.app=$name" \
  --label "slipway-bench.commit=$commit" \
  --label "slipway-bench.run=$run_label" \
  -- "$dir"
rm -rf "$dir"
mark built

# 3. Replace the container: remove the previous one of this name, run the new one with the
#    flags Slipway uses (env file on stdin, here empty).
docker rm --force -- "$name" >/dev/null 2>&1 || true
docker run --detach --name "$name" --restart unless-stopped \
  --publish "$host_port:$container_port" \
  --label "slipway-bench.app=$name" \
  --label "slipway-bench.commit=$commit" \
  --label "slipway-bench.run=$run_label" \
  --env-file /dev/stdin -- "$image" </dev/null >/dev/null
mark ran

# 4. Health: GET until 200, every 0.25 s, for up to 20 s (Slipway's gate deadline in the bench).
probes=1
deadline=$((SECONDS + 20))
until probe; do
  if ((SECONDS >= deadline)); then
    echo "not healthy after 20 s; last lines of the container:" >&2
    docker logs --tail 20 "$name" >&2 || true
    exit 1
  fi
  sleep 0.25
  probes=$((probes + 1))
done
mark healthy
echo "bench-probes $probes"
DEPLOY
