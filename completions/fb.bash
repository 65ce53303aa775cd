# bash completion for the fb tools                          -*- shell-script -*-
#
# Option names come from "TOOL --list-options" and subcommands from
# "TOOL --list-commands", asked once per command and cached, so the tools
# and this file cannot drift apart.  bash-completion loads completions by
# command name: install this file as fb-store and link the other names to it.
# To complete a new tool, add its name to _fb_tools.

_fb_tools="fb-ingest fb-tag fb-train fb-rank fb-route fb-sla fb-report fb-anomaly fb-store fb-gen fb-notify"

declare -gA _fb_opts_cache _fb_cmds_cache

# _fb_load CMD: fill the caches for CMD.
_fb_load()
{
	[[ -n ${_fb_opts_cache[$1]+set} ]] && return
	_fb_opts_cache[$1]=$("$1" --list-options 2>/dev/null)
	_fb_cmds_cache[$1]=$("$1" --list-commands 2>/dev/null)
}

# _fb_zones: print the time zone names known to the system.
_fb_zones()
{
	local d=/usr/share/zoneinfo
	[[ -d $d ]] || return
	find "$d" -type f ! -name '*.*' ! -path "$d/posix/*" \
	    ! -path "$d/right/*" 2>/dev/null | sed "s|^$d/||"
}

# _fb_argtype OPT: print what the argument of OPT is, or nothing when OPT
# takes no argument.
_fb_argtype()
{
	case $1 in
	-s)
		# fb-gen's -s is --seed, fb-sla's --summary; $cmd is a local of _fb
		case ${cmd:-} in
		fb-gen) echo value ;;
		fb-sla) ;;
		*) echo dir ;;
		esac ;;
	-e|--explain)
		# fb-sla explains one item; the others' --explain is a flag
		[[ ${cmd:-} == fb-sla ]] && echo value ;;
	--by)
		echo by ;;
	-g|--group-by)
		echo groupby ;;
	--detectors)
		echo detectors ;;
	-d)
		# fb-anomaly's -d is --detectors; elsewhere a value
		if [[ ${cmd:-} == fb-anomaly ]]; then echo detectors; else echo value; fi ;;
	--set)
		echo value ;;
	-t|--table)
		echo tables ;;
	--measure)
		echo measures ;;
	-P|--period)
		echo period ;;
	--color)
		echo color ;;
	--store|--history)
		echo dir ;;
	-m)
		# fb-tag's -m is --model, fb-ingest's --map, fb-report's --measure
		case ${cmd:-} in
		fb-tag) echo file ;;
		fb-report) echo measures ;;
		*) echo value ;;
		esac ;;
	--reject|--rules|--output|--truth|--model|--test|-r|-o|\
	--policy|-p|--customers|--agents|--shadow|--pseudonymize|\
	--customers-from|--state)
		echo file ;;
	--mail|--from|--webhook|--timeout|--window|--max-per-run)
		echo value ;;
	--customer)
		echo value ;;
	--lang)
		echo lang ;;
	--tz)
		echo zone ;;
	-c|--channel)
		echo channel ;;
	-f|--format)
		echo format ;;
	--encoding)
		echo encoding ;;
	--incidents)
		echo incidents ;;
	--level)
		echo level ;;
	--since|--until|--now|--max-age|--max-size|--max-line|--older-than|\
	--key|--map|--max-per-customer-day|--seed|-n|--count|--days|\
	--neutral|--category-field|--holdout|--epochs|--rate|--bits|--ngrams|\
	--id|-w|--within|--close-within|--top|--examples|--title|--lateness)
		echo value ;;
	esac
}

# _fb_words WORDS CUR: fill COMPREPLY with the blank-separated WORDS that
# start with CUR (compgen -W splits WORDS at $IFS, so IFS must be blanks).
_fb_words()
{
	local IFS=$' \t\n'
	COMPREPLY=($(compgen -W "$1" -- "$2"))
}

# _fb_list WORDS CUR: complete the last item of the comma-separated CUR.
_fb_list()
{
	local pre=
	[[ $2 == *,* ]] && pre=${2%,*},
	_fb_words "$1" "${2##*,}"
	COMPREPLY=("${COMPREPLY[@]/#/$pre}")
	compopt -o nospace 2>/dev/null
}

# _fb_complete_arg TYPE CUR: fill COMPREPLY with candidates for an option
# argument.
_fb_complete_arg()
{
	local IFS=$'\n'
	case $1 in
	dir)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$2")) ;;
	file)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$2")) ;;
	zone)
		COMPREPLY=($(compgen -W "$(_fb_zones)" -- "$2")) ;;
	channel)
		_fb_words "app web miniprogram email hotline chat weibo douyin
		    review other" "$2" ;;
	format)
		# $cmd is the tool being completed (a local of _fb)
		case ${cmd:-} in
		fb-ingest)
			_fb_words "ndjson json csv tsv eml mbox text" "$2" ;;
		fb-gen)
			_fb_words "ndjson record csv tsv mbox text json" "$2" ;;
		fb-route)
			_fb_words "text json" "$2" ;;
		fb-sla)
			_fb_words "json text" "$2" ;;
		fb-report)
			_fb_words "text md csv json html" "$2" ;;
		*)
			COMPREPLY=() ;;
		esac ;;
	encoding)
		if [[ ${cmd:-} == fb-gen ]]; then
			_fb_words "utf-8 gb18030" "$2"
		else
			_fb_words "utf-8 gb18030 gbk big5" "$2"
		fi ;;
	incidents)
		_fb_words "all none sku surge burst growth repeat" "$2" ;;
	level)
		_fb_words "1 2 3 4 5 6 7 8 9" "$2" ;;
	lang)
		_fb_words "zh en" "$2" ;;
	by)
		_fb_list "policy priority channel category province tier queue" \
		    "$2" ;;
	groupby)
		_fb_list "channel category subcategory tag product_category sku
		    region province city priority queue tier sentiment period
		    hour weekday" "$2" ;;
	tables)
		_fb_list "summary channel category subcategory product_category
		    sku region priority queue by series trend heatmap
		    top_complaints" "$2" ;;
	measures)
		_fb_list "items complaints complaint_rate negative neutral
		    positive no_sentiment negative_rate open fr_met fr_breached
		    fr_running fr_in_target fr_n fr_mean fr_median fr_p90 res_met
		    res_breached res_running res_in_target res_n res_mean
		    res_median res_p90 closed_within_n closed_within_eligible
		    closed_within_rate closed_loop_n closed_loop_rate csat_n
		    csat_mean csat_rate nps_n nps_promoters nps_passives
		    nps_detractors nps" "$2" ;;
	period)
		_fb_words "day week month" "$2" ;;
	detectors)
		_fb_list "sku volume burst trend repeat" "$2" ;;
	color)
		_fb_words "auto always never" "$2" ;;
	*)
		COMPREPLY=() ;;
	esac
}

_fb()
{
	local cmd=$1 cur=${COMP_WORDS[COMP_CWORD]} prev=
	local i w type sub= endopts=
	local IFS=$' \t\n'

	COMPREPLY=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	_fb_load "$cmd"

	# Find the subcommand, if any, skipping options and their arguments.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ -n $endopts ]]; then
			continue
		elif [[ $w == -- ]]; then
			endopts=1
		elif [[ $w == -* ]]; then
			if [[ $w != *=* && -n $(_fb_argtype "$w") ]]; then
				# bash splits "--opt=value" into three words
				[[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))
				((i++))
			fi
		elif [[ -z $sub && -n ${_fb_cmds_cache[$cmd]} ]]; then
			sub=$w
		fi
	done

	if [[ -z $endopts ]]; then
		# --opt=value, as one word or split at the "=" by bash
		if [[ $cur == = ]]; then
			_fb_complete_arg "$(_fb_argtype "$prev")" ""
			return 0
		elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
			w=${COMP_WORDS[COMP_CWORD - 2]}
			_fb_complete_arg "$(_fb_argtype "$w")" "$cur"
			return 0
		elif [[ $cur == --*=* ]]; then
			type=$(_fb_argtype "${cur%%=*}")
			_fb_complete_arg "$type" "${cur#*=}"
			return 0
		fi
		# --opt value
		if [[ $prev == -* && $prev != *=* ]]; then
			type=$(_fb_argtype "$prev")
			if [[ -n $type ]]; then
				_fb_complete_arg "$type" "$cur"
				return 0
			fi
		fi
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "${_fb_opts_cache[$cmd]}" -- "$cur"))
			return 0
		fi
		if [[ -z $sub && -n ${_fb_cmds_cache[$cmd]} ]]; then
			COMPREPLY=($(compgen -W "${_fb_cmds_cache[$cmd]}" -- "$cur"))
			return 0
		fi
	fi

	compopt -o filenames 2>/dev/null
	IFS=$'\n'
	COMPREPLY=($(compgen -f -- "$cur"))
	return 0
}

complete -F _fb $_fb_tools
