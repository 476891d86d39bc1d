#!/usr/bin/env bash
# Makes the seed corpora of the fuzz targets, fuzz/corpus/<target>/, from the bundled scenarios
# and from what `dais` writes when it runs them:
#   scenario    the bundled scenarios, the test suites' scenario files, the layer template's
#               example, fuzz/checkpoint.dais.json, and each of them with its large groups cut
#               to a few nodes (so that the fuzzer starts from valid scenarios small enough to
#               be built)
#   override    --set assignments as the documentation and the scenarios' experiments use
#               them, each over a scenario document ("ASSIGNMENT\nDOCUMENT")
#   checkpoint  the checkpoints `dais run` takes of fuzz/checkpoint.dais.json (and variants)
#               and of scenarios/hospitals.dais.json
#   store       run stores `dais run --store` and `dais sweep --store` write: runs with samples,
#               traces and notes, a sweep, a store emptied by deletes and, when the sqlite3
#               program is installed (it compacts the stores), a run killed mid-way and a store
#               of schema version 1
# Every file is distinct (duplicates are dropped). Usage, from anywhere:
#   fuzz/make_corpora.sh [BUILD_DIR]     (default: build/dev; needs its bin/dais and plugins)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build/dev}" && pwd)
dais="$build/bin/dais"
[ -x "$dais" ] || { echo "make_corpora.sh: no $dais (build the target dais first)" >&2; exit 2; }
corpus="$root/fuzz/corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DAIS_STORE="$work/default.sqlite"  # never the user's store
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work}

rm -rf "$corpus"
mkdir -p "$corpus"/{scenario,override,checkpoint,store}

# Runs dais quietly (run and sweep without their progress bar); on failure shows what it said
# and stops.
run() {
    local quiet=()
    case $1 in run | sweep) quiet=(--no-progress) ;; esac
    "$dais" "$@" "${quiet[@]}" >"$work/out" 2>&1 ||
        { echo "make_corpora.sh: dais $* failed:" >&2; cat "$work/out" >&2; exit 1; }
}

# --- scenario ----------------------------------------------------------------------------------
scenario_files=("$root"/scenarios/*.dais.json "$root"/tests/core/data/*.dais.json
                "$root"/fuzz/checkpoint.dais.json)
for f in "${scenario_files[@]}"; do
    cp "$f" "$corpus/scenario/$(basename "$f")"
    # The same with every group of 100 nodes or more cut to 8.
    sed -E 's/"count": *[0-9]{3,}/"count": 8/g' "$f" > "$work/small.json"
    cmp -s "$f" "$work/small.json" ||
        cp "$work/small.json" "$corpus/scenario/$(basename "$f" .dais.json)-small.dais.json"
done
sed -e 's/@LAYER_ID@/example/g' -e 's/@LAYER_NAME@/Example/g' \
    "$root/plugins/layer-template/example.dais.json.in" > "$corpus/scenario/layer-template-example.dais.json"
# The template's example with a bundled layer in place of the new one.
sed -e 's/"@LAYER_ID@": {[^}]*}/"gossip": {"fanout": 2}/' -e 's/@LAYER_ID@/gossip/g' \
    -e 's/@LAYER_NAME@/Gossip/g' "$root/plugins/layer-template/example.dais.json.in" \
    > "$corpus/scenario/layer-template-gossip.dais.json"

# --- override ----------------------------------------------------------------------------------
override() {  # NAME DOCUMENT ASSIGNMENT
    { printf '%s\n' "$3"; cat "$2"; } > "$corpus/override/$1"
}
s="$root/scenarios"
override seed "$s/single-link-queue.dais.json" 'run.seed=7'
override until-string "$s/single-link-queue.dais.json" 'run.until=30s'
override traffic-rate "$s/single-link-queue.dais.json" 'network.traffic.probe.rate=950'
override pointer "$s/single-link-queue.dais.json" '/run/seed=3'
override new-member "$s/single-link-queue.dais.json" 'run.sample_interval=100ms'
override gossip-fanout "$s/gossip-epidemic.dais.json" 'layers.gossip.fanout=2'
override gossip-mode "$s/gossip-epidemic.dais.json" 'layers.gossip.mode=mongering'
override group-by-id "$s/phones.dais.json" 'network.groups.phones.count=5'
override group-negative "$s/phones.dais.json" 'network.groups.2.count=-5'
override index-out-of-range "$s/phones.dais.json" 'network.groups.99.count=1'
override stragglers "$s/phones.dais.json" 'layers.federated.stragglers=partial'
override dp-clip "$s/hospitals.dais.json" 'layers.federated.dp_clip=1'
override json-object "$s/hospitals.dais.json" 'layers.federated={"rounds": 2, "fraction": 0.5}'
override json-array "$s/hospitals.dais.json" 'meta.tags=["a", "b"]'
override quoted "$s/hospitals.dais.json" 'meta.name="Ten \"hospitals\""'
override unknown-member "$s/fedprox.dais.json" 'run.speed=3'
override empty-part "$s/fedprox.dais.json" 'layers..mu=1'
override no-equals "$s/fedprox.dais.json" 'layers.federated.mu'
override empty-path "$s/fedprox.dais.json" '=1'
override pointer-escape "$s/poisoning.dais.json" '/layers/federated/aggregator~1x=median'
override experiment-path "$s/poisoning.dais.json" 'experiments.0.seeds=2'
override region "$s/continental-edge-cloud.dais.json" 'network.regions.0.radius=100'
override fault-at "$s/regional-outage-10k.dais.json" 'network.faults.0.at=1s'
override no-document /dev/null 'run.seed=1'

# --- checkpoint --------------------------------------------------------------------------------
checkpoints() {  # NAME SCENARIO ROUNDS [--set ...]
    local name=$1 scenario=$2 rounds=$3
    shift 3
    local dir="$work/ck-$name"
    (cd "$work" && run run "$scenario" --no-store --set "layers.federated.rounds=$rounds" \
        --set layers.federated.checkpoint_every=1 --set "layers.federated.checkpoint_dir=$dir" "$@")
    for f in "$dir"/*.dflck; do cp "$f" "$corpus/checkpoint/$name-$(basename "$f")"; done
}
ck="$root/fuzz/checkpoint.dais.json"
checkpoints dp-fedavgm "$ck" 2
checkpoints fedadam "$ck" 1 --set layers.federated.strategy=fedadam --set layers.federated.dp_clip=0
checkpoints fedyogi-mlp "$ck" 1 --set layers.federated.strategy=fedyogi \
    --set layers.federated.dp_clip=0 --set layers.federated.model=mlp --set 'layers.federated.hidden="4"'
checkpoints hospitals "$s/hospitals.dais.json" 1
ls "$corpus"/checkpoint/*.dflck >/dev/null 2>&1 || { echo "make_corpora.sh: no checkpoint was written" >&2; exit 1; }

# --- store -------------------------------------------------------------------------------------
store_done() {  # NAME FILE: compacts a store and keeps it
    if command -v sqlite3 >/dev/null; then sqlite3 "$2" 'VACUUM'; fi
    cp "$2" "$corpus/store/$1.sqlite"
}
st="$work/runs.sqlite"
run run "$ck" --store "$st" --set layers.federated.rounds=3 --set run.sample_interval=10ms \
    --trace federated
run run "$s/single-link-queue.dais.json" --store "$st" --until 2s --set run.sample_interval=500ms
run runs annotate 2 'a note' --store "$st"
store_done runs "$st"
sw="$work/sweep.sqlite"
run sweep "$root/tests/core/data/sweep.dais.json" --store "$sw"
# Four runs of the sweep are enough.
ids=$("$dais" runs list --store "$sw" | awk 'NR > 1 {print $1}' | tail -n +5)
[ -z "$ids" ] || run runs delete $ids --store "$sw"
store_done sweep "$sw"
em="$work/emptied.sqlite"
run run "$s/single-link-queue.dais.json" --store "$em" --until 1s
run runs delete 1 --store "$em"
store_done emptied "$em"
if command -v sqlite3 >/dev/null; then
    # A run whose process was killed: it reads as interrupted. What the process committed is
    # in its write-ahead log, which sqlite3 folds into the file (no row changes).
    ki="$work/killed.sqlite"
    "$dais" run "$s/single-link-queue.dais.json" --store "$ki" --speed 0.1 --no-progress \
        >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        "$dais" runs list --store "$ki" 2>/dev/null | grep -q running && break
        sleep 0.1
    done
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    sqlite3 "$ki" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
    store_done killed "$ki"
    # The first run store again, taken back to schema version 1: opening it migrates it.
    v1="$work/v1.sqlite"
    cp "$corpus/store/runs.sqlite" "$v1"
    sqlite3 "$v1" 'DROP INDEX runs_by_sweep; DROP TABLE annotations;
        ALTER TABLE runs DROP COLUMN replicate; ALTER TABLE runs DROP COLUMN point_index;
        ALTER TABLE runs DROP COLUMN sweep_id; DROP TABLE sweeps; DROP TABLE trace;
        PRAGMA user_version = 1; VACUUM;'
    cp "$v1" "$corpus/store/schema-v1.sqlite"
else
    echo "make_corpora.sh: no sqlite3 program: the killed and schema-v1 stores are left out" >&2
fi

# --- distinct files only -----------------------------------------------------------------------
for dir in "$corpus"/*/; do
    declare -A seen=()
    for f in "$dir"*; do
        sum=$(sha1sum "$f" | cut -d' ' -f1)
        if [ -n "${seen[$sum]:-}" ]; then rm "$f"; else seen[$sum]=1; fi
    done
    unset seen
done
for dir in "$corpus"/*/; do
    printf '%-12s %3d files %6d kB\n' "$(basename "$dir")" "$(ls "$dir" | wc -l)" \
        "$(du -sk "$dir" | cut -f1)"
done
