// Deepgram's message shapes as the strictest clients need them (deepgram-api-reference §0 item 6,
// §4.2): a missing field here breaks the Python SDK, LiveKit or the Rust SDK.
import { z } from 'zod';

const word = z.strictObject({
  word: z.string().regex(/^[^A-Z]*$/, 'word is lower case'),
  punctuated_word: z.string(),
  start: z.number().min(0),
  end: z.number().min(0),
  confidence: z.number().min(0).max(1),
});

const modelInfo = z.strictObject({ name: z.string().min(1), version: z.string().min(1), arch: z.string().min(1) });

export const resultsSchema = z.strictObject({
  type: z.literal('Results'),
  channel_index: z.tuple([z.number().int().min(0), z.number().int().min(1)]),
  duration: z.number().min(0),
  start: z.number().min(0),
  is_final: z.boolean(),
  speech_final: z.boolean(),
  from_finalize: z.boolean(),
  channel: z.strictObject({
    alternatives: z.array(z.strictObject({ transcript: z.string(), confidence: z.number().min(0).max(1), words: z.array(word) })).length(1),
    search: z.array(z.strictObject({ query: z.string(), hits: z.array(z.strictObject({ confidence: z.number().min(0).max(1), start: z.number().min(0), end: z.number().min(0), snippet: z.string() })) })).optional(),
  }),
  metadata: z.strictObject({
    request_id: z.uuid(),
    model_info: modelInfo,
    model_uuid: z.string().min(1),
    extra: z.record(z.string(), z.string()).optional(),
  }),
});

export const metadataSchema = z.strictObject({
  type: z.literal('Metadata'),
  transaction_key: z.literal('deprecated'),
  request_id: z.uuid(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  created: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
  duration: z.number().min(0),
  channels: z.number().int().min(0),
  models: z.array(z.string()).length(1),
  model_info: z.record(z.string(), modelInfo),
  extra: z.record(z.string(), z.string()).optional(),
});
