// Prints, for each Dockerfile given, the validator's diagnostics and the parsed instructions by
// stage, as one JSON object: {"FILE": {"diagnostics": [...], "stages": [[{"keyword","args","json"}]]}}.
// Used by proxy-core's DockerfileTest; `node docker/lint/lint.js docker/Dockerfile.proxy` by hand.
'use strict';
const fs = require('fs');
const ast = require('dockerfile-ast');
const utils = require('dockerfile-utils');

const out = {};
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
  const diagnostics = utils.validate(text).map(d => ({
    line: d.range.start.line + 1, severity: d.severity === 1 ? 'error' : 'warning', message: d.message,
  }));
  const stages = [];
  let current = null;
  for (const instruction of ast.DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      current = [];
      stages.push(current);
    }
    if (current === null) {
      continue; // ARGs before the first FROM
    }
    const entry = { keyword, args: instruction.getArguments().map(a => a.getValue()) };
    if (typeof instruction.getJSONStrings === 'function' && instruction.getJSONStrings().length > 0) {
      entry.json = instruction.getJSONStrings().map(s => s.getJSONValue());
    }
    current.push(entry);
  }
  out[file] = { diagnostics, stages };
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
