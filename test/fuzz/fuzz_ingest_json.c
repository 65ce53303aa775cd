/*
 * fuzz_ingest_json.c: JSON input through fb-ingest: with the first byte
 * even, a .json file (one object or an array of objects: read_json);
 * odd, NDJSON (the record loop, ndjson_one).  Either way each object
 * goes through item_from_object, which maps export field names to fb's
 * and keeps an fb record's own id and source.  See ingest.h for what is
 * checked.
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
	ingest_run(data[0] & 1 ? FMT_NDJSON : FMT_JSON, NULL,
	    data[0] & 1 ? "in.ndjson" : "in.json", data + 1, size - 1);
	return 0;
}
