#!/usr/bin/env bash
# How big the SQLite session store grows under a long QoS 1 run through persistent sessions (issue: "the database
# does not grow without bound"). Starts the sample with the SQLite store, runs mqtt-cgen pairs at QoS 1 with
# persistent sessions for DURATION seconds, and prints the store's size (database + WAL) every SAMPLE seconds.
#
#   DURATION=600 benchmarks/load/store-size.sh
set -euo pipefail
ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
SHARED_DIR=${SHARED_DIR:-$ROOT/../shared}
SCRATCH=$(mkdir -p "${SCRATCH:-/tmp/gmqtt-bench}" && cd "${SCRATCH:-/tmp/gmqtt-bench}" && pwd)
DURATION=${DURATION:-600}
SAMPLE=${SAMPLE:-30}
PORT=${PORT:-18890}
DURABILITY=${DURABILITY:-Commit}
STORE=$SCRATCH/store-size
rm -rf "$STORE" && mkdir -p "$STORE"

mkdir -p "$SCRATCH/cgen"
cp "$SHARED_DIR/bench/cgen/Makefile" "$SHARED_DIR/bench/cgen/mqtt-cgen.c" "$SCRATCH/cgen/" && chmod u+w "$SCRATCH/cgen/"*
make -s -C "$SCRATCH/cgen" >/dev/null
dotnet build "$ROOT/samples/Gmqtt.Server" -c Release -nologo -v q >/dev/null

dotnet "$ROOT/samples/Gmqtt.Server/bin/Release/net10.0/Gmqtt.Server.dll" \
  --Kestrel:Endpoints:Mqtt:Url=http://127.0.0.1:$PORT --Kestrel:Endpoints:MqttTls:Url=https://127.0.0.1:$((PORT + 1)) \
  --Kestrel:Endpoints:Http:Url=http://127.0.0.1:$((PORT + 2)) --Logging:LogLevel:Default=Warning --Gmqtt:Admin:Enabled=false \
  --Gmqtt:Storage:Path="$STORE/gmqtt.db" --Gmqtt:Storage:Durability="$DURABILITY" >"$STORE/broker.log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null; wait $broker 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

"$SCRATCH/cgen/mqtt-cgen" --port "$PORT" --broker-pid "$broker" --broker-name gmqtt-sqlite --scenario pairs --qos 1 \
  --clients 10 --payload 64 --window 200 --duration "$DURATION" --warmup 1 --session-expiry 3600 \
  --max-messages 1000000000 --hard-timeout $((DURATION + 120)) --out "$STORE/result.jsonl" >/dev/null 2>"$STORE/cgen.log" &
cgen=$!
echo "seconds,db_bytes,wal_bytes"
start=$SECONDS
while kill -0 $cgen 2>/dev/null; do
  echo "$((SECONDS - start)),$(stat -c %s "$STORE/gmqtt.db" 2>/dev/null || echo 0),$(stat -c %s "$STORE/gmqtt.db-wal" 2>/dev/null || echo 0)"
  sleep "$SAMPLE"
done
wait $cgen || true
python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print("delivered msg/s:", [x.get("recv_msgs_per_s") for x in r], "delivered:", [x.get("received") for x in r], "lost_or_late:", [x.get("lost_or_late") for x in r])' "$STORE/result.jsonl"
kill $broker; wait $broker 2>/dev/null || true
echo "after stop: db $(stat -c %s "$STORE/gmqtt.db") bytes, wal $(stat -c %s "$STORE/gmqtt.db-wal" 2>/dev/null || echo 0) bytes"
