#!/usr/bin/env bash
# hostile.sh SPACE HOSTILE_ELF FIRST COUNT: runs the hostile guest with seeds
# FIRST..FIRST+COUNT-1 under an instruction limit. Each run must end in a
# documented way, as its statistics line says: halted (status: its code's
# low byte), the limit (124) or a machine stop (125). A signal, a
# sanitizer report or a hang fails.
set -u
space=$1 elf=$2 first=$3 count=$4
out=$(mktemp)
trap 'rm -f "$out"' EXIT
ends=""
for ((seed = first; seed < first + count; seed++)); do
  timeout --signal=KILL 60 "$space" run "$elf" --cmdline "$seed" --max-insns 200000 \
    --stats text >"$out" 2>&1 </dev/null
  status=$?
  # (the guest's console output may run into the line: no ^)
  line=$(grep -aoE 'statistics: (halted \(exit code [0-9]+\)|limit|stopped)' "$out" | tail -1)
  want=none
  if [[ $line =~ ^statistics:\ halted\ \(exit\ code\ ([0-9]+)\) ]]; then
    want=$((BASH_REMATCH[1] & 255))
  elif [[ $line == "statistics: limit"* ]]; then
    want=124
  elif [[ $line == "statistics: stopped"* ]]; then
    want=125
  fi
  if grep -aqE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' "$out" ||
     [ "$status" != "$want" ]; then
    echo "hostile: seed $seed ended badly (status $status, expected $want):"
    tail -30 "$out"
    exit 1
  fi
  ends="$ends $(echo "$line" | cut -d' ' -f2)"
done
echo "hostile: seeds $first..$((first + count - 1)) ended:" \
  "$(echo $ends | tr ' ' '\n' | sort | uniq -c | tr '\n' ' ')"
