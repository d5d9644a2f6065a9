/**
 * Online-training rules of RULES.md (ON-*), over `online_events`, one file per rule; the
 * login-session pass they share is in sessions.ts.
 *
 * The benchmark holds 50M online events, so no rule self-joins the events table and the
 * sorted window passes are kept to a minimum: ON-NO-VERIFY, ON-CONCURRENT, ON-SPEED (daily
 * time) and ON-BOT read one login-session summary built once per screening run; ON-SPEED
 * (playback speed) and ON-TAMPER make one narrow window pass each; ON-DEVICE-FARM is a
 * GROUP BY. The rules are `kind: 'code'` so that detection and evidence come from one query
 * (a SQL rule's separate evidence query would scan the events a second time): it returns
 * the triggering rows, at most MAX_EVIDENCE_ROWS per subject plus per-subject totals, and
 * the code groups them into findings.
 */
import type { Rule } from '../../types.ts';
import { ON_BOT } from './bot.ts';
import { ON_CONCURRENT } from './concurrent.ts';
import { ON_DEVICE_FARM } from './farm.ts';
import { ON_SPEED } from './speed.ts';
import { ON_TAMPER } from './tamper.ts';
import { ON_NO_VERIFY } from './verify.ts';

/** Online-training rules, in RULES.md order. */
export const ONLINE_RULES: Rule[] = [ON_NO_VERIFY, ON_CONCURRENT, ON_DEVICE_FARM, ON_SPEED, ON_BOT, ON_TAMPER];
