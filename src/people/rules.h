/*
 * rules.h - the pure rules of people, households and organizations: identity documents,
 * phones, masking, pinyin, name grams for search, organization codes, derived tags.
 *
 * Every function here is pure (no database, no clock unless given one, no I/O), has unit
 * tests in tests/unit/people/, and every parser has a libFuzzer target in tests/fuzz/.
 * Errors are 400s whose code is a stable i18n key and whose field is the `field` argument
 * the caller passes (the JSON field or the spreadsheet column at fault).
 */
#ifndef CUNWU_PEOPLE_RULES_H
#define CUNWU_PEOPLE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

/* ---- identity documents ---- */

enum id_kind {
	ID_NONE = 0,
	ID_RESIDENT = 1,    /* 居民身份证, 18 characters, ISO 7064 MOD 11-2 check */
	ID_RESIDENT15 = 2,  /* the old 15-digit card (born 19YY, no check character) */
	ID_HKMO_PERMIT = 3, /* 港澳居民居住证: 18 characters, area 810000 or 820000 */
	ID_TW_PERMIT = 4,   /* 台湾居民居住证: 18 characters, area 830000 */
	ID_FOREIGN_PR = 5, /* 外国人永久居留身份证: 2017 15-character (3 letters + 12 digits)
	                      or 2023 18-character (starting with 9, MOD 11-2 check) */
	ID_PASSPORT = 6, /* a passport or other document: kept as written, not checked */
};

struct id_doc {
	enum id_kind kind;
	char norm[40];  /* normalized: trimmed, full-width digits and letters made ASCII,
	                   letters upper-cased (a check 'x' made 'X'), inner spaces removed */
	char birth[11]; /* "YYYY-MM-DD" when the document gives it, else "" */
	char sex;       /* 'M', 'F', or 0 when the document does not give it */
	char area[7];   /* the 6-digit area code of an 18/15-digit number, else "" */
};

/*
 * Parse and check an identity document number. kind is the document kind the user chose,
 * or ID_NONE to infer it from the text (18 characters: resident / permit / 2023 foreign
 * card by its leading digits; 15 digits: the old card; 3 letters + 12 digits: the 2017
 * foreign card; anything else with a letter: a passport; digits only: an identity number
 * of the wrong length). ID_RESIDENT takes the old card too (out->kind says which). The 2017
 * foreign card is checked for its shape only (its check is not published) and gives no
 * birth date; the 2023 card gives the birth date, not the sex. A passport is 5 to 20
 * letters and digits, and never a valid 18-character identity number. An unknown area
 * code is accepted, never rejected (codes are retired and renumbered; old cards stay
 * valid). On an error out->kind is ID_NONE and nothing is derived, but out->norm keeps the
 * normalized text when there was one. Messages never repeat the number. Errors, each a
 * 400 naming field:
 *   people.id_empty, people.id_length, people.id_chars (a character that cannot be in this
 *   kind), people.id_check (wrong check character: the message says which is expected),
 *   people.id_date (no such birth date, or one in the future of today_ymd, or before
 *   1900-01-01), people.id_kind (the text cannot be the kind chosen),
 *   people.id_mangled (looks like a number Excel rounded: "1.40406E+17", or 18 digits
 *   ending in "000" whose check fails).
 * today_ymd is "YYYY-MM-DD" (the caller's clock, so the function stays pure); a bad one is
 * a 500.
 */
int idno_parse(const char *text, enum id_kind kind, const char *today_ymd, const char *field,
               struct id_doc *out, struct err *e);
/* The check character ('0'..'9' or 'X') of the first 17 digits of an 18-character number;
 * 0 if they are not 17 digits. */
char idno_check_char(const char *first17);
/* Stable text names of the kinds, for JSON and the database: "resident", "resident15",
 * "hkmo_permit", "tw_permit", "foreign_pr", "passport" ("" for ID_NONE); and back (ID_NONE
 * if unknown). */
const char *idno_kind_name(enum id_kind kind);
enum id_kind idno_kind_from_name(const char *name);
/* Whole years of age on today_ymd for a birth date "YYYY-MM-DD"; -1 if either is bad or
 * the birth is after today. A year older on the birthday; born on 29 February, on 1 March
 * of common years. */
int age_on(const char *birth_ymd, const char *today_ymd);

/* ---- phones ---- */

enum phone_kind {
	PHONE_NONE = 0,
	PHONE_MOBILE = 1,
	PHONE_LANDLINE = 2
};

/*
 * Normalize and check a phone number: a mainland mobile (11 digits starting 13-19,
 * optional +86 / 0086 / 86 prefix, spaces or dashes between groups) becomes
 * "13812345678"; a landline with its area code (010, 02X, 03XX-09XX, in brackets or not,
 * from abroad as +86 355; 7 or 8 digits not starting with 0; an optional extension of 1 to
 * 6 digits after '-', '转', '分机' or "ext") becomes "0355-1234567" or "0355-1234567-89".
 * Full-width digits and dashes are folded. Service numbers (400, 95xxx) are refused.
 * Errors (400 naming field): people.phone_empty, people.phone_format.
 * out must hold 32 bytes; kind may be NULL.
 */
int phone_parse(const char *text, const char *field, char *out, enum phone_kind *kind,
                struct err *e);

/* ---- masking (lists, exports, public output) ---- */

/* "140406199001011234" -> "140406********1234" (any 17 digits and a digit or X: the
 * permits and the 2023 foreign card too); other kinds (the old 15-digit card included)
 * keep the first 2 and last 2 characters and star the rest; never shows more than a third
 * of a short value. Invalid UTF-8 masks every byte. */
const char *mask_id(struct arena *a, const char *norm);
/* "13812345678" -> "138****5678"; "0355-1234567" -> "0355-***4567", an extension kept
 * ("0355-***4567-89"); anything else as mask_id's other kinds. */
const char *mask_phone(struct arena *a, const char *norm);
/* 张三 -> 张*, 张小明 -> 张*明, 欧阳明 -> 欧阳*, 欧阳小明 -> 欧阳*明 (compound surnames
 * kept whole), 阿依古丽·买买提 -> 阿***·**提 (each part masked, the first character of
 * the first part and the last of the last kept, a part of one character starred), one
 * character -> *. Dots and spaces separate parts and stay; a look-alike dot (・ • ‧ …)
 * becomes '·'. UTF-8 aware; invalid UTF-8 masks every byte. */
const char *mask_name(struct arena *a, const char *name);

/* ---- pinyin and search grams ---- */

/*
 * Pinyin of a Chinese name, without tones: full ("zhang xiao ming" as "zhangxiaoming",
 * for sorting) and initials ("zxm", for search by initials). The first character is read
 * as a surname where that differs (单 shan, 曾 zeng, 解 xie, 仇 qiu, 区 ou, 朴 piao, 查 zha,
 * 盖 ge, 尉迟 yuchi, 万俟 moqi …). A character without a reading (Latin letters, digits)
 * is kept lower-cased, a run of them counting as one syllable for the initials ("Tom张":
 * "tomzhang", "tz"); other characters are skipped. Strings are allocated in a.
 */
void pinyin_of_name(struct arena *a, const char *name, const char **full, const char **initials);

/*
 * A search by pinyin initials looks up "py:" and the initials typed ("py:zw") in the same
 * gram index: a person has one such gram per prefix of their initials, up to this many
 * letters. A name gram is one or two characters, so the two never meet.
 */
#define INITIALS_GRAM     "py:"
#define INITIALS_GRAM_MAX 8

/*
 * The search grams of a name: every character (unigram) and every pair of adjacent
 * characters (bigram), as UTF-8 strings, without duplicates, '·' and spaces dropped (a
 * pair spans them, so 阿依古丽买买提 typed without the dot finds the name), full-width
 * folded and ASCII letters lower-cased, invalid bytes skipped. A search for one or two
 * characters is one lookup; longer queries intersect bigrams. Returns the count; grams
 * (NULL-terminated) are allocated in a.
 */
size_t name_grams(struct arena *a, const char *name, const char ***grams);

/* ---- organizations ---- */

/* 统一社会信用代码 (GB 32100-2015): 18 characters, check character by the standard's
 * weights over its 31-character alphabet. Normalizes into out (19 bytes; "" on an error):
 * spaces dropped, full-width folded, upper-cased. Errors: people.uscc_length (the empty
 * text too), people.uscc_chars, people.uscc_check (naming the expected one). */
int uscc_parse(const char *text, const char *field, char *out, struct err *e);

/* ---- derived tags ---- */

struct person_facts {
	const char *birth;     /* "YYYY-MM-DD" or NULL */
	const char *status;    /* "present", "away", "moved_out", "deceased" */
	int household_present; /* people of the household present, this person included */
	int household_size;    /* people of the household not moved out or deceased */
};

/*
 * The tags the rules derive for a person on today_ymd, as catalogue ids: "aged80" (高龄,
 * 80 and over), "elderly_alone" (独居老人: 60 and over, present, nobody else present in
 * the household), "minor" (under 18). The dead and the moved-out get none, nor does a
 * person without a valid birth date; without a status only the age tags apply. Ages
 * change on the birthday (age_on). Writes at most max ids into out and returns the count.
 */
size_t tag_rules_person(const struct person_facts *f, const char *today_ymd, const char **out,
                        size_t max);

#endif
