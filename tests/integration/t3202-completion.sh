#!/usr/bin/env bash
# goescape completion bash|zsh|fish: scripts generated from the option
# tables, valid for their shell (bash -n, zsh -n, fish -n where installed),
# and completing what the tables say.
. "$(dirname "$0")/lib.sh"

test_expect_success 'bash: the script parses and completes commands, options and values' '
	goescape completion bash >c.bash &&
	bash -n c.bash &&
	cat >drive.sh <<-\EOS &&
	. ./c.bash
	complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _goescape; printf "%s\n" "${COMPREPLY[@]}"; }
	complete_words goescape che
	echo --
	complete_words goescape check --fo
	echo --
	complete_words goescape check --format ""
	echo --
	complete_words goescape report --color ""
	echo --
	complete_words goescape hook ""
	EOS
	bash drive.sh >out &&
	printf "check\n--\n--format\n--\ntext\njson\nsarif\ngithub\nmarkdown\n--\nauto\nalways\nnever\n--\n" >expect.head &&
	head -n $(wc -l <expect.head) out >actual.head &&
	test_cmp expect.head actual.head &&
	tail -n 3 out | sort >actual.hook &&
	printf "install\npre-push\nuninstall\n" >expect.hook &&
	test_cmp expect.hook actual.hook
'

test_expect_success 'bash: every option of every command is offered' '
	for c in report baseline check log suggest; do
		goescape $c --help | sed -n "/^options:/,\$p" | grep -o -- "--[a-z][a-z-]*" | sort -u >want &&
		printf ". ./c.bash\nCOMP_WORDS=(goescape $c --); COMP_CWORD=2; _goescape; printf \"%%s\\\\n\" \"\${COMPREPLY[@]}\"\n" >d2.sh &&
		bash d2.sh | sort -u >got &&
		comm -23 want got >missing &&
		test ! -s missing || { echo "$c:"; cat missing; return 1; }
	done
'

if command -v zsh >/dev/null 2>&1; then
test_expect_success 'zsh: the script parses (zsh -n)' '
	goescape completion zsh >_goescape &&
	head -n 1 _goescape | grep "^#compdef goescape$" &&
	zsh -n _goescape &&
	grep -- "--allow-config-mismatch\[" _goescape
'
else
	echo "# zsh not installed: zsh -n not run"
fi

if command -v fish >/dev/null 2>&1; then
test_expect_success 'fish: the script parses (fish -n)' '
	goescape completion fish >goescape.fish &&
	fish -n goescape.fish
'
else
	echo "# fish not installed: fish -n not run (the script is still generated)"
	test_expect_success 'fish: the script is generated from the tables' '
		goescape completion fish >goescape.fish &&
		grep -- "-l allow-config-mismatch" goescape.fish &&
		grep -- "__fish_seen_subcommand_from check" goescape.fish
	'
fi

test_expect_success 'an unknown shell: exit 2, one line' '
	test_expect_code 2 goescape completion tcsh >out 2>err &&
	test ! -s out &&
	test $(wc -l <err) = 1 &&
	grep "tcsh" err
'

test_done
