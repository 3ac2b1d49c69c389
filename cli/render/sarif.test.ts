import { Ajv } from 'ajv';
import formatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { fileUri, renderSarif } from './sarif.ts';
import { DIAGNOSTICS } from './test-fixtures.ts';

const DOCS = 'https://hush.invalid/spec/diagnostics.md';

/** The part of the SARIF 2.1.0 schema that our output uses, with its types, ranges and enums. */
const sarifShape = {
  type: 'object',
  required: ['$schema', 'version', 'runs'],
  properties: {
    $schema: { type: 'string', format: 'uri' },
    version: { const: '2.1.0' },
    runs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['tool', 'results'],
        properties: {
          tool: {
            type: 'object',
            required: ['driver'],
            properties: {
              driver: {
                type: 'object',
                required: ['name', 'rules'],
                properties: {
                  name: { type: 'string' },
                  version: { type: 'string' },
                  informationUri: { type: 'string', format: 'uri' },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['id', 'shortDescription', 'helpUri'],
                      additionalProperties: false,
                      properties: {
                        id: { type: 'string' },
                        shortDescription: { $ref: '#/$defs/message' },
                        helpUri: { type: 'string', format: 'uri' },
                      },
                    },
                  },
                },
              },
            },
          },
          columnKind: { enum: ['utf16CodeUnits', 'unicodeCodePoints'] },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['ruleId', 'level', 'message', 'locations'],
              additionalProperties: false,
              properties: {
                ruleId: { type: 'string' },
                ruleIndex: { type: 'integer', minimum: 0 },
                level: { enum: ['none', 'note', 'warning', 'error'] },
                message: { $ref: '#/$defs/message' },
                locations: { type: 'array', minItems: 1, items: { $ref: '#/$defs/location' } },
                relatedLocations: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['id', 'message', 'physicalLocation'],
                    additionalProperties: false,
                    properties: {
                      id: { type: 'integer', minimum: -1 },
                      message: { $ref: '#/$defs/message' },
                      physicalLocation: { $ref: '#/$defs/physicalLocation' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  $defs: {
    message: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
    location: {
      type: 'object',
      required: ['physicalLocation'],
      additionalProperties: false,
      properties: { physicalLocation: { $ref: '#/$defs/physicalLocation' } },
    },
    physicalLocation: {
      type: 'object',
      required: ['artifactLocation', 'region'],
      additionalProperties: false,
      properties: {
        artifactLocation: {
          type: 'object',
          required: ['uri'],
          additionalProperties: false,
          properties: { uri: { type: 'string', format: 'uri-reference' } },
        },
        region: {
          type: 'object',
          required: ['startLine', 'startColumn', 'endLine', 'endColumn'],
          additionalProperties: false,
          properties: {
            startLine: { type: 'integer', minimum: 1 },
            startColumn: { type: 'integer', minimum: 1 },
            endLine: { type: 'integer', minimum: 1 },
            endColumn: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: true });
// ajv-formats is CommonJS: its plugin is the module's default export.
const addFormats = formatsModule.default;
addFormats(ajv);
const validate = ajv.compile(sarifShape);

describe('renderSarif', () => {
  const out = renderSarif(DIAGNOSTICS, { docs: DOCS, toolVersion: '0.0.0-test' });
  const log = JSON.parse(out);
  const run = log.runs[0];

  it('matches the golden output', async () => {
    await expect(out).toMatchFileSnapshot('./golden/sarif.golden.json');
  });

  it('is valid against the SARIF 2.1.0 shape', () => {
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is rejected by the shape check when it is wrong, so the check means something', () => {
    const broken = JSON.parse(out);
    broken.runs[0].results[0].level = 'info';
    broken.runs[0].results[1].locations[0].physicalLocation.region.startColumn = 0;
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/runs/0/results/0/level', '/runs/0/results/1/locations/0/physicalLocation/region/startColumn']),
    );
  });

  it('lists one rule per code used, and every result points at its rule', () => {
    const codes = [...new Set(DIAGNOSTICS.map((d) => d.code))].sort();
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(codes);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(run.tool.driver.rules[0].helpUri).toBe(DOCS);
    expect(run.tool.driver.rules[0].shortDescription.text).toBe('check: duplicate name');
  });

  it('maps severities to levels and positions to regions unchanged', () => {
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(
      DIAGNOSTICS.map((d) => ({ error: 'error', warning: 'warning', info: 'note', hint: 'note' })[d.severity]),
    );
    DIAGNOSTICS.forEach((d, i) => {
      expect(run.results[i].locations[0].physicalLocation.region).toEqual({
        startLine: d.range.start.line,
        startColumn: d.range.start.column,
        endLine: d.range.end.line,
        endColumn: d.range.end.column,
      });
    });
    expect(run.columnKind).toBe('utf16CodeUnits');
  });

  it('writes paths as relative URIs with forward slashes, escaped', () => {
    expect(fileUri('examples/shop.policy')).toBe('examples/shop.policy');
    expect(fileUri('examples\\lists\\vip.txt')).toBe('examples/lists/vip.txt');
    expect(fileUri('./零售 规则/a#b.policy')).toBe('./%E9%9B%B6%E5%94%AE%20%E8%A7%84%E5%88%99/a%23b.policy');
    expect(fileUri('/abs/x.policy')).toBe('file:///abs/x.policy');
  });

  it('describes codes with the meanings it is given', () => {
    const meanings = new Map([['hush/check/unknown-name', 'a name that nothing declares']]);
    const rules = JSON.parse(renderSarif(DIAGNOSTICS, { describe: (c) => meanings.get(c) })).runs[0].tool.driver.rules;
    expect(rules.find((r: { id: string }) => r.id === 'hush/check/unknown-name').shortDescription.text).toBe('a name that nothing declares');
  });
});
