/*
 * fuzz_geojson.c - libFuzzer target for GeoJSON polygons (places_geojson_parse in
 * src/places/places.c).
 *
 * The input is parsed as the geojson of a place. Refused input must be a 400 naming the
 * field. Accepted input must come out as compact JSON that parses again, is a Polygon or
 * MultiPolygon within range, and is a fixed point: checking the output gives the output.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "places/places.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct err e;
	const char *out = NULL, *again = NULL;
	arena_init(&a, 0);
	err_clear(&e);
	if (places_geojson_parse(&a, (const char *)data, size, &out, &e)) {
		if (e.status != 400 || strcmp(e.field, "geojson"))
			abort();
	} else {
		if (!out || strncmp(out, "{\"type\":\"", 9) ||
		    (!strstr(out, "\"Polygon\"") && !strstr(out, "\"MultiPolygon\"")))
			abort();
		err_clear(&e);
		if (places_geojson_parse(&a, out, strlen(out), &again, &e) || strcmp(out, again))
			abort();
	}
	arena_release(&a);
	return 0;
}
