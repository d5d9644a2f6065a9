/**
 * Masking of personal identifiers (WORKFLOW.md "Jurisdiction"; brief: "Privacy").
 * Identity numbers, phones and bank accounts never go to logs, and are masked in summaries,
 * the UI and exports for roles that do not need them in full.
 */

/** `110101199003071234` → `110101********1234` (first 6 and last 4 kept; shorter than 11 → all stars). */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return '';
  const s = String(id);
  if (s.length < 11) return '*'.repeat(s.length);
  return s.slice(0, 6) + '*'.repeat(s.length - 10) + s.slice(-4);
}

/** `13812345678` → `138****5678`. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const s = String(phone);
  if (s.length < 7) return '*'.repeat(s.length);
  return s.slice(0, 3) + '*'.repeat(s.length - 7) + s.slice(-4);
}

/** `6222021234567890123` → `6222***********0123` (first 4, last 4). */
export function maskAccount(acct: string | null | undefined): string {
  if (!acct) return '';
  const s = String(acct);
  if (s.length <= 8) return '*'.repeat(s.length);
  return s.slice(0, 4) + '*'.repeat(s.length - 8) + s.slice(-4);
}

const ID_RE = /(?<![0-9A-Za-z])(\d{6})(\d{8}|\d{5})(\d{3}[\dXx]|\d{3})(?![0-9A-Za-z])/g;
const PHONE_RE = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;
const ACCOUNT_RE = /(?<!\d)(\d{4})(\d{8,15})(\d{4})(?!\d)/g;

/**
 * Replace anything that looks like an identity number, mobile phone or bank account in free
 * text with its masked form — the last line of defence for log messages and error texts.
 */
export function scrubText(text: string): string {
  return text
    .replace(ID_RE, (m) => maskIdNumber(m))
    .replace(PHONE_RE, (m) => maskPhone(m))
    .replace(ACCOUNT_RE, (m) => maskAccount(m));
}
