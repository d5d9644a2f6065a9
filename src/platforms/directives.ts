/**
 * Platform collaboration (WORKFLOW.md "Platform collaboration", API.md "Platforms"): the
 * ministry or a province sends a platform enterprise a directive — a compliance prompt with
 * prohibited terms, or a takedown naming listings — with a deadline; the platform's operator
 * answers per listing (`removed`, `warned`, `kept` with a reason). A `kept` listing goes back to
 * the sender (listing state `needs_decision`). A directive not fully answered past its deadline
 * is overdue: computed on every read, and recorded in `state` by runDirectiveDeadlines (the
 * server's scheduled task). Every change writes its audit entry in the same transaction.
 *
 * Visibility: the ministry sees every directive, a province admin those sent from its province,
 * an operator only its own platform's (others answer 404, existence never revealed).
 */
import type { Actor } from '../auth/actor.ts';
import { SYSTEM_ACTOR } from '../auth/actor.ts';
import { appendAudit } from '../audit/index.ts';
import { localDate, localTimestamp, storedToIso } from '../clock.ts';
import { newId } from '../cases/model.ts';
import { getClue } from '../clues/repository.ts';
import { httpErr, invalid, notFound } from '../errors.ts';
import { inJurisdiction, regionFilterSql } from '../policies/jurisdiction.ts';
import { assertCan } from '../policies/permissions.ts';
import type { Db } from '../store/db.ts';
import { paging } from '../server/schemas.ts';

export const DIRECTIVE_KINDS = ['prompt', 'takedown'] as const;
export type DirectiveKind = (typeof DIRECTIVE_KINDS)[number];
export const DIRECTIVE_STATES = ['sent', 'partly_answered', 'answered', 'overdue'] as const;
export type DirectiveState = (typeof DIRECTIVE_STATES)[number];
export const RESPONSE_ACTIONS = ['removed', 'warned', 'kept'] as const;
export type ResponseAction = (typeof RESPONSE_ACTIONS)[number];
/** Per-listing state: pending until answered; `kept` answers become `needs_decision` for the sender. */
const LISTING_STATE: Record<ResponseAction, string> = { removed: 'removed', warned: 'warned', kept: 'needs_decision' };

export interface DirectiveSummary {
  directive_id: string;
  platform: string;
  kind: DirectiveKind;
  terms: string[];
  deadline: string;
  note: string | null;
  state: DirectiveState;
  overdue: boolean;
  listings_total: number;
  listings_pending: number;
  /** Listings answered `kept`: back on the sender's list for a decision. */
  needs_decision: number;
  created_by: string;
  creator_role: string;
  region_code: string;
  created_at: string | null;
  version: number;
}

export interface DirectiveDetail extends DirectiveSummary {
  listings: { listing_id: string; clue_id: string | null; state: string; shop_name: string | null; title: string | null; url: string | null }[];
  responses: { listing_id: string | null; action: ResponseAction; note: string | null; responded_by: string; responded_at: string | null }[];
}

export interface CreateInput {
  platform?: string;
  kind?: DirectiveKind;
  listing_ids?: string[];
  terms?: string[];
  from_clues?: string[];
  deadline: string;
  note?: string | null;
}

/** SQL condition (alias `d`) for the directives an actor may see; parameters appended. */
function scopeSql(actor: Actor, params: unknown[]): string {
  if (actor.role === 'platform_operator') {
    if (!actor.platform) return 'FALSE';
    params.push(actor.platform);
    return `d.platform = $${params.length}`;
  }
  return regionFilterSql(actor, 'd.region_code', params);
}

function canSee(actor: Actor, d: { platform: string; region_code: string }): boolean {
  if (actor.role === 'platform_operator') return !!actor.platform && d.platform === actor.platform;
  return inJurisdiction(actor, d.region_code);
}

/** SQL: the directive is not fully answered (alias `d`). */
const UNANSWERED = `d.state <> 'answered'`;

const SUMMARY_SQL = `SELECT d.*,
  (SELECT COUNT(*) FROM directive_listings l WHERE l.directive_id = d.directive_id) AS listings_total,
  (SELECT COUNT(*) FROM directive_listings l WHERE l.directive_id = d.directive_id AND l.state = 'pending') AS listings_pending,
  (SELECT COUNT(*) FROM directive_listings l WHERE l.directive_id = d.directive_id AND l.state = 'needs_decision') AS needs_decision
  FROM directives d`;

function toSummary(r: Record<string, unknown>, today: string): DirectiveSummary {
  const deadline = String(r.deadline instanceof Date ? r.deadline.toISOString().slice(0, 10) : r.deadline).slice(0, 10);
  const state = r.state as DirectiveState;
  return {
    directive_id: String(r.directive_id),
    platform: String(r.platform),
    kind: r.kind as DirectiveKind,
    terms: r.terms ? (JSON.parse(String(r.terms)) as string[]) : [],
    deadline,
    note: (r.note as string | null) ?? null,
    state,
    overdue: state !== 'answered' && deadline < today,
    listings_total: Number(r.listings_total ?? 0),
    listings_pending: Number(r.listings_pending ?? 0),
    needs_decision: Number(r.needs_decision ?? 0),
    created_by: String(r.created_by),
    creator_role: String(r.creator_role),
    region_code: String(r.region_code),
    created_at: storedToIso(r.created_at as string | Date | null),
    version: Number(r.version),
  };
}

/** Listing ids of `ids` that are not listings of `platform` (in the order given). */
async function unknownListings(db: Db, platform: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const ph = ids.map((_, i) => `$${i + 2}`).join(', ');
  const found = new Set(
    (await db.query<{ listing_id: string }>(`SELECT DISTINCT listing_id FROM listings WHERE platform = $1 AND listing_id IN (${ph})`, [platform, ...ids])).map((r) => String(r.listing_id)),
  );
  return ids.filter((id) => !found.has(id));
}

/** Insert one directive with its listings and its audit entry (inside the caller's transaction). */
async function insertDirective(
  db: Db,
  actor: Actor,
  d: { platform: string; kind: DirectiveKind; terms: string[]; deadline: string; note: string | null; listings: { listing_id: string; clue_id: string | null }[] },
): Promise<string> {
  const id = newId('ZL');
  const ts = localTimestamp();
  await db.query(
    `INSERT INTO directives (directive_id, platform, kind, terms, deadline, note, state, created_by, creator_role, region_code, created_at, updated_at, version)
     VALUES ($1, $2, $3, $4, CAST($5 AS DATE), $6, 'sent', $7, $8, $9, CAST($10 AS TIMESTAMP), CAST($10 AS TIMESTAMP), 1)`,
    [id, d.platform, d.kind, JSON.stringify(d.terms), d.deadline, d.note, actor.username, actor.role, actor.region_code || '00', ts],
  );
  for (const l of d.listings) {
    await db.query(`INSERT INTO directive_listings (directive_id, listing_id, clue_id, state) VALUES ($1, $2, $3, 'pending')`, [id, l.listing_id, l.clue_id]);
  }
  await appendAudit(db, {
    actor,
    action: 'directive.send',
    target_type: 'directive',
    target_id: id,
    region_code: actor.region_code || '00',
    after: { platform: d.platform, kind: d.kind, deadline: d.deadline, listing_ids: d.listings.map((l) => l.listing_id), terms: d.terms },
  });
  return id;
}

function checkDeadline(deadline: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(deadline)) throw invalid('deadline', '应为 YYYY-MM-DD 日期');
  if (deadline < localDate()) throw invalid('deadline', '期限不能早于今天');
}

const uniq = (xs: string[]) => [...new Set(xs)];

/**
 * Send a directive (POST /api/directives): `{platform, kind, listing_ids?, terms?, deadline, note}`.
 * A takedown needs listing ids, and every listing id must be a listing of that platform (400
 * naming the unknown ones). Senders: ministry_analyst, province_admin (403 otherwise).
 */
export async function createDirective(db: Db, actor: Actor, input: CreateInput): Promise<DirectiveDetail> {
  assertCan(actor, 'directive.send');
  checkDeadline(input.deadline);
  const platform = (input.platform ?? '').trim();
  if (!platform) throw invalid('platform', '必填');
  const kind = input.kind;
  if (!kind || !DIRECTIVE_KINDS.includes(kind)) throw invalid('kind', '须为 prompt / takedown 之一');
  const listingIds = uniq(input.listing_ids ?? []);
  if (kind === 'takedown' && listingIds.length === 0) throw invalid('listing_ids', '下架指令须列明商品链接');
  const terms = uniq((input.terms ?? []).map((t) => t.trim()).filter(Boolean));
  if (kind === 'prompt' && terms.length === 0 && listingIds.length === 0) throw invalid('terms', '合规提示须列明禁用词语或商品链接');
  const id = await db.transaction(async () => {
    const unknown = await unknownListings(db, platform, listingIds);
    if (unknown.length) throw httpErr(400, 'directive.unknown_listings', `平台「${platform}」没有这些商品：${unknown.join('、')}`, { listing_ids: unknown });
    return insertDirective(db, actor, { platform, kind, terms, deadline: input.deadline, note: input.note ?? null, listings: listingIds.map((l) => ({ listing_id: l, clue_id: null })) });
  });
  return getDirective(db, actor, id);
}

/**
 * Bulk from PL-LISTING clues (POST /api/directives with `from_clues`): one directive per
 * platform (the listing's platform from the listings table), kind `takedown` unless given.
 * Clues that do not exist, are not PL-LISTING listing clues, or lie outside the sender's region
 * answer 400 naming them. Listing clues without a region (online listings have none) are
 * open to every sender: the platforms are national.
 */
export async function createFromClues(db: Db, actor: Actor, input: CreateInput): Promise<DirectiveDetail[]> {
  assertCan(actor, 'directive.send');
  checkDeadline(input.deadline);
  const clueIds = uniq(input.from_clues ?? []);
  if (clueIds.length === 0) throw invalid('from_clues', '至少一条线索');
  const kind = input.kind ?? 'takedown';
  if (!DIRECTIVE_KINDS.includes(kind)) throw invalid('kind', '须为 prompt / takedown 之一');
  const ids = await db.transaction(async () => {
    const bad: string[] = [];
    const byPlatform = new Map<string, { listing_id: string; clue_id: string | null }[]>();
    for (const cid of clueIds) {
      const c = await getClue(db, cid);
      if (!c || c.rule !== 'PL-LISTING' || c.subject_type !== 'listing' || !c.subject_id || (c.region_code && !inJurisdiction(actor, c.region_code))) {
        bad.push(cid);
        continue;
      }
      const [l] = await db.query<{ platform: string }>('SELECT platform FROM listings WHERE listing_id = $1 LIMIT 1', [c.subject_id]);
      if (!l?.platform) {
        bad.push(cid);
        continue;
      }
      const list = byPlatform.get(l.platform) ?? [];
      if (!list.some((x) => x.listing_id === c.subject_id)) list.push({ listing_id: c.subject_id, clue_id: cid });
      byPlatform.set(l.platform, list);
    }
    if (bad.length) throw httpErr(400, 'directive.unknown_clues', `这些线索不存在或不是平台商品线索（PL-LISTING）：${bad.join('、')}`, { clue_ids: bad });
    const out: string[] = [];
    for (const platform of [...byPlatform.keys()].sort()) {
      out.push(await insertDirective(db, actor, { platform, kind, terms: uniq(input.terms ?? []), deadline: input.deadline, note: input.note ?? null, listings: byPlatform.get(platform)! }));
    }
    return out;
  });
  const res: DirectiveDetail[] = [];
  for (const id of ids) res.push(await getDirective(db, actor, id));
  return res;
}

export interface ListQuery {
  platform?: string;
  state?: string;
  overdue?: boolean;
  needs_decision?: boolean;
  page?: number;
  page_size?: number;
}

/** GET /api/directives: the directives the actor may see, newest first, `{items,total}`. */
export async function listDirectives(db: Db, actor: Actor, q: ListQuery): Promise<{ items: DirectiveSummary[]; total: number }> {
  assertCan(actor, 'directive.read');
  const today = localDate();
  const params: unknown[] = [];
  const where = [scopeSql(actor, params)];
  if (q.platform) {
    params.push(q.platform);
    where.push(`d.platform = $${params.length}`);
  }
  if (q.state) {
    params.push(q.state);
    where.push(`d.state = $${params.length}`);
  }
  if (q.overdue !== undefined) {
    params.push(today);
    const cond = `(${UNANSWERED} AND d.deadline < CAST($${params.length} AS DATE))`;
    where.push(q.overdue ? cond : `NOT ${cond}`);
  }
  if (q.needs_decision !== undefined) {
    const cond = `EXISTS (SELECT 1 FROM directive_listings l WHERE l.directive_id = d.directive_id AND l.state = 'needs_decision')`;
    where.push(q.needs_decision ? cond : `NOT ${cond}`);
  }
  const w = where.join(' AND ');
  const [{ n }] = (await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM directives d WHERE ${w}`, params)) as [{ n: number }];
  const { limit, offset } = paging(q);
  const rows = await db.query<Record<string, unknown>>(`${SUMMARY_SQL} WHERE ${w} ORDER BY d.created_at DESC, d.directive_id LIMIT ${limit} OFFSET ${offset}`, params);
  return { items: rows.map((r) => toSummary(r, today)), total: Number(n) };
}

/** GET /api/directives/{id}: the directive with its listings and responses (404 outside the actor's view). */
export async function getDirective(db: Db, actor: Actor, id: string): Promise<DirectiveDetail> {
  assertCan(actor, 'directive.read');
  const [r] = await db.query<Record<string, unknown>>(`${SUMMARY_SQL} WHERE d.directive_id = $1`, [id]);
  if (!r || !canSee(actor, { platform: String(r.platform), region_code: String(r.region_code) })) throw notFound('指令');
  const listings = await db.query<Record<string, unknown>>(
    `SELECT l.listing_id, l.clue_id, l.state,
       (SELECT MIN(x.shop_name) FROM listings x WHERE x.listing_id = l.listing_id) AS shop_name,
       (SELECT MIN(x.title) FROM listings x WHERE x.listing_id = l.listing_id) AS title,
       (SELECT MIN(x.url) FROM listings x WHERE x.listing_id = l.listing_id) AS url
     FROM directive_listings l WHERE l.directive_id = $1 ORDER BY l.listing_id`,
    [id],
  );
  const responses = await db.query<Record<string, unknown>>(
    'SELECT listing_id, action, note, responded_by, responded_at FROM directive_responses WHERE directive_id = $1 ORDER BY seq',
    [id],
  );
  return {
    ...toSummary(r, localDate()),
    listings: listings.map((l) => ({
      listing_id: String(l.listing_id),
      clue_id: (l.clue_id as string | null) ?? null,
      state: String(l.state),
      shop_name: (l.shop_name as string | null) ?? null,
      title: (l.title as string | null) ?? null,
      url: (l.url as string | null) ?? null,
    })),
    responses: responses.map((x) => ({
      listing_id: (x.listing_id as string | null) ?? null,
      action: x.action as ResponseAction,
      note: (x.note as string | null) ?? null,
      responded_by: String(x.responded_by),
      responded_at: storedToIso(x.responded_at as string | Date | null),
    })),
  };
}

export interface ResponseInput {
  actions: { listing_id?: string | null; action: ResponseAction; note?: string | null }[];
}

/**
 * POST /api/directives/{id}/responses — only the addressed platform's operator (others: 404 when
 * they cannot see it, 403 when they can but may not answer). Each action names a listing of the
 * directive (unknown ids → 400 naming them); a directive without listings (a prompt on terms)
 * is answered by one action without listing_id. `kept` needs a note (the reason) and puts the
 * listing back on the sender's list (`needs_decision`). A listing may be answered again (the
 * latest answer counts). The directive becomes `answered` when no listing is pending.
 */
export async function respondDirective(db: Db, actor: Actor, id: string, input: ResponseInput): Promise<DirectiveDetail> {
  assertCan(actor, 'directive.read');
  await db.transaction(async () => {
    const [d] = await db.query<{ platform: string; region_code: string; state: string; version: number }>('SELECT platform, region_code, state, version FROM directives WHERE directive_id = $1', [id]);
    if (!d || !canSee(actor, d)) throw notFound('指令');
    assertCan(actor, 'directive.respond');
    if (actor.platform !== d.platform) throw notFound('指令');
    const actions = input.actions ?? [];
    if (actions.length === 0) throw invalid('actions', '至少一项');
    const listed = new Set((await db.query<{ listing_id: string }>('SELECT listing_id FROM directive_listings WHERE directive_id = $1', [id])).map((r) => String(r.listing_id)));
    if (listed.size > 0) {
      const missing = actions.filter((a) => !a.listing_id).length;
      if (missing) throw invalid('actions.listing_id', '本指令列明了商品，每项须写 listing_id');
      const unknown = uniq(actions.map((a) => a.listing_id!).filter((l) => !listed.has(l)));
      if (unknown.length) throw httpErr(400, 'directive.unknown_listings', `本指令未列明这些商品：${unknown.join('、')}`, { listing_ids: unknown });
    } else if (actions.some((a) => a.listing_id)) {
      const unknown = uniq(actions.map((a) => a.listing_id!).filter(Boolean));
      throw httpErr(400, 'directive.unknown_listings', `本指令未列明这些商品：${unknown.join('、')}`, { listing_ids: unknown });
    }
    for (const a of actions) {
      if (!RESPONSE_ACTIONS.includes(a.action)) throw invalid('actions.action', '须为 removed / warned / kept 之一');
      if (a.action === 'kept' && !a.note?.trim()) throw invalid('actions.note', `保留商品须说明理由${a.listing_id ? `（${a.listing_id}）` : ''}`);
    }
    const ts = localTimestamp();
    const [{ m }] = (await db.query<{ m: number | null }>('SELECT MAX(seq) AS m FROM directive_responses WHERE directive_id = $1', [id])) as [{ m: number | null }];
    let seq = Number(m ?? 0);
    for (const a of actions) {
      await db.query(
        `INSERT INTO directive_responses (response_id, directive_id, seq, listing_id, action, note, responded_by, responded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, CAST($8 AS TIMESTAMP))`,
        [newId('ZR'), id, ++seq, a.listing_id ?? null, a.action, a.note?.trim() || null, actor.username, ts],
      );
      if (a.listing_id) await db.query('UPDATE directive_listings SET state = $1 WHERE directive_id = $2 AND listing_id = $3', [LISTING_STATE[a.action], id, a.listing_id]);
    }
    const [{ n }] = (await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM directive_listings WHERE directive_id = $1 AND state = 'pending'`, [id])) as [{ n: number }];
    const next: DirectiveState = Number(n) === 0 ? 'answered' : d.state === 'overdue' ? 'overdue' : 'partly_answered';
    await db.query('UPDATE directives SET state = $1, updated_at = CAST($2 AS TIMESTAMP), version = version + 1 WHERE directive_id = $3', [next, ts, id]);
    await appendAudit(db, {
      actor,
      action: 'directive.respond',
      target_type: 'directive',
      target_id: id,
      region_code: d.region_code,
      before: { state: d.state },
      after: { state: next, actions: actions.map((a) => ({ listing_id: a.listing_id ?? null, action: a.action, note: a.note ?? null })) },
    });
  });
  return getDirective(db, actor, id);
}

/**
 * Mark directives not fully answered past their deadline as `overdue` (the server's scheduled
 * task next to runDeadlines). Each with its audit entry; returns the ids marked now.
 */
export async function runDirectiveDeadlines(db: Db): Promise<string[]> {
  const today = localDate();
  const due = await db.query<{ directive_id: string }>(
    `SELECT directive_id FROM directives d WHERE d.state IN ('sent', 'partly_answered') AND d.deadline < CAST($1 AS DATE) ORDER BY directive_id`,
    [today],
  );
  const out: string[] = [];
  for (const { directive_id } of due) {
    await db.transaction(async () => {
      const rows = await db.query<{ state: string; region_code: string }>(
        `UPDATE directives SET state = 'overdue', updated_at = CAST($2 AS TIMESTAMP), version = version + 1 WHERE directive_id = $1 AND state IN ('sent', 'partly_answered') RETURNING state, region_code`,
        [directive_id, localTimestamp()],
      );
      if (rows.length === 0) return;
      await appendAudit(db, { actor: SYSTEM_ACTOR, action: 'directive.overdue', target_type: 'directive', target_id: directive_id, region_code: rows[0]!.region_code, after: { state: 'overdue' } });
      out.push(directive_id);
    });
  }
  return out;
}
