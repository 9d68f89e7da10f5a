# bench/lib.sh - what the benchmarks share (bench/run, bench/search, bench/requests,
# bench/suite, bench/soak, bench/import, bench/import-nbs): sourced, never run. Set BENCH to the script's name first; the helpers say
# and die under it. bench_start makes $tmp and stops every process added to $pids (and
# removes $tmp) when the script exits.

BENCH=${BENCH:-bench}
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

die() { echo "$BENCH: $*" >&2; exit 1; }
say() { echo "$BENCH: $*" >&2; }

# bench_start: the temporary folder and the clean-up of the processes in pids
pids=()
bench_start() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/cunwu-$BENCH.XXXXXX")
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}
bench_cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	[ -n "${bench_cleanup_hook:-}" ] && $bench_cleanup_hook
	rm -rf "$tmp"
}

# need_wrk: installs wrk (scripts/deps --bench) when it is missing
need_wrk() {
	command -v wrk >/dev/null 2>&1 || scripts/deps --bench
	command -v wrk >/dev/null 2>&1 || die "wrk is not installed"
}

# wait_ready FILE PID: print the address a server wrote to FILE once it listens (10 s)
wait_ready() {
	local _
	for _ in $(seq 200); do
		if [ -s "$1" ]; then
			cat "$1"
			return 0
		fi
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# serve_cunwu DB READY LOG THREADS [--set …]: start `cunwu serve` on a free port, access
# log off; sets srv_pid and srv_addr (the process is added to pids)
serve_cunwu() {
	local db=$1 ready=$2 log=$3 threads=$4
	shift 4
	build/cunwu --db "$db" --set log.access=false "$@" serve --listen 127.0.0.1:0 \
		--ready-file "$ready" --threads "$threads" >"$log" 2>&1 &
	srv_pid=$!
	pids+=("$srv_pid")
	srv_addr=$(wait_ready "$ready" "$srv_pid") || { cat "$log" >&2; die "cunwu did not start"; }
}

# login ADDR LOGIN PASSWORD: print "cunwu_session=…", the session's cookie
login() {
	local cookie
	cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"login\":\"$2\",\"password\":\"$3\"}" "http://$1/api/v1/session" |
		sed -n 's/^Set-Cookie: \(cunwu_session=[^;]*\).*/\1/Ip' | head -1)
	[ -n "$cookie" ] || die "signing in as $2 on $1 failed"
	echo "$cookie"
}

# enc STRING: URL-encoded (UTF-8 bytes as %XX)
enc() {
	local LC_ALL=C s=$1 out="" c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case "$c" in
		[a-zA-Z0-9.~_-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	echo "$out"
}

# --- measuring ---
hz=$(getconf CLK_TCK)
ncpu=$(nproc)

# VmHWM (peak RSS) in KiB of each process, summed; reset_peak starts a new peak (Linux >=
# 4.0, clear_refs 5)
peak_kb() {
	local p
	for p in "$@"; do awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null; done |
		awk '{ t += $1 } END { print t + 0 }'
}
reset_peak() {
	local p
	for p in "$@"; do echo 5 2>/dev/null >"/proc/$p/clear_refs" || return 1; done
}
# PSS in KiB of each process, summed (/proc/PID/smaps_rollup: a file SQLite maps is
# shared with the page cache, and counted in RSS whole)
pss_kb() {
	local p
	for p in "$@"; do awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null; done |
		awk '{ t += $1 } END { print t + 0 }'
}
# CPU time of processes, in clock ticks (a process gone meanwhile counts 0)
ticks() {
	local p
	for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null || true; done |
		awk '{ sub(/^.*\) /, ""); t += $12 + $13 } END { print t + 0 }'
}
# busy clock ticks of the whole machine, all CPUs
busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# wait_quiet MAX: wait until other processes use under 10% of one CPU, up to MAX seconds
wait_quiet() {
	local max=$1 waited=0 b0 b1 said=0
	while [ "$waited" -lt "$max" ]; do
		b0=$(busy)
		sleep 1
		b1=$(busy)
		[ $((b1 - b0)) -lt $((hz / 10)) ] && return 0
		if [ "$said" = 0 ]; then
			echo "  (waiting for other processes to go quiet)" >&2
			said=1
		fi
		waited=$((waited + 1))
	done
	echo "  (still busy after ${max}s; measuring anyway)" >&2
}

# ms VALUE: a wrk latency ("684.00us", "1.03ms", "1.20s", "1.00m") in milliseconds
ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000;
		else if (v ~ /s$/) n *= 1000
		printf "%.3f", n }'
}

# wrk_field OUT NAME: from wrk's output: rps, p50 and p99 (ms), requests, non2xx, errors
# (socket errors other than none)
wrk_field() {
	case "$2" in
	rps) awk '/^Requests\/sec:/ { print $2 }' "$1" ;;
	p50) ms "$(awk '$1 == "50%" { print $2 }' "$1")" ;;
	p99) ms "$(awk '$1 == "99%" { print $2 }' "$1")" ;;
	requests) awk '/requests in/ { print $1 }' "$1" ;;
	non2xx) awk '/Non-2xx or 3xx responses:/ { print $NF } END { }' "$1" | grep . || echo 0 ;;
	errors) grep 'Socket errors' "$1" | grep -v 'connect 0, read 0, write 0,' || true ;;
	esac
}

# per_request TICKS REQUESTS: CPU microseconds a request
per_request() {
	awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN { printf "%.1f", n ? t / hz * 1e6 / n : 0 }'
}

# --- reporting ---
num() { # thousands separators
	awk -v n="$1" 'BEGIN { s = sprintf("%.0f", n); o = ""
		while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
		print s o }'
}
fms() { # milliseconds for a table: 0.123 ms, 12.35 ms, 123.5 ms, 1,234 ms
	awk -v v="$1" 'BEGIN { if (v < 10) printf "%.3f ms", v; else if (v < 100) printf "%.2f ms", v
		else if (v < 1000) printf "%.1f ms", v
		else { s = sprintf("%.0f", v); printf "%s,%s ms", substr(s, 1, length(s) - 3), substr(s, length(s) - 2) } }'
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", 100 * a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
cpu_model() { awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo; }

# replace_section DOC START END FILE: the lines between the markers START and END of DOC
# replaced by FILE (the markers kept)
replace_section() {
	local doc=$1 start=$2 end=$3 file=$4
	if ! grep -qF "$start" "$doc" 2>/dev/null || ! grep -qF "$end" "$doc"; then
		die "$doc has no markers ($start ... $end)"
	fi
	awk -v s="$start" -v e="$end" -v f="$file" '
		$0 == s { print; while ((getline l < f) > 0) print l; skip = 1; next }
		$0 == e { skip = 0 }
		!skip { print }' "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
}

# start_postgresql: a throw-away cluster (pgdir, its URL pg_url, its binaries pg_bindir) with
# an empty database "b", durable; the caller stops it (scripts/pg-cluster stop "$pgdir")
pg_bindir=""
pg_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_setting() { psql -X -A -t -q -d "$pg_url/postgres" -c "SHOW $1"; }
start_postgresql() {
	local s
	pgdir=$(mktemp -u "${TMPDIR:-/tmp}/cunwu-pg-XXXXXX")
	pg_url=$(scripts/pg-cluster start "$pgdir") || die "scripts/pg-cluster start failed"
	# scripts/pg-cluster runs PostgreSQL with fsync, synchronous_commit and full_page_writes
	# off (tests do not pull the plug). A benchmark must pay for durability as SQLite's
	# synchronous=FULL does, so set them on, and restart: pg-cluster passes its settings on
	# the server's command line, which outranks ALTER SYSTEM, so the restart is done here
	# with the same options but those three.
	psql -X -q -d "$pg_url/postgres" -c "ALTER SYSTEM SET fsync = on" \
		-c "ALTER SYSTEM SET synchronous_commit = on" -c "ALTER SYSTEM SET full_page_writes = on" \
		-c "SELECT pg_reload_conf()" >/dev/null
	scripts/pg-cluster pause "$pgdir"
	# shellcheck disable=SC2012 # the newest version's folder, as scripts/pg-cluster finds it
	pg_bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
	pg_owner "$pg_bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 30 \
		-o "-p $(cat "$pgdir/port") -k $pgdir -c listen_addresses=127.0.0.1 -c max_connections=200" \
		start >/dev/null || { cat "$pgdir/server.log" >&2; die "PostgreSQL did not restart"; }
	for s in fsync synchronous_commit full_page_writes; do
		[ "$(pg_setting "$s")" = on ] || die "PostgreSQL $s is not on"
	done
	psql -X -q -d "$pg_url/postgres" -c "CREATE DATABASE b TEMPLATE template0 \
		LC_COLLATE 'C' LC_CTYPE 'C' ENCODING 'UTF8'" >/dev/null
}
