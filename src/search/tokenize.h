/* tokenize.h: the "agora" FTS5 tokenizer (ICU word breaks, NFKC casefold, CJK bigrams, Arabic
 * normalization, accent folding, Snowball stemming). docs/SEARCH.md describes the rules. */
#ifndef AGORA_SEARCH_TOKENIZE_H
#define AGORA_SEARCH_TOKENIZE_H

#ifdef AGORA_FTS_EXTENSION
#include <sqlite3ext.h>
#else
#include <sqlite3.h>
#endif

/* Registers the tokenizer as "agora" on db; it must be done on every connection that opens an
 * FTS5 table declared with tokenize='agora'. Returns an SQLite result code. */
int search_tokenizer_register(sqlite3 *db);

#endif
