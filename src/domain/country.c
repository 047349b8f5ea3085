/* country.c: the iso-codes country list, loaded once and searched by binary search. */
#include "country.h"

#include <jansson.h>
#include <libintl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct country {
	char code[3];
	char *name;
};

static struct country *countries;
static int ncountries;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static int
by_code(const void *a, const void *b)
{
	return strcmp(((const struct country *)a)->code, ((const struct country *)b)->code);
}

int
country_load(const char *path, struct err *e)
{
	json_error_t je;
	json_t *j = NULL, *list, *item;
	size_t i;
	int rc = -1;

	pthread_mutex_lock(&load_lock);
	if (countries != NULL) {
		rc = 0;
		goto out;
	}
	if ((j = json_load_file(path, 0, &je)) == NULL) {
		err_set(e, ERR_INTERNAL, "cannot read the country list %s: %s", path, je.text);
		goto out;
	}
	list = json_object_get(j, "3166-1");
	if (!json_is_array(list) || (countries = calloc(json_array_size(list), sizeof(*countries))) == NULL) {
		err_set(e, ERR_INTERNAL, "%s: not an iso-codes 3166-1 list", path);
		goto out;
	}
	json_array_foreach(list, i, item) {
		const char *code = json_string_value(json_object_get(item, "alpha_2"));
		const char *name = json_string_value(json_object_get(item, "name"));
		if (code == NULL || name == NULL || strlen(code) != 2)
			continue;
		memcpy(countries[ncountries].code, code, 3);
		if ((countries[ncountries].name = strdup(name)) == NULL)
			continue;
		ncountries++;
	}
	qsort(countries, (size_t)ncountries, sizeof(*countries), by_code);
	bindtextdomain("iso_3166-1", "/usr/share/locale");
	bind_textdomain_codeset("iso_3166-1", "UTF-8");
	rc = 0;
out:
	pthread_mutex_unlock(&load_lock);
	json_decref(j);
	return rc;
}

static const struct country *
find(const char *code)
{
	struct country key;

	if (code == NULL || strlen(code) != 2 || countries == NULL)
		return NULL;
	memcpy(key.code, code, 3);
	return bsearch(&key, countries, (size_t)ncountries, sizeof(*countries), by_code);
}

int
country_valid(const char *code)
{
	return find(code) != NULL;
}

const char *
country_name(const char *code)
{
	const struct country *c = find(code);

	return c ? c->name : NULL;
}

const char *
country_name_local(const char *code)
{
	const struct country *c = find(code);

	return c ? dgettext("iso_3166-1", c->name) : NULL;
}

int
country_count(void)
{
	return ncountries;
}

const char *
country_code_at(int i)
{
	return i >= 0 && i < ncountries ? countries[i].code : NULL;
}
