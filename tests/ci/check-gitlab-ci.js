// Checks examples/ci/gitlab/.gitlab-ci.yml without a GitLab server: it parses,
// every job names a declared stage, has a script and rules, every script it
// calls exists and is executable, and each JUnit report path is the file the
// job's script writes (plan.sh -> plan.xml, drift.sh -> drift.xml).
//   node check-gitlab-ci.js FILE REPO_ROOT
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const [file, root] = process.argv.slice(2);
const problems = [];
const document = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
for (const error of document.errors) problems.push(`YAML: ${error.message}`);
const pipeline = document.toJS() || {};
const stages = pipeline.stages || [];
const scriptsDir = (pipeline.variables || {}).FLOWLINK_CI_SCRIPTS;
if (!Array.isArray(stages) || stages.length === 0) problems.push('no stages');
if (!scriptsDir) problems.push('no FLOWLINK_CI_SCRIPTS variable');

const reserved = new Set(['stages', 'variables', 'default', 'workflow', 'include']);
const jobs = Object.entries(pipeline).filter(([name]) => !reserved.has(name) && !name.startsWith('.'));
if (jobs.length === 0) problems.push('no jobs');
for (const [name, job] of jobs) {
  if (!stages.includes(job.stage)) problems.push(`${name}: stage '${job.stage}' is not in stages`);
  if (!Array.isArray(job.script) || job.script.length === 0) problems.push(`${name}: no script`);
  if (!Array.isArray(job.rules) || job.rules.length === 0) problems.push(`${name}: no rules`);
  for (const line of job.script || []) {
    for (const match of line.matchAll(/\$FLOWLINK_CI_SCRIPTS\/([\w.-]+)/g)) {
      const script = path.join(root, scriptsDir, match[1]);
      try {
        fs.accessSync(script, fs.constants.X_OK);
      } catch {
        problems.push(`${name}: calls ${scriptsDir}/${match[1]}, which is missing or not executable`);
      }
    }
  }
  const junit = job.artifacts && job.artifacts.reports && job.artifacts.reports.junit;
  if (junit) {
    const written = (job.script || []).join('\n').includes('plan.sh') ? 'plan.xml' : 'drift.xml';
    if (path.basename(junit) !== written) problems.push(`${name}: JUnit report ${junit}, but the script writes ${written}`);
    const format = (job.variables || {}).PLAN_FORMAT || (job.variables || {}).DRIFT_FORMAT;
    if (format !== 'junit') problems.push(`${name}: a JUnit report without PLAN_FORMAT/DRIFT_FORMAT=junit`);
  }
  for (const need of job.needs || []) {
    const needed = typeof need === 'string' ? need : need.job;
    if (!pipeline[needed]) problems.push(`${name}: needs '${needed}', which is no job`);
  }
}
if (problems.length > 0) {
  for (const problem of problems) console.log(`${file}: ${problem}`);
  process.exit(1);
}
console.log(`${file}: ${jobs.length} jobs (${jobs.map(([name]) => name).join(', ')}) check out`);
