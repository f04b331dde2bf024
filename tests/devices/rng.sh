#!/usr/bin/env bash
# rng.sh SPACE DEV_RNG.elf CASE: the random-number device (--rng SEED), seen
# by everything that shows devices. Cases: guest (dev_rng's own checks, and
# a bad seed is a usage error), sdb (`devices` lists it with its register
# names and values), replay (a recorded run replays, with the device rebuilt
# from the trace), gui (the window's inspector shows it: tests/gui/gui.sh's
# Xvfb machinery runs case_rng below; skipped (77) without Xvfb).
set -u
space=$1 elf=$2 case=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
run() { # run ARGS...: space run ELF --rng 42 --cmdline 42 ARGS; OUT, ERR, ST
    "$space" run "$elf" --rng 42 --cmdline 42 "$@" > "$dir/out" 2> "$dir/err"
    ST=$?
    OUT=$(cat "$dir/out") ERR=$(cat "$dir/err")
    printf '%s\n%s\n' "$OUT" "$ERR"
}

case $case in
guest)
    run
    [ "$ST" = 0 ] || fail "status $ST"
    [ "$OUT" = $'the numbers of the seed\nan interrupt when the next is ready\na new seed starts over\ndev_rng passed' ] ||
        fail "the guest's output"
    "$space" run "$elf" --rng x 2> "$dir/err"
    [ $? = 2 ] && grep -q "^space: --rng needs a seed, a number 0..4294967295, not 'x'" "$dir/err" ||
        fail "a bad seed: $(cat "$dir/err")"
    ;;
sdb)
    printf 'devices\nquit\n' > "$dir/cmds"
    run --debug < "$dir/cmds"
    echo "$OUT" | grep -q '^device 2: rng unit 0, registers at 0xf0002000, interrupt line 2 (trap 34)' ||
        fail "sdb does not list the rng"
    for r in '0x00 SEED +0x0000002a' '0x04 VALUE ' '0x08 COUNT +0x00000000' '0x0c STATUS +0x00000001' \
        '0x10 CONTROL +0x00000000'; do
        echo "$OUT" | grep -Eq "^  $r" || fail "sdb shows no register line /$r/"
    done
    ;;
replay)
    run --record "$dir/rng.trc" --checkpoint-interval 2000
    [ "$ST" = 0 ] || fail "the recorded run: status $ST"
    "$space" replay -q "$dir/rng.trc" 2> "$dir/rep"
    cat "$dir/rep"
    grep -Eq '^space: replay matches the recording: [0-9]+ checkpoints verified' "$dir/rep" ||
        fail "the replay does not match"
    SPACE_VERIFY_CHECKPOINTS=1 "$space" replay -q --single-step "$dir/rng.trc" 2> "$dir/rep1"
    grep -q 'replay matches the recording' "$dir/rep1" || fail "the single-stepped replay: $(cat "$dir/rep1")"
    ;;
gui)
    # (runs inside tests/gui/gui.sh, which starts Xvfb and has run and fail)
    case_rng() {
        start_x
        local png=$OUT/rng.png
        rm -f "$png" "${png%.png}.txt"
        run rng run "$RNG_ELF" --rng 42 --cmdline 42 --gui --gui-exit --input /dev/null \
            --screenshot "$png" --gui-dump
        [ "$STATUS" = 0 ] || fail "status $STATUS"
        # (where the guest ends: reseeded with 7, two numbers taken)
        grep -q 'rng0  at 0xf0002000  trap 34' "${png%.png}.txt" ||
            fail "the inspector does not show rng0"
        for r in 'SEED 0x00000007' 'VALUE 0x' 'COUNT 0x00000002' 'STATUS 0x00000001' \
            'CONTROL 0x00000001'; do
            grep -q "$r" "${png%.png}.txt" || fail "the inspector does not show '$r'"
        done
        echo "screenshot: $png (its text: ${png%.png}.txt)"
    }
    export -f case_rng
    RNG_ELF=$elf exec bash "$(dirname "$0")/../gui/gui.sh" "$space" "$(dirname "$elf")/../gui" rng
    ;;
*) fail "no case $case" ;;
esac
echo "PASS: devices.rng_$case"
