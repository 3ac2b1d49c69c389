#!/usr/bin/env bash
# A local Redis Cluster of three masters on the loopback, for the Redis store's cluster tests
# (runtime/store/redis-cluster.test.ts and the cluster runs of spec/decisions-stores.test.ts and
# runtime/store/redis-workers.test.ts). Debian's redis-server and redis-cli; no persistence; each
# node in a temporary folder of its own.
#
#   scripts/redis-cluster.sh start   start the nodes, join them with `redis-cli --cluster create`,
#                                    wait for `cluster_state:ok`; prints the URL to export:
#                                    REDIS_CLUSTER_URL=redis+cluster://127.0.0.1:7000,...
#   scripts/redis-cluster.sh stop    shut the nodes down and remove their folders
#
# Ports: REDIS_CLUSTER_PORT (default 7000) and the next two. `start` refuses to run when a port
# already answers, rather than join someone else's server.
set -euo pipefail

BASE="${REDIS_CLUSTER_PORT:-7000}"
PORTS=("$BASE" "$((BASE + 1))" "$((BASE + 2))")
STATE="${TMPDIR:-/tmp}/hush-redis-cluster-$BASE"

url() {
  local nodes=()
  for p in "${PORTS[@]}"; do nodes+=("127.0.0.1:$p"); done
  (IFS=,; echo "redis+cluster://${nodes[*]}")
}

start() {
  for p in "${PORTS[@]}"; do
    if redis-cli -p "$p" ping >/dev/null 2>&1; then
      echo "redis-cluster: something already answers on 127.0.0.1:$p; stop it first ($0 stop)" >&2
      exit 1
    fi
  done
  rm -rf "$STATE"
  mkdir -p "$STATE"
  for p in "${PORTS[@]}"; do
    mkdir -p "$STATE/$p"
    redis-server --port "$p" --bind 127.0.0.1 --dir "$STATE/$p" --daemonize yes \
      --cluster-enabled yes --cluster-config-file "nodes-$p.conf" --cluster-node-timeout 5000 \
      --save '' --appendonly no --logfile "$STATE/$p/redis.log" --pidfile "$STATE/$p/redis.pid" >/dev/null
  done
  for p in "${PORTS[@]}"; do
    for _ in $(seq 1 100); do
      [ "$(redis-cli -p "$p" ping 2>/dev/null || true)" = PONG ] && break
      sleep 0.1
    done
    if [ "$(redis-cli -p "$p" ping 2>/dev/null || true)" != PONG ]; then
      echo "redis-cluster: the node on 127.0.0.1:$p did not start (see $STATE/$p/redis.log)" >&2
      exit 1
    fi
  done
  local nodes=()
  for p in "${PORTS[@]}"; do nodes+=("127.0.0.1:$p"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$STATE/create.log" 2>&1 || {
    cat "$STATE/create.log" >&2
    exit 1
  }
  for _ in $(seq 1 100); do
    local ok=1
    for p in "${PORTS[@]}"; do
      redis-cli -p "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || ok=0
    done
    [ "$ok" = 1 ] && break
    sleep 0.1
  done
  if [ "$ok" != 1 ]; then
    echo "redis-cluster: the cluster did not reach cluster_state:ok" >&2
    exit 1
  fi
  echo "REDIS_CLUSTER_URL=$(url)"
}

stop() {
  for p in "${PORTS[@]}"; do
    redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true
  done
  rm -rf "$STATE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac
