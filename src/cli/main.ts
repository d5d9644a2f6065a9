import { Command } from 'commander';

const program = new Command('zhili');
program.description('治理 zhili — 职业技能培训和评价问题专项治理平台');
program.command('hello').action(() => console.log('ok'));
await program.parseAsync(process.argv);
