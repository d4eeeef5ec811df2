#!/bin/sh
# countserver-pair.sh OLD NEW [N] [ROUNDS]: measures two builds of
# examples/countserver as async servers (-s -a, one worker), side by side,
# with the NEW build's async client at m = 1, 2 and 16. Every round visits
# each m with both servers, in an order that alternates from round to
# round, so that both share the same minutes of a noisy machine. Printed:
# one line per measurement, "round m server µs", µs being the processor
# time (user + system, from /proc/PID/stat) the server process spent per
# transaction. Linux only.
#
#	go build -o /tmp/new ./examples/countserver
#	git archive OLDCOMMIT | tar -x -C /tmp/old && (cd /tmp/old/examples && go build -o /tmp/old-countserver ./countserver)
#	sh bench/scripts/countserver-pair.sh /tmp/old-countserver /tmp/new 50000 7
set -eu
old=$1
new=$2
n=${3:-50000}
rounds=${4:-7}
tck=$(getconf CLK_TCK)

"$old" -s -a --addr 127.0.0.1:10131 >/dev/null 2>&1 &
oldpid=$!
"$new" -s -a --addr 127.0.0.1:10132 >/dev/null 2>&1 &
newpid=$!
trap 'kill $oldpid $newpid 2>/dev/null' EXIT
sleep 1

# cpu PID prints the user + system clock ticks of PID so far.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run NAME PID PORT M: one measurement.
run() {
	"$new" -c -a -q --addr "127.0.0.1:$3" -n 2000 -m "$4" >/dev/null 2>&1 || { echo "client failed against $1" >&2; exit 1; } # warm up
	c0=$(cpu "$2")
	"$new" -c -a -q --addr "127.0.0.1:$3" -n "$n" -m "$4" >/dev/null 2>&1 || { echo "client failed against $1" >&2; exit 1; }
	c1=$(cpu "$2")
	echo "$r $4 $1 $(awk -v d=$((c1 - c0)) -v t="$tck" -v n="$n" 'BEGIN { printf "%.2f", d / t * 1e6 / n }')"
}

r=1
while [ "$r" -le "$rounds" ]; do
	for m in 1 2 16; do
		if [ $((r % 2)) -eq 1 ]; then
			run old $oldpid 10131 "$m"
			run new $newpid 10132 "$m"
		else
			run new $newpid 10132 "$m"
			run old $oldpid 10131 "$m"
		fi
	done
	r=$((r + 1))
done
