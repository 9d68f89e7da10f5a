/* tags.c - the person tags derived by rule (高龄, 独居老人, minors); see rules.h. */
#include "rules.h"

#include <string.h>

#include "core/banned.h"

size_t tag_rules_person(const struct person_facts *f, const char *today_ymd, const char **out,
                        size_t max)
{
	size_t n = 0;
	if (!f ||
	    (f->status && (!strcmp(f->status, "deceased") || !strcmp(f->status, "moved_out"))))
		return 0;
	int age = f->birth ? age_on(f->birth, today_ymd) : -1;
	if (age < 0)
		return 0;
	int present = f->status && !strcmp(f->status, "present");
	if (age >= 80 && n < max)
		out[n++] = "aged80";
	if (age >= 60 && present && f->household_present <= 1 && n < max)
		out[n++] = "elderly_alone";
	if (age < 18 && n < max)
		out[n++] = "minor";
	return n;
}
