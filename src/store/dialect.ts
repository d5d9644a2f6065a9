import type { Dialect } from './db.ts';

/**
 * Every SQL difference between DuckDB and PostgreSQL that zhili relies on lives here.
 * Each helper returns a SQL fragment for the given dialect; callers pass SQL expressions.
 * (Checked on DuckDB 1.5 and PostgreSQL 15: note that DuckDB's `~` is a *full* match,
 * so regex tests go through `regexMatch`.)
 */
export interface SqlDialect {
  readonly name: Dialect;
  /** Seconds since the epoch of a TIMESTAMP expression, as a double. */
  epoch(ts: string): string;
  /** Whole days from DATE `b` to DATE `a` (a − b). */
  daysBetween(a: string, b: string): string;
  /** Lower-case hex SHA-256 of the UTF-8 bytes of a text expression. */
  sha256Hex(text: string): string;
  /** True when the text expression contains a match of the POSIX-ish regex (partial match). */
  regexMatch(text: string, pattern: string): string;
  /** Split a ';'-separated text into rows (use in a FROM/SELECT list as a set-returning expr). */
  unnestSplit(text: string, sep: string): string;
  /** Great-circle distance in km between two lat/lon pairs (haversine), NULL if any is NULL. */
  distanceKm(lat1: string, lon1: string, lat2: string, lon2: string): string;
  /** Quote an identifier (both engines use double quotes; reserved words like "from"/"to"). */
  ident(name: string): string;
}

const haversine = (lat1: string, lon1: string, lat2: string, lon2: string) =>
  `(2 * 6371.0088 * asin(sqrt(power(sin(radians((${lat2}) - (${lat1})) / 2), 2) + cos(radians(${lat1})) * cos(radians(${lat2})) * power(sin(radians((${lon2}) - (${lon1})) / 2), 2))))`;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export const DUCKDB: SqlDialect = {
  name: 'duckdb',
  epoch: (ts) => `epoch(${ts})`,
  daysBetween: (a, b) => `CAST((${a}) - (${b}) AS INTEGER)`,
  sha256Hex: (t) => `sha256(${t})`,
  regexMatch: (t, p) => `regexp_matches(${t}, ${p})`,
  unnestSplit: (t, s) => `unnest(string_split(${t}, ${s}))`,
  distanceKm: haversine,
  ident,
};

export const POSTGRES: SqlDialect = {
  name: 'postgres',
  epoch: (ts) => `EXTRACT(EPOCH FROM ${ts})::double precision`,
  daysBetween: (a, b) => `((${a}) - (${b}))`,
  sha256Hex: (t) => `encode(sha256(convert_to(${t}, 'UTF8')), 'hex')`,
  regexMatch: (t, p) => `((${t}) ~ ${p})`,
  unnestSplit: (t, s) => `unnest(string_to_array(${t}, ${s}))`,
  distanceKm: haversine,
  ident,
};

export function dialectOf(name: Dialect): SqlDialect {
  return name === 'duckdb' ? DUCKDB : POSTGRES;
}
