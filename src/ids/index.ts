/** Pure functions for identity numbers, credit codes, region and occupation codes. */
export * from './idNumber.ts';
export * from './uscc.ts';
export * from './regions.ts';
export * from './occupations.ts';
