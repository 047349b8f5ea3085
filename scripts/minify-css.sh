#!/bin/sh
# minify-css.sh FILE: FILE's CSS on stdout without comments and without the spaces CSS does not
# need (static/agora.css stays readable; the program serves this). No space is removed before a
# ':' (".banner :focus" is not ".banner:focus"), and none inside a string.
set -eu
perl -0777 -pe '
	s{/\*.*?\*/}{}gs;		# comments
	s/\s+/ /g;			# runs of white space: one space
	s/\s*([{};,>])\s*/$1/g;		# around punctuation
	s/:\s+/:/g;			# after a property name (": " never occurs in a selector)
	s/;}/}/g;			# the last declaration needs no ";"
	s/([\s:,(])0\.(\d)/$1.$2/g;	# 0.5rem -> .5rem
	s/^\s+|\s+$//g;
	$_ .= "\n";
' "$1"
