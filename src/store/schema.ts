import { ENTITIES, ENTITY_NAMES, type CellType, type EntityDef } from '../dataset/entities.ts';

/** Store column type of each cell type (the subset both engines accept). */
export const SQL_TYPE: Record<CellType, string> = {
  text: 'VARCHAR',
  int: 'INTEGER',
  num: 'DOUBLE PRECISION',
  money: 'BIGINT',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  bool: 'BOOLEAN',
  list: 'VARCHAR',
  levels: 'VARCHAR',
  level: 'INTEGER',
  id_number: 'VARCHAR',
  uscc: 'VARCHAR',
  region_code: 'VARCHAR',
  occupation_code: 'VARCHAR',
  enum: 'VARCHAR',
};

/** The store columns of an entity table, in order: declared columns (+ `_raw` twins), provenance. */
export function storeColumns(e: EntityDef): { name: string; sqlType: string }[] {
  const cols: { name: string; sqlType: string }[] = [];
  for (const c of e.columns) {
    cols.push({ name: c.name, sqlType: SQL_TYPE[c.type] });
    if (c.raw) cols.push({ name: `${c.name}_raw`, sqlType: 'VARCHAR' });
  }
  cols.push({ name: 'src_file', sqlType: 'VARCHAR' }, { name: 'src_line', sqlType: 'BIGINT' }, { name: 'extra', sqlType: 'VARCHAR' });
  return cols;
}

/**
 * The DDL of the dataset tables, exactly as committed in migrations/001_dataset.sql
 * (a test keeps the two in sync; regenerate with `npx tsx src/store/schema.ts`).
 */
export function datasetDdl(): string {
  const out = [
    '-- Dataset tables: one per entity of DATA-FORMAT.md (generated from src/dataset/entities.ts by src/store/schema.ts).',
    '-- Keys are enforced by the importer (quarantine), not by constraints, so bulk loads stay fast on both engines.',
    '',
  ];
  for (const name of ENTITY_NAMES) {
    const e = ENTITIES[name];
    const cols = storeColumns(e).map((c) => `  "${c.name}" ${c.sqlType}`);
    out.push(`CREATE TABLE ${name} (\n${cols.join(',\n')}\n);`, '');
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(new URL('./migrations/001_dataset.sql', import.meta.url), datasetDdl());
  console.log('wrote migrations/001_dataset.sql');
}
