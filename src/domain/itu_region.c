/* itu_region.c: ISO 3166-1 alpha-2 codes -> the five ITU administrative regions, as data.
 * The Member States follow ITU's list of the regions for the Council's elections; the
 * territories that are not Member States go with the region they lie in, so a response from
 * one is still counted somewhere. */
#include "itu_region.h"

#include <string.h>

#include "../util/i18n.h"

/* Codes separated by one space; every code is two capital letters. */
static const struct {
	const char *letter;
	const char *codes;
} regions[] = {
	{ "A", "AG AI AR AW BB BL BM BO BQ BR BS BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GS GT "
	       "GY HN HT JM KN KY LC MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT UM US UY VC VE VG VI" },
	{ "B", "AD AT AX BE CH CY DE DK ES FI FO FR GB GG GI GR IE IL IM IS IT JE LI LU MC MT NL NO "
	       "PT SE SJ SM TR VA" },
	{ "C", "AL AM AZ BA BG BY CZ EE GE HR HU KG KZ LT LV MD ME MK PL RO RS RU SI SK TJ TM UA UZ" },
	{ "D", "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY "
	       "MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW" },
	{ "E", "AE AF AS AU BD BH BN BT CC CK CN CX FJ FM GU HK HM ID IN IO IQ IR JO JP KH KI KP KR "
	       "KW LA LB LK MH MM MN MO MP MV MY NC NF NP NR NU NZ OM PF PG PH PK PN PS PW QA SA SB SG "
	       "SY TF TH TK TL TO TV TW VN VU WF WS YE" },
};

const char *
itu_region_of(const char *country)
{
	if (country == NULL || strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
	    country[1] < 'A' || country[1] > 'Z')
		return NULL;
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		for (const char *p = regions[i].codes; *p; p += p[2] ? 3 : 2)
			if (p[0] == country[0] && p[1] == country[1])
				return regions[i].letter;
	return NULL;
}

const char *
itu_region_name(const char *letter)
{
	if (letter == NULL || letter[0] == '\0' || letter[1] != '\0')
		return NULL;
	switch (letter[0]) {
	case 'A': return _("Americas");
	case 'B': return _("Western Europe");
	case 'C': return _("Eastern Europe and Northern Asia");
	case 'D': return _("Africa");
	case 'E': return _("Asia and Australasia");
	}
	return NULL;
}
