// Which loaded engine serves a request's `model`, or Deepgram's 400 naming the models this server has.
import type { Engine } from '../engines/engine.js';
import type { EngineSet } from '../engines/engine-set.js';
import { HandshakeError } from '../protocol/failure-codes.js';

export function engineForModel(engines: EngineSet, model: string): Engine {
  const engine = engines.forModel(model);
  if (engine) return engine;
  const loaded = engines.names.join(', ');
  throw new HandshakeError(
    'INVALID_QUERY_PARAMETER',
    `Invalid 'model' value of '${model}'. This server has loaded ${loaded} (start it with --models ${[...new Set([...engines.names, model.toLowerCase()])].map((m) => m.replace(/^moonshine-/, '')).join(',')} to add it); Deepgram model names such as nova-3 use the default, ${engines.names[0]}.`,
  );
}
