#!/usr/bin/env bash
# Side-by-side load runner: Gmqtt, Mosquitto and MQTTnet, one after the other, under the same cgen load.
# Loopback only; every generator run is bounded in time and message count. See benchmarks/load/README.md.
#
#   benchmarks/load/run.sh                                   # full run (about 2.5 minutes per broker)
#   DURATION=2 WARMUP=1 CONN_STEPS=1000,5000 benchmarks/load/run.sh   # quick check
#   DURABLE=1 RUNS=3 benchmarks/load/run.sh                  # durable session stores, persistent sessions, QoS 1
set -euo pipefail

ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
SHARED_DIR=${SHARED_DIR:-$ROOT/../shared}
SCRATCH=${SCRATCH:-/tmp/gmqtt-bench}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
RUNS=${RUNS:-1}
DURABLE=${DURABLE:-0}
if [[ $DURABLE == 1 ]]; then
  # Durable rows: persistent sessions at QoS 1, the in-memory baseline against the durable stores.
  SCENARIOS=${SCENARIOS:-fanin,fanout,pairs}
  BROKERS=${BROKERS:-gmqtt gmqtt-sqlite gmqtt-fsync mosquitto-persist}
  QOS=${QOS:-1}
  SESSION_EXPIRY=${SESSION_EXPIRY:-3600}
else
  SCENARIOS=${SCENARIOS:-fanin,fanout,pairs,latency,conn}
  BROKERS=${BROKERS:-gmqtt mosquitto mqttnet}
  QOS=${QOS:-0,1}
  SESSION_EXPIRY=${SESSION_EXPIRY:-0}
fi
CLIENTS=${CLIENTS:-10}
PAYLOAD=${PAYLOAD:-64}
WINDOW=${WINDOW:-200}
RATE=${RATE:-1000}
CONN_STEPS=${CONN_STEPS:-1000,5000,10000,19000}
SOURCE_IPS=${SOURCE_IPS:-127.0.0.1-127.0.0.20}
MQTT5=${MQTT5:-0}
BASE_PORT=${BASE_PORT:-18870}
GMQTT_ARGS=${GMQTT_ARGS:-}
CGEN_ARGS=${CGEN_ARGS:-}
WAIT_IDLE=${WAIT_IDLE:-300}
OUT=${OUT:-$ROOT/benchmarks/load/results/$(date -u +%Y%m%dT%H%M%SZ)}

die() { echo "run.sh: $*" >&2; exit 2; }
log() { echo "== $(date -u +%H:%M:%S) $*" >&2; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
[[ $DURATION =~ ^[0-9]+$ && $WARMUP =~ ^[0-9]+$ ]] || die "DURATION and WARMUP must be whole seconds"
[[ $SESSION_EXPIRY =~ ^[0-9]+$ ]] || die "SESSION_EXPIRY must be whole seconds"
[[ -d $SHARED_DIR/bench/cgen ]] || die "no cgen in $SHARED_DIR/bench (set SHARED_DIR)"
for b in $BROKERS; do
  case $b in
    gmqtt|gmqtt-sqlite|gmqtt-fsync|mosquitto|mosquitto-persist|mqttnet) ;;
    gmqtt-base) [[ -n ${BASE_REF:-} ]] || die "gmqtt-base needs BASE_REF (the commit to compare with, e.g. BASE_REF=6ca5d2f)" ;;
    *) die "unknown broker '$b' (gmqtt, gmqtt-base, gmqtt-sqlite, gmqtt-fsync, mosquitto, mosquitto-persist, mqttnet)" ;;
  esac
done
IFS=, read -ra scenario_list <<<"$SCENARIOS"
throughput=() ; run_latency=0 ; run_conn=0
for s in "${scenario_list[@]}"; do
  case $s in
    fanin|fanout|pairs) throughput+=("$s") ;;
    latency) run_latency=1 ;;
    conn) run_conn=1 ;;
    *) die "unknown scenario '$s'" ;;
  esac
done
throughput_csv=$(IFS=,; echo "${throughput[*]}")
mqtt_flag=() ; [[ $MQTT5 == 1 ]] && mqtt_flag=(--mqtt5)
session_flag=() ; (( SESSION_EXPIRY > 0 )) && session_flag=(--session-expiry "$SESSION_EXPIRY")
read -ra cgen_extra <<<"$CGEN_ARGS"
read -ra gmqtt_extra <<<"$GMQTT_ARGS"

mkdir -p "$OUT/logs" "$SCRATCH"
OUT=$(cd "$OUT" && pwd)
SCRATCH=$(cd "$SCRATCH" && pwd) # absolute: Gmqtt runs from the repository root and gets store paths under it
RESULTS=$OUT/results.jsonl
FAILURES=$OUT/failures.txt
: >"$FAILURES"

# ---------------------------------------------------------------- clean-up: only the processes this script started
broker_pid= ; cgen_pid=
stop_pid() { # PID [seconds]: SIGTERM, wait, then SIGKILL
  local pid=$1 t=$(( ${2:-10} * 10 ))
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( t-- > 0 )); do sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid" 2>/dev/null || true; }
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  trap - EXIT INT TERM
  stop_pid "$cgen_pid" 2; cgen_pid=
  stop_pid "$broker_pid" 10; broker_pid=
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# ---------------------------------------------------------------- 1. Mosquitto
MOSQUITTO=
if [[ " $BROKERS " == *" mosquitto"* ]]; then
  MOSQUITTO=$(command -v mosquitto || true)
  [[ -z $MOSQUITTO && -x /usr/sbin/mosquitto ]] && MOSQUITTO=/usr/sbin/mosquitto
  if [[ -z $MOSQUITTO ]]; then
    log "installing mosquitto from Debian"
    apt-get update -qq && apt-get install -y mosquitto mosquitto-clients >"$OUT/logs/apt.log" 2>&1
    MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  fi
  [[ -x $MOSQUITTO ]] || die "mosquitto not found after install"
fi

# ---------------------------------------------------------------- 2. builds
log "building cgen in $SCRATCH/cgen"
mkdir -p "$SCRATCH/cgen"
cp "$SHARED_DIR/bench/cgen/Makefile" "$SHARED_DIR/bench/cgen/mqtt-cgen.c" "$SCRATCH/cgen/"
chmod u+w "$SCRATCH/cgen/"*
make -s -C "$SCRATCH/cgen" >/dev/null
CGEN=$SCRATCH/cgen/mqtt-cgen

GMQTT_DLL=$ROOT/samples/Gmqtt.Server/bin/Release/net10.0/Gmqtt.Server.dll
# gmqtt-base: the same sample built from BASE_REF, for a before/after of a change in one run (in memory, like gmqtt).
GMQTT_BASE_DLL=$SCRATCH/base-src/samples/Gmqtt.Server/bin/Release/net10.0/Gmqtt.Server.dll
if [[ " $BROKERS " == *" gmqtt-base "* ]]; then
  log "building samples/Gmqtt.Server at $BASE_REF in $SCRATCH/base-src (Release)"
  rm -rf "$SCRATCH/base-src" && mkdir -p "$SCRATCH/base-src"
  git -C "$ROOT" archive "$BASE_REF" | tar -x -C "$SCRATCH/base-src"
  dotnet build "$SCRATCH/base-src/samples/Gmqtt.Server" -c Release -nologo -v q >"$OUT/logs/build-gmqtt-base.log" 2>&1 \
    || { tail -20 "$OUT/logs/build-gmqtt-base.log" >&2; die "gmqtt-base build failed"; }
fi
if [[ " $BROKERS " == *" gmqtt"* ]]; then
  log "building samples/Gmqtt.Server (Release)"
  dotnet build "$ROOT/samples/Gmqtt.Server" -c Release -nologo -v q >"$OUT/logs/build-gmqtt.log" 2>&1 \
    || { tail -20 "$OUT/logs/build-gmqtt.log" >&2; die "Gmqtt build failed"; }
fi
MQTTNET_DLL=$SCRATCH/mqttnet/bin/Release/net10.0/MqttnetPeer.dll
if [[ " $BROKERS " == *" mqttnet "* ]]; then
  log "building the MQTTnet peer in $SCRATCH/mqttnet (Release)"
  mkdir -p "$SCRATCH/mqttnet"
  cp "$SHARED_DIR/bench/peers/mqttnet/"*.cs "$SHARED_DIR/bench/peers/mqttnet/"*.csproj "$SCRATCH/mqttnet/"
  chmod u+w "$SCRATCH/mqttnet/"*.cs "$SCRATCH/mqttnet/"*.csproj
  dotnet build "$SCRATCH/mqttnet" -c Release -nologo -v q >"$OUT/logs/build-mqttnet.log" 2>&1 \
    || { tail -20 "$OUT/logs/build-mqttnet.log" >&2; die "MQTTnet peer build failed"; }
fi

# ---------------------------------------------------------------- brokers
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Each broker has its own ports: Gmqtt-based ones use port, port+1 (TLS) and port+2 (HTTP); MQTTnet port and port+1.
broker_port() {
  case $1 in
    gmqtt) echo $BASE_PORT ;;
    mosquitto) echo $((BASE_PORT + 4)) ;;
    mqttnet) echo $((BASE_PORT + 6)) ;;
    mosquitto-persist) echo $((BASE_PORT + 8)) ;;
    gmqtt-sqlite) echo $((BASE_PORT + 10)) ;;
    gmqtt-base) echo $((BASE_PORT + 16)) ;;
    gmqtt-fsync) echo $((BASE_PORT + 13)) ;;
  esac
}

# Durable brokers keep their store in a scratch folder of their own (SCRATCH/NAME-store), wiped before each start.
store_dir() {
  case $1 in gmqtt-sqlite|gmqtt-fsync|mosquitto-persist) echo "$SCRATCH/$1-store" ;; esac
}
wipe_store() {
  local dir; dir=$(store_dir "$1")
  [[ -n $dir ]] || return 0
  rm -rf -- "$dir"
  mkdir -p "$dir"
}
# log_store NAME LOGSUFFIX WHEN: append an ls -la of the store folder to logs/NAME-LOGSUFFIX-store.txt.
log_store() {
  local dir; dir=$(store_dir "$1")
  [[ -n $dir && -d $dir ]] || return 0
  { echo "== $(date -u +%FT%TZ) $3: ls -la $dir"; ls -la "$dir"; echo "total bytes: $(du -sb "$dir" | cut -f1)"; echo; } \
    >>"$OUT/logs/$1-$2-store.txt" 2>&1
}

# The machine is shared: before starting a broker, wait (at most WAIT_IDLE s) until no other mqtt-cgen runs.
wait_idle() {
  local waited=0 others
  while others=$(pgrep -x mqtt-cgen | tr '\n' ' '); [[ -n $others ]] && (( waited < WAIT_IDLE )); do
    (( waited == 0 )) && log "waiting up to ${WAIT_IDLE}s for other mqtt-cgen runs to end (pids $others)"
    sleep 2; waited=$((waited + 2))
  done
  [[ -n $others ]] && log "warning: other mqtt-cgen processes still running ($others): figures will be disturbed"
  return 0
}

# start_broker NAME LOGSUFFIX: starts the broker alone, sets broker_pid to the broker process itself.
start_broker() {
  local name=$1 port; port=$(broker_port "$1")
  local logf="$OUT/logs/$name-$2.log"
  wait_idle
  port_open "$port" && { echo "$name: port $port already in use" >>"$FAILURES"; return 1; }
  wipe_store "$name"
  local store; store=$(store_dir "$name")
  case $name in
    gmqtt|gmqtt-base|gmqtt-sqlite|gmqtt-fsync)
      # From the repository root appsettings.json is not loaded, and the sample's storage provider defaults to
      # Sqlite (data/gmqtt.db), so every variant names its provider.
      local storage=(--Gmqtt:Storage:Provider=InMemory)
      case $name in
        gmqtt-sqlite) storage=(--Gmqtt:Storage:Provider=Sqlite --Gmqtt:Storage:Durability=Commit "--Gmqtt:Storage:Path=$store/gmqtt.db") ;;
        gmqtt-fsync) storage=(--Gmqtt:Storage:Provider=Sqlite --Gmqtt:Storage:Durability=Fsync "--Gmqtt:Storage:Path=$store/gmqtt.db") ;;
      esac
      local dll=$GMQTT_DLL
      [[ $name == gmqtt-base ]] && dll=$GMQTT_BASE_DLL
      ( ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"; cd "$ROOT"
        exec dotnet "$dll" \
          --Kestrel:Endpoints:Mqtt:Url=http://127.0.0.1:$port \
          --Kestrel:Endpoints:MqttTls:Url=https://127.0.0.1:$((port + 1)) \
          --Kestrel:Endpoints:Http:Url=http://127.0.0.1:$((port + 2)) \
          --Logging:LogLevel:Default=Warning --Gmqtt:Admin:Enabled=false \
          --Gmqtt:MaxQueuedMessages=1000000 "${storage[@]}" "${gmqtt_extra[@]}" ) >"$logf" 2>&1 &
      ;;
    mosquitto|mosquitto-persist)
      local conf="$OUT/logs/$name.conf" persistence="persistence false"
      if [[ $name == mosquitto-persist ]]; then
        # Default autosave settings: the in-memory state goes to mosquitto.db every 1800 s and at exit.
        persistence="persistence true
persistence_location $store/"
        # Started as root, mosquitto drops to the mosquitto user, which must be able to write the store.
        if [[ $(id -u) == 0 ]] && id mosquitto >/dev/null 2>&1; then chown mosquitto: "$store"; fi
      fi
      cat >"$conf" <<EOF
# Written by benchmarks/load/run.sh
listener $port 127.0.0.1
allow_anonymous true
$persistence
# Deep enough that QoS 1 runs are not cut by queue limits: unlimited in-flight, 1M queued per client.
max_inflight_messages 0
max_queued_messages 1000000
max_queued_bytes 0
log_dest stderr
log_type error
log_type warning
log_type notice
connection_messages false
${MOSQUITTO_CONF_EXTRA:-}
EOF
      ( ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
        exec "$MOSQUITTO" -c "$conf" ) >"$logf" 2>&1 &
      ;;
    mqttnet)
      ( ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"; cd "$SCRATCH/mqttnet"
        exec dotnet "$MQTTNET_DLL" --tcp-port "$port" --http-port $((port + 1)) ) >"$logf" 2>&1 &
      ;;
  esac
  broker_pid=$!
  local i
  for ((i = 0; i < 600; i++)); do
    kill -0 "$broker_pid" 2>/dev/null || { echo "$name: exited during start-up (see logs/$name-$2.log)" >>"$FAILURES"; broker_pid=; return 1; }
    port_open "$port" && break
    sleep 0.1
  done
  if ! port_open "$port"; then
    echo "$name: port $port did not accept within 60 s" >>"$FAILURES"; stop_pid "$broker_pid"; broker_pid=; return 1
  fi
  local comm; comm=$(cat "/proc/$broker_pid/comm")
  log "$name started: pid $broker_pid ($comm), port $port, nofile $(awk '/Max open files/ {print $4}' "/proc/$broker_pid/limits")"
}

# stop_broker NAME LOGSUFFIX: a durable broker's store folder is listed before and after the stop.
stop_broker() {
  local name=$1
  log_store "$name" "$2" "before stop"
  if [[ -n $broker_pid ]] && ! kill -0 "$broker_pid" 2>/dev/null; then
    wait "$broker_pid" 2>/dev/null && rc=0 || rc=$?
    echo "$name: broker process died (exit $rc) before it was stopped" >>"$FAILURES"
  fi
  stop_pid "$broker_pid" 10; broker_pid=
  log_store "$name" "$2" "after stop"
  local dir; dir=$(store_dir "$name")
  if [[ -n $dir && -d $dir ]]; then
    log "$name: store $dir holds $(du -sb "$dir" | cut -f1) bytes after stop (logs/$name-$2-store.txt)"
  fi
}

# cgen NAME TIMEOUT ARGS...: one bounded generator run against the current broker.
cgen() {
  local name=$1 hard=$2; shift 2
  local port; port=$(broker_port "$name")
  "$CGEN" --host 127.0.0.1 --port "$port" --broker-pid "$broker_pid" --broker-name "$name" \
    --clients "$CLIENTS" --payload "$PAYLOAD" --duration "$DURATION" --warmup "$WARMUP" \
    "${mqtt_flag[@]}" "${session_flag[@]}" --hard-timeout "$hard" --out "$RESULTS" "${cgen_extra[@]}" "$@" \
    >/dev/null 2>>"$OUT/logs/cgen-$name.log" &
  cgen_pid=$!
  local rc=0; wait "$cgen_pid" || rc=$?
  cgen_pid=
  if (( rc != 0 )); then
    echo "$name: cgen $* exited $rc (see logs/cgen-$name.log)" >>"$FAILURES"
  fi
  if ! kill -0 "$broker_pid" 2>/dev/null; then
    echo "$name: broker died during cgen $*" >>"$FAILURES"
    return 1
  fi
  return 0
}

nqos=$(tr ',' '\n' <<<"$QOS" | grep -c .)
# Per throughput run: warm-up + measurement + 5 s drain + connecting; generous margin.
tp_timeout=$(( ${#throughput[@]} * nqos * (WARMUP + DURATION + 20) + 60 ))
lat_timeout=$(( nqos * (WARMUP + DURATION + 20) + 60 ))
conn_timeout=$(( $(tr ',' '\n' <<<"$CONN_STEPS" | grep -c .) * 40 + 60 ))

{
  echo "utc=$(date -u +%FT%TZ) commit=$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo -dirty)"
  echo "durable=$DURABLE brokers=$BROKERS scenarios=$SCENARIOS qos=$QOS clients=$CLIENTS payload=$PAYLOAD window=$WINDOW"
  echo "duration=$DURATION warmup=$WARMUP runs=$RUNS rate=$RATE conn_steps=$CONN_STEPS source_ips=$SOURCE_IPS mqtt5=$MQTT5 session_expiry=$SESSION_EXPIRY"
  echo "scratch=$SCRATCH on $(df -P "$SCRATCH" | awk 'NR == 2 {print $1}')"
  echo "gmqtt_args=$GMQTT_ARGS cgen_args=$CGEN_ARGS base_ref=${BASE_REF:-}"
  echo "mosquitto=$([[ -n $MOSQUITTO ]] && "$MOSQUITTO" -h 2>/dev/null | head -1) dotnet=$(dotnet --version)"
  echo "nproc=$(nproc) loadavg_at_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/run.txt"
log "results in $OUT (load average $(cut -d' ' -f1-3 /proc/loadavg))"

# ---------------------------------------------------------------- 3. runs, one broker at a time
for name in $BROKERS; do
  if (( ${#throughput[@]} > 0 || run_latency )); then
    if start_broker "$name" msg; then
      ok=1
      for ((r = 1; r <= RUNS && ok; r++)); do
        if (( ${#throughput[@]} > 0 )); then
          log "$name: $throughput_csv qos $QOS (run $r/$RUNS)"
          cgen "$name" "$tp_timeout" --scenario "$throughput_csv" --qos "$QOS" --window "$WINDOW" || ok=0
        fi
      done
      if (( run_latency && ok )); then
        log "$name: latency qos $QOS at $RATE msg/s"
        cgen "$name" "$lat_timeout" --scenario latency --qos "$QOS" --rate "$RATE" || ok=0
      fi
      stop_broker "$name" msg
    fi
  fi
  if (( run_conn )); then
    # A fresh broker, so that the idle-connection RSS is not mixed with what the message runs left behind.
    if start_broker "$name" conn; then
      log "$name: conn steps $CONN_STEPS"
      cgen "$name" "$conn_timeout" --scenario conn --steps "$CONN_STEPS" --source-ips "$SOURCE_IPS" || true
      stop_broker "$name" conn
    fi
  fi
done

# ---------------------------------------------------------------- 4. table
# shellcheck disable=SC2086
python3 "$ROOT/benchmarks/load/table.py" --brokers "${BROKERS// /,}" "$RESULTS" | tee "$OUT/table.md"
if [[ -s $FAILURES ]]; then
  echo; echo "Failures:"; sed 's/^/- /' "$FAILURES"
fi
log "done: $OUT"
