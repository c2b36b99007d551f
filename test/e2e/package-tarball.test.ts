import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The package as an agent's project gets it: `npm pack`, the tarball unpacked into an empty
 * project's node_modules, its declared dependencies (and only those) linked from this checkout
 * (no network, no native rebuild), then a small TypeScript agent type-checked with `tsc` and run:
 * it registers an action, a command arrives on the virtual modem, and its reply reaches 000.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'smsbridge-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AGENT = `import { createBridge, type InboundCommand } from 'smsbridge';
import { StreamTransport, VirtualModem } from 'smsbridge/testing';

const modem = new VirtualModem({ profile: 'quectel' });
const bridge = createBridge({
  config: { store: { path: './agent.db' } },
  open: async () => new StreamTransport(modem.connect()),
});
const seen: InboundCommand[] = [];
bridge.commands$.subscribe((command) => seen.push(command));
bridge.register({ verb: 'temp', handler: ({ args }) => \`temp \${args[0] ?? 'cpu'} 21.5\` });
const info = await bridge.start();
modem.deliver({ from: '000', text: 'temp board' });
for (let i = 0; i < 200 && modem.outbox.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
console.log(JSON.stringify({ model: info.model, seen: seen.map((c) => c.text), sent: modem.outbox.map((e) => ({ to: e.to, text: e.text })) }));
await bridge.close();
modem.dispose();
`;

describe('the npm package', () => {
  it('packs, installs into an empty project, type-checks an agent and runs it: its reply reaches 000', () => {
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], { cwd: root, encoding: 'utf8' });
    const [packed] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
    const files = packed.files.map((f) => f.path);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/testing.js');
    expect(files).toContain('dist/cli/main.js');
    expect(files.filter((f) => f.startsWith('dist/bench/') || f.startsWith('test/') || f.startsWith('src/'))).toEqual([]);

    const project = join(dir, 'agent');
    const pkg = join(project, 'node_modules', 'smsbridge');
    mkdirSync(pkg, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, packed.filename), '-C', pkg, '--strip-components=1']);
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; bin: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies)) {
      const [scope] = dep.split('/');
      if (dep.includes('/')) mkdirSync(join(project, 'node_modules', scope!), { recursive: true });
      symlinkSync(join(root, 'node_modules', dep), join(project, 'node_modules', dep));
    }
    symlinkSync(join(root, 'node_modules', '@types'), join(project, 'node_modules', '@types'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'agent', type: 'module', private: true }));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'], outDir: 'out', skipLibCheck: false } }),
    );
    writeFileSync(join(project, 'agent.ts'), AGENT);
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project, encoding: 'utf8' });

    const run = execFileSync(process.execPath, [join(project, 'out', 'agent.js')], { cwd: project, encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(run.trim().split('\n').at(-1)!)).toEqual({ model: 'EC25', seen: ['temp board'], sent: [{ to: '000', text: 'temp board 21.5' }] });

    // The bin still works from the installed package.
    const help = execFileSync(process.execPath, [join(pkg, manifest.bin.smsbridge!), '--version'], { encoding: 'utf8' });
    expect(help.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(readdirSync(project)).toContain('agent.db');
  }, 120_000);
});
