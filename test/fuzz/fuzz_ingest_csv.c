/*
 * fuzz_ingest_csv.c: a CSV or TSV export through fb-ingest's reader
 * (read_csv: libcsv fed line by line, the header mapped to fields by the
 * names exports use, rows checked against the header, poisoned rows
 * rejected whole) and on through emit() to a record.  The first byte
 * picks CSV or TSV, and UTF-8 or --encoding gb18030.  See ingest.h for
 * what is checked.
 */
#define _GNU_SOURCE
#include "ingest.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ingest_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	ingest_run(data[0] & 1 ? FMT_TSV : FMT_CSV,
	    data[0] & 2 ? "gb18030" : NULL, data[0] & 1 ? "in.tsv" : "in.csv",
	    data + 1, size - 1);
	return 0;
}
