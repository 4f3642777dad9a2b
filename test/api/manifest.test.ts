import { GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiFunctions, dataSourceDefinitions, resolverDefinitions } from '../../model/api.ts';
import { PHOTO_STATUSES, UNASSIGNED_REASONS } from '../../model/domain.ts';
import { APPSYNC_CODE_LIMIT_BYTES, bundleResolver } from '../../resolvers/bundle.ts';
import { loadApiSchema } from '../../local/appsync/schema.ts';

const { schema } = loadApiSchema();
const files = [...resolverDefinitions.map((r) => r.file), ...apiFunctions.map((f) => f.file)];

describe('the schema', () => {
  it('has the statuses and reasons the records hold', () => {
    const values = (name: string) =>
      (schema.getType(name) as GraphQLEnumType).getValues().map((value) => value.name);

    expect(values('PhotoStatus')).toEqual([...PHOTO_STATUSES]);
    expect(values('UnassignedReason')).toEqual([...UNASSIGNED_REASONS]);
  });
});

describe('the API manifest', () => {
  it('names fields of the schema only', () => {
    for (const { typeName, fieldName } of resolverDefinitions) {
      const type = schema.getType(typeName) as { getFields?: () => Record<string, unknown> };
      expect(type?.getFields?.()[fieldName], `${typeName}.${fieldName}`).toBeDefined();
    }
  });

  it('names data sources and functions it defines', () => {
    const sources = new Set(dataSourceDefinitions.map((d) => d.name));
    const functions = new Set(apiFunctions.map((f) => f.name));
    for (const resolver of resolverDefinitions) {
      if (resolver.kind === 'UNIT') expect(sources).toContain(resolver.dataSource);
      else for (const name of resolver.functions) expect(functions).toContain(name);
    }
    for (const f of apiFunctions) expect(sources).toContain(f.dataSource);
  });

  it.each(files)('bundles %s into an APPSYNC_JS module with a request and a response', (file) => {
    const code = bundleResolver(file);

    expect(Buffer.byteLength(code)).toBeLessThanOrEqual(APPSYNC_CODE_LIMIT_BYTES);
    expect(code).toMatch(/export \{[^}]*\brequest\b[^}]*\}/);
    expect(code).toMatch(/export \{[^}]*\bresponse\b[^}]*\}/);
    expect(code).not.toMatch(/^import .* from "(?!@aws-appsync\/utils")/m);
  });
});
