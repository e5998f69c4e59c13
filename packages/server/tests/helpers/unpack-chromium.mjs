// Unpacks the headless Chromium that the npm package @sparticuz/chromium ships inside its tarball
// (no download, no install script) into node_modules/.cache/, once per version, and prints the
// folder. The package unpacks into os.tmpdir(), and reuses whatever sits there; pointing TMPDIR at
// a fresh folder of our own and renaming it into place keeps versions apart and never hands out a
// half-written binary when two test processes unpack at once. Outside AWS Lambda the package does
// not unpack the NSS libraries it ships, which a machine without a desktop may lack: this does.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The package exports only its entry (build/index.js); its folder is the one above.
const pkgDir = path.dirname(path.dirname(fileURLToPath(import.meta.resolve('@sparticuz/chromium'))));
const { version } = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const cacheRoot = path.join(pkgDir, '..', '..', '.cache');
const dir = path.join(cacheRoot, `agentops-chromium-${version}`);

if (!existsSync(path.join(dir, 'chromium'))) {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  process.env.TMPDIR = tmp;
  const { default: Chromium, inflate } = await import('@sparticuz/chromium');
  await Chromium.executablePath(path.join(pkgDir, 'bin'));
  await inflate(path.join(pkgDir, 'bin', 'al2023.tar.br'));
  // The package's own fonts.conf names /tmp/fonts; this one names the fonts unpacked here.
  mkdirSync(path.join(tmp, 'fontconfig'));
  writeFileSync(
    path.join(tmp, 'fontconfig', 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${path.join(dir, 'fonts')}</dir><cachedir>${path.join(dir, 'fonts-cache')}</cachedir></fontconfig>\n`,
  );
  try {
    renameSync(tmp, dir);
  } catch {
    // Another process got there first: its copy is complete, this one goes.
    rmSync(tmp, { recursive: true, force: true });
  }
}
process.stdout.write(dir);
