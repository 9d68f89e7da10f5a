/*
 * unit.h - what the cmocka unit tests share: a substring assertion and temporary folders.
 * Include after <cmocka.h>.
 */
#ifndef CUNWU_TEST_UNIT_H
#define CUNWU_TEST_UNIT_H

#include <ftw.h>
#include <stdio.h>
#include <string.h>

#define assert_contains(hay, needle)                                                               \
	do {                                                                                       \
		const char *h_ = (hay), *n_ = (needle);                                            \
		if (!h_ || !strstr(h_, n_))                                                        \
			fail_msg("'%s' does not contain '%s'", h_ ? h_ : "(null)", n_);            \
	} while (0)

static inline int unit_rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Remove a folder and everything in it. */
static inline void unit_rmtree(const char *dir)
{
	nftw(dir, unit_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

#endif
