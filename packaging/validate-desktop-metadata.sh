#!/usr/bin/env bash
# Validates the studio's desktop entry and AppStream metainfo.
# usage: validate-desktop-metadata.sh APP_ID VERSION FOLDER
#   FOLDER holds APP_ID.desktop, APP_ID.metainfo.xml and APP_ID.svg.
# Checks that the metainfo's id, launchable and the desktop entry's icon all name APP_ID, that
# the entry starts dais-studio, that the icon exists and that the newest release in the
# metainfo is VERSION; then runs desktop-file-validate (errors and warnings fail, hints do not)
# and appstreamcli validate --no-net (errors and warnings fail). Exit status: 0 valid,
# 1 invalid, 77 valid as far as it could tell but neither validator is installed (a skip).
set -u
id=$1 version=$2 dir=$3
desktop=$dir/$id.desktop metainfo=$dir/$id.metainfo.xml icon=$dir/$id.svg
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

for f in "$desktop" "$metainfo" "$icon"; do
    [ -f "$f" ] || fail "$f is missing"
done
[ "$failed" = 0 ] || exit 1

grep -q "^Icon=$id\$" "$desktop" || fail "$desktop: Icon= is not $id"
grep -q "^Exec=dais-studio" "$desktop" || fail "$desktop: Exec= does not start dais-studio"
grep -q "<id>$id</id>" "$metainfo" || fail "$metainfo: <id> is not $id"
grep -q "<launchable type=\"desktop-id\">$id.desktop</launchable>" "$metainfo" ||
    fail "$metainfo: the launchable is not $id.desktop"
newest=$(grep -o '<release [^>]*version="[^"]*"' "$metainfo" | head -n 1 |
         sed 's/.*version="\([^"]*\)"/\1/')
[ "$newest" = "$version" ] ||
    fail "$metainfo: the newest release is '$newest', the project's version is $version"

validators=0
if command -v desktop-file-validate >/dev/null; then
    validators=$((validators + 1))
    out=$(desktop-file-validate "$desktop" 2>&1); rc=$?
    [ -n "$out" ] && echo "$out"
    if [ "$rc" != 0 ] || grep -qE ': (error|warning): ' <<<"$out"; then
        fail "desktop-file-validate rejects $desktop"
    fi
else
    echo "desktop-file-validate is not installed (Debian package desktop-file-utils)"
fi
if command -v appstreamcli >/dev/null; then
    validators=$((validators + 1))
    appstreamcli validate --no-net --no-color "$metainfo" ||
        fail "appstreamcli validate rejects $metainfo"
else
    echo "appstreamcli is not installed (Debian package appstream)"
fi

[ "$failed" = 0 ] || exit 1
if [ "$validators" = 0 ]; then
    echo "SKIP: no validator installed"
    exit 77
fi
echo "valid: $id.desktop, $id.metainfo.xml (version $version)"
