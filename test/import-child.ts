/** Child process for the kill-and-rerun test: imports DIR into the store named by a JSON target, printing each file done. */
import { importDataset } from '../src/importer/import.ts';
import { openStore } from '../src/store/index.ts';

const [dir, target] = process.argv.slice(2);
const db = await openStore(JSON.parse(target!) as { db?: string; databaseUrl?: string });
await importDataset(db, dir!, { onProgress: ({ file }) => process.stdout.write(`done ${file}\n`) });
await db.close();
process.stdout.write('finished\n');
