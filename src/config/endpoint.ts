// Endpoints as plans and policies see them: name, provider and URL, never key material.
import * as z from 'zod/mini';

const Text = z.string().check(z.minLength(1));

/** The endpoint a native plan talks to. */
export const EndpointSchema = z.object({ name: Text, provider: Text, url: z.string() });
export type Endpoint = z.infer<typeof EndpointSchema>;

/** A configured endpoint as policies read it: the plan's shape plus `is_default`. */
export const PublicEndpointSchema = z.extend(EndpointSchema, { is_default: z.boolean() });
export type PublicEndpoint = z.infer<typeof PublicEndpointSchema>;

/** wg's `EndpointConfig::default_url_for_provider` (reference §1.7); other providers have none (""). */
export const DEFAULT_URLS: Readonly<Record<string, string>> = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  gemini: 'https://generativelanguage.googleapis.com/v1beta/openai',
  ollama: 'http://localhost:11434/v1',
  llamacpp: 'http://localhost:8080/v1',
  vllm: 'http://localhost:8000/v1',
  local: 'http://localhost:11434/v1',
};

/** The default URL of a provider, or '' (own property only: a provider name is config data). */
export function defaultUrlFor(provider: string): string {
  return Object.prototype.hasOwnProperty.call(DEFAULT_URLS, provider) ? DEFAULT_URLS[provider] : '';
}
