#!/usr/bin/env bash
# gui.sh SPACE OUTDIR CASE: one test of the window (space run --gui) on an
# X server of its own (Xvfb, started here on a free display and stopped at
# the end). Skipped (77) only if Xvfb is not installed. Screenshots are left
# in OUTDIR for a person to look at; each case prints their paths.
#
# Cases: screenshot (at exit, BasicOZ with scripted input: the prompt is in
# the picture, the inspector shows sdb's registers), screenshot_at (at a
# virtual time, against sdb's until-time), same_run (with and without the
# window: the same output, status and virtual time), typing (keys typed
# into the window reach the guest, by xdotool, which must be installed;
# Ctrl-C ends it), keys (F5, F9, F10, F11, F4, F12), cpus (F6 on two
# CPUs), nodes (F7 on two nodes), timeline (the strip under the console), timeline_click (a click in
# the strip of a replay's window), travel and travel_replay (the keys going
# backwards and the time field, against sdb), no_display, usage.
set -u
SPACE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") OUT=$2 CASE=$3
HERE=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=${GUI_TIMEOUT:-120}
mkdir -p "$OUT"
tmp=$(mktemp -d)
xvfb_pid=
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# An X server on a display no one uses (Xvfb picks it: -displayfd).
start_x() {
    command -v Xvfb >/dev/null || { echo "Xvfb is not installed: skipped"; exit 77; }
    Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
    xvfb_pid=$!
    for _ in $(seq 100); do
        [ -s "$tmp/display" ] && break
        kill -0 "$xvfb_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -s "$tmp/display" ] || { cat "$tmp/xvfb.log" >&2; fail "Xvfb did not start"; }
    export DISPLAY=:$(head -n 1 "$tmp/display")
    unset WAYLAND_DISPLAY SDL_VIDEODRIVER
    # Under the sanitizers (their options are set then): SDL's software
    # renderer. An accelerated one loads a GL driver that leaks and is
    # unloaded before LeakSanitizer can name it for a suppression.
    if [ -n "${ASAN_OPTIONS:-}" ]; then
        export SDL_RENDER_DRIVER=software
    fi
    echo "Xvfb on $DISPLAY"
}

# run NAME ARGS...: space ARGS with a time limit; OUT_TXT, ERR_TXT, STATUS.
run() {
    local name=$1
    shift
    OUT_TXT=$tmp/$name.out ERR_TXT=$tmp/$name.err
    timeout -s KILL "$TIMEOUT" "$SPACE" "$@" > "$OUT_TXT" 2> "$ERR_TXT"
    STATUS=$?
    echo "=== $name: space $* -> status $STATUS"
    cat "$OUT_TXT" "$ERR_TXT"
    [ "$STATUS" != 137 ] || fail "no end after ${TIMEOUT}s (a hang?)"
}

script() {
    printf '%s' "$1" > "$tmp/input"
}

case_screenshot() {
    start_x
    script $'help\nhello\nexit\n'
    local png=$OUT/screenshot.png
    rm -f "$png" "${png%.png}.txt"
    run gui run --gui --gui-exit --input "$tmp/input" --screenshot "$png" --gui-dump
    [ "$STATUS" = 0 ] || fail "status $STATUS"
    printf 'continue\nregs\nquit\n' > "$tmp/cmds"
    timeout -s KILL "$TIMEOUT" "$SPACE" run --debug --input "$tmp/input" < "$tmp/cmds" > "$tmp/sdb" 2>&1
    python3 "$HERE/check_window.py" "$png" "${png%.png}.txt" --text 'basicoz$ hello' \
        --text 'hello, world' --sdb "$tmp/sdb" || fail "the picture"
    echo "screenshot: $png (its text: ${png%.png}.txt)"
}

case_screenshot_at() {
    start_x
    script $'hello\nspin 1\nexit 7\n'
    local png=$OUT/screenshot-at.png t=2500000
    rm -f "$png" "${png%.png}.txt"
    run gui run --gui --gui-exit --input "$tmp/input" --screenshot-at $t "$png" --gui-dump
    [ "$STATUS" = 7 ] || fail "status $STATUS"
    printf 'until-time %s\nregs\nquit\n' $t > "$tmp/cmds"
    timeout -s KILL "$TIMEOUT" "$SPACE" run --debug --input "$tmp/input" < "$tmp/cmds" > "$tmp/sdb" 2>&1
    grep -q "virtual time $t reached" "$tmp/sdb" || fail "sdb did not stop at $t"
    python3 "$HERE/check_window.py" "$png" "${png%.png}.txt" --text 'basicoz$ hello' \
        --sdb "$tmp/sdb" || fail "the picture"
    echo "screenshot: $png"
}

# The timeline strip under the console: CPU 0's present marked, in the
# colour of the CONTEXT running (tests/gui/check_strip.py).
case_timeline() {
    start_x
    script $'spin 3\nexit 7\n'
    local png=$OUT/timeline.png
    rm -f "$png" "${png%.png}.txt"
    run gui run --gui --gui-exit --input "$tmp/input" --screenshot-at 3000000 "$png" --gui-dump
    [ "$STATUS" = 7 ] || fail "status $STATUS"
    python3 "$HERE/check_strip.py" "$png" "${png%.png}.txt" || fail "the strip"
    echo "screenshot: $png"
}

# The strip in a replay's window (space replay --gui): a click right of
# the present runs to that virtual time (F12 names the screenshot after
# it), a click left of it goes back there (time travel); the replay still
# matches once the window lets it run to the end.
case_timeline_click() {
    start_x
    command -v xdotool >/dev/null || fail "xdotool is needed to click (scripts/install-deps.sh)"
    script $'hello\nexit 3\n'
    "$SPACE" run --input "$tmp/input" --record "$tmp/click.trc" > /dev/null
    local dir=$OUT/timeline_click
    rm -rf "$dir"
    mkdir -p "$dir"
    WINDOW_CMD=replay window "$dir" --gui --gui-paused --gui-exit --gui-dump "$tmp/click.trc"
    local pid=$PID
    # where the strip is, from the first screenshot's text
    local txt
    txt=$(ls "$dir"/space-0.txt) || fail "no text of the first screenshot"
    local row col
    row=$(grep -n '^ cpu0 ' "$txt" | head -n 1 | cut -d: -f1)
    col=$(grep '^ cpu0 ' "$txt" | head -n 1 | awk '{ print index($0, "|") - 1 }')
    [ -n "$row" ] && [ "$col" -gt 7 ] || fail "no strip in the window: $(cat "$txt")"
    row=$((row - 1))
    # (cells are 8x13 pixels at glyph scale 1; the strip's cells start at column 7)
    # n cells across, the present in cell n - n/8 - 1 (ui/screen/strip.c)
    local n=1 cell=37
    while [ $((n - n / 8 - 1)) -lt $((col - 7)) ]; do n=$((n + 1)); done
    [ "$cell" -lt $((col - 7)) ] || fail "the strip is too narrow"
    local want=$((200000 * cell / n))
    xdotool mousemove --window "$WIN" $(((7 + cell) * 8 + 4)) $((row * 13 + 6)) click 1
    sleep 0.5
    xdotool key F12
    for _ in $(seq 50); do
        [ -e "$dir/space-$want.png" ] && break
        sleep 0.1
    done
    [ -e "$dir/space-$want.png" ] || fail "the click did not go to virtual time $want: $(ls "$dir")"
    xdotool mousemove --window "$WIN" $((8 * 8 + 4)) $((row * 13 + 6)) click 1
    sleep 0.5
    xdotool key F12
    for _ in $(seq 50); do
        [ -e "$dir/space-$((200000 * 1 / n)).png" ] && break
        sleep 0.1
    done
    # back in time (time travel is on in the window): the first cell's time
    local back=$((200000 * 1 / n))
    [ -e "$dir/space-$back.png" ] ||
        fail "the click in the past did not go back to virtual time $back: $(ls "$dir")"
    xdotool key F5
    wait "$pid"
    grep -q '^space: replay matches the recording' "$tmp/window.err" ||
        fail "the replay in the window did not match: $(cat "$tmp/window.err")"
    echo "screenshots: $dir"
}

# The window changes nothing the guest does: same output, status, time.
case_same_run() {
    start_x
    script $'tick a 5 &\nhello\nspin 1\nps\necho done\nexit 5\n'
    run plain run --input "$tmp/input" -v
    local plain=$STATUS
    run gui run --gui --gui-exit --input "$tmp/input" -v
    [ "$plain" = 5 ] && [ "$STATUS" = 5 ] || fail "status $plain without the window, $STATUS with it"
    cmp "$tmp/plain.out" "$OUT_TXT" || fail "the console output differs"
    cmp "$tmp/plain.err" "$ERR_TXT" || fail "the end (virtual time) differs"
    grep -Eq '^space: guest halted with code 5 after [0-9]+ instructions$' "$ERR_TXT" ||
        fail "no halt line"
}

# window DIR ARGS...: starts `space run ARGS` (WINDOW_CMD: another command) in DIR (its F12 screenshots
# go there) with output in $tmp/window.out and .err; waits until its window
# takes keys (an F12 screenshot comes). Sets PID and WIN.
window() {
    local dir=$1
    shift
    (cd "$dir" && exec timeout -s KILL "$TIMEOUT" "$SPACE" "${WINDOW_CMD:-run}" "$@" \
        > "$tmp/window.out" 2> "$tmp/window.err") &
    PID=$!
    WIN=
    for _ in $(seq 100); do
        WIN=$(xdotool search --name '^SPACE' 2>/dev/null | head -n 1)
        [ -n "$WIN" ] && break
        sleep 0.1
    done
    [ -n "$WIN" ] || fail "no window"
    xdotool windowfocus --sync "$WIN"
    for _ in $(seq 20); do
        xdotool key F12
        sleep 0.5
        ls "$dir"/space-*.png > /dev/null 2>&1 && return
    done
    fail "the window takes no keys"
}

# What a person types in the window reaches the guest through the console.
case_typing() {
    start_x
    command -v xdotool >/dev/null || fail "xdotool is needed to type (scripts/install-deps.sh)"
    local png=$OUT/typing.png
    rm -f "$png"
    mkdir -p "$tmp/typing"
    window "$tmp/typing" --gui --screenshot "$png" --record "$tmp/typing.trc"
    local pid=$PID
    for _ in $(seq 100); do # the prompt: BasicOZ waits for a line
        grep -q 'basicoz\$' "$tmp/window.out" && break
        sleep 0.1
    done
    xdotool type --delay 10 'hello'
    xdotool key Return
    xdotool type --delay 10 'echo one twx'
    xdotool key BackSpace
    xdotool type --delay 10 'o'
    xdotool key Return
    for _ in $(seq 100); do
        grep -q '^one two$' "$tmp/window.out" && break
        sleep 0.1
    done
    kill -INT "$pid"
    wait "$pid"
    STATUS=$?
    cat "$tmp/window.out" "$tmp/window.err"
    [ "$STATUS" = 130 ] || fail "status $STATUS after Ctrl-C, expected 130"
    grep -qx 'basicoz\$ hello' "$tmp/window.out" || fail "the typed line is not echoed"
    grep -qx 'hello, world' "$tmp/window.out" || fail "hello did not run"
    grep -qx 'one two' "$tmp/window.out" || fail "backspace"
    grep -Eq '^space: interrupted after [0-9]+ instructions' "$tmp/window.err" ||
        fail "no 'interrupted' line"
    python3 "$HERE/check_window.py" "$png" /dev/null 2>/dev/null # (no dump: only decodes)
    echo "screenshot: $png"
    # The keystrokes were recorded with their virtual times: the session
    # replays exactly, with no window and no keyboard.
    "$SPACE" replay "$tmp/typing.trc" < /dev/null > "$tmp/replay.out" 2> "$tmp/replay.err"
    cat "$tmp/replay.err"
    grep -q '^space: replay matches the recording' "$tmp/replay.err" || fail "the replay diverged"
    grep -qx 'one two' "$tmp/replay.out" || fail "the replay did not show the typed command's output"
    cmp <(grep -v '^basicoz\$' "$tmp/window.out") <(grep -v '^basicoz\$' "$tmp/replay.out") ||
        fail "the replay's console output differs from the window session's"
}

# shot KEYS...: presses them in the window whose F12 screenshots go to
# $dir, then F12 until the machine is no longer running (a slow build runs
# long); SHOT is the last screenshot's text
shot() {
    for k in "$@"; do
        xdotool key "$k"
        sleep 0.2
    done
    for _ in $(seq 60); do
        # (count what is there: the start may have written more than one)
        n=$(($(ls "$dir"/space-*.txt 2>/dev/null | wc -l) + 1))
        xdotool key F12
        for _ in $(seq 100); do
            [ "$(ls "$dir"/space-*.txt 2>/dev/null | wc -l)" -ge $n ] && break
            sleep 0.1
        done
        [ "$(ls "$dir"/space-*.txt 2>/dev/null | wc -l)" -ge $n ] || fail "F12 wrote nothing"
        SHOT=$(ls -t "$dir"/space-*.txt | head -n 1)
        head -n 1 "$SHOT" | grep -q '^ SPACE | running' || break
        sleep 0.5
    done
    echo "--- after $*: $SHOT"
    head -n 1 "$SHOT"
}
time_of() { grep -Eo 'virtual time [0-9]+' "$1" | head -n 1 | grep -Eo '[0-9]+'; }

# The debugger keys (xdotool): F11 steps, Down selects, F9 sets a
# breakpoint that F5 runs to (the registers there are sdb's at the same
# breakpoint), F10 steps over a call, F4 runs to the selected line, F12
# writes screenshots (with --gui-dump, their text) into the current
# directory.
case_keys() {
    start_x
    command -v xdotool >/dev/null || fail "xdotool is needed to type (scripts/install-deps.sh)"
    script $'hello\nexit\n'
    local dir=$OUT/keys
    rm -rf "$dir"
    mkdir -p "$dir"
    window "$dir" --gui --gui-paused --gui-dump --input "$tmp/input"
    local pid=$PID
    # (window returns once the first PNG exists; its text is written after it)
    for _ in $(seq 100); do [ -s "$dir/space-0.txt" ] && break; sleep 0.1; done
    grep -q '^ SPACE | paused: at the first instruction' "$dir"/space-0.txt ||
        fail "not paused at the start"
    shot F11 F11 F11 F11 Down Down Down Down F9 F5
    grep -Eq '^ SPACE \| paused: breakpoint 1 at 0x[0-9a-f]+ <kmain\+[0-9]+>' "$SHOT" ||
        fail "F9 + F5 did not stop at a breakpoint in kmain"
    grep -Eq '=>\*0x[0-9a-f]{8} <kmain' "$SHOT" || fail "no pc/breakpoint mark"
    local at t1
    at=$(grep -Eo 'paused: breakpoint 1 at 0x[0-9a-f]+' "$SHOT" | grep -Eo '0x[0-9a-f]+$')
    t1=$(time_of "$SHOT")
    printf 'break %s\ncontinue\nregs\nquit\n' "$at" > "$tmp/cmds"
    timeout -s KILL "$TIMEOUT" "$SPACE" run --debug --input "$tmp/input" < "$tmp/cmds" > "$tmp/sdb" 2>&1
    python3 "$HERE/check_window.py" "${SHOT%.txt}.png" "$SHOT" --sdb "$tmp/sdb" || fail "the picture"
    # F11 to the call after the breakpoint, F10 over it
    shot F11 F10
    local t2
    t2=$(time_of "$SHOT")
    grep -Eq '^ SPACE \| paused: at 0x[0-9a-f]+ <kmain\+' "$SHOT" || fail "F10 did not stop in kmain"
    [ $((t2 - t1)) -gt 3 ] || fail "F11 + F10 took $((t2 - t1)) instructions: not over a call"
    shot Down Down F4
    local t3
    t3=$(time_of "$SHOT")
    grep -Eq '^ SPACE \| paused: at 0x[0-9a-f]+ <kmain\+' "$SHOT" || fail "F4 did not stop in kmain"
    [ "$t3" -gt "$t2" ] || fail "F4 did not run"
    shot F5
    grep -q 'the machine halted with code 0' "$SHOT" || fail "F5 did not run to the end"
    kill -INT "$pid" 2>/dev/null
    wait "$pid"
    [ $? = 0 ] || fail "status after the halt and Ctrl-C: expected the guest's 0"
    echo "screenshots: $dir"
}

# same_as_sdb COMMANDS: the last screenshot (SHOT) shows the registers,
# CONTEXT, MODE and virtual time that sdb (the command line SDB...) shows
# after COMMANDS (lines) on the same input. The first one's picture is
# looked at too; then (the same drawing) only their text, which is faster.
same_as_sdb() {
    printf '%s\nregs\nquit\n' "$1" > "$tmp/cmds"
    timeout -s KILL "$TIMEOUT" "${SDB[@]}" < "$tmp/cmds" > "$tmp/sdb" 2>&1
    local how=(--dump-only)
    [ -n "${PICTURE_SEEN:-}" ] || how=()
    PICTURE_SEEN=1
    python3 "$HERE/check_window.py" "${SHOT%.txt}.png" "$SHOT" --sdb "$tmp/sdb" "${how[@]}" ||
        fail "the window is not where sdb is after: $(tr '\n' ';' < "$tmp/cmds")"
}

# time_field TEXT [look]: Ctrl+G, TEXT typed into the time field (look:
# the key bar shows it), Enter.
time_field() {
    xdotool key ctrl+g
    xdotool type --delay 20 -- "$1"
    if [ -n "${2:-}" ]; then
        shot
        grep -q "^ go to virtual time: $1_ " "$SHOT" || fail "the time field does not show '$1'"
    fi
    shot Return
}

# The keys going backwards, for a live run or a replay (SDB: sdb on the
# same input): Shift+F11 back one instruction, the time field (Ctrl+G) to
# a virtual time ahead and back, each stop compared with sdb's; the top
# bar gives the span time travel reaches.
travel_common() {
    for _ in $(seq 100); do [ -s "$dir/space-0.txt" ] && break; sleep 0.1; done
    grep -q 'Shift+F5/F10/F11/F4 backwards  Ctrl+G go to time' "$dir/space-0.txt" ||
        fail "the key bar does not list the backward keys: $(tail -n 1 "$dir/space-0.txt")"
    shot F11 F11 F11 F11 F11 shift+F11
    grep -Eq '^ SPACE \| paused: at 0x[0-9a-f]+ <kmain>.* virtual time 4  travel 0\.\.5$' "$SHOT" ||
        fail "Shift+F11 did not go back to virtual time 4"
    same_as_sdb $'step 5\nreverse-stepi'
    time_field 350000 look
    [ "$(time_of "$SHOT")" = 350000 ] || fail "the time field did not go forward to 350000"
    same_as_sdb 'goto 350000'
    time_field -200000 look
    grep -Eq 'virtual time 150000  travel 0\.\.350000$' "$SHOT" ||
        fail "the time field did not go back to 150000"
    same_as_sdb 'goto 150000'
}

# Time travel in the window of a live run: travel_common, then in a loop
# Shift+F4 back to the pc's line's previous turn; F9 there and the time
# field ahead, Shift+F5 back to the breakpoint's last hit, Shift+F10 back
# a step; from the machine's end (the time field past it) Shift+F11 back -
# every stop sdb's.
case_travel() {
    start_x
    command -v xdotool >/dev/null || fail "xdotool is needed to type (scripts/install-deps.sh)"
    script $'hello\nexit\n'
    local dir=$OUT/travel
    rm -rf "$dir"
    mkdir -p "$dir"
    window "$dir" --gui --gui-paused --gui-dump --input "$tmp/input"
    local pid=$PID
    SDB=("$SPACE" run --debug --input "$tmp/input")
    travel_common
    local pc
    pc=$(printf '0x%x' "$(grep -Eo '=> 0x[0-9a-f]+' "$SHOT" | head -n 1 | grep -Eo '0x[0-9a-f]+')")
    # Shift+F4 on the pc's line (a loop): back to its previous turn
    shot shift+F4
    grep -Eq "^ SPACE \| paused: at $pc <memset" "$SHOT" || fail "Shift+F4 did not stop at $pc"
    [ "$(time_of "$SHOT")" -lt 150000 ] || fail "Shift+F4 did not go back"
    grep -q '=>\*' "$SHOT" && fail "Shift+F4 left a breakpoint"
    same_as_sdb "goto 150000"$'\n'"break $pc"$'\nreverse-continue'
    # F9 there, ahead with the time field, Shift+F5 back to its last hit
    shot F9
    time_field 350000
    shot shift+F5
    grep -Eq "^ SPACE \| paused: breakpoint 1 at $pc " "$SHOT" ||
        fail "Shift+F5 did not go back to breakpoint 1 at $pc"
    [ "$(time_of "$SHOT")" -lt 350000 ] || fail "Shift+F5 did not go back"
    same_as_sdb "break $pc"$'\ngoto 350000\nreverse-continue'
    shot shift+F10
    same_as_sdb "break $pc"$'\ngoto 350000\nreverse-continue\nreverse-next'
    time_field 2000000
    grep -q 'the machine ended at virtual time' "$SHOT" || fail "no end past the end"
    shot shift+F11
    same_as_sdb $'goto 2000000\nreverse-stepi'
    kill -INT "$pid" 2>/dev/null
    wait "$pid"
    echo "screenshots: $dir"
}

# Time travel in a replay's window (space replay --gui): travel_common,
# Shift+F5 with no breakpoint back to the start; then F5 replays to the
# end, matching the recording.
case_travel_replay() {
    start_x
    command -v xdotool >/dev/null || fail "xdotool is needed to type (scripts/install-deps.sh)"
    script $'hello\nexit 3\n'
    "$SPACE" run --input "$tmp/input" --record "$tmp/travel.trc" > /dev/null
    local dir=$OUT/travel_replay
    rm -rf "$dir"
    mkdir -p "$dir"
    WINDOW_CMD=replay window "$dir" --gui --gui-paused --gui-exit --gui-dump "$tmp/travel.trc"
    local pid=$PID
    SDB=("$SPACE" replay --debug "$tmp/travel.trc")
    travel_common
    shot shift+F5
    grep -q '^ SPACE | paused: reached the oldest virtual time kept: 0' "$SHOT" ||
        fail "Shift+F5 did not go back to the start"
    xdotool key F5
    wait "$pid"
    grep -q '^space: replay matches the recording' "$tmp/window.err" ||
        fail "the replay in the window did not match: $(cat "$tmp/window.err")"
    echo "screenshots: $dir"
}

# No display: one line, status 4, never a crash.
# Two CPUs (tests/gdb/cpus.c): the inspector shows one CPU at a time and
# says which; F6 (in the key bar) cycles through them, and --gui-dump's
# text has the CPU shown; Shift+F11 goes back as sdb does.
case_cpus() {
    start_x
    command -v xdotool >/dev/null || fail "xdotool is needed to type (scripts/install-deps.sh)"
    local dir=$OUT/cpus
    rm -rf "$dir"
    mkdir -p "$dir"
    window "$dir" --gui --gui-paused --gui-dump "$(dirname "$SPACE")/tests/gdb/cpus.elf" --cpus 2
    local pid=$PID n
    for _ in $(seq 100); do [ -s "$dir/space-0.txt" ] && break; sleep 0.1; done
    # shot KEYS...: presses them, then F12; SHOT is the screenshot's text
    shot() {
        for k in "$@"; do
            xdotool key "$k"
            sleep 0.2
        done
        n=$(($(ls "$dir"/space-*.txt 2>/dev/null | wc -l) + 1))
        xdotool key F12
        for _ in $(seq 100); do
            [ "$(ls "$dir"/space-*.txt 2>/dev/null | wc -l)" -ge $n ] && break
            sleep 0.1
        done
        [ "$(ls "$dir"/space-*.txt 2>/dev/null | wc -l)" -ge $n ] || fail "F12 wrote nothing"
        SHOT=$(ls -t "$dir"/space-*.txt | head -n 1)
        echo "--- after $*: $SHOT"
        grep -E 'CPU [0-9] of 2|F6' "$SHOT"
    }
    shot
    grep -Eq 'CPU 0 of 2 \(F6 next\)' "$SHOT" || fail "the inspector does not show CPU 0 of 2"
    grep -Eq 'F11 step  F6 next CPU  F9 breakpoint' "$SHOT" || fail "no F6 in the key bar"
    shot F6
    grep -Eq 'CPU 1 of 2 \(F6 next\)' "$SHOT" || fail "F6 did not show CPU 1"
    grep -Eq 'halted: not started' "$SHOT" || fail "CPU 1 is not shown halted"
    grep -Eq 'PCB chain of CPU 1 ' "$SHOT" || fail "not CPU 1's chain"
    shot F6
    grep -Eq 'CPU 0 of 2 \(F6 next\)' "$SHOT" || fail "F6 did not come back to CPU 0"
    # going back with two CPUs: where sdb goes, showing the CPU it shows
    SDB=("$SPACE" run --debug "$(dirname "$SPACE")/tests/gdb/cpus.elf" --cpus 2)
    time_field 3000
    shot shift+F11
    same_as_sdb $'goto 3000\nreverse-stepi'
    shot F5
    grep -q 'the machine halted with code 7' "$SHOT" || fail "F5 did not run to the end"
    kill -INT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo "screenshots: $dir"
}

case_no_display() {
    unset DISPLAY WAYLAND_DISPLAY SDL_VIDEODRIVER
    run nodisplay run --gui --input /dev/null
    [ "$STATUS" = 4 ] || fail "status $STATUS, expected 4"
    [ "$(wc -l < "$ERR_TXT")" = 1 ] || fail "not one line on stderr"
    grep -Eq '^space: --gui: cannot open a window: .+' "$ERR_TXT" || fail "the message"
    [ ! -s "$OUT_TXT" ] || fail "output before the window failed"
}

# --nodes 2 (tests/guest/net.elf's ping): the window shows node 0, F7 and
# Shift+F7 change the node shown and driven; F5 runs node 1 to its end
# (node 0 following), and the run's status and output are the run's
# without the window.
case_nodes() {
    start_x
    command -v xdotool >/dev/null || fail "xdotool is needed to type (scripts/install-deps.sh)"
    local net dir=$OUT/nodes
    net="$(dirname "$SPACE")/tests/guest/net.elf"
    rm -rf "$dir"
    mkdir -p "$dir"
    run plain run "$net" --nodes 2 --cmdline ping -v
    local plain=$STATUS
    run nodes_travel run "$net" --nodes 2 --gui --reverse-budget 1
    [ "$STATUS" = 2 ] && grep -q 'time travel is one machine' "$ERR_TXT" || fail "--reverse-budget"
    run nodes_record run "$net" --nodes 2 --gui --record "$tmp/n.trc"
    [ "$STATUS" = 2 ] && grep -q 'the window holds the barriers' "$ERR_TXT" || fail "--record"
    window "$dir" --gui --gui-paused --gui-exit --gui-dump --screenshot "$dir/end.png" \
        "$net" --nodes 2 --cmdline ping -v
    local pid=$PID n
    for _ in $(seq 100); do [ -s "$dir/space-0.txt" ] && break; sleep 0.1; done
    grep -q 'SPACE | node 0 of 2 | paused' "$dir/space-0.txt" || fail "node 0 is not shown first"
    grep -q 'F7/Shift+F7 next/previous node' "$dir/space-0.txt" || fail "no F7 in the key bar"
    # shot KEY: presses it, then F12; SHOT is the screenshot's text
    shot() {
        xdotool key "$1"
        sleep 0.2
        n=$(($(ls "$dir"/space-*.txt | wc -l) + 1))
        xdotool key F12
        for _ in $(seq 100); do
            [ "$(ls "$dir"/space-*.txt | wc -l)" -ge $n ] && break
            sleep 0.1
        done
        [ "$(ls "$dir"/space-*.txt | wc -l)" -ge $n ] || fail "F12 wrote nothing"
        SHOT=$(ls -t "$dir"/space-*.txt | head -n 1)
        echo "--- after $1: $(head -n 1 "$SHOT")"
    }
    shot F7
    grep -q 'SPACE | node 1 of 2 | paused' "$SHOT" || fail "F7 did not show node 1"
    shot shift+F7
    grep -q 'SPACE | node 0 of 2 | paused' "$SHOT" || fail "Shift+F7 did not show node 0"
    shot F7
    grep -q 'SPACE | node 1 of 2' "$SHOT" || fail "F7 did not show node 1 again"
    xdotool key F5
    wait "$pid"
    local status=$?
    echo "=== the window: status $status"
    cat "$tmp/window.out" "$tmp/window.err"
    [ "$plain" = 0 ] && [ "$status" = "$plain" ] || fail "status $plain without the window, $status with it"
    cmp "$tmp/plain.out" "$tmp/window.out" || fail "the console output differs"
    cmp "$tmp/plain.err" "$tmp/window.err" || fail "the ends differ"
    # at the end: node 1 shown, halted, its console in the pane (not node 0's)
    grep -q 'SPACE | node 1 of 2 | the machine halted with code 0' "$dir/end.txt" ||
        fail "node 1 did not end shown: $(head -n 1 "$dir/end.txt")"
    grep -q '^ pong passed' "$dir/end.txt" || fail "node 1's console is not in the pane"
    ! grep -q 'ping passed' "$dir/end.txt" || fail "node 0's console in node 1's pane"
    echo "screenshots: $dir"
}

case_usage() {
    run usage1 run --screenshot x.png
    [ "$STATUS" = 2 ] && grep -q 'need --gui' "$ERR_TXT" || fail "--screenshot without --gui"
    run usage2 run --gui --debug
    [ "$STATUS" = 2 ] && grep -q 'cannot be used with --debug' "$ERR_TXT" || fail "--gui --debug"
    run usage3 run --gui --screenshot-at 100
    [ "$STATUS" = 2 ] && grep -q 'screenshot-at needs' "$ERR_TXT" || fail "--screenshot-at N"
}

"case_$CASE"
echo "PASS: gui.$CASE"
