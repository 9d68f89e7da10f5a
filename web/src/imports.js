// imports.js - pure helpers of the import wizard (pages/ImportPage.vue): which step an
// import is at by its state, whether the page polls it, and how far its job has come.
// No Vue here: unit-tested in tests/unit/imports.test.js.

/* The wizard's steps, in order (i18n: imports.step.<id>) */
export const IMPORT_STEPS = ['file', 'mapping', 'check', 'run', 'result'];

/* The kinds of place a register is imported to (the API: an active physical place) */
export const IMPORT_KINDS = ['town', 'village', 'community'];

/* What the file input accepts: CSV, .xlsx, .xls */
export const IMPORT_ACCEPT =
	'.csv,.xlsx,.xls,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel';

/*
 * The step (an index into IMPORT_STEPS) an import is at: no import yet is the file; an
 * upload is the mapping; a dry run running or done is the report; a run queued or running
 * is the import; done is the result. A failed pass goes back to the report (a dry run, or
 * a run that wrote nothing: both may be done again), or stays at the import when rows were
 * written (`cunwu import resume` takes it up).
 */
export function importStep(im) {
	if (!im) return 0;
	switch (im.state) {
		case 'uploaded':
			return 1;
		case 'checking':
		case 'checked':
			return 2;
		case 'queued':
		case 'running':
			return 3;
		case 'done':
			return 4;
		case 'failed':
			return im.counts && im.counts.rows_done > 0 ? 3 : 2;
		default:
			return 1;
	}
}

/* Whether the import's job is under way (the page polls it) */
export function importBusy(im) {
	return !!im && ['checking', 'queued', 'running'].includes(im.state);
}

/* The job's progress, 0..100 (a queued job is 0; a finished pass is 100) */
export function importPercent(im) {
	if (!im) return 0;
	if (im.state === 'checked' || im.state === 'done') return 100;
	const p = im.job && Number.isFinite(im.job.progress) ? im.job.progress : 0;
	return Math.max(0, Math.min(100, p));
}

/*
 * The data rows a run has got through: rows_done is the sheet's row after the last one
 * written (title and header rows included), so the rows above the data are taken off, and
 * the result kept within 0..rows.
 */
export function importRowsDone(im) {
	if (!im || !im.counts) return 0;
	const rows = im.counts.rows || 0;
	if (im.state === 'done') return rows;
	const done = (im.counts.rows_done || 0) - ((im.data_row || 1) - 1);
	return Math.max(0, Math.min(rows, done));
}

/* Whether the dry run left rows to import (else the API answers import.nothing) */
export function importHasRows(im) {
	return !!im && !!im.counts && im.counts.rows > im.counts.rows_bad;
}
