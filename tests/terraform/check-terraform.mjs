#!/usr/bin/env node
// Offline check of terraform/ where no terraform binary exists: parses every .tf and .tftest.hcl
// with @cdktf/hcl2json and checks declarations, references, provider arguments and the seed's
// interface. Prints one line per problem and a summary; exits 1 on any problem, 2 on setup errors.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const HCL2JSON_VERSION = '0.21.0';

const RESOURCE_META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'connection', 'provisioner']);
const DATA_META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle']);
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
// Reference heads that are never declared in the module.
const BUILTIN_HEADS = new Set(['count', 'each', 'path', 'self', 'terraform']);

function usage(code) {
  const text = `usage: check-terraform.mjs [options]

Checks every .tf and .tftest.hcl file under the terraform directory, offline.

options:
  --root DIR                 terraform directory (default: <script>/../../terraform)
  --provider-attributes FILE aws-provider-attributes.json (default:
                             $IMGPROC_TESTDATA/terraform/aws-provider-attributes.json,
                             IMGPROC_TESTDATA defaulting to <script>/../../../shared/testdata)
  --extra-attributes FILE    attributes of other providers (default: <script>/extra-provider-attributes.json)
  --seed FILE                the seed module's interface (default: <script>/seed-interface.json)
  -h, --help                 show this help

environment:
  IMGPROC_NPM_PREFIX         npm --prefix holding @cdktf/hcl2json@${HCL2JSON_VERSION}
                             (default: ~/.cache/imgproc/npm-terraform)
`;
  (code === 0 ? process.stdout : process.stderr).write(text);
  process.exit(code);
}

function fatal(message) {
  process.stderr.write(`check-terraform: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const testdata = process.env.IMGPROC_TESTDATA || path.join(HERE, '..', '..', '..', 'shared', 'testdata');
  const opts = {
    root: path.join(HERE, '..', '..', 'terraform'),
    providerAttributes: path.join(testdata, 'terraform', 'aws-provider-attributes.json'),
    extraAttributes: path.join(HERE, 'extra-provider-attributes.json'),
    seed: path.join(HERE, 'seed-interface.json'),
  };
  const flags = {
    '--root': 'root',
    '--provider-attributes': 'providerAttributes',
    '--extra-attributes': 'extraAttributes',
    '--seed': 'seed',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') usage(0);
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(flag in flags)) {
      process.stderr.write(`check-terraform: unknown option ${arg}\n`);
      usage(2);
    }
    let value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) fatal(`${flag} needs a value`);
    opts[flags[flag]] = value;
  }
  for (const key of Object.keys(opts)) opts[key] = path.resolve(opts[key]);
  return opts;
}

async function loadHcl2json() {
  const prefix = process.env.IMGPROC_NPM_PREFIX || path.join(os.homedir(), '.cache', 'imgproc', 'npm-terraform');
  try {
    return createRequire(path.join(prefix, 'package.json'))('@cdktf/hcl2json');
  } catch {
    // fall through to the normal resolution (a node_modules next to the caller)
  }
  try {
    return await import('@cdktf/hcl2json');
  } catch {
    fatal(`cannot load @cdktf/hcl2json; install it with: npm install --prefix "${prefix}" @cdktf/hcl2json@${HCL2JSON_VERSION}`);
  }
  return null;
}

function readJson(file, what) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    fatal(`cannot read ${what} ${file}: ${err.message}`);
  }
  return null;
}

function walk(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'builds') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && (entry.name.endsWith('.tf') || entry.name.endsWith('.tftest.hcl'))) out.push(full);
  }
  return out;
}

// Blocks come out of hcl2json as arrays of bodies, expressions as "${...}" strings.
function blocks(value) {
  if (Array.isArray(value)) return value.filter((b) => b && typeof b === 'object');
  return value && typeof value === 'object' ? [value] : [];
}

function stripExpr(value) {
  if (typeof value !== 'string') return value;
  const m = /^\$\{([\s\S]*)\}$/.exec(value);
  return (m ? m[1] : value).replace(/\s+/g, '');
}

function providerOf(type) {
  const i = type.indexOf('_');
  return i > 0 ? type.slice(0, i) : type;
}

class Checker {
  constructor(hcl, opts) {
    this.hcl = hcl;
    this.opts = opts;
    this.root = opts.root;
    this.aws = readJson(opts.providerAttributes, 'provider attributes');
    this.extra = readJson(opts.extraAttributes, 'extra provider attributes');
    this.seed = readJson(opts.seed, 'seed interface');
    this.problems = [];
    this.seen = new Set();
    this.modules = new Map();
    this.unchecked = new Set();
    this.refCache = new Map();
    this.stats = { files: 0, resources: 0, data: 0, calls: 0, variables: 0, outputs: 0, tests: 0, refs: 0 };
    if (!this.aws.resource || !this.aws.data) fatal(`${opts.providerAttributes} has no "resource"/"data" maps`);
  }

  rel(file) {
    return path.relative(path.dirname(this.root), file) || file;
  }

  problem(file, where, message) {
    const line = `${this.rel(file)}: ${where ? `${where}: ` : ''}${message}`;
    if (!this.seen.has(line)) {
      this.seen.add(line);
      this.problems.push(line);
    }
  }

  schemaFor(kind, type) {
    const table = kind === 'resource' ? 'resource' : 'data';
    if (Object.hasOwn(this.aws[table], type)) return this.aws[table][type];
    if (this.extra[table] && Object.hasOwn(this.extra[table], type)) return this.extra[table][type];
    return undefined;
  }

  isResourceType(head) {
    return Object.hasOwn(this.aws.resource, head)
      || Object.hasOwn(this.extra.resource || {}, head)
      || /^aws_[a-z0-9_]+$/.test(head);
  }

  module(dir) {
    if (!this.modules.has(dir)) {
      this.modules.set(dir, {
        dir,
        files: [],
        tests: [],
        vars: new Map(),
        outputs: new Map(),
        locals: new Map(),
        resources: new Map(),
        data: new Map(),
        calls: new Map(),
        terraform: [],
        usedVars: new Set(),
        usedLocals: new Set(),
      });
    }
    return this.modules.get(dir);
  }

  async load() {
    if (!fs.existsSync(this.root) || !fs.statSync(this.root).isDirectory()) fatal(`no terraform directory at ${this.root}`);
    const files = walk(this.root, []).sort();
    if (files.length === 0) fatal(`no .tf files under ${this.root}`);
    for (const file of files) {
      this.stats.files++;
      let json;
      try {
        json = await this.hcl.parse(file, fs.readFileSync(file, 'utf8'));
      } catch (err) {
        this.problem(file, '', `does not parse: ${String(err.message || err).replace(/\s+/g, ' ')}`);
        continue;
      }
      if (file.endsWith('.tftest.hcl')) {
        const dir = path.dirname(file);
        const mod = this.module(path.basename(dir) === 'tests' ? path.dirname(dir) : dir);
        mod.tests.push({ file, json });
        this.stats.tests++;
      } else {
        this.collect(this.module(path.dirname(file)), file, json);
      }
    }
  }

  declare(map, key, entry, file, what) {
    if (map.has(key)) this.problem(file, what, `duplicate declaration (also in ${this.rel(map.get(key).file)})`);
    else map.set(key, entry);
  }

  collect(mod, file, json) {
    mod.files.push({ file, json });
    for (const [name, bodies] of Object.entries(json.variable || {})) {
      this.declare(mod.vars, name, { file, body: blocks(bodies)[0] || {} }, file, `variable.${name}`);
    }
    for (const [name, bodies] of Object.entries(json.output || {})) {
      this.declare(mod.outputs, name, { file, body: blocks(bodies)[0] || {} }, file, `output.${name}`);
    }
    for (const body of blocks(json.locals)) {
      for (const name of Object.keys(body)) this.declare(mod.locals, name, { file }, file, `local.${name}`);
    }
    for (const kind of ['resource', 'data']) {
      const target = kind === 'resource' ? mod.resources : mod.data;
      for (const [type, byName] of Object.entries(json[kind] || {})) {
        for (const [name, bodies] of Object.entries(byName)) {
          const prefix = kind === 'data' ? 'data.' : '';
          this.declare(target, `${type}.${name}`, { file, type, name, body: blocks(bodies)[0] || {} }, file, `${prefix}${type}.${name}`);
        }
      }
    }
    for (const [name, bodies] of Object.entries(json.module || {})) {
      this.declare(mod.calls, name, { file, body: blocks(bodies)[0] || {} }, file, `module.${name}`);
    }
    for (const body of blocks(json.terraform)) mod.terraform.push({ file, body });
  }

  async refsOf(file, text) {
    if (!text.includes('${') && !text.includes('%{')) return [];
    if (this.refCache.has(text)) return this.refCache.get(text);
    let refs = [];
    try {
      refs = (await this.hcl.getReferencesInExpression(file, text)).map((r) => r.value);
    } catch {
      // hcl2json re-quotes a string naively, so a literal '"' breaks it; a newline makes it
      // wrap the text in a heredoc instead, where quotes need no escaping.
      try {
        refs = (await this.hcl.getReferencesInExpression(file, `${text}\n`)).map((r) => r.value);
      } catch (err) {
        this.problem(file, '', `cannot read references of ${JSON.stringify(text.slice(0, 60))}: ${err.message || err}`);
      }
    }
    this.refCache.set(text, refs);
    return refs;
  }

  // Every string below value, with the key path that leads to it.
  *strings(value, trail = []) {
    if (typeof value === 'string') yield [value, trail];
    else if (Array.isArray(value)) for (const v of value) yield* this.strings(v, trail);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) yield* this.strings(v, [...trail, k]);
    }
  }

  async checkRefs(mod, file, where, value, { test = false, skipKeys = [], selfVar = null } = {}) {
    for (const [text, trail] of this.strings(value)) {
      if (trail.some((k) => skipKeys.includes(k))) continue;
      this.checkPathModule(mod, file, where, text);
      for (const ref of await this.refsOf(file, text)) {
        this.stats.refs++;
        this.checkRef(mod, file, where, ref, test, selfVar);
      }
    }
  }

  checkPathModule(mod, file, where, text) {
    const re = /\$\{path\.module\}\/([A-Za-z0-9_./-]+)/g;
    let m;
    while ((m = re.exec(text)) !== null) {
      const rest = m[1];
      const after = text.slice(m.index + m[0].length);
      if (after.startsWith('$') || after.startsWith('%')) continue; // the name continues with an expression
      if (!fs.existsSync(path.join(mod.dir, rest))) this.problem(file, where, `\${path.module}/${rest} does not exist`);
    }
  }

  checkRef(mod, file, where, ref, test, selfVar) {
    const parts = ref.split('.');
    const [head, a, b] = parts;
    switch (head) {
      case 'var':
        if (!test && a !== selfVar) mod.usedVars.add(a);
        if (!mod.vars.has(a)) this.problem(file, where, `var.${a} is not declared in ${this.rel(mod.dir)}`);
        return;
      case 'local':
        if (!test) mod.usedLocals.add(a);
        if (!mod.locals.has(a)) this.problem(file, where, `local.${a} is not declared in ${this.rel(mod.dir)}`);
        return;
      case 'module': {
        const call = mod.calls.get(a);
        if (!call) {
          this.problem(file, where, `module.${a} is not declared in ${this.rel(mod.dir)}`);
          return;
        }
        const target = this.callTarget(mod, call);
        if (target && b !== undefined && !target.outputs.has(b)) {
          this.problem(file, where, `module.${a}.${b}: ${this.rel(target.dir)} has no output "${b}"`);
        }
        return;
      }
      case 'data':
        if (!mod.data.has(`${a}.${b}`)) this.problem(file, where, `data.${a}.${b} is not declared in ${this.rel(mod.dir)}`);
        return;
      case 'output':
        if (test && !mod.outputs.has(a)) this.problem(file, where, `output.${a} is not an output of ${this.rel(mod.dir)}`);
        return;
      case 'run':
        return;
      default:
        if (BUILTIN_HEADS.has(head)) return;
        if (this.isResourceType(head) && a !== undefined && !mod.resources.has(`${head}.${a}`)) {
          this.problem(file, where, `${head}.${a} is not declared in ${this.rel(mod.dir)}`);
        }
    }
  }

  callTarget(mod, call) {
    const source = call.body.source;
    if (typeof source !== 'string' || !/^\.\.?\//.test(source)) return null;
    return this.modules.get(path.resolve(mod.dir, source)) || null;
  }

  checkArguments(mod, kind, entry) {
    const { file, type, name, body } = entry;
    const where = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
    const schema = this.schemaFor(kind, type);
    if (schema === undefined) {
      if (providerOf(type) === 'aws') this.problem(file, where, `unknown ${kind === 'data' ? 'data source' : 'resource'} type ${type}`);
      else this.unchecked.add(`${kind} ${type}`);
      return;
    }
    if (Object.keys(schema).length === 0) {
      this.unchecked.add(`${kind} ${type} (empty schema)`);
      return;
    }
    const meta = kind === 'resource' ? RESOURCE_META : DATA_META;
    const set = new Set();
    for (const key of Object.keys(body)) {
      if (meta.has(key)) continue;
      if (key === 'dynamic') {
        for (const [blockName, dynBodies] of Object.entries(body.dynamic || {})) {
          set.add(blockName);
          if (!Object.hasOwn(schema, blockName)) this.problem(file, where, `unknown argument ${blockName} (dynamic block)`);
          for (const dyn of blocks(dynBodies)) {
            if (!('for_each' in dyn)) this.problem(file, where, `dynamic "${blockName}" has no for_each`);
            if (!('content' in dyn)) this.problem(file, where, `dynamic "${blockName}" has no content block`);
          }
        }
        continue;
      }
      set.add(key);
      if (!Object.hasOwn(schema, key)) this.problem(file, where, `unknown argument ${key}`);
    }
    for (const [arg, required] of Object.entries(schema)) {
      if (required === true && !set.has(arg)) this.problem(file, where, `required argument ${arg} is not set`);
    }
  }

  checkDeclarations(mod) {
    for (const [name, { file, body }] of mod.vars) {
      this.stats.variables++;
      if (!('type' in body)) this.problem(file, `variable.${name}`, 'has no type');
      if (typeof body.description !== 'string' || body.description.trim() === '') this.problem(file, `variable.${name}`, 'has no description');
      for (const v of blocks(body.validation)) {
        if (!('condition' in v) || typeof v.error_message !== 'string') {
          this.problem(file, `variable.${name}`, 'validation needs a condition and an error_message');
        }
      }
    }
    for (const [name, { file, body }] of mod.outputs) {
      this.stats.outputs++;
      if (!('value' in body)) this.problem(file, `output.${name}`, 'has no value');
      if (typeof body.description !== 'string' || body.description.trim() === '') this.problem(file, `output.${name}`, 'has no description');
    }
  }

  // A validation may name only its own variable before Terraform 1.9 (versions.tf allows 1.7).
  async checkValidationScope(mod) {
    for (const [name, { file, body }] of mod.vars) {
      for (const v of blocks(body.validation)) {
        for (const [text] of this.strings(v.condition)) {
          for (const ref of await this.refsOf(file, text)) {
            const [head, a] = ref.split('.');
            if (head !== 'var' || a !== name) this.problem(file, `variable.${name}`, `validation refers to ${ref}; only var.${name} is allowed before Terraform 1.9`);
          }
        }
      }
    }
  }

  // Terraform accepts them, but an input that changes nothing misleads its user.
  checkUnused(mod) {
    for (const [name, { file }] of mod.vars) {
      if (!mod.usedVars.has(name)) this.problem(file, `variable.${name}`, 'is declared but never used');
    }
    for (const [name, { file }] of mod.locals) {
      if (!mod.usedLocals.has(name)) this.problem(file, `local.${name}`, 'is declared but never used');
    }
  }

  checkProviders(mod) {
    const used = new Set();
    for (const { type } of [...mod.resources.values(), ...mod.data.values()]) used.add(providerOf(type));
    if (used.size === 0) return;
    const declared = new Set();
    for (const { body } of mod.terraform) {
      for (const rp of blocks(body.required_providers)) for (const p of Object.keys(rp)) declared.add(p);
    }
    const file = (mod.terraform[0] && mod.terraform[0].file) || mod.files[0].file;
    if (mod.terraform.length === 0) {
      this.problem(file, '', `${this.rel(mod.dir)} has no terraform block (versions.tf)`);
      return;
    }
    if (!mod.terraform.some(({ body }) => 'required_version' in body)) this.problem(file, 'terraform', 'required_version is not set');
    for (const p of [...used].sort()) {
      if (!declared.has(p)) this.problem(file, 'terraform.required_providers', `provider "${p}" is used but not required`);
    }
  }

  checkCalls(mod) {
    for (const [name, call] of mod.calls) {
      this.stats.calls++;
      const { file, body } = call;
      const where = `module.${name}`;
      if (typeof body.source !== 'string') {
        this.problem(file, where, 'has no source');
        continue;
      }
      const target = this.callTarget(mod, call);
      if (!target) {
        if (/^\.\.?\//.test(body.source)) this.problem(file, where, `source ${body.source} is not a module under ${this.rel(this.root)}`);
        else this.unchecked.add(`module source ${body.source}`);
        continue;
      }
      for (const key of Object.keys(body)) {
        if (MODULE_META.has(key)) continue;
        if (!target.vars.has(key)) this.problem(file, where, `argument ${key} is not a variable of ${this.rel(target.dir)}`);
      }
      for (const [v, { body: vbody }] of target.vars) {
        if (!('default' in vbody) && !(v in body)) this.problem(file, where, `required variable ${v} of ${this.rel(target.dir)} is not set`);
      }
    }
  }

  checkSeed() {
    const dir = path.join(this.root, this.seed.module);
    const mod = this.modules.get(dir);
    const file = path.join(dir, 'variables.tf');
    if (!mod) {
      this.problem(dir, '', 'the seed module is missing');
      return;
    }
    for (const f of this.seed.required_files || []) {
      if (!fs.existsSync(path.join(dir, f))) this.problem(path.join(dir, f), '', 'file of the seed module is missing');
    }
    for (const input of this.seed.inputs) {
      const v = mod.vars.get(input.name);
      if (!v) {
        this.problem(file, '', `seed input ${input.name} (${input.type}) is not declared`);
        continue;
      }
      const type = stripExpr(v.body.type);
      if (type !== stripExpr(input.type)) this.problem(v.file, `variable.${input.name}`, `type is ${type}, the seed's is ${input.type}`);
    }
    for (const output of this.seed.outputs) {
      if (!mod.outputs.has(output.name)) this.problem(path.join(dir, 'outputs.tf'), '', `seed output ${output.name} is not declared`);
    }
    for (const name of this.seed.required_validations || []) {
      const v = mod.vars.get(name);
      if (v && blocks(v.body.validation).length === 0) this.problem(v.file, `variable.${name}`, 'needs a validation block');
    }
  }

  async checkTests(mod) {
    const usesAws = [...mod.resources.values(), ...mod.data.values()].some(({ type }) => providerOf(type) === 'aws');
    for (const { file, json } of mod.tests) {
      const mocks = Object.keys(json.mock_provider || {});
      const providers = Object.keys(json.provider || {});
      if (usesAws && !mocks.includes('aws') && !providers.includes('aws')) this.problem(file, '', 'has no mock_provider "aws"; it would run against AWS');
      for (const body of blocks(json.variables)) {
        for (const v of Object.keys(body)) if (!mod.vars.has(v)) this.problem(file, 'variables', `${v} is not a variable of ${this.rel(mod.dir)}`);
        await this.checkRefs(mod, file, 'variables', body, { test: true });
      }
      const runs = Object.entries(json.run || {});
      if (runs.length === 0) this.problem(file, '', 'has no run block');
      for (const [name, bodies] of runs) {
        for (const run of blocks(bodies)) {
          const where = `run.${name}`;
          for (const body of blocks(run.variables)) {
            for (const v of Object.keys(body)) if (!mod.vars.has(v)) this.problem(file, where, `${v} is not a variable of ${this.rel(mod.dir)}`);
          }
          if (blocks(run.assert).length === 0 && !('expect_failures' in run)) this.problem(file, where, 'asserts nothing');
          await this.checkRefs(mod, file, where, run, { test: true, skipKeys: ['module', 'command'] });
        }
      }
    }
  }

  async run() {
    await this.load();
    for (const mod of this.modules.values()) {
      if (mod.files.length === 0) {
        for (const { file } of mod.tests) this.problem(file, '', 'test file without a module beside it');
        continue;
      }
      this.checkDeclarations(mod);
      await this.checkValidationScope(mod);
      this.checkProviders(mod);
      this.checkCalls(mod);
      for (const entry of mod.resources.values()) {
        this.stats.resources++;
        this.checkArguments(mod, 'resource', entry);
      }
      for (const entry of mod.data.values()) {
        this.stats.data++;
        this.checkArguments(mod, 'data', entry);
      }
      for (const { file, json } of mod.files) {
        for (const [section, value] of Object.entries(json)) {
          if (section === 'variable') {
            // Types are not references; defaults and validations are checked like any expression.
            for (const [name, bodies] of Object.entries(value)) {
              await this.checkRefs(mod, file, `variable.${name}`, bodies, { skipKeys: ['type'], selfVar: name });
            }
          } else if (section === 'resource' || section === 'data') {
            for (const [type, byName] of Object.entries(value)) {
              for (const [name, bodies] of Object.entries(byName)) {
                const where = `${section === 'data' ? 'data.' : ''}${type}.${name}`;
                await this.checkRefs(mod, file, where, bodies, { skipKeys: ['ignore_changes'] });
              }
            }
          } else if (section === 'terraform') {
            continue;
          } else if (section === 'output' || section === 'module') {
            for (const [name, bodies] of Object.entries(value)) {
              await this.checkRefs(mod, file, `${section}.${name}`, bodies);
            }
          } else if (section === 'locals') {
            for (const body of blocks(value)) {
              for (const [name, expr] of Object.entries(body)) await this.checkRefs(mod, file, `local.${name}`, expr);
            }
          } else {
            await this.checkRefs(mod, file, section, value);
          }
        }
      }
      this.checkUnused(mod);
      await this.checkTests(mod);
    }
    this.checkSeed();
    return this.report();
  }

  report() {
    for (const line of this.problems) process.stdout.write(`${line}\n`);
    const s = this.stats;
    const moduleCount = [...this.modules.values()].filter((m) => m.files.length > 0).length;
    if (this.unchecked.size > 0) process.stdout.write(`check-terraform: not checked: ${[...this.unchecked].sort().join(', ')}\n`);
    process.stdout.write(`check-terraform: ${s.files} files in ${moduleCount} modules: ${s.resources} resources, ${s.data} data sources, `
      + `${s.calls} module calls, ${s.variables} variables, ${s.outputs} outputs, ${s.tests} test files, ${s.refs} references; `
      + `seed: ${this.seed.inputs.length} inputs, ${this.seed.outputs.length} outputs; `
      + `${this.problems.length} problem${this.problems.length === 1 ? '' : 's'}\n`);
    return this.problems.length === 0 ? 0 : 1;
  }
}

const opts = parseArgs(process.argv.slice(2));
const hcl = await loadHcl2json();
const checker = new Checker(hcl, opts);
process.exitCode = await checker.run();
