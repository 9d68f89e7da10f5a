/*
 * tabular.h - reading the spreadsheets people bring: CSV (UTF-8 with or without BOM, or
 * GB18030/GBK as Excel in China writes it), .xlsx (libzip + expat, streamed) and .xls
 * (freexl). The only header other modules include. See docs/internals/tabular.md.
 *
 * Three layers, each usable alone:
 *   - the readers: tab_open() detects the format from the bytes, a book lists its sheets,
 *     tab_rows() streams one sheet's rows to a callback (a row's memory is reused after
 *     the callback returns, so a million-row CSV never sits in memory);
 *   - the header layer (pure): tab_header_find() finds the header row(s) under title rows,
 *     joins two-row merged headers ("联系方式/手机"), finds the 序号 column;
 *     tab_row_is_summary() / tab_row_is_blank() mark the rows that are not data;
 *   - the value helpers (pure): dates from serials and from text, numbers stored as text,
 *     text stored as numbers, and identity numbers that Excel mangled.
 *
 * Errors are 400s with an `import.*` code (an i18n key); field is "file" or the cell
 * ("B12"). Warnings that do not stop reading (characters lost in decoding) are flags on
 * the cell. Rows and columns are 0-based in the structs; tab_a1() names a cell for people.
 */
#ifndef CUNWU_TABULAR_H
#define CUNWU_TABULAR_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/audit.h"
#include "core/cli.h"
#include "core/http.h"
#include "core/err.h"
#include "core/strbuf.h"

struct id_doc;
struct db;

/* ---- the readers ---- */

enum tab_format {
	TAB_CSV = 1,
	TAB_XLSX = 2,
	TAB_XLS = 3,
};

enum tab_encoding {
	TAB_ENC_NONE = 0, /* xlsx and xls: the file says (UTF-8 out) */
	TAB_UTF8 = 1,
	TAB_UTF8_BOM = 2,
	TAB_GB18030 = 3, /* GBK is its subset; converted to UTF-8 cell by cell */
};

enum tab_kind {
	TAB_EMPTY = 0,
	TAB_TEXT = 1,
	TAB_NUMBER = 2,
	TAB_DATE = 3, /* a number the file formats as a date (xlsx styles, xls date cells) */
	TAB_BOOL = 4,
};

/* Cell flags: what a later layer warns about. */
enum {
	TAB_LOST = 1,  /* bytes that do not decode (GB18030) became U+FFFD: characters lost */
	TAB_SUBST = 2, /* the text holds U+FFFD, a '?' next to a Chinese character, or a
	                  private-use character (U+E000..U+F8FF, a glyph some system made
	                  up): a rare name character lost before the file reached us */
	TAB_TIME = 4,  /* a number formatted as a time of day, not a date */
};

struct tab_cell {
	enum tab_kind kind;
	unsigned flags;
	int row, col; /* 0-based; tab_a1() makes "B12" */
	/* Never NULL, UTF-8: the text; for a number the digits as the file wrote them
	 * (xlsx "1.40406E+17" stays so; xls and computed numbers are printed %.15g); for a
	 * date "YYYY-MM-DD"; for a boolean "TRUE" or "FALSE"; "" when empty. */
	const char *text;
	double num;    /* TAB_NUMBER; TAB_DATE: the serial (0 if the file gave none); TAB_BOOL */
	char date[11]; /* TAB_DATE: "YYYY-MM-DD" */
};

/* One row: n cells from column 0 (empty cells filled in, trailing empty cells left out,
 * so a blank row has n == 0). Only rows the file holds are given: an xlsx may skip rows. */
struct tab_row {
	int row;
	int n;
	const struct tab_cell *cells;
};

/* A merged range, inclusive, 0-based. */
struct tab_merge {
	int r1, c1, r2, c2;
};

struct tab_sheet {
	const char *name; /* CSV: "" */
	long rows;        /* rows the file holds (the last row's number + 1); -1 if unknown */
	int cols;         /* columns of the widest row, or of the sheet's dimension; -1 unknown */
	const struct tab_merge *merges; /* xlsx only (freexl does not give them) */
	size_t nmerges;
	int hidden; /* xlsx: a sheet the workbook hides */
};

struct tab_impl;

struct tab_book {
	enum tab_format format;
	enum tab_encoding encoding;
	char delim;   /* CSV: ',', '\t' or ';' */
	int date1904; /* xlsx/xls: serials count from 1904-01-01 */
	size_t nsheets;
	const struct tab_sheet *sheets;
	struct tab_impl *impl;
};

/*
 * Open a file, detecting its format from the bytes (never from the name): a zip whose
 * [Content_Types].xml names a worksheet is .xlsx; the OLE2 magic D0 CF 11 E0 is .xls; else
 * text: valid UTF-8 (BOM or not), else valid GB18030, is CSV with its delimiter (comma,
 * tab or semicolon) guessed from the first lines. Everything lives in arena a (files and
 * handles are closed when it is released). Errors (400, field "file"):
 *   import.file (cannot open or read), import.format (none of these: the message names
 *   what was found: empty, binary, PDF, image, Word, OpenDocument, HTML, UTF-16 text …),
 *   import.corrupt (the container is broken), import.too_large (a part over the limits),
 *   import.encrypted (a password-protected workbook).
 */
int tab_open(struct arena *a, const char *path, struct tab_book **out, struct err *e);
/* The same over bytes in memory; data must outlive the arena (it is not copied). */
int tab_open_mem(struct arena *a, const void *data, size_t len, struct tab_book **out,
                 struct err *e);

/*
 * .xls files are read by a child process (freexl is not safe on crafted files, see
 * docs/internals/tabular.md): `EXE internal xls-rows FILE`, where EXE is tab_xls_exe
 * (NULL: /proc/self/exe). A program that opens .xls files must hand that command to
 * tab_xls_child() at the top of its main (cunwu's main, the readers' unit test and
 * fuzz_xls do). The child is killed after tab_xls_seconds (import.corrupt).
 */
extern const char *tab_xls_exe;
extern int tab_xls_seconds;
/* The child: argv is {"internal", "xls-rows", FILE}; writes the workbook to stdout and
 * exits (the exit status when argv is wrong). */
int tab_xls_child(int argc, char **argv);

/* What the callback returns: 0 to go on, 1 to stop (tab_rows returns 0), -1 to fail
 * (tab_rows returns -1 with the callback's error). */
typedef int (*tab_row_fn)(const struct tab_row *row, void *ctx, struct err *e);

/*
 * Stream the rows of sheet (0-based) in file order. The row and its cells are valid only
 * during the callback; copy what you keep (tab_row_copy). Errors: import.sheet (no such
 * sheet), import.corrupt, import.too_large (a cell over 1 MiB, over 16384 columns),
 * import.csv_quote (a quote never closed), and whatever the callback sets. A sheet may be
 * read more than once.
 */
int tab_rows(struct tab_book *b, size_t sheet, tab_row_fn fn, void *ctx, struct err *e);
/* A deep copy of row into a. */
struct tab_row *tab_row_copy(struct arena *a, const struct tab_row *row);
/* The first max rows of a sheet copied into a (*rows gets them, *n their count). */
int tab_head(struct tab_book *b, size_t sheet, int max, struct arena *a, struct tab_row **rows,
             int *n, struct err *e);

/* The sheet arg names (a number from 1, or a name; NULL: the first the workbook shows)
 * into *sheet; 400 import.sheet (field "sheet") if there is none such. */
int tab_sheet_pick(const struct tab_book *b, const char *arg, size_t *sheet, struct err *e);

/* "csv", "xlsx", "xls"; "utf-8", "utf-8 with BOM", "gb18030", "" */
const char *tab_format_name(enum tab_format f);
const char *tab_encoding_name(enum tab_encoding enc);
const char *tab_kind_name(enum tab_kind k);
/* "A1" for 0,0; "AB12" for 11,27. buf holds 16. */
const char *tab_a1(int row, int col, char buf[16]);
/* Column letters alone: "A", "AB". buf holds 8. */
const char *tab_col_name(int col, char buf[8]);

/* ---- the header layer (pure) ---- */

struct tab_header {
	int found;          /* 0: no row looked like a header (names are then "" ) */
	int first;          /* the row number of the (upper) header row */
	int nrows;          /* 1 or 2 */
	int ncols;          /* columns named */
	const char **names; /* per column, whitespace cleaned, two rows joined "联系方式/手机";
	                       "" for a column without a name */
	int seq_col;        /* the 序号 column, or -1 */
	int data_first;     /* the first row number after the header */
	int title_rows; /* rows above the header that hold something (titles, 填报单位 …) */
};

/*
 * Find the header among rows (the first rows of a sheet, in order, as tab_head gives
 * them; 20 are plenty) with the sheet's merges (may be NULL). A title row (one text over
 * the width, or far fewer cells than the table below) is skipped; the header is the first
 * row that covers most of the width with text; the row under it joins it when the upper
 * row is merged over it (or, without merge information, when the upper row has gaps that
 * the lower row fills and the lower row leaves columns empty that the upper row names).
 * Names live in a. Never fails; h->found says whether a header was seen.
 */
void tab_header_find(struct arena *a, const struct tab_row *rows, int n,
                     const struct tab_merge *merges, size_t nmerges, struct tab_header *h);
/* 1 if a row ends the data: one of its first two non-empty cells starts with 合计, 小计,
 * 总计, 填表人, 填报人, 审核人, 制表, 负责人 or 统计人 (spaces ignored). */
int tab_row_is_summary(const struct tab_row *row);
/* 1 if every cell is empty or only spaces. */
int tab_row_is_blank(const struct tab_row *row);
/* A header text cleaned: spaces and line breaks between Chinese characters removed, other
 * runs of spaces made one, trimmed. In a. */
const char *tab_clean_name(struct arena *a, const char *s);

/* ---- the value helpers (pure) ---- */

/* An Excel serial day number as "YYYY-MM-DD" (the time of day dropped). The 1900 system
 * keeps Excel's leap-year bug: 60 is the 29 February 1900 that never was (refused), 61 is
 * 1 March 1900; the 1904 system counts from 1904-01-01 = 0. -1 if before 1900-01-01 (1904
 * system: 1904-01-01), after 9999-12-31, or not a number. */
int tab_date_from_serial(double serial, int date1904, char out[11]);
/* A date written as text: 1990-01-01, 1990-1-1, 1990/1/1, 1990.1.1, 1990年1月1日 (日 may be
 * missing), 19900101, each with an optional time after a space; full-width digits too.
 * Impossible dates (1990-02-30) and years before 1900 are refused (-1). */
int tab_date_parse(const char *text, char out[11]);
/* A cell of a date column as "YYYY-MM-DD": a date cell; a number cell as a serial (or
 * 19900101 as digits); a text cell by tab_date_parse, or as a serial if it is 5 digits.
 * -1 if it is none of these. */
int tab_cell_date(const struct tab_cell *c, int date1904, char out[11]);
/* A number stored as text: spaces around, a sign, thousands commas ("1,234.5"), full-width
 * digits; nothing else ("12 户" is not a number). 0 or -1. */
int tab_number_parse(const char *text, double *out);
/* A cell of a number column: a number cell, a text cell by tab_number_parse; -1 else. */
int tab_cell_number(const struct tab_cell *c, double *out);
/* A cell of a text column as text: text stored as a number comes back without ".0" and
 * without an exponent where the number is a whole one Excel kept exactly (a phone
 * 13812345678); else the text. In a (or the cell's own text). */
const char *tab_cell_text(struct arena *a, const struct tab_cell *c);

/*
 * An identity-number cell checked (people/rules.h idno_parse, kind inferred) on today_ymd,
 * with what Excel does to such numbers recognized first and said precisely:
 *   import.id_number: an 18-digit number stored as a number (the cell is a number ≥ 1e15,
 *     or 18 digits ending in 000 whose check fails): Excel keeps 15 digits, the last three
 *     are lost;
 *   import.id_scientific: shown as "1.40406E+17": only the digits shown are left;
 * a 15-digit old card stored as a number is exact and is accepted. Other errors are
 * idno_parse's (people.id_*). field names the cell in the error ("B12").
 */
int tab_idno_check(const struct tab_cell *c, const char *today_ymd, const char *field,
                   struct id_doc *out, struct err *e);

/* ---- the mapping layer (pure): headers to fields, words to values, place names ---- */

/* The fields a register of people and households may hold. */
enum tab_field {
	TF_NONE,
	TF_NAME,
	TF_HEAD_NAME,
	TF_ID_NO,
	TF_PHONE,
	TF_LANDLINE,
	TF_RELATION,
	TF_HUKOU_NO,
	TF_VILLAGE,
	TF_NATURAL_VILLAGE,
	TF_GROUP,
	TF_COMPOUND,
	TF_BUILDING,
	TF_UNIT,
	TF_FLOOR,
	TF_ROOM,
	TF_ADDRESS,
	TF_SEX,
	TF_BIRTH_DATE,
	TF_AGE,
	TF_ETHNICITY,
	TF_TAGS,
	TF_STATUS,
	TF_HOUSEHOLD_KIND,
	TF_AREA,
	TF_NOTE,
};
/* The field's id in a saved mapping ("id_no"), NULL for TF_NONE; and back (TF_NONE if
 * unknown). */
const char *tab_field_id(enum tab_field f);
enum tab_field tab_field_by_id(const char *id);
/* A header name as compared: full-width folded, spaces, required-column marks (* ※ ★), a
 * trailing colon and bracketed notes ("身份证号（必填）") dropped. In a. */
const char *tab_header_key(struct arena *a, const char *name);
/* The field a header names: 姓名, 公民身份号码, 联系电话, 与户主关系, 户号, 村/社区, 组, 楼栋,
 * 单元, 楼层, 房号, 人员类别 … as cadres write them; a two-row header ("联系方式/手机") by its
 * lower name, then its upper. TF_NONE if unknown: the importer maps it by hand. */
enum tab_field tab_field_of_header(struct arena *a, const char *name);
/* A relation to the head as registers write it (户主, 妻, 长子, 儿媳, 外孙女 …, or a GB/T 4761
 * code: 02, 10, 22, 38 …) as the people module's relation ("head", "spouse", "child",
 * "parent", "grandchild", "grandparent", "sibling", "child_in_law", "other"); NULL if
 * unknown. */
const char *tab_relation_of(struct arena *a, const char *text);
/* 男/女 (男性, M, 1 …) as "M"/"F"; NULL if unknown. */
const char *tab_sex_of(struct arena *a, const char *text);
/* A place name as compared: the committee or group ending dropped (东靳村委会, 东靳村 -> 东靳;
 * 第一村民小组, 1组, 01组 -> 1), Chinese numerals as digits. In a. */
const char *tab_place_key(struct arena *a, const char *name);
/* 1 if a place written in a sheet is the registered one (东靳 and 东靳村; 一组 and 1组). */
int tab_place_matches(struct arena *a, const char *written, const char *registered);

/* ---- checking rows (pure): the dry run's first half, before the registry is asked ---- */

/* One problem of a cell: an error stops the row, a warning (characters lost) does not. */
struct tab_problem {
	int row, col;
	const char *cell; /* "B12" */
	const char *code; /* an i18n key: import.*, people.id_*, people.phone* */
	const char *message;
	int warning;
};
typedef void (*tab_problem_fn)(void *ctx, const struct tab_problem *p);

/* strings with the row each was first added at: open addressing, grown at half full */
struct tab_seen {
	size_t size, used;
	const char **key;
	int *row;
};
/* the row where key was first added, or -1 after adding it (a copy, in a) at row */
int tab_seen_add(struct arena *a, struct tab_seen *s, const char *key, int row);
/* the row where key was added, or -1 */
int tab_seen_row(const struct tab_seen *s, const char *key);
struct row_problems;
struct tab_registry;
struct tab_check {
	struct arena *a;    /* a row's problems and values (may be released between rows) */
	struct arena *keep; /* what lasts the whole sheet (identity numbers seen); NULL: a */
	const char *today;
	const enum tab_field *map; /* the field of each column */
	int ncols, date1904;
	tab_problem_fn problem;
	void *ctx;
	struct tab_seen *seen; /* identity numbers seen, with their rows */
	long rows, bad, errors;
	/* with a registry (NULL: the file alone), each row is also checked against it: the
	 * place it writes, an identity number already registered; place_id gets the row's
	 * place (NULL if not found), err a database error (tab_check_row then returns -1) */
	struct tab_registry *registry;
	const char *place_id;
	struct err *err;
	/* the person an identity number found registered (NULL if none), and their household */
	const char *person_id, *person_household;
	/* a check that sits on this one (the import's households), called last with the row's
	 * problems open for tab_check_add; -1 a database error (k->err) */
	int (*more)(struct tab_check *k, const struct tab_row *row, void *ctx);
	void *more_ctx;
	struct row_problems *cur; /* the row being checked */
};
/* Start checking the rows of one sheet whose columns map to fields (map[ncols]). */
void tab_check_init(struct tab_check *k, struct arena *a, const char *today,
                    const enum tab_field *map, int ncols, int date1904, tab_problem_fn fn,
                    void *ctx);
/*
 * Check one data row (not a header, summary or blank row), calling k->problem for each
 * problem: a missing or overlong name (import.name_missing, import.name_long); an identity
 * number Excel mangled or that fails its rules (tab_idno_check), or that an earlier row
 * has (import.duplicate_in_file); a bad phone (phone_parse's codes); an unknown relation
 * (import.relation) or sex (import.sex); a birth date that is no date (import.date); a sex
 * or birth date that the identity number contradicts (import.sex_mismatch,
 * import.birth_mismatch); characters lost (import.lost_chars, a warning). Returns the
 * row's errors (-1 if the registry could not be asked: k->err); k->rows, k->bad and
 * k->errors count.
 */
int tab_check_row(struct tab_check *k, const struct tab_row *row);
/* The first non-empty cell of row in a column mapped to f, or NULL. */
const struct tab_cell *tab_check_cell(const struct tab_check *k, const struct tab_row *row,
                                      enum tab_field f);
/* Add a problem of cell c to the row being checked (from a check that sits on this one). */
void tab_check_add(struct tab_check *k, const struct tab_cell *c, int warning, const char *code,
                   const char *msg);

/*
 * The registry under the place an import goes to (root: its id and path): a row's place is
 * found from the names it writes, widest first (村/社区, 自然村, 组, 小区, 楼栋, 单元, 房号),
 * each among the active physical places of that kind below the last one found, matched as
 * people write them (tab_place_matches; a dwelling by its room or name). Lookups are
 * remembered, so a million rows of a few villages ask the database a few times.
 */
struct found;
struct tab_registry {
	struct db *db;
	struct arena *a;    /* a row's lookups (may be released between rows) */
	struct arena *keep; /* the places found, remembered (tab_registry_init's arena) */
	const char *root_id, *root_path;
	struct found **found;
	/* non-NULL: the ID hashes registered when the import began, and a row's hash that is not
	 * among them is not looked up (a first load: a person the import wrote itself is a
	 * duplicate in its file, which the row check finds) */
	const struct tab_seen *known;
};
int tab_registry_init(struct tab_registry *g, struct db *db, struct arena *a, const char *root_id,
                      const char *root_path);
/* Check a row (inside tab_check_row when k->registry is set): import.place_unknown,
 * import.place_ambiguous (errors, on the cell that names the place), import.registered (a
 * warning: the identity number is registered already). *place_id gets the place found. */
int tab_registry_row(struct tab_registry *g, struct tab_check *k, const struct tab_row *row,
                     const char **place_id, struct err *e);

/* ---- the writer: one sheet out, as .xlsx (libxlsxwriter) or CSV (write.c) ---- */

/*
 * Every export and every filled template goes through here, so that what protects a
 * spreadsheet is written once: text cells (an identity number is never 1.40406E+17), and a
 * cell that starts like a formula (= + - @, a tab or a carriage return) neutralised with a
 * leading apostrophe in both formats (OWASP's CSV-injection rule; the same text either way,
 * so the importer reads back what it was given). Cells are written row by row (rows in
 * order; an .xlsx may be wide and in constant memory), numbers only where asked.
 */
enum tab_out {
	TAB_OUT_XLSX = 1,
	TAB_OUT_CSV = 2, /* UTF-8 with a BOM, CRLF, RFC 4180 quoting */
};
/* Cell styles: text (the default), bold text (a header), a number (the text is digits). */
enum {
	TAB_W_TEXT = 0,
	TAB_W_BOLD = 1,
	TAB_W_NUMBER = 2,
};
struct tab_writer;
/* "xlsx" (also NULL) or "csv"; else 400 export.format naming field "format". */
int tab_out_format(const char *s, enum tab_out *out, struct err *e);
/* s as written into a cell: "'" + s when s starts with = + - @, a tab or a CR. In a. */
const char *tab_neutralise(struct arena *a, const char *s);
/* One CSV field of s (neutralised, quoted when it holds , " CR or LF) added to sb. */
void tab_csv_field(struct strbuf *sb, const char *s);
/*
 * A writer of one sheet named sheet (xlsx; "" for CSV), in a: the xlsx is built in a
 * temporary file under the media folder's tmp/ that the arena removes. big: constant
 * memory (rows must then be written in order and merges only inside one row). NULL with
 * e set (500) if the workbook cannot be started.
 */
struct tab_writer *tab_writer_new(struct arena *a, enum tab_out fmt, const char *sheet, int big,
                                  struct err *e);
enum tab_out tab_writer_format(const struct tab_writer *w);
/* A cell at row, col (0-based; rows in order in CSV and big workbooks); NULL is empty. */
void tab_write(struct tab_writer *w, int row, int col, const char *s, unsigned style);
/* A merged range with its text (xlsx); CSV writes the text in the first cell. */
void tab_write_merge(struct tab_writer *w, int r1, int c1, int r2, int c2, const char *s,
                     unsigned style);
/* Column widths in characters (xlsx), n of them from column 0. */
void tab_write_widths(struct tab_writer *w, const double *widths, int n);
/*
 * A list: in xlsx a title row (bold, alone in A1) then the bold header, frozen under it;
 * in CSV the header alone. Then tab_write_row appends a data row of n text cells.
 */
void tab_write_list_head(struct tab_writer *w, const char *title, const char *const *heads,
                         const double *widths, int n);
void tab_write_row(struct tab_writer *w, const char *const *cells, int n);
/* The rows written so far (the next row's number). */
int tab_writer_rows(const struct tab_writer *w);
/*
 * Finish and make it the answer of r: the file (xlsx) or the text (CSV) with its content
 * type and a Content-Disposition naming it ascii_name.ext and, for browsers, name.ext in
 * UTF-8 (RFC 6266). 500 if the workbook cannot be written.
 */
struct req;
int tab_writer_send(struct tab_writer *w, struct req *r, const char *ascii_name, const char *name,
                    struct err *e);
/* Finish and save to path (the CLI). 500 on an I/O error, naming the file. */
int tab_writer_save(struct tab_writer *w, const char *path, struct err *e);
/* Save the answer r holds (a file or text, as tab_writer_send left it) to path. */
int tab_answer_save(struct req *r, const char *path, struct err *e);

/* ---- export templates (template.c pure, templates.c stored and filled) ---- */

/* A tag a template column may count, as the catalogue names it. */
struct tab_tag_name {
	const char *id, *name;
};
/*
 * The field a template's header binds to, or NULL if none: "seq" (序号); a roll-up measure
 * — "households" (户数), "persons" (人数, 总人口), "male", "female" (男, 女 …人数),
 * "age60", "age80" (60岁以上人数 …), "minors" (18岁以下, 未成年人), "tag:<id>" (a tag's
 * name, with or without 人数) — or a person field (tab_field_of_header's ids: "name",
 * "id_no", "village", "tags" …). The name is compared as tab_header_key has it; a two-row
 * header by its lower name, then the whole. In a.
 */
const char *tab_template_field(struct arena *a, const char *header, const struct tab_tag_name *tags,
                               size_t ntags);
/* 1 if field is a roll-up measure ("households" … "tag:<id>"). */
int tab_template_measure(const char *field);
/* 1 if field may be bound by hand: a measure, "seq", or a person field a fill writes. */
int tab_template_field_known(const char *field, const struct tab_tag_name *tags, size_t ntags);
/* A title's text with {place}, {date} (YYYY-MM-DD), {month} (2026年11月) and {year}
 * replaced; month is "YYYY-MM". In a. */
const char *tab_template_title(struct arena *a, const char *text, const char *place,
                               const char *date, const char *month);

/* Add the form at path (an .xlsx) as a template named name at place_id, its columns bound
 * by their names and bind (a JSON object, or NULL); audited as who. *id gets its id. In a
 * write transaction. Errors as POST /api/v1/export-templates. */
struct actor;
int tab_template_add_file(struct db *db, struct arena *a, const struct actor *who, const char *path,
                          const char *name, const char *place_id, const char *bind, const char **id,
                          struct err *e);

/* The demo town's report templates, added at town (demo.c). */
int tabular_demo(struct db *db, const struct actor *who, struct arena *a, const char *town,
                 struct err *e);

/* ---- commands ---- */

extern const struct command_table tabular_commands;
extern const struct route_table tabular_routes;
/* The import jobs (import.check, import.run) and the cockpit tile. */
void tabular_register(void);
/* The demo's imports (import_demo.c), after the rest of the demo is committed: 秦家山村's incomers
 * imported, 冯村's elderly checked; *persons gets how many people were imported. */
int tabular_import_demo(struct db *db, const struct actor *who, struct arena *a, int64_t *persons,
                        struct err *e);
/* `cunwu export …` and the export templates' routes (export_cli.c, templates.c) */
extern const struct command_table tabular_export_commands;
extern const struct route_table tabular_export_routes;

#endif
