// Validates glTF / GLB files with the Khronos glTF validator (npm gltf-validator) and prints one
// JSON line a file: {"file", "errors", "warnings", "infos", "hints", "messages": [first 20 issues]}.
// Exit status 1 when a file has errors. tools/setup.sh --tests installs the validator under
// ~/.cache/nfield/npm; NFIELD_GLTF_VALIDATOR names another node_modules/gltf-validator.
//   node tools/gltf-validate.mjs FILE...
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const where = process.env.NFIELD_GLTF_VALIDATOR || join(homedir(), '.cache/nfield/npm/node_modules/gltf-validator');
const validator = createRequire(import.meta.url)(where);
let bad = 0;
for (const file of process.argv.slice(2)) {
  const report = await validator.validateBytes(new Uint8Array(readFileSync(file)), { maxIssues: 1000 });
  const i = report.issues;
  const messages = i.messages.slice(0, 20).map(m => `${['error', 'warning', 'info', 'hint'][m.severity]} ${m.code} at ${m.pointer || m.offset}: ${m.message}`);
  console.log(JSON.stringify({ file, errors: i.numErrors, warnings: i.numWarnings, infos: i.numInfos, hints: i.numHints, messages }));
  if (i.numErrors > 0) bad++;
}
process.exit(bad ? 1 : 0);
