import { describe, expect, it } from 'vitest';
import { entityOfFileStem } from './files.ts';

describe('entity of a file name', () => {
  it.each([
    ['attendance', 'attendance'],
    ['attendance-2023-07', 'attendance'],
    ['attendance_08', 'attendance'],
    ['attendance2', 'attendance'],
    ['claim_items-1', 'claim_items'],
    ['claims-1', 'claims'],
    ['exam_results', 'exam_results'],
    ['exams_2023', 'exams'],
    ['考勤记录', 'attendance'],
    ['考勤记录（7月）', 'attendance'],
    ['ATTENDANCE-1', 'attendance'],
  ])('%s → %s', (stem, entity) => {
    expect(entityOfFileStem(stem)?.name).toBe(entity);
  });

  it.each(['attendances', 'claimsx', 'notes', 'exam'])('%s names no entity', (stem) => {
    expect(entityOfFileStem(stem)).toBeUndefined();
  });
});
