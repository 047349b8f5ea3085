/* minhash.h: MinHash signatures of a text's word shingles and LSH banding, for finding
 * near-identical responses (src/cluster/campaign.c; docs/CAMPAIGNS.md gives the reasons). */
#ifndef AGORA_MINHASH_H
#define AGORA_MINHASH_H
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

#define MINHASH_K 128		/* values in a signature */
#define MINHASH_SHINGLE 3	/* words in a shingle */

/* A text's signature: v[i] is the least hash of the shingles that fall in bin i (one
 * permutation hashing, empty bins filled by densification). nshingles 0: no words at all,
 * similar to nothing. */
struct minhash_sig {
	uint32_t v[MINHASH_K];
	uint32_t nshingles;
};

/* How the signature is cut for the candidate search: `bands` bands of `rows` values each. */
struct minhash_bands {
	int rows, bands;
};

/* One signer: ICU's normalization data (the words are split by minhash.c itself, not by the
 * search tokenizer). Not thread-safe: one per thread. */
struct minhash;

/* Returns a signer, or NULL with e set. minhash_free(NULL) is a no-op. */
struct minhash *minhash_new(struct err *e);
void minhash_free(struct minhash *m);

/* Signs len bytes of UTF-8 text (malformed bytes end a word). Returns 0. The one function
 * for both the incremental path (campaign.c) and the rebuild (campaign_rebuild.c). */
int minhash_sign(struct minhash *m, const char *text, size_t len, struct minhash_sig *out);

/* The estimated Jaccard similarity of the two texts' shingle sets, 0 to 1: the share of equal
 * values. 0 when either text has no words. */
double minhash_similarity(const struct minhash_sig *a, const struct minhash_sig *b);

/* The banding for a threshold (0 < threshold <= 1): the most rows per band (fewest chance
 * candidates) such that a pair exactly at the threshold is still a candidate with a
 * probability of at least 0.99, and then the fewest bands that keep that. */
void minhash_bands_for(double threshold, struct minhash_bands *out);

/* The probability that a pair of similarity s shares at least one band: 1 - (1 - s^r)^b. */
double minhash_candidate_probability(double s, const struct minhash_bands *b);

/* The bucket key of band `band` of sig in round `round`: a hash of the three, 63 bits, so
 * that equal bands of different rounds never meet. */
int64_t minhash_band_key(const struct minhash_sig *sig, const struct minhash_bands *b, int band,
			 int64_t round);

#endif
