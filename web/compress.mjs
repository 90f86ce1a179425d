// Precompresses the built site: beside every text asset of dist/ of 1 KiB or
// more, NAME.gz (gzip, level 9) and NAME.br (Brotli, quality 11), kept only
// when at least 10% smaller. The server sends them to browsers that accept
// them (internal/server/web.go). Node's zlib writes the same bytes for the same
// input on every run (gzip's header carries no time), so tools/check-generated
// can compare a rebuild with the committed files.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('./dist/', import.meta.url).pathname;
const text = /\.(js|css|html|svg|json|txt|map)$/;

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

for (const p of walk(dist)) {
  if (!text.test(p)) continue;
  const body = readFileSync(p);
  for (const [ext, pack] of [
    ['.gz', (b) => gzipSync(b, { level: 9 })],
    ['.br', (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } })],
  ]) {
    rmSync(p + ext, { force: true });
    if (body.length < 1024) continue;
    const packed = pack(body);
    if (packed.length <= body.length * 0.9) writeFileSync(p + ext, packed);
  }
}
