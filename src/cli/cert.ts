/**
 * `zhili cert verify TOKEN --jwks FILE` (API.md "Certificates (public)"): checks a certificate
 * credential offline — its signature against the published public keys and what it states.
 * The certificate's current status (void, revoked) is known only to the server.
 */
import type { Command } from 'commander';

/** Register `zhili cert`. */
export function registerCert(program: Command): void {
  const cert = program.command('cert').description('证书电子凭证 / certificate credentials');
  cert
    .command('verify')
    .description('离线校验证书电子凭证的签名与内容 / verify a certificate credential offline')
    .argument('<token>', '凭证令牌（紧凑 JWS）/ the credential token (compact JWS)')
    .requiredOption('--jwks <file>', '公钥文件（/.well-known/zhili/jwks.json 的副本）/ public keys (a copy of /.well-known/zhili/jwks.json)')
    .action(async (token: string, o: { jwks: string }) => {
      const [{ readFileSync }, { verifySignature }, { zerr }] = await Promise.all([import('node:fs'), import('../certificates/credential.ts'), import('../errors.ts')]);
      let keys: { keys: JsonWebKey[] };
      try {
        keys = JSON.parse(readFileSync(o.jwks, 'utf8')) as { keys: JsonWebKey[] };
      } catch {
        throw zerr('cert.jwks_unreadable', `无法读取公钥文件 ${o.jwks}`, `cannot read the key file ${o.jwks}`);
      }
      const r = await verifySignature(token.trim(), keys);
      if (!r) {
        process.stdout.write('签名无效：凭证被篡改或非本平台签发 / invalid signature: altered or not issued by this platform\n');
        process.exitCode = 1;
        return;
      }
      const c = r.claims;
      process.stdout.write(
        [
          `签名有效（密钥 ${r.kid}）/ valid signature (key ${r.kid})`,
          `证书编号 ${c.certificate_no}`,
          `持证人 ${c.holder_name ?? ''}（${c.id_number_masked}）`,
          `职业 ${c.occupation_code ?? ''} ${c.occupation_name ?? ''}，等级 ${c.level ?? ''}`,
          `发证机构 ${c.issuer ?? ''}，发证日期 ${c.issued_on ?? ''}`,
          '注意：证书当前状态（有效/注销/撤销）须向服务器查验 / note: the current status (valid, void, revoked) needs the server',
        ].join('\n') + '\n',
      );
    });
}
