# fish completion for the fb tools.
#
# Option names come from "TOOL --list-options" and subcommands from
# "TOOL --list-commands", asked once when this file is loaded, for each
# tool found on PATH.  fish loads completions by command name: install this
# file as fb-store.fish and link the other names to it.  To complete a new
# tool, add its name to the list below.

set -q __fb_completions_loaded; and return
set -g __fb_completions_loaded 1

function __fb_zones
    set -l dir /usr/share/zoneinfo
    test -d $dir; or return
    find $dir -type f -name '[A-Z]*' ! -path "$dir/posix/*" \
        ! -path "$dir/right/*" 2>/dev/null | string replace -- "$dir/" ''
end

for tool in fb-ingest fb-tag fb-train fb-rank fb-route fb-sla fb-report fb-anomaly fb-store fb-gen fb-notify
    command -q $tool; or continue

    for opt in ($tool --list-options 2>/dev/null)
        set -l name (string replace -r -- '^--' '' $opt)
        switch $name
            case store
                # fb-ingest has --store but no -s
                set -l short -s s
                test $tool = fb-ingest; and set short
                complete -c $tool $short -l $name -x -d 'store directory' \
                    -a '(__fish_complete_directories (commandline -ct))'
            case reject
                complete -c $tool -l $name -r -F -d 'write bad lines to file'
            case truth
                complete -c $tool -l $name -r -F -d 'write the planted incidents to file'
            case events
                complete -c $tool -l $name -d 'read records, add their lifecycle events'
            case seed
                complete -c $tool -s s -l $name -x -d seed
            case count
                complete -c $tool -s n -l $name -x -d number
            case days
                complete -c $tool -l $name -x -d number
            case incidents
                complete -c $tool -l $name -x -d 'incidents to plant' \
                    -a 'all none sku surge burst growth repeat'
            case rules
                # fb-tag and fb-route have -r; fb-train only the long form
                if test $tool = fb-route
                    complete -c $tool -s r -l $name -r -F -d 'routing rules'
                else
                    set -l short
                    test $tool = fb-tag; and set short -s r
                    complete -c $tool $short -l $name -r -F -d 'add or override phrase rules'
                end
            case policy
                complete -c $tool -s p -l $name -r -F -d 'policy file'
            case customers
                complete -c $tool -l $name -r -F -d 'customer table, CSV or NDJSON'
            case pseudonymize
                complete -c $tool -l $name -r -F -d 'key file of the pseudonyms'
            case customer
                complete -c $tool -l $name -x -d 'customer id to forget'
            case customers-from
                complete -c $tool -l $name -r -F -d 'customer ids to forget, one a line'
            case drop
                complete -c $tool -l $name -d 'remove the items instead of redacting them'
            case agents
                complete -c $tool -l $name -r -F -d 'agent table, CSV or NDJSON'
            case shadow
                complete -c $tool -l $name -r -F -d 'candidate rule file to compare'
            case history
                complete -c $tool -l $name -x -d 'store to read earlier complaints from' \
                    -a '(__fish_complete_directories (commandline -ct))'
            case id
                complete -c $tool -l $name -x -d 'feedback id'
            case output
                set -l short
                test $tool = fb-train; and set short -s o
                complete -c $tool $short -l $name -r -F
            case model
                complete -c $tool -s m -l $name -r -F -d 'sentiment model for its language'
            case test
                complete -c $tool -l $name -r -F -d 'measure the model on labelled file'
            case explain
                if test $tool = fb-sla
                    complete -c $tool -s e -l $name -x -d 'print the clock of one item'
                else
                    complete -c $tool -s e -l $name -d 'explain instead of writing records'
                end
            case breaches
                complete -c $tool -s b -l $name -d 'write alerts for breaches'
            case summary
                complete -c $tool -s s -l $name -d 'write compliance figures'
            case within
                complete -c $tool -s w -l $name -x -d 'at risk when due within'
            case close-within
                complete -c $tool -l $name -x -d 'closure window of the summary'
            case by
                complete -c $tool -l $name -x -d 'group the summary by' \
                    -a 'policy priority channel category province tier queue'
            case detectors
                complete -c $tool -s d -l $name -x -d 'run only these detectors' \
                    -a 'sku volume burst trend repeat'
            case set
                complete -c $tool -l $name -x -d 'override a threshold (detector.key=value)'
            case group-by
                complete -c $tool -s g -l $name -x -d 'group one table by' \
                    -a 'channel category subcategory tag product_category sku region province city priority queue tier sentiment period hour weekday'
            case table
                complete -c $tool -s t -l $name -x -d 'sections to include' \
                    -a 'summary channel category subcategory product_category sku region priority queue by series trend heatmap top_complaints'
            case measure
                complete -c $tool -s m -l $name -x -d 'measures to show' \
                    -a 'items complaints complaint_rate negative neutral positive no_sentiment negative_rate open fr_met fr_breached fr_running fr_in_target fr_n fr_mean fr_median fr_p90 res_met res_breached res_running res_in_target res_n res_mean res_median res_p90 closed_within_n closed_within_eligible closed_within_rate closed_loop_n closed_loop_rate csat_n csat_mean csat_rate nps_n nps_promoters nps_passives nps_detractors nps'
            case period
                complete -c $tool -s P -l $name -x -d 'series period' -a 'day week month'
            case color
                complete -c $tool -l $name -x -d 'colour the text' -a 'auto always never'
            case top
                complete -c $tool -s n -l $name -x -d 'rows per table'
            case examples
                complete -c $tool -l $name -x -d 'example texts per complaint'
            case title
                complete -c $tool -l $name -x -d 'report title'
            case lateness
                complete -c $tool -l $name -x -d 'wait for late events (duration or inf)'
            case partial
                complete -c $tool -l $name -d 'write partial state for --merge'
            case merge
                complete -c $tool -l $name -d 'combine partial states'
            case lang
                complete -c $tool -l $name -x -d language -a 'zh en'
            case neutral
                complete -c $tool -l $name -x -d 'neutral score band (0 to 1)'
            case category-field
                complete -c $tool -l $name -x -d 'product category field'
            case holdout
                complete -c $tool -l $name -x -d 'leave out every Nth line'
            case epochs
                complete -c $tool -l $name -x -d 'passes over the data'
            case rate
                complete -c $tool -l $name -x -d 'learning rate'
            case bits
                complete -c $tool -l $name -x -d '2^B hashed weights (10 to 26)'
            case ngrams
                complete -c $tool -l $name -x -d 'character n-gram lengths MIN-MAX'
            case tz
                complete -c $tool -l $name -x -d 'time zone' -a '(__fb_zones)'
            case channel
                set -l short
                test $tool = fb-ingest; and set short -s c
                complete -c $tool $short -l $name -x -d channel \
                    -a 'app web miniprogram email hotline chat weibo douyin review other'
            case since until now
                complete -c $tool -l $name -x -d time
            case max-age older-than
                complete -c $tool -l $name -x -d age
            case max-size max-line
                complete -c $tool -l $name -x -d size
            case level
                complete -c $tool -l $name -x -d 'gzip level' -a '1 2 3 4 5 6 7 8 9'
            case format
                if test $tool = fb-ingest
                    complete -c $tool -s f -l $name -x -d 'input format' \
                        -a 'ndjson json csv tsv eml mbox text'
                else if test $tool = fb-gen
                    complete -c $tool -s f -l $name -x -d 'output format' \
                        -a 'ndjson record csv tsv mbox text json'
                else if test $tool = fb-route
                    complete -c $tool -l $name -x -d 'coverage report format' \
                        -a 'text json'
                else if test $tool = fb-sla
                    complete -c $tool -l $name -x -d 'summary format' \
                        -a 'json text'
                else if test $tool = fb-report
                    complete -c $tool -s f -l $name -x -d 'report format' \
                        -a 'text md csv json html'
                else
                    complete -c $tool -l $name -x
                end
            case key
                complete -c $tool -l $name -x
            case encoding
                if test $tool = fb-gen
                    complete -c $tool -l $name -x -d 'output encoding' \
                        -a 'utf-8 gb18030'
                else
                    complete -c $tool -l $name -x -d 'input encoding' \
                        -a 'utf-8 gb18030 gbk big5'
                end
            case map
                set -l short
                test $tool = fb-ingest; and set short -s m
                complete -c $tool $short -l $name -x -d 'FIELD=COLUMN,...'
            case max-per-customer-day
                complete -c $tool -l $name -x -d 'items per customer and day'
            case mail
                complete -c $tool -s m -l $name -x -d 'mail each alert to'
            case from
                complete -c $tool -l $name -x -d "the mail's From address"
            case webhook
                complete -c $tool -l $name -x -d 'POST each alert as JSON to URL'
            case timeout
                complete -c $tool -l $name -x -d 'give up a POST after'
            case chat
                complete -c $tool -l $name -d 'write each alert as a line of text'
            case state
                complete -c $tool -l $name -r -F -d 'remember what was sent when'
            case window
                complete -c $tool -l $name -x -d 'send the same alert once within'
            case max-per-run
                complete -c $tool -l $name -x -d 'alerts to send at most'
            case progress
                complete -c $tool -l $name -d 'show progress on stderr, even when not a terminal'
            case no-progress
                complete -c $tool -l $name -d 'never show progress'
            case unbuffered
                complete -c $tool -s u -l $name
            case quiet
                complete -c $tool -s q -l $name
            case verbose
                complete -c $tool -s v -l $name
            case help
                complete -c $tool -s h -l $name
            case version
                complete -c $tool -s V -l $name
            case '*'
                complete -c $tool -l $name
        end
    end

    set -l cmds ($tool --list-commands 2>/dev/null)
    if set -q cmds[1]
        complete -c $tool -f -n "not __fish_seen_subcommand_from $cmds" \
            -a "$cmds"
    end
end
