/**
 * Clue intake other than screening rules (WORKFLOW.md "Clues"): imported complaints become clues
 * (by the next screening run at the latest; never twice), and people register clues from other
 * sources by hand. Complaints are linked to institutions by credit code, name, or a name found
 * in the text (src/clues/names.ts); an ambiguous name lists candidates instead of a guess.
 */
import type { Actor } from '../auth/actor.ts';
import { appendAudit } from '../audit/index.ts';
import { localTimestamp } from '../clock.ts';
import { clueTopic, newId } from '../cases/model.ts';
import { invalid } from '../errors.ts';
import { assertCan } from '../policies/permissions.ts';
import { inJurisdiction } from '../policies/jurisdiction.ts';
import { notFound } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { NameIndex } from './names.ts';
import { clueId, type ClueSource } from './repository.ts';

export const CHANNEL_ZH: Record<string, string> = {
  hotline: '12345热线',
  online: '网上投诉',
  letter: '来信',
  visit: '来访',
  media: '媒体曝光',
  audit: '审计发现',
  inspection: '巡视巡察',
  internet_search: '网络巡查',
  onsite: '实地检查',
  other: '其他渠道',
};

export const SOURCE_ZH: Record<ClueSource, string> = {
  screening: '大数据筛查',
  complaint: '投诉举报',
  media: '媒体曝光',
  audit: '审计',
  inspection: '巡视',
  internet_search: '网络巡查',
  onsite: '实地检查',
  platform: '平台报告',
  other: '其他',
};

/** Source of a complaint clue by its channel: the four complaint channels are `complaint`. */
export function sourceOfChannel(channel: string): ClueSource {
  if (['hotline', 'online', 'letter', 'visit'].includes(channel)) return 'complaint';
  if (['media', 'audit', 'inspection', 'internet_search', 'onsite', 'other'].includes(channel)) return channel as ClueSource;
  return 'other';
}

async function loadNameIndex(db: Db): Promise<{ index: NameIndex; regionOf: Map<string, string | null> }> {
  const rows = await db.query<{ institution_id: string; name: string; uscc: string | null; region_code: string | null }>(
    'SELECT institution_id, name, uscc, region_code FROM institutions',
  );
  return { index: new NameIndex(rows), regionOf: new Map(rows.map((r) => [r.institution_id, r.region_code])) };
}

/**
 * Turn every imported complaint that is not a clue yet into one (idempotent: the clue id is
 * derived from the complaint id). Returns the number of clues created.
 */
export async function ingestComplaints(db: Db): Promise<number> {
  const fresh = await db.query<{ complaint_id: string; received_on: string; channel: string; subject_name: string | null; subject_uscc: string | null; region_code: string | null; text: string }>(
    `SELECT p.complaint_id, p.received_on, p.channel, p.subject_name, p.subject_uscc, p.region_code, p.text FROM complaints p
     WHERE NOT EXISTS (SELECT 1 FROM clues c WHERE c.complaint_id = p.complaint_id) ORDER BY p.complaint_id`,
  );
  if (fresh.length === 0) return 0;
  const { index, regionOf } = await loadNameIndex(db);
  const now = localTimestamp();
  let n = 0;
  await db.transaction(async () => {
    for (const p of fresh) {
      const source = sourceOfChannel(p.channel);
      const id = clueId(source, null, 'complaint', p.complaint_id);
      const link = index.link(p.subject_uscc, p.subject_name, p.text);
      const institution_id = link.linked ? link.institution_id : null;
      const region = p.region_code ?? (institution_id ? regionOf.get(institution_id) ?? null : null);
      const who = p.subject_name || (institution_id ? null : '未写明对象');
      const text = String(p.text ?? '');
      const summary = `${CHANNEL_ZH[p.channel] ?? p.channel}反映${who ? `「${who}」` : '机构'}：${text.length > 60 ? `${text.slice(0, 60)}…` : text}`;
      const evidence = { complaint_id: p.complaint_id, channel: p.channel, received_on: p.received_on, subject_name: p.subject_name, subject_uscc: p.subject_uscc, text, linked_by: link.linked ? link.by : null };
      const subject = institution_id ? { type: 'institution', id: institution_id } : { type: 'complaint', id: p.complaint_id };
      await db.query(
        `INSERT INTO clues (clue_id, source, rule, subject_type, subject_id, severity, score, region_code, institution_id, summary, evidence, related, state,
           first_seen_run, last_seen_run, active, inactive_since_run, created_at, updated_at, channel, complaint_id, received_on, subject_name, subject_uscc,
           link_candidates, topic, created_by, version)
         VALUES ($1, $2, NULL, $3, $4, 'medium', NULL, $5, $6, $7, $8, $9, 'new', NULL, NULL, TRUE, NULL, CAST($10 AS TIMESTAMP), CAST($10 AS TIMESTAMP),
           $11, $12, CAST($13 AS DATE), $14, $15, $16, $17, 'import', 1)`,
        [
          id, source, subject.type, subject.id, region, institution_id, summary, JSON.stringify(evidence),
          JSON.stringify(institution_id ? [{ type: 'institution', id: institution_id }] : []), now,
          p.channel, p.complaint_id, p.received_on, p.subject_name, p.subject_uscc,
          link.linked ? null : JSON.stringify(link.candidates), clueTopic(null, text),
        ],
      );
      n++;
    }
  });
  return n;
}

export interface ManualClueInput {
  source: ClueSource;
  channel?: string | null;
  received_on: string;
  region_code: string;
  institution_id?: string | null;
  subject_name?: string | null;
  subject_uscc?: string | null;
  summary: string;
  evidence?: Record<string, unknown> | null;
}

const MANUAL_SOURCES: ClueSource[] = ['complaint', 'media', 'audit', 'inspection', 'internet_search', 'onsite', 'platform', 'other'];

/** Register a clue by hand (POST /api/clues). Links a named institution like a complaint. */
export async function createManualClue(db: Db, actor: Actor, input: ManualClueInput): Promise<string> {
  assertCan(actor, 'clue.create');
  if (!MANUAL_SOURCES.includes(input.source)) throw invalid('source', `须为 ${MANUAL_SOURCES.join(' / ')} 之一`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(String(input.received_on ?? ''))) throw invalid('received_on', '日期格式应为 YYYY-MM-DD');
  if (!/^\d{6}$/.test(String(input.region_code ?? ''))) throw invalid('region_code', '应为 6 位行政区划代码');
  if (!input.summary || !String(input.summary).trim()) throw invalid('summary', '不能为空');
  if (!inJurisdiction(actor, input.region_code)) throw invalid('region_code', '不在您的管辖范围内');
  let institution_id = input.institution_id ?? null;
  let candidates: string[] | null = null;
  if (institution_id) {
    const [i] = await db.query<{ region_code: string | null }>('SELECT region_code FROM institutions WHERE institution_id = $1', [institution_id]);
    if (!i || !inJurisdiction(actor, i.region_code ?? input.region_code)) throw notFound('机构');
  } else if (input.subject_uscc || input.subject_name) {
    const { index } = await loadNameIndex(db);
    const link = index.link(input.subject_uscc, input.subject_name, null);
    if (link.linked) institution_id = link.institution_id;
    else candidates = link.candidates;
  }
  const key = newId('M');
  const id = clueId(input.source, null, 'manual', key);
  const now = localTimestamp();
  const topic = actor.role === 'market_officer' ? 'advertising' : clueTopic(null, `${input.summary} ${JSON.stringify(input.evidence ?? {})}`);
  await db.transaction(async () => {
    await db.query(
      `INSERT INTO clues (clue_id, source, rule, subject_type, subject_id, severity, score, region_code, institution_id, summary, evidence, related, state,
         first_seen_run, last_seen_run, active, inactive_since_run, created_at, updated_at, channel, complaint_id, received_on, subject_name, subject_uscc,
         link_candidates, topic, created_by, version)
       VALUES ($1, $2, NULL, $3, $4, 'medium', NULL, $5, $6, $7, $8, $9, 'new', NULL, NULL, TRUE, NULL, CAST($10 AS TIMESTAMP), CAST($10 AS TIMESTAMP),
         $11, NULL, CAST($12 AS DATE), $13, $14, $15, $16, $17, 1)`,
      [
        id, input.source, institution_id ? 'institution' : 'manual', institution_id ?? key, input.region_code, institution_id, String(input.summary).trim(),
        JSON.stringify(input.evidence ?? {}), JSON.stringify(institution_id ? [{ type: 'institution', id: institution_id }] : []), now,
        input.channel ?? null, input.received_on, input.subject_name ?? null, input.subject_uscc ?? null, candidates ? JSON.stringify(candidates) : null, topic, actor.username,
      ],
    );
    await appendAudit(db, { actor, action: 'clue.create', target_type: 'clue', target_id: id, region_code: input.region_code, after: { ...input, institution_id } });
  });
  return id;
}
