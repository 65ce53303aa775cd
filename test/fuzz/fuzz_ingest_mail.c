/*
 * fuzz_ingest_mail.c: a mailbox or one message through fb-ingest's mail
 * reader (read_mail: mboxrd "From " separators and ">From " unescaping,
 * then fb_mail_parse and the item: subject and body joined, quoted
 * lines dropped, the Date header read loosely).  The first byte picks
 * mbox or .eml.  See ingest.h for what is checked.
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
	ingest_run(data[0] & 1 ? FMT_MBOX : FMT_EML, NULL,
	    data[0] & 1 ? "in.mbox" : "in.eml", data + 1, size - 1);
	return 0;
}
