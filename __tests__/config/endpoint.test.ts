// Endpoints as plans see them: the schemas, and wg's default URL per provider (own properties only).
import { describe, expect, test } from '@jest/globals';
import { DEFAULT_URLS, defaultUrlFor, EndpointSchema, PublicEndpointSchema } from '../../src/config/endpoint.js';

describe('defaultUrlFor', () => {
  test.each([
    ['anthropic', 'https://api.anthropic.com'],
    ['openai', 'https://api.openai.com/v1'],
    ['openrouter', 'https://openrouter.ai/api/v1'],
    ['ollama', 'http://localhost:11434/v1'],
    ['local', 'http://localhost:11434/v1'],
    ['custom', ''],
    ['', ''],
    ['toString', ''],
    ['__proto__', ''],
    ['constructor', ''],
  ])('%s → %j', (provider, url) => {
    expect(defaultUrlFor(provider)).toBe(url);
  });

  test('every default URL is http(s) and carries no credentials', () => {
    for (const url of Object.values(DEFAULT_URLS)) expect(url).toMatch(/^https?:\/\/[^@?]+$/);
  });
});

describe('schemas', () => {
  test.each([
    { note: 'a plan endpoint', schema: EndpointSchema, value: { name: 'a', provider: 'openai', url: '' }, ok: true },
    { note: 'an empty name', schema: EndpointSchema, value: { name: '', provider: 'openai', url: 'u' }, ok: false },
    { note: 'an empty provider', schema: EndpointSchema, value: { name: 'a', provider: '', url: 'u' }, ok: false },
    { note: 'a public endpoint', schema: PublicEndpointSchema, value: { name: 'a', provider: 'p', url: 'u', is_default: false }, ok: true },
    { note: 'a public endpoint needs is_default', schema: PublicEndpointSchema, value: { name: 'a', provider: 'p', url: 'u' }, ok: false },
  ])('$note', ({ schema, value, ok }) => {
    expect(schema.safeParse(value).success).toBe(ok);
  });

  test('key material is not part of an endpoint', () => {
    const r = PublicEndpointSchema.safeParse({ name: 'a', provider: 'p', url: 'u', is_default: true, api_key: 'sk-1' });
    expect(r.success && r.data).toEqual({ name: 'a', provider: 'p', url: 'u', is_default: true });
  });
});
