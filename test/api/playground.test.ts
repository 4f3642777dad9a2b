import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_ASSETS } from '../../local/appsync/playground.ts';
import { API_KEY, startApiHarness, type ApiHarness } from './support.ts';

let harness: ApiHarness;

beforeAll(async () => {
  harness = await startApiHarness();
});

afterAll(async () => {
  await harness?.close();
});

describe('the GraphiQL playground', () => {
  it('is served at / with the local key and owner in its headers', async () => {
    const response = await fetch(harness.api.playgroundUrl);
    const page = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page).toContain(API_KEY);
    expect(page).toContain('x-owner-id');
    expect(page).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
  });

  it.each(Object.keys(PLAYGROUND_ASSETS))('serves %s from node_modules', async (path) => {
    const response = await fetch(new URL(path, harness.api.playgroundUrl));

    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('answers 404 for anything else', async () => {
    expect((await fetch(new URL('/playground/nope.js', harness.api.playgroundUrl))).status).toBe(
      404,
    );
  });
});
