/* itu_region.h: the five ITU administrative regions (those of the Council's seats), by country:
 * A Americas, B Western Europe, C Eastern Europe and Northern Asia, D Africa, E Asia and
 * Australasia. Not the six ITU-D regions of member_states.region: a summary for the Council
 * counts by these. */
#ifndef AGORA_ITU_REGION_H
#define AGORA_ITU_REGION_H

/* "A" to "E" for an ISO 3166-1 alpha-2 code ("FR" -> "B"), or NULL for a code no region
 * takes (Antarctica, an unknown code). Territories go with the region they lie in. */
const char *itu_region_of(const char *country);
/* The region's name in the interface language ("Americas"), or NULL for another letter. */
const char *itu_region_name(const char *letter);

#endif
