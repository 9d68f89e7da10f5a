// imports.test.js - the import wizard's pure helpers (src/imports.js): the step by state,
// polling, progress.
import test from 'node:test';
import assert from 'node:assert/strict';
import { IMPORT_STEPS, importBusy, importHasRows, importPercent, importRowsDone, importStep } from '../../src/imports.js';

const im = (state, counts = {}, extra = {}) => ({ state, counts: { rows: 7, rows_bad: 1, rows_done: 0, ...counts }, data_row: 3, job: null, ...extra });

test('an import resumes at the step of its state', () => {
	assert.equal(IMPORT_STEPS[importStep(null)], 'file');
	assert.equal(IMPORT_STEPS[importStep(im('uploaded'))], 'mapping');
	assert.equal(IMPORT_STEPS[importStep(im('checking'))], 'check');
	assert.equal(IMPORT_STEPS[importStep(im('checked'))], 'check');
	assert.equal(IMPORT_STEPS[importStep(im('queued'))], 'run');
	assert.equal(IMPORT_STEPS[importStep(im('running'))], 'run');
	assert.equal(IMPORT_STEPS[importStep(im('done'))], 'result');
	// a failed pass that wrote nothing may be checked again; one that wrote rows is resumed
	assert.equal(IMPORT_STEPS[importStep(im('failed'))], 'check');
	assert.equal(IMPORT_STEPS[importStep(im('failed', { rows_done: 5 }))], 'run');
});

test('only a job under way is polled', () => {
	assert.deepEqual(['uploaded', 'checking', 'checked', 'queued', 'running', 'done', 'failed'].filter((s) => importBusy(im(s))),
		['checking', 'queued', 'running']);
	assert.equal(importBusy(null), false);
});

test("progress: the job's percent, kept within 0..100; finished passes are whole", () => {
	assert.equal(importPercent(im('checking', {}, { job: { progress: 42 } })), 42);
	assert.equal(importPercent(im('queued', {}, { job: { progress: 0 } })), 0);
	assert.equal(importPercent(im('running', {}, { job: { progress: 250 } })), 100);
	assert.equal(importPercent(im('checking')), 0);
	assert.equal(importPercent(im('checked')), 100);
});

test('rows done: sheet rows above the data taken off, within 0..rows', () => {
	assert.equal(importRowsDone(im('running', { rows_done: 0 })), 0);
	assert.equal(importRowsDone(im('running', { rows_done: 6 })), 4); // rows 3..6 of the sheet
	assert.equal(importRowsDone(im('running', { rows_done: 40 })), 7);
	assert.equal(importRowsDone(im('done', { rows_done: 10 })), 7);
});

test('a register whose every row is bad has nothing to import', () => {
	assert.equal(importHasRows(im('checked')), true);
	assert.equal(importHasRows(im('checked', { rows: 3, rows_bad: 3 })), false);
	assert.equal(importHasRows(im('checked', { rows: 0, rows_bad: 0 })), false);
});
