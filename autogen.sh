#!/bin/sh
# Generates configure and the Makefile.in files from a git checkout.
set -e
srcdir=$(dirname "$0")
test -n "$srcdir" || srcdir=.
cd "$srcdir"
autoreconf --force --install
echo "Now run ./configure (or build out of tree: mkdir _build && cd _build && ../configure)."
