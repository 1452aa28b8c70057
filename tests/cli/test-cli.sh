#!/bin/sh
# Runs the built `imgproc` tool as a user would: help and version of every
# command, info and resize on real photos, failures among good files, piped
# output, and German messages from a catalogue built into a temp folder.
# Speaks TAP. make check sets IMGPROC_CLI, IMGPROC_SRCDIR and IMGPROC_TESTDATA.
set -u

cli=${IMGPROC_CLI:?IMGPROC_CLI is not set: run through make check}
srcdir=${IMGPROC_SRCDIR:?IMGPROC_SRCDIR is not set}
images=${IMGPROC_TESTDATA:?IMGPROC_TESTDATA is not set}/images
python=/usr/bin/python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
failures=0

ok () {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok () {
	n=$((n + 1))
	failures=$((failures + 1))
	echo "not ok $n - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/# /'
	return 0
}

skip () {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# run EXPECTED_STATUS ARGS...: runs the tool with stdout in $tmp/out and
# stderr in $tmp/err, and passes when it exits with EXPECTED_STATUS.
run () {
	expected=$1
	shift
	"$cli" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	[ "$status" -eq "$expected" ] || {
		echo "# imgproc $*: exit status $status, expected $expected"
		sed 's/^/# stderr: /' "$tmp/err" | head -20
		return 1
	}
}

contains () {
	grep -q -e "$2" "$1"
}

line_count () {
	wc -l <"$1" | tr -d ' '
}

# dimensions FILE: "WIDTHxHEIGHT" as `imgproc info` reads it.
dimensions () {
	"$cli" info "$1" 2>/dev/null | awk 'NR == 2 { print $3 }'
}

for file in kleiber-6028x3391.jpg seeding-5312x2988-progressive.jpg tulips-alpha-500x500.png; do
	if [ ! -r "$images/$file" ]; then
		echo "1..0 # SKIP test photo $images/$file is missing"
		exit 0
	fi
done

# Version and help: on the top level and on every command.
if run 0 --version && grep -qx 'imgproc [0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*' "$tmp/out"; then
	ok "imgproc --version prints the version"
else
	not_ok "imgproc --version prints the version" "$(cat "$tmp/out")"
fi
for command in resize info; do
	if run 0 "$command" --version && [ "$(cat "$tmp/out")" = "$("$cli" --version)" ]; then
		ok "imgproc $command --version prints the same version"
	else
		not_ok "imgproc $command --version prints the same version" "$(cat "$tmp/out")"
	fi
done
if run 0 --help && contains "$tmp/out" '^  resize ' && contains "$tmp/out" '^  info '; then
	ok "imgproc --help lists the commands"
else
	not_ok "imgproc --help lists the commands" "$(cat "$tmp/out")"
fi
if run 0 resize --help && contains "$tmp/out" '--width=N' && contains "$tmp/out" 'NAME-WIDTH.EXT' \
	&& contains "$tmp/out" 'Examples:' && contains "$tmp/out" 'imgproc resize \[OPTION'; then
	ok "imgproc resize --help documents options, output names and examples"
else
	not_ok "imgproc resize --help documents options, output names and examples" "$(cat "$tmp/out")"
fi
if run 0 info --help && contains "$tmp/out" '--json' && contains "$tmp/out" 'Examples:'; then
	ok "imgproc info --help documents --json and examples"
else
	not_ok "imgproc info --help documents --json and examples" "$(cat "$tmp/out")"
fi
"$cli" resize --help >"$tmp/resize-help" 2>&1
if run 0 help resize && cmp -s "$tmp/out" "$tmp/resize-help"; then
	ok "imgproc help resize is imgproc resize --help"
else
	not_ok "imgproc help resize is imgproc resize --help"
fi

# Usage errors exit 2 with a hint.
if run 2 frobnicate && contains "$tmp/err" 'unknown command' && contains "$tmp/err" 'imgproc help'; then
	ok "an unknown command is a usage error with a hint"
else
	not_ok "an unknown command is a usage error with a hint" "$(cat "$tmp/err")"
fi
if run 2 && contains "$tmp/err" 'Commands:'; then
	ok "no command prints the usage and exits 2"
else
	not_ok "no command prints the usage and exits 2"
fi
if run 2 resize --quality 0 "$images/kleiber-6028x3391.jpg" && contains "$tmp/err" 'quality' \
	&& contains "$tmp/err" 'imgproc resize --help'; then
	ok "a bad option value is a usage error"
else
	not_ok "a bad option value is a usage error" "$(cat "$tmp/err")"
fi
if run 2 resize --no-such-option x.jpg && run 2 info && run 2 resize --format gif x.jpg; then
	ok "unknown options, bad formats and missing files are usage errors"
else
	not_ok "unknown options, bad formats and missing files are usage errors"
fi

# info on real photos.
if run 0 info "$images/kleiber-6028x3391.jpg" "$images/tulips-alpha-500x500.png" \
	&& [ "$(line_count "$tmp/out")" -eq 3 ] \
	&& contains "$tmp/out" '^FILE  *FORMAT  *SIZE' \
	&& contains "$tmp/out" 'kleiber-6028x3391.jpg  *JPEG  *6028x3391  *1  *6028x3391  *no  *4379037$' \
	&& contains "$tmp/out" 'tulips-alpha-500x500.png  *PNG  *500x500  *1  *500x500  *yes  *374287$'; then
	ok "info shows format, dimensions, orientation, alpha and bytes in aligned columns"
else
	not_ok "info shows format, dimensions, orientation, alpha and bytes in aligned columns" "$(cat "$tmp/out" "$tmp/err")"
fi
if run 0 info --json "$images/seeding-5312x2988-progressive.jpg" \
	&& "$python" - "$tmp/out" <<-'EOF'
	import json, sys
	info = json.load(open(sys.argv[1]))
	assert len(info) == 1, info
	i = info[0]
	assert i["file"].endswith("seeding-5312x2988-progressive.jpg"), i
	assert i["format"] == "jpeg" and i["mime_type"] == "image/jpeg", i
	assert (i["width"], i["height"]) == (5312, 2988), i
	assert (i["display_width"], i["display_height"]) == (5312, 2988), i
	assert i["orientation"] == 1 and i["has_alpha"] is False, i
	assert i["bytes"] == 1485159, i
	EOF
then
	ok "info --json gives the same facts as JSON"
else
	not_ok "info --json gives the same facts as JSON" "$(cat "$tmp/out")"
fi
printf 'not an image\n' >"$tmp/notes.txt"
if run 1 info "$tmp/notes.txt" "$images/kleiber-6028x3391.jpg" \
	&& [ "$(line_count "$tmp/err")" -eq 1 ] && contains "$tmp/err" "^imgproc: $tmp/notes.txt: " \
	&& contains "$tmp/out" 'kleiber'; then
	ok "info reports a bad file in one line and still shows the others"
else
	not_ok "info reports a bad file in one line and still shows the others" "$(cat "$tmp/err")"
fi

# resize of several photos, two widths.
out=$tmp/out-several
if run 0 resize -w 320 --width 800 -o "$out" "$images/kleiber-6028x3391.jpg" \
	"$images/seeding-5312x2988-progressive.jpg" "$images/tulips-alpha-500x500.png"; then
	ok "resize of several photos succeeds"
else
	not_ok "resize of several photos succeeds"
fi
expected="kleiber-6028x3391-320.jpg 320x180
kleiber-6028x3391-800.jpg 800x450
seeding-5312x2988-progressive-320.jpg 320x180
seeding-5312x2988-progressive-800.jpg 800x450
tulips-alpha-500x500-320.png 320x320
tulips-alpha-500x500-800.png 500x500"
actual=$(for f in $(ls -A "$out" | sort); do echo "$f $(dimensions "$out/$f")"; done)
if [ "$actual" = "$expected" ]; then
	ok "outputs are named NAME-WIDTH.EXT, scaled to the width, never enlarged"
else
	not_ok "outputs are named NAME-WIDTH.EXT, scaled to the width, never enlarged" "$actual"
fi
if contains "$tmp/err" '^3 files, 6 renditions, .* in [0-9.]* s$'; then
	ok "a summary line gives files, renditions, bytes and seconds"
else
	not_ok "a summary line gives files, renditions, bytes and seconds" "$(cat "$tmp/err")"
fi
if ! grep -q "$(printf '\r')" "$tmp/err" && ! contains "$tmp/err" '\[##*-*\]'; then
	ok "piped stderr gets no progress bar"
else
	not_ok "piped stderr gets no progress bar" "$(od -c "$tmp/err" | head)"
fi

if command -v script >/dev/null 2>&1; then
	script -qec "'$cli' resize -o '$tmp/out-tty' '$images/tulips-alpha-500x500.png'" /dev/null \
		>"$tmp/tty" 2>&1 </dev/null
	if grep -q '\[#*\] 100% 1/1' "$tmp/tty"; then
		ok "a terminal gets a progress bar"
	else
		not_ok "a terminal gets a progress bar" "$(od -c "$tmp/tty" | head)"
	fi
else
	skip "a terminal gets a progress bar" "script(1) is not installed"
fi

# One bad file among good ones: one error line, exit 1, the rest written.
out=$tmp/out-failing
mkdir -p "$tmp/in"
head -c 5000 "$images/kleiber-6028x3391.jpg" >"$tmp/in/broken.jpg"
if run 1 resize --verbose -o "$out" "$images/tulips-alpha-500x500.png" "$tmp/in/broken.jpg" \
	"$images/seeding-5312x2988-progressive.jpg"; then
	ok "a failing file makes the exit status 1"
else
	not_ok "a failing file makes the exit status 1"
fi
if [ "$(grep -c '^imgproc: ' "$tmp/err")" -eq 1 ] && contains "$tmp/err" "^imgproc: $tmp/in/broken.jpg: ."; then
	ok "the failing file gets one error line naming it"
else
	not_ok "the failing file gets one error line naming it" "$(cat "$tmp/err")"
fi
if [ -s "$out/tulips-alpha-500x500-800.png" ] && [ -s "$out/seeding-5312x2988-progressive-800.jpg" ] \
	&& [ "$(ls -A "$out" | wc -l)" -eq 2 ]; then
	ok "the other files are still written, and nothing else (no partial output, no temp file)"
else
	not_ok "the other files are still written, and nothing else (no partial output, no temp file)" "$(ls -A "$out")"
fi
if [ "$(line_count "$tmp/out")" -eq 2 ] && contains "$tmp/out" 'tulips-alpha-500x500-800.png (500x500, '; then
	ok "--verbose prints one line per resized file"
else
	not_ok "--verbose prints one line per resized file" "$(cat "$tmp/out")"
fi
if contains "$tmp/err" '^3 files (1 failed), 2 renditions'; then
	ok "the summary counts the failure"
else
	not_ok "the summary counts the failure" "$(cat "$tmp/err")"
fi
if run 1 resize --quiet -o "$tmp/out-missing" "$tmp/in/none.jpg" \
	&& [ "$(cat "$tmp/err")" = "imgproc: $tmp/in/none.jpg: No such file or directory" ]; then
	ok "--quiet prints only the error line of a missing file"
else
	not_ok "--quiet prints only the error line of a missing file" "$(cat "$tmp/err")"
fi
cp "$images/tulips-alpha-500x500.png" "$tmp/in/tulips-alpha-500x500.jpg"
if run 1 resize --quiet -o "$tmp/out-same" "$images/tulips-alpha-500x500.png" "$tmp/in/tulips-alpha-500x500.jpg" \
	&& [ "$(line_count "$tmp/err")" -eq 1 ] && contains "$tmp/err" 'same as those of'; then
	ok "two files with one name stem do not overwrite each other's outputs"
else
	not_ok "two files with one name stem do not overwrite each other's outputs" "$(cat "$tmp/err")"
fi
if run 0 resize --quiet --format webp -q 70 -w 100 -j 1 -o "$tmp/out-webp" "$images/kleiber-6028x3391.jpg" \
	&& [ ! -s "$tmp/err" ] && [ "$(dimensions "$tmp/out-webp/kleiber-6028x3391-100.webp")" = 100x56 ]; then
	ok "--format webp writes NAME-WIDTH.webp"
else
	not_ok "--format webp writes NAME-WIDTH.webp" "$(ls -A "$tmp/out-webp" 2>&1; cat "$tmp/err")"
fi

if run 0 resize --quiet -w 800 --max-height 100 --format png -o "$tmp/out-options" "$images/kleiber-6028x3391.jpg" \
	&& dims=$(dimensions "$tmp/out-options/kleiber-6028x3391-800.png") && [ "${dims#*x}" = 100 ]; then
	ok "--max-height and --format reach the resizer"
else
	not_ok "--max-height and --format reach the resizer" "$(ls -A "$tmp/out-options" 2>&1; cat "$tmp/err")"
fi
if run 0 resize --quiet -w 64 --format jpeg -o "$tmp/out-white" "$images/tulips-alpha-500x500.png" \
	&& run 0 resize --quiet -w 64 --format jpeg --background '#000000' -o "$tmp/out-black" \
		"$images/tulips-alpha-500x500.png" \
	&& ! cmp -s "$tmp/out-white/tulips-alpha-500x500-64.jpg" "$tmp/out-black/tulips-alpha-500x500-64.jpg" \
	&& run 2 resize --background '#12345' "$images/tulips-alpha-500x500.png"; then
	ok "--background reaches the resizer, and a bad colour is a usage error"
else
	not_ok "--background reaches the resizer, and a bad colour is a usage error" "$(cat "$tmp/err")"
fi

# German, from a catalogue installed into a temp folder.
po=$srcdir/po/de.po
if msgfmt -c --check-format -o /dev/null "$po" 2>"$tmp/msgfmt"; then
	ok "msgfmt -c --check-format accepts de.po"
else
	not_ok "msgfmt -c --check-format accepts de.po" "$(cat "$tmp/msgfmt")"
fi
mkdir -p "$tmp/locale/de/LC_MESSAGES"
msgfmt -o "$tmp/locale/de/LC_MESSAGES/imgproc.mo" "$po"
if IMGPROC_LOCALEDIR=$tmp/locale LANGUAGE=de LC_ALL=C.UTF-8 "$cli" resize --help >"$tmp/de-help" 2>&1 \
	&& contains "$tmp/de-help" 'Ausgabenamen' && contains "$tmp/de-help" 'Beispiele'; then
	ok "LANGUAGE=de imgproc resize --help prints German"
else
	not_ok "LANGUAGE=de imgproc resize --help prints German" "$(head -5 "$tmp/de-help")"
fi
if IMGPROC_LOCALEDIR=$tmp/locale LANGUAGE=de LC_ALL=C.UTF-8 "$cli" --help >"$tmp/de-help" 2>&1 \
	&& contains "$tmp/de-help" 'Befehle:'; then
	ok "LANGUAGE=de imgproc --help prints German"
else
	not_ok "LANGUAGE=de imgproc --help prints German" "$(head -5 "$tmp/de-help")"
fi
if IMGPROC_LOCALEDIR=$tmp/locale LANGUAGE=de LC_ALL=C.UTF-8 "$cli" resize -w 320,100 -o "$tmp/out-de" \
	"$tmp/in/none.jpg" "$images/tulips-alpha-500x500.png" >/dev/null 2>"$tmp/de-err";
	[ "$(grep -c "^imgproc: $tmp/in/none.jpg: ." "$tmp/de-err")" -eq 1 ] \
		&& contains "$tmp/de-err" '^2 Dateien (1 fehlgeschlagen), 2 Varianten'; then
	ok "German error and summary lines"
else
	not_ok "German error and summary lines" "$(cat "$tmp/de-err")"
fi
if IMGPROC_LOCALEDIR=$tmp/locale LANGUAGE=de LC_ALL=C.UTF-8 "$cli" info "$tmp/notes.txt" >/dev/null 2>"$tmp/de-err";
	LC_ALL=C.UTF-8 "$cli" info "$tmp/notes.txt" >/dev/null 2>"$tmp/en-err";
	[ -s "$tmp/de-err" ] && ! cmp -s "$tmp/de-err" "$tmp/en-err"; then
	ok "the library's error messages are German too"
else
	not_ok "the library's error messages are German too" "$(cat "$tmp/de-err" "$tmp/en-err")"
fi

echo "1..$n"
[ "$failures" -eq 0 ]
